/**
 * The domain events a handler wrote to the outbox (functions/contracts/outbox.ts) in the
 * transactions it sent to a mocked DynamoDB: detail-type and detail, in order.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import { OUTBOX_PREFIX, type OutboxItem } from '../../functions/contracts/outbox.ts';

// biome-ignore lint/suspicious/noExplicitAny: any mocked client's stub
type Stub = AwsStub<any, any, any>;

export const outboxItemsOf = (ddb: Stub): OutboxItem[] =>
  ddb
    .commandCalls(TransactWriteCommand)
    .flatMap((call) => call.args[0].input.TransactItems ?? [])
    .map((t: { Put?: { Item?: Record<string, unknown> } }) => t.Put?.Item)
    .filter((item: Record<string, unknown> | undefined) => String(item?.PK ?? '').startsWith(OUTBOX_PREFIX))
    .map((item: unknown) => item as OutboxItem);

export const outboxEventsOf = (ddb: Stub): { detailType: string; detail: Record<string, unknown> }[] =>
  outboxItemsOf(ddb).map((item) => ({ detailType: item.detailType, detail: JSON.parse(item.detail) }));

export const outboxTypesOf = (ddb: Stub): string[] => outboxItemsOf(ddb).map((item) => item.detailType);
