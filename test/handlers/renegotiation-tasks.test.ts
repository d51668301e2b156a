/** The renegotiation workflow's tasks with DynamoDB, EventBridge, Scheduler and Step Functions mocked. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import { handler } from '../../functions/handlers/tasks/renegotiation-tasks.ts';
import { lambdaContext } from '../helpers/fixtures.ts';
import { outboxTypesOf } from '../helpers/outbox.ts';

const ddbMock = mockClient(DynamoDBDocumentClient);
const busMock = mockClient(EventBridgeClient);
const schedulerMock = mockClient(SchedulerClient);
const sfnMock = mockClient(SFNClient);
const AGR = 'agr_00000000000000000000000000000009';
const EXECUTION = `arn:aws:states:eu-north-1:123456789012:execution:AnnualRenegotiation:${AGR}-2027`;

const year = (overrides: Record<string, unknown> = {}) => ({
  PK: `AGREEMENT#${AGR}`,
  SK: 'YEAR#2027',
  agreementId: AGR,
  entityId: 'helse-sor-ost',
  supplierId: 'falck-norge-as',
  year: 2027,
  status: 'proposed',
  lines: [{ unit: 'konsultasjoner', volume: 1000, unitPrice: 1200 }],
  priceAdjustmentPercent: 0,
  rounds: [],
  reminders: 0,
  supplierDeadline: '2026-01-01T00:00:00.000Z',
  version: 3,
  auditHead: 'd'.repeat(64),
  ...overrides,
});

const run = (event: unknown) => handler(event as never, lambdaContext());
/** The events the tasks wrote with their changes (the outbox) and those they published directly. */
const types = () => [
  ...outboxTypesOf(ddbMock),
  ...busMock.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.[0]?.DetailType),
];

describe('renegotiation tasks', () => {
  beforeEach(() => {
    for (const m of [ddbMock, busMock, schedulerMock, sfnMock]) m.reset();
    Object.assign(process.env, {
      TABLE_NAME: 'table',
      EVENT_BUS_NAME: 'bus',
      SCHEDULE_GROUP: 'group',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
      SCHEDULE_DEAD_LETTER_ARN: 'arn:aws:sqs:eu-north-1:123456789012:dlq',
      TIMER_FUNCTION_ARN: 'arn:aws:lambda:eu-north-1:123456789012:function:timer',
    });
    resetEnvCache();
    busMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    ddbMock.on(TransactWriteCommand).resolves({});
  });

  it('reminds a supplier past its deadline the first time, with a new deadline, audited by the workflow', async () => {
    ddbMock.on(GetCommand).resolves({ Item: year() });
    expect(
      await run({ task: 'supplierLate', agreementId: AGR, year: 2027, executionArn: EXECUTION }),
    ).toEqual({ outcome: 'reminded' });
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Put?.Item).toMatchObject({ reminders: 1, version: 4 });
    expect(items[1]?.Put?.Item).toMatchObject({
      action: 'performance.supplier-reminded',
      executionArn: EXECUTION,
      actor: { role: 'system' },
    });
    expect(types()).toEqual(['PerformanceAgreement.SupplierReminded']);
  });

  it('escalates to the officer the second time', async () => {
    ddbMock.on(GetCommand).resolves({ Item: year({ reminders: 1 }) });
    expect(
      await run({ task: 'supplierLate', agreementId: AGR, year: 2027, executionArn: EXECUTION }),
    ).toEqual({ outcome: 'escalated' });
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Put?.Item?.escalatedAt).toEqual(expect.any(String));
    expect(items[1]?.Put?.Item?.reason).toContain('after a reminder');
    expect(types()).toEqual(['PerformanceAgreement.Escalated']);
  });

  it('lets the workflow move on at once when the supplier deadline has already passed', async () => {
    ddbMock.on(GetCommand).resolves({ Item: year() });
    await run({
      task: 'awaitStep',
      step: 'supplier',
      agreementId: AGR,
      year: 2027,
      executionArn: EXECUTION,
      executionStartedAt: new Date().toISOString(),
      taskToken: 'tok',
    });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'tok',
      output: JSON.stringify({ outcome: 'deadline' }),
    });
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('waits for the supplier: stores the token if the year is unchanged, and schedules the deadline', async () => {
    const deadline = new Date(Date.now() + 10 * 86_400_000).toISOString();
    ddbMock.on(GetCommand).resolves({ Item: year({ supplierDeadline: deadline }) });
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await run({
      task: 'awaitStep',
      step: 'supplier',
      agreementId: AGR,
      year: 2027,
      executionArn: EXECUTION,
      executionStartedAt: new Date().toISOString(),
      taskToken: 'tok',
    });
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.ConditionCheck?.ExpressionAttributeValues).toEqual({ ':version': 3 });
    expect(items[1]?.Put?.Item).toMatchObject({ SK: 'TASKTOKEN#2027#supplier', taskToken: 'tok' });
    const inputs = schedulerMock.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    const input = inputs.find((i) => i.Target?.Input?.includes('supplierDeadline'));
    expect(inputs.some((i) => i.Target?.Input?.includes('renegotiation.answerDue'))).toBe(true);
    // Armed at the whole minute at or after the deadline: Scheduler fires within the minute it names.
    const wholeMinute = new Date(Math.ceil(Date.parse(deadline) / 60_000) * 60_000).toISOString();
    expect(input?.ScheduleExpression).toBe(`at(${wholeMinute.slice(0, 19)})`);
    expect(JSON.parse(input?.Target?.Input ?? '{}')).toEqual({
      type: 'renegotiation.supplierDeadline',
      agreementId: AGR,
      year: 2027,
    });
  });

  it('surfaces an optimistic-lock conflict as VersionConflict, which the workflow retries', async () => {
    ddbMock
      .on(GetCommand)
      .resolves({ Item: year({ status: 'agreed', approvedAt: '2026-11-01T00:00:00.000Z' }) });
    ddbMock.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    await expect(
      run({ task: 'publishYear', agreementId: AGR, year: 2027, executionArn: EXECUTION }),
    ).rejects.toMatchObject({ name: 'VersionConflict' });
  });

  it('fails to publish an unapproved year as a plain error, which no state catches by name', async () => {
    ddbMock.on(GetCommand).resolves({ Item: year({ status: 'agreed' }) });
    await expect(
      run({ task: 'publishYear', agreementId: AGR, year: 2027, executionArn: EXECUTION }),
    ).rejects.toMatchObject({ name: 'Error', message: `${AGR} 2027 is not approved` });
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it("begins by noting the execution's start on the product's clock", async () => {
    const before = Date.now();
    const { startedAt } = (await run({
      task: 'begin',
      agreementId: AGR,
      year: 2027,
      executionArn: EXECUTION,
    })) as { startedAt: string };
    expect(Date.parse(startedAt)).toBeGreaterThanOrEqual(before);
  });

  it('refuses a wait that would outlive the execution, and the abandonment says why', async () => {
    ddbMock.on(GetCommand).resolves({ Item: year({ status: 'draft', supplierDeadline: undefined }) });
    const awaitOfficer = (startedDaysAgo: number) =>
      run({
        task: 'awaitStep',
        step: 'officer',
        agreementId: AGR,
        year: 2027,
        executionArn: EXECUTION,
        executionStartedAt: new Date(Date.now() - startedDaysAgo * 86_400_000).toISOString(),
        taskToken: 'tok',
      });
    // The officer may take 180 days: from day 190 on, that would pass the 364 usable days.
    await expect(awaitOfficer(190)).rejects.toMatchObject({ name: 'WaitOutlivesExecution' });
    expect(await awaitOfficer(180)).toEqual({ registered: true });
    await run({
      task: 'abandon',
      agreementId: AGR,
      year: 2027,
      executionArn: EXECUTION,
      error: { Error: 'WaitOutlivesExecution', Cause: 'no time left' },
    });
    const detail = JSON.parse(
      busMock.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.Detail ?? '{}',
    );
    expect(detail).toMatchObject({ status: 'draft', reason: expect.stringContaining("execution's year") });
  });
});
