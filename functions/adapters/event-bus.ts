/** Publishing domain events: validated against their detail-type's schema, then PutEvents. */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DetailType, EVENT_SOURCE, type EventDetail, eventSchemas } from '../contracts/events.ts';
import { now } from '../shared/clock.ts';
import { log } from '../shared/log.ts';
import { eventBridge } from './clients.ts';
import { env } from './env.ts';

export const publishEvent = async <T extends DetailType>(
  detailType: T,
  detail: EventDetail<T>,
): Promise<string> => {
  const valid = eventSchemas[detailType].parse(detail);
  const result = await eventBridge().send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: env('EVENT_BUS_NAME'),
          Source: EVENT_SOURCE,
          DetailType: detailType,
          Detail: JSON.stringify(valid),
          Time: now(),
        },
      ],
    }),
  );
  const entry = result.Entries?.[0];
  if (result.FailedEntryCount || !entry?.EventId) {
    throw new Error(
      `PutEvents failed for ${detailType}: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`,
    );
  }
  return entry.EventId;
};

/**
 * Best effort after the commit: the change and its audit event are stored whatever happens here,
 * so a failure to publish is logged, not answered to the caller.
 */
export const publishAfterCommit = async <T extends DetailType>(
  detailType: T,
  detail: EventDetail<T>,
): Promise<void> => {
  try {
    await publishEvent(detailType, detail);
  } catch (error) {
    log.error('could not publish a domain event after its change was committed', { error });
  }
};
