/**
 * Domain events → notifications. Publishes a readable message to the notification topic (email
 * subscribers on AWS, the local SNS stand-in locally). The inbox per user comes with reminders.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { sns } from '../commons/clients.ts';
import { env } from '../commons/env.ts';
import { log } from '../commons/log.ts';
import '../commons/zod-locale.ts';
import { type DetailType, type EventDetail, eventSchemas } from './schemas.ts';

type Message = { subject: string; text: string; entityId: string };

const messages: { [T in DetailType]: (d: EventDetail<T>) => Message } = {
  'Tender.Announced': (d) => ({
    subject: `Tender announced: ${d.title}`,
    text: `${d.title} (${d.tenderId}) was announced with ${d.lots.length} lot(s). Bid deadline ${d.bidDeadline}.`,
    entityId: d.entityId,
  }),
  'Tender.Opened': (d) => ({
    subject: `Tender opened: ${d.title}`,
    text: `The bid deadline of ${d.title} (${d.tenderId}) has passed; the bids are open for qualification.`,
    entityId: d.entityId,
  }),
  'Tender.DeadlineTimerLost': (d) => ({
    subject: `Action needed: bid deadline timer lost for ${d.tenderId}`,
    text: `The workflow of tender ${d.tenderId} waited a year without its bid deadline arriving. Check the tender.`,
    entityId: d.entityId,
  }),
};

const isKnown = (type: string): type is DetailType => type in eventSchemas;

const lambdaHandler = async (event: EventBridgeEvent<string, unknown>) => {
  const type = event['detail-type'];
  if (!isKnown(type)) {
    log.warn('no notification for this event', { type });
    return { notified: false };
  }
  const detail = eventSchemas[type].parse(event.detail);
  const message = (messages[type] as (d: typeof detail) => Message)(detail);
  await sns().send(
    new PublishCommand({
      TopicArn: env('NOTIFICATION_TOPIC_ARN'),
      Subject: message.subject.slice(0, 99),
      Message: message.text,
      MessageAttributes: {
        entityId: { DataType: 'String', StringValue: message.entityId },
        eventType: { DataType: 'String', StringValue: type },
      },
    }),
  );
  return { notified: true };
};

export const handler = middy<EventBridgeEvent<string, unknown>>().handler(lambdaHandler);
