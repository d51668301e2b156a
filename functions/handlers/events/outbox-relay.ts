/**
 * The outbox relay: the table's stream brings each new outbox item (the event source mapping's
 * filter, functions/contracts/outbox.ts), the relay puts it on the bus (functions/services/outbox.ts).
 * A record the bus refused is reported as the batch's failure from that record on, so the stream
 * sends it and those after it again (in order, at least once); records before it are done.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { withObservability } from '../../adapters/observability.ts';
import { OUTBOX_PREFIX, type OutboxItem } from '../../contracts/outbox.ts';
import { sendOutboxItems } from '../../services/outbox.ts';
import { log } from '../../shared/log.ts';

const outboxItemOf = (record: DynamoDBRecord): OutboxItem | undefined => {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  const item = unmarshall(image as Parameters<typeof unmarshall>[0]) as OutboxItem;
  return typeof item.PK === 'string' && item.PK.startsWith(OUTBOX_PREFIX) ? item : undefined;
};

const lambdaHandler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const records = event.Records.flatMap((record) => {
    const item = outboxItemOf(record);
    return item ? [{ record, item }] : [];
  });
  let failed: OutboxItem[];
  try {
    failed = await sendOutboxItems(records.map((r) => r.item));
  } catch (error) {
    // The bus did not answer: the whole batch again.
    log.warn('the bus could not be reached; the batch is sent again', { error });
    failed = records.map((r) => r.item);
  }
  const first = records.find((r) => failed.includes(r.item));
  const sequenceNumber = first?.record.dynamodb?.SequenceNumber;
  return { batchItemFailures: sequenceNumber ? [{ itemIdentifier: sequenceNumber }] : [] };
};

export const handler = withObservability(lambdaHandler);
