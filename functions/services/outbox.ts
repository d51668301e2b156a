/**
 * Sending what the outbox holds (functions/contracts/outbox.ts): the relay hands over the new
 * outbox items the table's stream brought, the daily sweep those still pending long after their
 * commit. Each is put on the bus with the time of its change, then rewritten as sent (out of the
 * pending index). At least once: a crash between the two sends it again, and consumers recognise
 * it by its `eventId`.
 */
import { putOnBus } from '../adapters/event-bus.ts';
import { putIf } from '../adapters/store.ts';
import { OUTBOX_PENDING, OUTBOX_RESEND_AFTER_MS, type OutboxItem } from '../contracts/outbox.ts';
import { nowIso, nowMs } from '../shared/clock.ts';
import { log } from '../shared/log.ts';
import { queryAll } from './store/query.ts';

/** Sends the items in order; answers those the bus refused (or all from the first call that failed). */
export const sendOutboxItems = async (items: OutboxItem[]): Promise<OutboxItem[]> => {
  if (!items.length) return [];
  const results = await putOnBus(
    items.map((item) => ({ detailType: item.detailType, detail: item.detail, time: new Date(item.at) })),
  );
  const failed: OutboxItem[] = [];
  const sentAt = nowIso();
  for (const [n, item] of items.entries()) {
    const result = results[n];
    if (!result || 'error' in result) {
      log.warn('the bus refused an outbox event; it is sent again', {
        eventId: item.eventId,
        error: result && 'error' in result ? result.error : 'no answer',
      });
      failed.push(item);
      continue;
    }
    await markSent(item, result.eventId, sentAt);
  }
  return failed;
};

/** Out of the pending index. Not fatal when it fails: the event is on the bus, the sweep sends a copy. */
const markSent = async (item: OutboxItem, busEventId: string, sentAt: string): Promise<void> => {
  const { GSI1PK: _pk, GSI1SK: _sk, ...rest } = item;
  try {
    await putIf({ ...rest, sentAt, busEventId }, 'attribute_exists(PK)', {});
  } catch (error) {
    log.warn('an outbox event was sent but could not be marked sent; the sweep may send it again', {
      eventId: item.eventId,
      error,
    });
  }
};

/** The sweep: sends again every event still pending `OUTBOX_RESEND_AFTER_MS` after its commit. */
export const resendPending = async (maxItems = 1_000): Promise<{ resent: number; failed: number }> => {
  const before = new Date(nowMs() - OUTBOX_RESEND_AFTER_MS).toISOString();
  const pending = await queryAll<OutboxItem>(
    {
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK < :before',
      ExpressionAttributeValues: { ':pk': OUTBOX_PENDING, ':before': before },
    },
    maxItems,
  );
  if (pending.length)
    log.warn('outbox events still pending after their commit are sent again', { count: pending.length });
  const failed = await sendOutboxItems(pending);
  return { resent: pending.length - failed.length, failed: failed.length };
};
