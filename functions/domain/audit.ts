/**
 * The audit event and its hash chain, written by functions/adapters/store.ts and verified here: each
 * aggregate's events carry a sequence number (1, 2, 3…) and the hash of the event before; each
 * event's hash covers the previous hash and its own canonical JSON. Pure: no AWS.
 */
import { canonicalJson, sha256 } from '../shared/canonical.ts';

export const GENESIS = '0'.repeat(64);

/** One change of one aggregate, as the auditor reads it: who did what, when, why. */
export interface AuditEvent {
  aggregateType: string;
  aggregateId: string;
  seq: number;
  prevHash: string;
  hash: string;
  at: string;
  actor: { sub: string; name: string; role: string };
  entityId: string;
  action: string;
  reason?: string;
  change: unknown;
  executionArn?: string;
}

/** The hash of an event: over the previous event's hash and the event's canonical JSON (without its hash). */
export const hashEvent = (event: Omit<AuditEvent, 'hash'>): string =>
  sha256(String(event.prevHash) + canonicalJson(event));

/**
 * An event as read back from the table, with its storage fields (keys, index entries, the
 * aggregate's location). Anyone with table access could have edited it: the verifier trusts none
 * of its fields, and hashes whatever it holds.
 */
export type StoredEvent = AuditEvent & { SK?: string; [field: string]: unknown };

/** The stored fields that are not part of the hashed event (keys, index entries, location). */
const STORAGE = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'itemPK', 'itemSK', 'hash']);

export type FindingKind = 'edited' | 'gap' | 'reordered' | 'aggregate-mismatch';

export interface Finding {
  kind: FindingKind;
  aggregate: string;
  /** Where: the sequence number (or the stored position) the finding is at. */
  seq: number;
  detail: string;
}

/** The hash the stored event should have, from what it holds now. */
export const recomputeHash = (e: StoredEvent): string =>
  hashEvent(
    Object.fromEntries(Object.entries(e).filter(([k]) => !STORAGE.has(k))) as Omit<AuditEvent, 'hash'>,
  );

/**
 * Checks one aggregate's chain, its events in stored order (by sort key), and optionally the
 * aggregate as stored (its version and auditHead must be those of the last event). `from`: where
 * the events go on from, the genesis by default, or a chain head a signed digest fixed (its
 * sequence number, hash and the aggregate's name): then only the events after it are given.
 */
export const verifyChain = (
  events: StoredEvent[],
  aggregate?: { version?: number; auditHead?: string },
  from?: { seq: number; hash: string; name: string },
): Finding[] => {
  const findings: Finding[] = [];
  const first = events[0];
  if (!first && !from) return findings;
  const name = from?.name ?? `${first?.aggregateType} ${first?.aggregateId}`;
  let expectedSeq = (from?.seq ?? 0) + 1;
  let prevHash = from?.hash ?? GENESIS;
  for (const [i, e] of events.entries()) {
    const position = e.SK ? Number(String(e.SK).replace(/^SEQ#/, '')) : (from?.seq ?? 0) + i + 1;
    if (recomputeHash(e) !== e.hash) {
      findings.push({
        kind: 'edited',
        aggregate: name,
        seq: e.seq,
        detail: `Event ${e.seq} (${String(e.action)}) does not match its hash: it was changed after it was written`,
      });
    }
    if (position !== e.seq) {
      findings.push({
        kind: 'reordered',
        aggregate: name,
        seq: position,
        detail: `The event stored at position ${position} says it is number ${e.seq}`,
      });
    } else if (e.seq > expectedSeq) {
      findings.push({
        kind: 'gap',
        aggregate: name,
        seq: expectedSeq,
        detail: `Event${e.seq - expectedSeq > 1 ? 's' : ''} ${expectedSeq}${e.seq - expectedSeq > 1 ? `–${e.seq - 1}` : ''} missing`,
      });
    } else if (e.prevHash !== prevHash) {
      findings.push({
        kind: 'reordered',
        aggregate: name,
        seq: e.seq,
        detail: `Event ${e.seq} does not follow event ${e.seq - 1}: its link to the previous hash is broken`,
      });
    }
    expectedSeq = Math.max(expectedSeq, e.seq) + 1;
    prevHash = e.hash;
  }
  const last = events.at(-1) ?? { seq: from?.seq ?? 0, hash: from?.hash ?? GENESIS };
  if (aggregate && (aggregate.version !== last.seq || aggregate.auditHead !== last.hash)) {
    findings.push({
      kind: 'aggregate-mismatch',
      aggregate: name,
      seq: last.seq,
      detail:
        aggregate.version === undefined
          ? 'The aggregate is missing although it has events'
          : `The aggregate is at version ${aggregate.version} but its last event is ${last.seq}${aggregate.auditHead !== last.hash ? ' (and its audit head differs)' : ''}: it changed without its event, or events are missing`,
    });
  }
  return findings;
};

/** An aggregate's item as a verification reads it: its version and the hash of its last event. */
export interface AggregateState {
  version?: number;
  auditHead?: string;
}

/**
 * A chain and its aggregate's item, read one after the other, agree (`verifyChain`), or are read
 * again until they do. A change committed between the two reads leaves the item at a version the
 * chain has already passed: read again, item first and then chain, the two agree, and there is
 * nothing to report (an auditor verifying a tender while bids arrive or the workflow moves on).
 * An item rolled back to an earlier version stays behind however often it is read, and is
 * reported; so is every other finding, which reading again cannot change. At most `attempts`
 * rereads.
 */
export const settledChain = async (
  chain: StoredEvent[],
  item: AggregateState | undefined,
  reread: () => Promise<{ chain: StoredEvent[]; item: AggregateState | undefined }>,
  attempts = 3,
): Promise<{ chain: StoredEvent[]; item: AggregateState | undefined; findings: Finding[] }> => {
  const behind = (c: StoredEvent[], i: AggregateState | undefined) =>
    i?.version !== undefined && i.version < (c.at(-1)?.seq ?? 0);
  let findings = verifyChain(chain, item);
  for (let attempt = 0; attempt < attempts && findings.length && behind(chain, item); attempt++) {
    ({ chain, item } = await reread());
    findings = verifyChain(chain, item);
  }
  return { chain, item, findings };
};
