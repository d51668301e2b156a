/**
 * Sealed means sealed: until a tender's bids are opened, nobody but a bidder learns who bid. The
 * entity may know that a bid came in, was replaced, withdrawn or read, on which lot and when; not
 * by whom, and not which bid (a bid's id is derived from its supplier, so it names them too). The
 * audit trail keeps everything; what the entity reads of it is this view until the opening. A
 * tender cancelled before its opening stays sealed.
 */
import type { AuditEvent } from './audit.ts';
import type { Tender } from './tender.ts';

/** Whether the tender's bids and bidders are still sealed. */
export const biddersSealed = (tender: Pick<Tender, 'openedAt'>): boolean => !tender.openedAt;

/** The audit events that name a bidder: a bid's own, and the reads of a bid. */
const BIDDER_AGGREGATES = new Set(['bid', 'bid-reads']);

/** What remains of a bid event's change while sealed: the lot and the times, nothing that names. */
const sealedChange = (change: unknown): unknown => {
  if (!change || typeof change !== 'object') return null;
  const { lotId, receivedAt, status } = change as Record<string, unknown>;
  return {
    ...(lotId === undefined ? {} : { lotId }),
    ...(receivedAt === undefined ? {} : { receivedAt }),
    ...(status === undefined ? {} : { status }),
  };
};

/** An event as the entity reads it while the bidders are sealed. */
export const sealedEvent = <E extends Pick<AuditEvent, 'aggregateType' | 'aggregateId' | 'actor' | 'change'>>(
  event: E,
): E =>
  BIDDER_AGGREGATES.has(event.aggregateType)
    ? {
        ...event,
        aggregateId: 'sealed',
        actor: { sub: 'sealed', name: 'A supplier', role: event.actor.role },
        change: sealedChange(event.change),
      }
    : event;
