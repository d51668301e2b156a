/**
 * The outbox: a domain event is written as an item of the table in the same transaction as the
 * change it reports (functions/adapters/store.ts), so a change is never stored without its event
 * nor an event sent for a change that did not happen. The table's stream carries each new outbox
 * item to the relay (functions/handlers/events/outbox-relay.ts), which puts it on the bus; on AWS a
 * Lambda event source mapping with the filter below, locally local/stream-poller.ts with the same
 * filter. Delivery is at least once: consumers recognise a redelivery by `eventId` in the detail.
 *
 * An item stays in the pending index (GSI1 `OUTBOX#PENDING`) until the relay has put it on the
 * bus; the daily sweep sends again what stayed there (e.g. after the stream's retries ran out).
 */
import type { DetailType, EventDetail } from './events.ts';

export const OUTBOX_PREFIX = 'OUTBOX#';
export const OUTBOX_PENDING = 'OUTBOX#PENDING';

/** An event to send once the change it belongs to is committed. */
export type OutboxEvent = { [T in DetailType]: { detailType: T; detail: EventDetail<T> } }[DetailType];

/** Typed constructor: the detail is checked against its detail-type at compile time. */
export const outboxEvent = <T extends DetailType>(detailType: T, detail: EventDetail<T>): OutboxEvent =>
  ({ detailType, detail }) as OutboxEvent;

/** The stable id of the `n`-th event of an aggregate's change number `seq` (its audit event's seq). */
export const eventIdOf = (aggregateType: string, aggregateId: string, seq: number, n: number): string =>
  `${aggregateType}.${aggregateId}.${seq}.${n}`;

export interface OutboxItem {
  PK: string;
  SK: string;
  eventId: string;
  detailType: DetailType;
  /** The detail as JSON, sent as it is. */
  detail: string;
  /** When the change was committed: the event's time on the bus. */
  at: string;
  /** In the pending index until sent. */
  GSI1PK?: string;
  GSI1SK?: string;
  /** When the relay (or the sweep) put it on the bus, and the bus's id for it. */
  sentAt?: string;
  busEventId?: string;
  /** Deleted by DynamoDB's time to live 30 days after the change (seconds since the epoch). */
  ttl: number;
}

export const outboxKey = (aggregateType: string, aggregateId: string, seq: number, n: number) => ({
  PK: `${OUTBOX_PREFIX}${aggregateType}#${aggregateId}`,
  SK: `SEQ#${String(seq).padStart(10, '0')}#${n}`,
});

/** How long sent outbox items are kept (they are the record of what was published). */
export const OUTBOX_TTL_DAYS = 30;

/** Items still pending this long after their commit are sent again by the sweep. */
export const OUTBOX_RESEND_AFTER_MS = 15 * 60_000;

/**
 * Which stream records reach the relay: new outbox items only (not their update when sent, nor any
 * other item). The event source mapping's filter on AWS, matched by the local poller too.
 */
export const outboxStreamFilter = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { PK: { S: [{ prefix: OUTBOX_PREFIX }] } } },
} as const;

/** The field of every event's detail that carries its outbox id. */
export const EVENT_ID_FIELD = 'eventId';
