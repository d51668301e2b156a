/**
 * Signed audit digests: what lets an auditor verify the audit trail without trusting whoever runs
 * the table (issue 14; AWS CloudTrail's digest files are the model). Pure: no AWS, no I/O; node:crypto
 * for hashing and signatures only.
 *
 * ## Why
 *
 * The hash chain of functions/domain/audit.ts detects an edit of one event, but anyone able to
 * write the table can rewrite a whole chain consistently (recompute every hash from the edited
 * event on) and `verifyChain` still says it is fine. A digest fixes each chain's head (its last
 * sequence number and hash) at a time, is signed with a key the writers cannot use, and is kept
 * outside the table (S3 with Object Lock). Since every event's hash covers the previous event's hash,
 * a head fixes every event before it: a rewrite after the digest no longer reaches the digest's head.
 *
 * ## The format (version 1)
 *
 * One chain of digests per audit scope: an entity id (`helse-sor-ost`, the `entityId` of its events)
 * or `global` for the shared supplier register. Each digest:
 *
 * ```json
 * { "version": 1, "scope": "helse-sor-ost", "number": 7,
 *   "createdAt": "2026-11-23T11:00:00.000Z",
 *   "from": "2026-11-23T10:00:00.000Z", "to": "2026-11-23T11:00:00.000Z",
 *   "previousDigestHash": "<digestHash of number 6; 64 zeros (GENESIS) for number 1>",
 *   "heads": [{ "aggregate": "tender#t-1", "seq": 12, "hash": "<the hash of event 12>" }],
 *   "anomalies": [{ "at": "…", "kind": "modified", "key": { "PK": "AUDIT#tender#t-1", "SK": "SEQ#0000000003" },
 *                   "detail": "…" }] }
 * ```
 *
 * - `number`: 1, 2, 3… per scope, without gaps; `previousDigestHash` links each digest to the one
 *   before, as events link to theirs, so a digest cannot be dropped from the middle unnoticed.
 * - `from`–`to`: the period it covers: from the previous digest's `createdAt` (or the first event's
 *   time) to its own creation.
 * - `heads`: every chain of the scope whose head moved in the period, sorted by aggregate
 *   (`${aggregateType}#${aggregateId}`, the audit partition key without `AUDIT#`), each with its last
 *   sequence number and that event's hash as of `to`. A chain that did not change is in an earlier
 *   digest.
 * - `anomalies`: what the table's stream watcher saw happen to audit items in the period, which should
 *   never happen: an overwrite (`modified`), a deletion (`removed`), a time to live set on one
 *   (`expiring`); each with the item's key and when.
 *
 * The digest's hash (`digestHash`) is the SHA-256 (hex) of its canonical JSON
 * (functions/shared/canonical.ts: keys sorted at every level, no whitespace, UTF-8). A signed digest,
 * the file written to the bucket, is
 *
 * ```json
 * { "digest": { … }, "digestHash": "<hex>", "signature": "<base64 DER>", "keyId": "<KMS key ARN or local id>",
 *   "algorithm": "ECDSA_SHA_256" }
 * ```
 *
 * where `signature` is what AWS KMS `Sign` returns for an ECC_NIST_P256 key with
 * `SigningAlgorithm: ECDSA_SHA_256` and `MessageType: DIGEST` over the 32 bytes of `digestHash`: an
 * ECDSA P-256 signature (DER) of that SHA-256. That is exactly what node:crypto's
 * `verify('sha256', canonicalJsonBytes, publicKey, signature)` checks (it hashes the bytes to the same
 * 32 bytes, then verifies the ECDSA signature of them), and what `openssl dgst -sha256 -verify` checks,
 * so an auditor needs nothing of ours: the public key (KMS `GetPublicKey`, DER or PEM), the digest
 * files and an export of the events.
 *
 * ## Verifying
 *
 * - Full (the offline verifier, scripts/audit-verify.ts): every chain with `verifyChain`, every
 *   signature, the digest chain, and every head of every digest against the events
 *   (`verifyAgainstDigests`).
 * - Incremental (the server): `coveredUpTo(digests)` gives each aggregate's latest digested head; read
 *   only the events from that head on; `verifyAgainstDigests(those, digests, { heads: 'latest',
 *   complete: false })` checks the head still is what was signed, and `verifyFromHead` checks the
 *   events after it (`eventsToVerify` picks them). The head's hash covers every earlier event, so what
 *   was digested cannot have been rewritten consistently; an inconsistent edit of an earlier stored
 *   event (one that breaks its link) is found only by a full verification, which is why the offline
 *   verifier reads everything.
 *
 * What a digest cannot show: a chain changed after the latest digest (the next one fixes it), or the
 * latest digest withheld (the one before it still verifies); compare `to` with the time of the export.
 */
import { createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson, sha256 } from '../shared/canonical.ts';
import {
  type AuditEvent,
  type Finding,
  GENESIS,
  recomputeHash,
  type StoredEvent,
  verifyChain,
} from './audit.ts';

/** A chain's head as a digest fixes it: the aggregate (`${aggregateType}#${aggregateId}`), its last sequence number and that event's hash. */
export interface DigestHead {
  aggregate: string;
  seq: number;
  hash: string;
}

/** Something the stream watcher saw happen to an audit item: it is only ever appended. */
export interface AuditAnomaly {
  at: string;
  kind: 'modified' | 'removed' | 'expiring';
  key: { PK: string; SK: string };
  detail: string;
}

export interface AuditDigest {
  version: 1;
  scope: string;
  /** 1, 2, 3… per scope. */
  number: number;
  createdAt: string;
  /** The period's start: the previous digest's createdAt, or the first event's time. */
  from: string;
  to: string;
  /** The digestHash of number - 1; GENESIS for number 1. */
  previousDigestHash: string;
  /** Every chain head of the scope as of `to` that changed since the previous digest, sorted by aggregate. */
  heads: DigestHead[];
  anomalies: AuditAnomaly[];
}

export const SIGNING_ALGORITHM = 'ECDSA_SHA_256';

/** A digest as written outside the table: with its hash and the signature of that hash. */
export interface SignedDigest {
  digest: AuditDigest;
  /** SHA-256 (hex) of canonicalJson(digest). */
  digestHash: string;
  /** Base64 DER ECDSA P-256 signature over the 32 bytes of digestHash (KMS Sign, MessageType DIGEST). */
  signature: string;
  keyId: string;
  algorithm: typeof SIGNING_ALGORITHM;
}

/** What an auditor takes home: one scope's audit events as stored (with their keys). */
export interface AuditExport {
  scope: string;
  exportedAt: string;
  events: StoredEvent[];
  /**
   * Chains left out of the export, whole, and why: the bids of a tender not yet opened (who bid is
   * sealed until the opening, for the entity's auditors too). A digest head of one of them is
   * reported as withheld, not missing; the next export after the opening holds them.
   */
  withheld?: { aggregate: string; reason: string }[];
}

/** The event fields a digest reads. */
export type HeadEvent = Pick<AuditEvent, 'aggregateType' | 'aggregateId' | 'seq' | 'hash' | 'at'> & {
  PK?: unknown;
};

/**
 * The aggregate an event belongs to, as digests name it: its audit partition (`AUDIT#tender#t-1`
 * gives `tender#t-1`) when the event is read back with its key, else its own fields.
 */
export const aggregateOf = (e: HeadEvent): string =>
  typeof e.PK === 'string' && e.PK.startsWith('AUDIT#')
    ? e.PK.slice('AUDIT#'.length)
    : `${e.aggregateType}#${e.aggregateId}`;

export const digestHash = (digest: AuditDigest): string => sha256(canonicalJson(digest));

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What the next digest needs of the previous one: the digest, or what its maker kept of it. */
export type DigestLink = Pick<AuditDigest, 'scope' | 'number' | 'createdAt'> & { digestHash: string };

/**
 * The scope's next digest, at `at`: the heads of the chains the events (those written since
 * `previous.to`, or all for the first) moved, and the anomalies seen since. Undefined when nothing
 * changed and nothing was seen: no digest is written for an empty period.
 */
export const nextDigest = (
  scope: string,
  previous: AuditDigest | DigestLink | undefined,
  events: HeadEvent[],
  anomalies: AuditAnomaly[],
  at: string,
): AuditDigest | undefined => {
  if (previous && previous.scope !== scope)
    throw new Error(`The previous digest is of scope ${previous.scope}, not ${scope}`);
  if (!events.length && !anomalies.length) return undefined;
  const heads = new Map<string, DigestHead>();
  for (const e of events) {
    const aggregate = aggregateOf(e);
    const head = heads.get(aggregate);
    if (!head || e.seq > head.seq) heads.set(aggregate, { aggregate, seq: e.seq, hash: e.hash });
  }
  const times = [...events.map((e) => e.at), ...anomalies.map((a) => a.at)].sort(byString);
  return {
    version: 1,
    scope,
    number: (previous?.number ?? 0) + 1,
    createdAt: at,
    from: previous?.createdAt ?? times[0] ?? at,
    to: at,
    previousDigestHash: !previous
      ? GENESIS
      : 'digestHash' in previous
        ? previous.digestHash
        : digestHash(previous),
    heads: [...heads.values()].sort((a, b) => byString(a.aggregate, b.aggregate)),
    anomalies: [...anomalies].sort(
      (a, b) => byString(a.at, b.at) || byString(a.key.PK, b.key.PK) || byString(a.key.SK, b.key.SK),
    ),
  };
};

const canonicalBytes = (digest: AuditDigest) => Buffer.from(canonicalJson(digest), 'utf8');

/**
 * Signs a digest as KMS does (ECDSA_SHA_256 over its hash): for the tests and the local stand-in of
 * the signing key. On AWS the digest function calls KMS Sign with MessageType DIGEST instead.
 */
export const signDigest = (
  digest: AuditDigest,
  privateKey: string | KeyObject,
  keyId: string,
): SignedDigest => ({
  digest,
  digestHash: digestHash(digest),
  signature: sign('sha256', canonicalBytes(digest), privateKey).toString('base64'),
  keyId,
  algorithm: SIGNING_ALGORITHM,
});

/** A public key from PEM (SPKI) or from the DER bytes KMS GetPublicKey returns. */
export const publicKeyFrom = (key: string | Buffer | KeyObject): KeyObject =>
  key instanceof KeyObject
    ? key
    : typeof key === 'string' || key.includes(Buffer.from('-----BEGIN'))
      ? createPublicKey(key)
      : createPublicKey({ key, format: 'der', type: 'spki' });

/**
 * Whether the signed digest is what the key signed: its stated hash is its digest's, and the
 * signature verifies over it. Offline: only the public key.
 */
export const verifySignedDigest = (signed: SignedDigest, publicKey: string | Buffer | KeyObject): boolean => {
  if (signed.algorithm !== SIGNING_ALGORITHM || typeof signed.signature !== 'string') return false;
  try {
    // The canonical bytes once: a digest of a busy hour holds thousands of heads.
    const bytes = canonicalBytes(signed.digest);
    if (sha256(bytes) !== signed.digestHash) return false;
    return verify('sha256', bytes, publicKeyFrom(publicKey), Buffer.from(signed.signature, 'base64'));
  } catch {
    return false;
  }
};

export type DigestFindingKind =
  /** A digest's head is not the stored event's: the chain was rewritten (or the event edited) after it. */
  | 'digest-mismatch'
  /** A digest names an event (or a whole chain) the events do not hold. */
  | 'missing'
  /** The digests do not link: a number missing, repeated with other content, or a broken previousDigestHash. */
  | 'digest-chain'
  /** A later digest names an earlier or different head for a chain than an earlier digest did. */
  | 'head-conflict'
  /** What the stream watcher saw happen to an audit item, recorded in a digest. */
  | 'anomaly'
  /** A digest file whose signature does not verify with the key (or that is no signed digest). */
  | 'signature';

export interface DigestFinding {
  kind: DigestFindingKind;
  /** `${aggregateType}#${aggregateId}`, when the finding is about a chain. */
  aggregate?: string;
  seq?: number;
  /** The digest it was found by. */
  digest?: { scope: string; number: number };
  detail: string;
}

export interface DigestCheckOptions {
  /**
   * Whether the digests are all of each scope's digests (default true): the first must then be
   * number 1. False when the caller verified the earlier ones before and passes only the latest.
   */
  complete?: boolean;
  /** Check every digest's heads (default), or only each aggregate's latest digested head. */
  heads?: 'all' | 'latest';
  /**
   * The time the events were read (an export's exportedAt): digests created after it are checked as
   * digests (their links, their anomalies) but not their heads, which may be of events written later.
   */
  asOf?: string;
  /**
   * The aggregates the events cover (an incremental or a tender's verification): only their heads
   * are compared and checked against earlier heads. Without it, every head of every digest; a head
   * of an aggregate outside `only` would only be reported missing, for want of its events.
   */
  only?: ReadonlySet<string>;
}

/** Sorts digests by scope and number, one of each (a digest given twice is one). */
const ordered = (digests: AuditDigest[]) => {
  const seen = new Map<string, AuditDigest>();
  const clashes: DigestFinding[] = [];
  for (const d of digests) {
    const key = `${d.scope}\u0000${d.number}`;
    const other = seen.get(key);
    if (!other) seen.set(key, d);
    else if (digestHash(other) !== digestHash(d))
      clashes.push({
        kind: 'digest-chain',
        digest: { scope: d.scope, number: d.number },
        detail: `Two different digests are number ${d.number} of ${d.scope}`,
      });
  }
  const list = [...seen.values()].sort((a, b) => byString(a.scope, b.scope) || a.number - b.number);
  return { list, clashes };
};

/** The links between each scope's digests: numbers without gaps, each naming the hash of the one before. */
const digestChainFindings = (list: AuditDigest[], complete: boolean): DigestFinding[] => {
  const findings: DigestFinding[] = [];
  let previous: AuditDigest | undefined;
  for (const d of list) {
    const where = { scope: d.scope, number: d.number };
    if (d.version !== 1)
      findings.push({ kind: 'digest-chain', digest: where, detail: `Unknown digest version ${d.version}` });
    const first = !previous || previous.scope !== d.scope;
    if (first) {
      if (d.number === 1) {
        if (d.previousDigestHash !== GENESIS)
          findings.push({
            kind: 'digest-chain',
            digest: where,
            detail: `Digest 1 of ${d.scope} does not start the chain (its previousDigestHash is not the genesis hash)`,
          });
      } else if (complete) {
        findings.push({
          kind: 'digest-chain',
          digest: where,
          detail: `Digest${d.number > 2 ? 's' : ''} ${d.number > 2 ? `1–${d.number - 1}` : '1'} of ${d.scope} missing`,
        });
      }
    } else if (previous) {
      if (d.number !== previous.number + 1)
        findings.push({
          kind: 'digest-chain',
          digest: where,
          detail: `Digest${d.number - previous.number > 2 ? 's' : ''} ${previous.number + 1}${d.number - previous.number > 2 ? `–${d.number - 1}` : ''} of ${d.scope} missing`,
        });
      else if (d.previousDigestHash !== digestHash(previous))
        findings.push({
          kind: 'digest-chain',
          digest: where,
          detail: `Digest ${d.number} of ${d.scope} does not follow digest ${previous.number}: its previousDigestHash is not that digest's hash`,
        });
    }
    previous = d;
  }
  return findings;
};

/** Where the stored events are: each aggregate's events by sequence number. */
const indexEvents = (events: StoredEvent[]) => {
  const index = new Map<string, Map<number, StoredEvent[]>>();
  for (const e of events) {
    const aggregate = aggregateOf(e);
    const bySeq = index.get(aggregate) ?? new Map<number, StoredEvent[]>();
    index.set(aggregate, bySeq);
    bySeq.set(e.seq, [...(bySeq.get(e.seq) ?? []), e]);
  }
  return index;
};

/** The aggregate and sequence number an audit item's key names. */
const keyPlace = (key: { PK: string; SK: string }) => ({
  ...(String(key.PK).startsWith('AUDIT#') ? { aggregate: String(key.PK).slice('AUDIT#'.length) } : {}),
  ...(/^SEQ#\d+$/.test(String(key.SK)) ? { seq: Number(String(key.SK).slice(4)) } : {}),
});

/**
 * Checks the stored events against the digests: each head a digest names must be an event of that
 * chain with that sequence number whose stored hash, and the hash of what it holds now, are the
 * digest's. Catches what `verifyChain` cannot: a chain rewritten consistently after a digest. Also
 * checks that the digests link, that no later digest contradicts an earlier head, and reports the
 * anomalies the digests recorded. The digests' signatures are checked apart (verifySignedDigest):
 * pass only digests whose signatures verified.
 */
export const verifyAgainstDigests = (
  events: StoredEvent[],
  digests: AuditDigest[],
  options: DigestCheckOptions = {},
): DigestFinding[] => {
  const { list, clashes } = ordered(digests);
  const findings: DigestFinding[] = [...clashes, ...digestChainFindings(list, options.complete ?? true)];
  const index = indexEvents(events);

  const only = options.only;
  // Heads across digests: a chain only grows, and a sequence number is fixed once.
  const seen = new Map<string, DigestHead & { number: number }>();
  for (const d of list) {
    for (const h of d.heads) {
      if (only && !only.has(h.aggregate)) continue;
      const before = seen.get(`${d.scope}\u0000${h.aggregate}`);
      if (before && (h.seq < before.seq || (h.seq === before.seq && h.hash !== before.hash)))
        findings.push({
          kind: 'head-conflict',
          aggregate: h.aggregate,
          seq: h.seq,
          digest: { scope: d.scope, number: d.number },
          detail: `Digest ${d.number} says ${h.aggregate} ends at event ${h.seq}${h.seq === before.seq ? ' with another hash' : ''}, but digest ${before.number} had it at event ${before.seq}: the chain was rewritten between them`,
        });
      seen.set(`${d.scope}\u0000${h.aggregate}`, { ...h, number: d.number });
    }
  }

  const asOf = options.asOf;
  const checked = asOf ? list.filter((d) => d.createdAt <= asOf) : list;
  const latest = options.heads === 'latest' ? coveredUpTo(checked, only) : undefined;
  for (const d of list) {
    const where = { scope: d.scope, number: d.number };
    for (const a of d.anomalies)
      findings.push({
        kind: 'anomaly',
        ...keyPlace(a.key),
        digest: where,
        detail: `${a.at}: audit item ${a.key.PK} ${a.key.SK} ${a.kind === 'modified' ? 'was overwritten' : a.kind === 'removed' ? 'was deleted' : 'was given a time to live'}${a.detail ? `: ${a.detail}` : ''}`,
      });
    if (asOf && d.createdAt > asOf) continue;
    for (const h of d.heads) {
      if (only && !only.has(h.aggregate)) continue;
      const l = latest?.get(h.aggregate);
      if (latest && (l?.scope !== d.scope || l.number !== d.number)) continue;
      const bySeq = index.get(h.aggregate);
      const found = bySeq?.get(h.seq) ?? [];
      if (!bySeq) {
        findings.push({
          kind: 'missing',
          aggregate: h.aggregate,
          seq: h.seq,
          digest: where,
          detail: `Digest ${d.number} of ${d.scope} names ${h.aggregate} (up to event ${h.seq}), but there is no event of it`,
        });
      } else if (!found.length) {
        findings.push({
          kind: 'missing',
          aggregate: h.aggregate,
          seq: h.seq,
          digest: where,
          detail: `Digest ${d.number} of ${d.scope} names event ${h.seq} of ${h.aggregate}, which is not there`,
        });
      } else if (!found.some((e) => e.hash === h.hash && recomputeHash(e) === h.hash)) {
        const e = found[0] as StoredEvent;
        findings.push({
          kind: 'digest-mismatch',
          aggregate: h.aggregate,
          seq: h.seq,
          digest: where,
          detail:
            e.hash !== h.hash
              ? `Event ${h.seq} of ${h.aggregate} is not the one digest ${d.number} of ${d.scope} signed (another hash): the chain was rewritten after ${d.to}`
              : `Event ${h.seq} of ${h.aggregate} has the hash digest ${d.number} of ${d.scope} signed, but no longer the content: it was changed after ${d.to}`,
        });
      }
    }
  }
  return findings;
};

/** An aggregate's latest digested head, and the digest that has it. */
export interface CoveredHead extends DigestHead {
  scope: string;
  number: number;
}

/**
 * For incremental verification: per aggregate, the head of the latest digest naming it. Events up to
 * that head are fixed by the digest; only the head itself (against the digest) and the events after
 * it need checking.
 */
export const coveredUpTo = (digests: AuditDigest[], only?: ReadonlySet<string>): Map<string, CoveredHead> => {
  const covered = new Map<string, CoveredHead>();
  for (const d of digests)
    for (const h of d.heads) {
      if (only && !only.has(h.aggregate)) continue;
      const before = covered.get(h.aggregate);
      if (!before || d.number > before.number || (d.number === before.number && h.seq > before.seq))
        covered.set(h.aggregate, { ...h, scope: d.scope, number: d.number });
    }
  return covered;
};

/**
 * The events that still need a full hash check: those after their aggregate's covered head (all of
 * an aggregate no digest names yet). Each head itself is checked against its digest by
 * verifyAgainstDigests.
 */
export const eventsToVerify = <E extends HeadEvent>(
  events: E[],
  covered: Map<string, { seq: number }>,
): E[] => events.filter((e) => e.seq > (covered.get(aggregateOf(e))?.seq ?? 0));

/**
 * `verifyChain` from a digested head instead of the genesis: the events after the head (in stored
 * order) must follow it, number by number, link by link, each matching its hash; optionally the
 * aggregate as stored must be at the last of them (or at the head when there is none after it).
 * Without a head, this is verifyChain.
 */
export const verifyFromHead = (
  head: DigestHead | undefined,
  tail: StoredEvent[],
  aggregate?: { version?: number; auditHead?: string },
): Finding[] =>
  verifyChain(
    tail,
    aggregate,
    head ? { seq: head.seq, hash: head.hash, name: head.aggregate.replace('#', ' ') } : undefined,
  );
