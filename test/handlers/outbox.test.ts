/**
 * The outbox's two ends with DynamoDB, EventBridge and SNS mocked: the relay puts new outbox items
 * from the table stream on the bus and reports a refused one so that the stream sends it (and what
 * follows) again; the notifier notifies an event once however often it arrives.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import type { OutboxItem } from '../../functions/contracts/outbox.ts';
import { handler as notifier } from '../../functions/handlers/events/notifier.ts';
import { handler as relay } from '../../functions/handlers/events/outbox-relay.ts';
import { lambdaContext } from '../helpers/fixtures.ts';

const ddbMock = mockClient(DynamoDBDocumentClient);
const busMock = mockClient(EventBridgeClient);
const snsMock = mockClient(SNSClient);

const outboxItem = (n: number): OutboxItem => ({
  PK: `OUTBOX#tender#t${n}`,
  SK: 'SEQ#0000000002#0',
  eventId: `tender.t${n}.2.0`,
  detailType: 'Tender.DeadlineExtended',
  detail: JSON.stringify({
    tenderId: `t${n}`,
    entityId: 'helse-sor-ost',
    title: 'Koloskopi',
    from: '2027-01-01T12:00:00.000Z',
    to: '2027-01-08T12:00:00.000Z',
    eventId: `tender.t${n}.2.0`,
  }),
  at: `2026-12-0${n}T10:00:00.000Z`,
  GSI1PK: 'OUTBOX#PENDING',
  GSI1SK: `2026-12-0${n}T10:00:00.000Z#tender.t${n}.2.0`,
  ttl: 1,
});

const record = (item: object, seq: number, eventName: 'INSERT' | 'MODIFY' = 'INSERT') => ({
  eventID: String(seq),
  eventName,
  eventSource: 'aws:dynamodb',
  dynamodb: {
    SequenceNumber: String(seq).padStart(21, '0'),
    NewImage: marshall(item as Record<string, unknown>) as never,
    StreamViewType: 'NEW_IMAGE' as const,
  },
});

const streamEvent = (records: ReturnType<typeof record>[]) => ({ Records: records }) as DynamoDBStreamEvent;
const runRelay = (event: DynamoDBStreamEvent) => relay(event, lambdaContext());

beforeEach(() => {
  for (const m of [ddbMock, busMock, snsMock]) m.reset();
  Object.assign(process.env, {
    TABLE_NAME: 'table',
    EVENT_BUS_NAME: 'bus',
    NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:eu-north-1:123456789012:notifications',
  });
  resetEnvCache();
  ddbMock.on(PutCommand).resolves({});
});

describe('the outbox relay', () => {
  it('puts new outbox items on the bus in order, with the time of their change, and marks them sent', async () => {
    busMock
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b1' }, { EventId: 'b2' }] });
    const answer = await runRelay(
      streamEvent([
        record(outboxItem(1), 1),
        // Not the relay's: another item, and an outbox item rewritten as sent.
        record({ PK: 'TENDER#t1', SK: 'TENDER' }, 2),
        record({ ...outboxItem(1), sentAt: 'x' }, 3, 'MODIFY'),
        record(outboxItem(2), 4),
      ]),
    );
    expect(answer).toEqual({ batchItemFailures: [] });
    const entries = busMock.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? [];
    expect(entries).toEqual([
      expect.objectContaining({
        DetailType: 'Tender.DeadlineExtended',
        Source: 'helsekjop',
        EventBusName: 'bus',
        Detail: outboxItem(1).detail,
        Time: new Date(outboxItem(1).at),
      }),
      expect.objectContaining({ Detail: outboxItem(2).detail }),
    ]);
    const sent = ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(sent.map((p) => [p.Item?.eventId, p.Item?.busEventId])).toEqual([
      ['tender.t1.2.0', 'b1'],
      ['tender.t2.2.0', 'b2'],
    ]);
    for (const p of sent) {
      expect(p.Item).not.toHaveProperty('GSI1PK');
      expect(p.ConditionExpression).toBe('attribute_exists(PK)');
    }
  });

  it('reports the first record the bus refused: the stream sends it and those after it again', async () => {
    busMock.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [
        { EventId: 'b1' },
        { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' },
        { EventId: 'b3' },
      ],
    });
    const answer = await runRelay(
      streamEvent([record(outboxItem(1), 1), record(outboxItem(2), 2), record(outboxItem(3), 3)]),
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '000000000000000000002' }] });
    // The first is done and out of the pending index; the third is sent again with the second.
    expect(ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.eventId)).toEqual([
      'tender.t1.2.0',
      'tender.t3.2.0',
    ]);
  });

  it('reports the whole batch when the bus cannot be reached', async () => {
    busMock.on(PutEventsCommand).rejects(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
    const answer = await runRelay(streamEvent([record(outboxItem(1), 7), record(outboxItem(2), 8)]));
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '000000000000000000007' }] });
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('keeps an event that was sent but could not be marked so as done (the sweep may send a copy)', async () => {
    busMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b1' }] });
    ddbMock.on(PutCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    expect(await runRelay(streamEvent([record(outboxItem(1), 1)]))).toEqual({ batchItemFailures: [] });
  });
});

describe('the notifier', () => {
  const event = (eventId?: string) => ({
    version: '0',
    id: 'bus-1',
    'detail-type': 'Tender.DeadlineExtended',
    source: 'helsekjop',
    account: '123456789012',
    time: '2026-12-01T10:00:00Z',
    region: 'eu-north-1',
    resources: [],
    detail: { ...JSON.parse(outboxItem(1).detail), ...(eventId ? { eventId } : { eventId: undefined }) },
  });
  const notify = (e: unknown) => notifier(e as never, lambdaContext());

  it('claims an event, notifies, and records it notified', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
    expect(await notify(event('tender.t1.2.0'))).toEqual({ notified: true });
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    const [claim, settled] = ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(claim?.Item).toMatchObject({ PK: 'NOTIFIED#tender.t1.2.0', eventId: 'tender.t1.2.0' });
    expect(claim?.ConditionExpression).toContain('attribute_not_exists(PK)');
    expect(settled?.Item).toMatchObject({ PK: 'NOTIFIED#tender.t1.2.0', sentAt: expect.any(String) });
    expect(settled?.ExpressionAttributeValues).toEqual({ ':mine': claim?.Item?.claimExpires });
  });

  it('drops an event delivered again that was notified already', async () => {
    ddbMock
      .on(PutCommand)
      .rejects(Object.assign(new Error('condition'), { name: 'ConditionalCheckFailedException' }));
    ddbMock.on(GetCommand).resolves({ Item: { sentAt: '2026-12-01T10:00:01.000Z' } });
    expect(await notify(event('tender.t1.2.0'))).toEqual({ notified: false, duplicate: true });
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('fails, to be tried again later, while another delivery of the event is notifying it', async () => {
    ddbMock
      .on(PutCommand)
      .rejects(Object.assign(new Error('condition'), { name: 'ConditionalCheckFailedException' }));
    ddbMock.on(GetCommand).resolves({ Item: { claimExpires: Date.now() + 30_000 } });
    await expect(notify(event('tender.t1.2.0'))).rejects.toThrow(/being notified by another delivery/);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('gives its claim back when it could not notify, and fails so that the bus tries again', async () => {
    snsMock.on(PublishCommand).rejects(Object.assign(new Error('throttled'), { name: 'Throttled' }));
    await expect(notify(event('tender.t1.2.0'))).rejects.toThrow('throttled');
    const [claim, release] = ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(release?.Item).toMatchObject({ claimExpires: 0 });
    expect(release?.Item).not.toHaveProperty('sentAt');
    expect(release?.ExpressionAttributeValues).toEqual({ ':mine': claim?.Item?.claimExpires });
  });

  it('notifies an event without an id (published directly, not from the outbox) without a record', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
    expect(await notify(event())).toEqual({ notified: true });
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
  });
});
