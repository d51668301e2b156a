/**
 * Putting domain events on the bus. Changes carry their events through the outbox (the store writes
 * them in the change's transaction, functions/contracts/outbox.ts; the relay sends them with
 * `putOnBus`); `publishEvent` is for what reports no change (e.g. an alert that a timer was lost).
 */
import { type DetailType, EVENT_SOURCE, type EventDetail, eventSchemas } from '../contracts/events.ts';
import { now } from '../shared/clock.ts';
import { eventBridge, sdk } from './clients.ts';
import { env } from './env.ts';

/** One entry for PutEvents: the detail as JSON, and the time of what it reports. */
export interface BusEntry {
  detailType: DetailType;
  detail: string;
  time: Date;
}

/** The bus's answer per entry: its event id, or why it was refused. */
export type BusResult = { eventId: string } | { error: string };

/** PutEvents takes up to 10 entries a call. */
const ENTRIES_PER_CALL = 10;

/** Puts entries on the bus, 10 a call, in order; answers each entry (a call that fails throws). */
export const putOnBus = async (entries: BusEntry[]): Promise<BusResult[]> => {
  const { PutEventsCommand } = sdk('@aws-sdk/client-eventbridge');
  const results: BusResult[] = [];
  for (let i = 0; i < entries.length; i += ENTRIES_PER_CALL) {
    const batch = entries.slice(i, i + ENTRIES_PER_CALL);
    const answer = await eventBridge().send(
      new PutEventsCommand({
        Entries: batch.map((e) => ({
          EventBusName: env('EVENT_BUS_NAME'),
          Source: EVENT_SOURCE,
          DetailType: e.detailType,
          Detail: e.detail,
          Time: e.time,
        })),
      }),
    );
    batch.forEach((e, n) => {
      const entry = answer.Entries?.[n];
      results.push(
        entry?.EventId
          ? { eventId: entry.EventId }
          : {
              error: `${e.detailType}: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
            },
      );
    });
  }
  return results;
};

/** Publishes one event that reports no stored change, validated against its schema; throws if refused. */
export const publishEvent = async <T extends DetailType>(
  detailType: T,
  detail: EventDetail<T>,
): Promise<string> => {
  const valid = eventSchemas[detailType].parse(detail);
  const [result] = await putOnBus([{ detailType, detail: JSON.stringify(valid), time: now() }]);
  if (!result || 'error' in result) throw new Error(`PutEvents failed for ${result?.error ?? detailType}`);
  return result.eventId;
};
