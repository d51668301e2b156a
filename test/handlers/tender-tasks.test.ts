import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SendTaskSuccessCommand, SFNClient, TaskDoesNotExist } from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../../functions/commons/env.ts';
import { handler as timer } from '../../functions/events/timer.ts';
import { bidDeadlineScheduleName } from '../../functions/events/timer-event.ts';
import { handler as tasks } from '../../functions/workflow/tender-tasks.ts';
import { colonoscopyBid, colonoscopyTender, lambdaContext } from '../helpers/fixtures.ts';

const ddbMock = mockClient(DynamoDBDocumentClient);
const sfnMock = mockClient(SFNClient);
const busMock = mockClient(EventBridgeClient);
const schedulerMock = mockClient(SchedulerClient);

const ID = 'tnd_00000000000000000000000000000002';
const EXECUTION = `arn:aws:states:eu-north-1:123456789012:execution:TenderLifecycle:${ID}`;

const tender = (overrides: Record<string, unknown> = {}) => ({
  PK: `TENDER#${ID}`,
  SK: 'TENDER',
  id: ID,
  entityId: 'helse-sor-ost',
  status: 'tendering',
  ...colonoscopyTender(),
  currency: 'NOK',
  createdAt: '2026-11-01T10:00:00.000Z',
  createdBy: { sub: 'o', name: 'Kari' },
  updatedAt: '2026-11-01T10:00:00.000Z',
  announcedAt: '2026-11-02T10:00:00.000Z',
  version: 2,
  auditHead: 'b'.repeat(64),
  ...overrides,
});

const run = (event: unknown) => tasks(event as never, lambdaContext());

describe('tender workflow tasks', () => {
  beforeEach(() => {
    for (const m of [ddbMock, sfnMock, busMock, schedulerMock]) m.reset();
    Object.assign(process.env, {
      TABLE_NAME: 'table',
      EVENT_BUS_NAME: 'bus',
      SCHEDULE_GROUP: 'group',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
      SCHEDULE_DEAD_LETTER_ARN: 'arn:aws:sqs:eu-north-1:123456789012:schedule-dlq',
      TIMER_FUNCTION_ARN: 'arn:aws:lambda:eu-north-1:123456789012:function:timer',
    });
    resetEnvCache();
    busMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  });

  it('loadTender reports the status the workflow routes on', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender() });
    expect(await run({ task: 'loadTender', tenderId: ID })).toMatchObject({
      status: 'tendering',
      stage: 'announce',
    });
  });

  it('loadTender fails with TenderNotFound, which the workflow catches by name', async () => {
    ddbMock.on(GetCommand).resolves({});
    await expect(run({ task: 'loadTender', tenderId: ID })).rejects.toMatchObject({ name: 'TenderNotFound' });
  });

  it('rejects malformed task input', async () => {
    await expect(run({ task: 'launchRocket', tenderId: ID })).rejects.toThrow();
  });

  it('publishAnnouncement publishes Tender.Announced and records it, once', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender() });
    ddbMock.on(TransactWriteCommand).resolves({});
    await run({ task: 'publishAnnouncement', tenderId: ID, executionArn: EXECUTION });
    expect(busMock).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    const entry = busMock.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ Source: 'helsekjop', DetailType: 'Tender.Announced', EventBusName: 'bus' });
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({
      tenderId: ID,
      lots: [{ id: 'innlandet' }, { id: 'telemark-vestfold' }],
    });
    const audit = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[1]?.Put?.Item;
    expect(audit).toMatchObject({
      action: 'tender.announcement-published',
      actor: { role: 'system' },
      executionArn: EXECUTION,
    });

    ddbMock
      .on(GetCommand)
      .resolves({ Item: tender({ announcementPublishedAt: '2026-11-02T10:00:01.000Z' }) });
    await run({ task: 'publishAnnouncement', tenderId: ID, executionArn: EXECUTION });
    expect(busMock).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it('awaitStep stores the token only if the tender is unchanged since it was read, and schedules the deadline', async () => {
    ddbMock
      .on(GetCommand)
      .resolves({ Item: tender({ announcementPublishedAt: '2026-11-02T10:00:01.000Z' }) });
    ddbMock.on(TransactWriteCommand).resolves({});
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    await run({
      task: 'awaitStep',
      step: 'bidDeadline',
      tenderId: ID,
      executionArn: EXECUTION,
      taskToken: 'token-1',
    });
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.ConditionCheck).toMatchObject({
      ConditionExpression: 'version = :version',
      ExpressionAttributeValues: { ':version': 2 },
    });
    expect(items[1]?.Put?.Item).toMatchObject({ SK: 'TASKTOKEN#bidDeadline', taskToken: 'token-1' });
    const deadline = tender().bidDeadline;
    expect(schedulerMock).toHaveReceivedCommandWith(CreateScheduleCommand, {
      Name: bidDeadlineScheduleName(ID, new Date(deadline)),
      GroupName: 'group',
      ScheduleExpression: `at(${deadline.slice(0, 19)})`,
      ActionAfterCompletion: 'DELETE',
    });
    const target = schedulerMock.commandCalls(CreateScheduleCommand)[0]?.args[0].input.Target;
    expect(JSON.parse(target?.Input ?? '{}')).toEqual({ type: 'tender.bidDeadline', tenderId: ID });
    expect(target?.DeadLetterConfig?.Arn).toBe('arn:aws:sqs:eu-north-1:123456789012:schedule-dlq');
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 0);
  });

  it('awaitStep completes at once, storing nothing, when its moment has already passed (a resumed execution)', async () => {
    ddbMock.on(GetCommand).resolves({
      Item: tender({
        bidDeadline: '2026-01-01T12:00:00.000Z',
        announcementPublishedAt: '2025-12-01T10:00:00.000Z',
      }),
    });
    await run({
      task: 'awaitStep',
      step: 'bidDeadline',
      tenderId: ID,
      executionArn: EXECUTION,
      taskToken: 'token-2',
    });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-2' });
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(schedulerMock.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });

  it('awaitStep fails with TenderCancelled for a cancelled tender (the workflow ends Cancelled)', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender({ status: 'cancelled' }) });
    await expect(
      run({ task: 'awaitStep', step: 'evaluation', tenderId: ID, executionArn: EXECUTION, taskToken: 't' }),
    ).rejects.toMatchObject({ name: 'TenderCancelled' });
  });

  it('openTender refuses to open before the deadline (the workflow goes back to waiting)', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender() });
    await expect(run({ task: 'openTender', tenderId: ID, executionArn: EXECUTION })).rejects.toMatchObject({
      name: 'DeadlineNotReached',
    });
  });

  it('openTender opens after the deadline: status evaluation, a lot without bids unsuccessful, Tender.Opened', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender({ bidDeadline: '2026-01-01T12:00:00.000Z' }) });
    ddbMock.on(QueryCommand).resolves({
      Items: [
        {
          id: 'bid_1',
          lotId: 'innlandet',
          supplierId: 's1',
          status: 'submitted',
          ...colonoscopyBid('innlandet', 1),
        },
      ],
    });
    ddbMock.on(TransactWriteCommand).resolves({});
    expect(await run({ task: 'openTender', tenderId: ID, executionArn: EXECUTION })).toEqual({
      status: 'evaluation',
    });
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Put?.Item).toMatchObject({
      status: 'evaluation',
      version: 3,
      lotOutcomes: { 'telemark-vestfold': { status: 'unsuccessful' } },
    });
    expect(items[0]?.Put?.Item?.lotOutcomes).not.toHaveProperty('innlandet');
    expect(items[1]?.Put?.Item).toMatchObject({ action: 'tender.opened', seq: 3, prevHash: 'b'.repeat(64) });
    expect(busMock).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [expect.objectContaining({ DetailType: 'Tender.Opened' })],
    });
  });

  it('openTender ends the tender unsuccessful when no lot has a valid bid, and says so on the bus', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender({ bidDeadline: '2026-01-01T12:00:00.000Z' }) });
    ddbMock.on(QueryCommand).resolves({
      Items: [{ id: 'bid_1', lotId: 'innlandet', supplierId: 's1', status: 'withdrawn' }],
    });
    ddbMock.on(TransactWriteCommand).resolves({});
    expect(await run({ task: 'openTender', tenderId: ID, executionArn: EXECUTION })).toEqual({
      status: 'unsuccessful',
    });
    const types = busMock.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.[0]?.DetailType);
    expect(types).toEqual(['Tender.Opened', 'Tender.Unsuccessful']);
  });
});

describe('timer', () => {
  beforeEach(() => {
    for (const m of [ddbMock, sfnMock]) m.reset();
    process.env.TABLE_NAME = 'table';
    resetEnvCache();
  });

  const fire = () => timer({ type: 'tender.bidDeadline', tenderId: ID } as never, lambdaContext());

  it('completes the waiting step once the deadline has passed', async () => {
    ddbMock
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } })
      .resolves({ Item: tender({ bidDeadline: '2026-01-01T12:00:00.000Z' }) })
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TASKTOKEN#bidDeadline' } })
      .resolves({ Item: { taskToken: 'token-3' } });
    expect(await fire()).toEqual({ outcome: 'completed' });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-3' });
  });

  it('re-arms itself when it fires before a deadline that was moved later', async () => {
    process.env.SCHEDULE_GROUP = 'group';
    process.env.SCHEDULER_ROLE_ARN = 'arn:aws:iam::123456789012:role/scheduler';
    process.env.SCHEDULE_DEAD_LETTER_ARN = 'arn:aws:sqs:eu-north-1:123456789012:dlq';
    process.env.TIMER_FUNCTION_ARN = 'arn:aws:lambda:eu-north-1:123456789012:function:timer';
    resetEnvCache();
    schedulerMock.reset();
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    ddbMock.on(GetCommand).resolves({ Item: tender() });
    const deadline = tender().bidDeadline;
    expect(await fire()).toEqual({ outcome: `re-armed for ${deadline}` });
    expect(schedulerMock).toHaveReceivedCommandWith(CreateScheduleCommand, {
      Name: bidDeadlineScheduleName(ID, new Date(deadline)),
      ScheduleExpression: `at(${deadline.slice(0, 19)})`,
    });
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 0);
  });

  it('treats a stale token (a schedule firing twice) as done, not as a failure', async () => {
    ddbMock
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } })
      .resolves({ Item: tender({ bidDeadline: '2026-01-01T12:00:00.000Z' }) })
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TASKTOKEN#bidDeadline' } })
      .resolves({ Item: { taskToken: 'token-3' } });
    sfnMock.on(SendTaskSuccessCommand).rejects(new TaskDoesNotExist({ message: 'gone', $metadata: {} }));
    expect(await fire()).toEqual({ outcome: 'no-waiting-workflow' });
  });
});
