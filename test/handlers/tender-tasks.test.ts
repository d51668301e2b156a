import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SendTaskSuccessCommand, SFNClient, TaskDoesNotExist } from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import {
  bidDeadlineScheduleName,
  earlyScheduleName,
  standstillScheduleName,
} from '../../functions/contracts/timer-event.ts';
import { BID_SETTLE_MS, openingDue } from '../../functions/domain/opening.ts';
import { handler as timer } from '../../functions/handlers/events/timer.ts';
import { handler as tasks } from '../../functions/handlers/tasks/tender-tasks.ts';
import { colonoscopyBid, colonoscopyTender, lambdaContext } from '../helpers/fixtures.ts';
import { outboxEventsOf, outboxTypesOf } from '../helpers/outbox.ts';

/** When the bids of a tender with this deadline are opened. */
const openingAt = (bidDeadline: string) => openingDue({ bidDeadline }).toISOString();

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

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** The whole minute at or after `ms`, as an `at()` expression. */
const atWholeMinute = (ms: number) => `at(${iso(Math.ceil(ms / 60_000) * 60_000).slice(0, 19)})`;

/** A conditional write that failed: what DynamoDB answers when someone changed the item since it was read. */
const conditionFailed = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
  });

const schedulerEnv = () => {
  Object.assign(process.env, {
    SCHEDULE_GROUP: 'group',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
    SCHEDULE_DEAD_LETTER_ARN: 'arn:aws:sqs:eu-north-1:123456789012:dlq',
    TIMER_FUNCTION_ARN: 'arn:aws:lambda:eu-north-1:123456789012:function:timer',
  });
  resetEnvCache();
};

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

  it('publishAnnouncement records the announcement with its Tender.Announced event in one transaction, once', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender() });
    ddbMock.on(TransactWriteCommand).resolves({});
    await run({ task: 'publishAnnouncement', tenderId: ID, executionArn: EXECUTION });
    // The event is in the outbox of the same transaction (the relay puts it on the bus), not sent here.
    expect(busMock).toHaveReceivedCommandTimes(PutEventsCommand, 0);
    expect(outboxEventsOf(ddbMock)).toEqual([
      {
        detailType: 'Tender.Announced',
        detail: expect.objectContaining({
          tenderId: ID,
          lots: [
            expect.objectContaining({ id: 'innlandet' }),
            expect.objectContaining({ id: 'telemark-vestfold' }),
          ],
          eventId: `tender.${ID}.3.0`,
        }),
      },
    ]);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(1);
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
    expect(outboxEventsOf(ddbMock)).toHaveLength(1);
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
      executionStartedAt: '2026-11-02T10:00:00.000Z',
      taskToken: 'token-1',
    });
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.ConditionCheck).toMatchObject({
      ConditionExpression: 'version = :version',
      ExpressionAttributeValues: { ':version': 2 },
    });
    expect(items[1]?.Put?.Item).toMatchObject({ SK: 'TASKTOKEN#bidDeadline', taskToken: 'token-1' });
    // The due moment of the deadline step: the opening (functions/domain/opening.ts).
    const deadline = openingAt(tender().bidDeadline);
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
      executionStartedAt: '2026-11-02T10:00:00.000Z',
      taskToken: 'token-2',
    });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-2' });
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(schedulerMock.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });

  it('awaitStep fails with TenderCancelled for a cancelled tender (the workflow ends Cancelled)', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender({ status: 'cancelled' }) });
    await expect(
      run({
        task: 'awaitStep',
        step: 'evaluation',
        tenderId: ID,
        executionArn: EXECUTION,
        executionStartedAt: '2026-11-02T10:00:00.000Z',
        taskToken: 't',
      }),
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
    expect(outboxTypesOf(ddbMock)).toEqual(['Tender.Opened']);
  });

  it('openTender invalidates every stale bid, more than one commit holds, and tells their suppliers', async () => {
    // 50 bids stored while the tender changed (they answer revision 0; the tender is at 1), one current.
    const stale = Array.from({ length: 50 }, (_, i) => ({
      PK: `TENDER#${ID}`,
      SK: `BID#bid_${i}`,
      id: `bid_${i}`,
      tenderId: ID,
      entityId: 'helse-sor-ost',
      lotId: 'innlandet',
      supplierId: `s${i}`,
      status: 'submitted',
      tenderRevision: 0,
      version: 1,
      auditHead: 'c'.repeat(64),
      ...colonoscopyBid('innlandet', 1),
    }));
    const current = {
      ...stale[0],
      SK: 'BID#bid_t',
      id: 'bid_t',
      lotId: 'telemark-vestfold',
      supplierId: 'st',
      tenderRevision: 1,
    };
    ddbMock
      .on(GetCommand)
      .resolves({ Item: tender({ bidDeadline: '2026-01-01T12:00:00.000Z', contentRevision: 1 }) });
    ddbMock.on(QueryCommand).resolves({ Items: [...stale, current] });
    ddbMock.on(TransactWriteCommand).resolves({});
    expect(await run({ task: 'openTender', tenderId: ID, executionArn: EXECUTION })).toMatchObject({
      status: 'evaluation',
    });
    const commits = ddbMock
      .commandCalls(TransactWriteCommand)
      .map((c) => c.args[0].input.TransactItems ?? []);
    const invalidated = commits
      .flat()
      .map((t) => t.Put?.Item)
      .filter((i) => i?.status === 'invalidated')
      .map((i) => i?.id);
    // Every stale bid, none left submitted to hold up the ranking (before: 47 of them).
    expect([...invalidated].sort()).toEqual(stale.map((b) => b.id).sort());
    // The opening comes last, with the bids that fitted beside it and the suppliers told (before: not told).
    const last = commits.at(-1) ?? [];
    expect(last[0]?.Put?.Item).toMatchObject({ status: 'evaluation' });
    const told = last.map((t) => t.Put?.Item).find((i) => i?.detailType === 'Tender.BidsInvalidated');
    const detail = JSON.parse(String(told?.detail));
    expect(detail).toMatchObject({
      lotIds: ['innlandet'],
      reason: expect.stringContaining('earlier content'),
    });
    expect(detail.supplierIds).toHaveLength(50);
    for (const c of commits) expect(c.length).toBeLessThanOrEqual(100);
  });

  describe('ranking', () => {
    // Two qualified bids on innlandet, one on telemark-vestfold, each scored by three evaluators.
    const bidsAndScores = () => {
      const bid = (id: string, lotId: string, unitPrice: number) => ({
        PK: `TENDER#${ID}`,
        SK: `BID#${id}`,
        id,
        tenderId: ID,
        lotId,
        supplierId: `s-${id}`,
        status: 'qualified',
        prices: [{ unit: 'konsultasjoner', unitPrice }],
        receivedAt: '2026-11-20T10:00:00.000Z',
      });
      const bids = [
        bid('b1', 'innlandet', 2400),
        bid('b2', 'telemark-vestfold', 2000),
        bid('b3', 'innlandet', 2300),
      ];
      const scores = bids.flatMap((b) =>
        ['e1', 'e2', 'e3'].map((e) => ({
          PK: `TENDER#${ID}`,
          SK: `SCORE#${b.id}#${e}`,
          tenderId: ID,
          bidId: b.id,
          evaluator: { sub: e, name: e },
          scores: [
            { criterionId: 'kvalitet', score: b.id === 'b1' ? 9 : 6 },
            { criterionId: 'tilgjengelighet', score: 8 },
          ],
          at: '2026-12-01T10:00:00.000Z',
        })),
      );
      return { bids, scores };
    };
    const evaluating = (overrides: Record<string, unknown> = {}) =>
      tender({
        status: 'evaluation',
        bidDeadline: '2026-01-01T12:00:00.000Z',
        rankingRequestedAt: '2026-12-02T10:00:00.000Z',
        minEvaluators: 3,
        ...overrides,
      });
    const mockPartition = (items: { bids: unknown[]; scores: unknown[]; rankings?: unknown[] }) => {
      const prefixed = (prefix: string) => ({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': `TENDER#${ID}`, ':prefix': prefix },
      });
      ddbMock.on(QueryCommand, prefixed('BID#')).resolves({ Items: items.bids as never });
      ddbMock.on(QueryCommand, prefixed('SCORE#')).resolves({ Items: items.scores as never });
      ddbMock.on(QueryCommand, prefixed('RANKING#')).resolves({ Items: (items.rankings ?? []) as never });
    };
    const rankingsCommitted = () =>
      ddbMock
        .commandCalls(TransactWriteCommand)
        .map(
          (c) =>
            c.args[0].input.TransactItems?.[0]?.Put?.Item as { SK: string; ranking: { bidId: string }[] },
        );

    it("rankLots reads the bids and scores of the tender once and commits each open lot's ranking with its audit event", async () => {
      ddbMock.on(GetCommand).resolves({ Item: evaluating() });
      mockPartition(bidsAndScores());
      ddbMock.on(TransactWriteCommand).resolves({});
      expect(await run({ task: 'rankLots', tenderId: ID, executionArn: EXECUTION })).toEqual({
        lots: [
          { lotId: 'innlandet', status: 'ranked' },
          { lotId: 'telemark-vestfold', status: 'ranked' },
        ],
      });
      // Three queries (bids, scores, rankings), however many lots the tender has.
      expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(3);
      expect(rankingsCommitted().map((r) => [r.SK, r.ranking.map((x) => x.bidId)])).toEqual([
        ['RANKING#innlandet', ['b1', 'b3']],
        ['RANKING#telemark-vestfold', ['b2']],
      ]);
      const audit =
        ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[1]?.Put?.Item;
      expect(audit).toMatchObject({ action: 'ranking.computed', executionArn: EXECUTION });
    });

    it('rankLots leaves a lot that is no longer open unranked, and a retry commits over the ranking it finds', async () => {
      ddbMock.on(GetCommand).resolves({
        Item: evaluating({
          lotOutcomes: {
            'telemark-vestfold': { status: 'cancelled', reason: 'x', at: '2026-12-01T10:00:00.000Z' },
          },
        }),
      });
      const existing = {
        PK: `TENDER#${ID}`,
        SK: 'RANKING#innlandet',
        tenderId: ID,
        lotId: 'innlandet',
        status: 'ranked',
        ranking: [],
        rankedAt: '2026-12-02T10:00:00.000Z',
        version: 1,
        auditHead: 'c'.repeat(64),
      };
      mockPartition({ ...bidsAndScores(), rankings: [existing] });
      ddbMock.on(TransactWriteCommand).resolves({});
      expect(await run({ task: 'rankLots', tenderId: ID, executionArn: EXECUTION })).toEqual({
        lots: [{ lotId: 'innlandet', status: 'ranked' }],
      });
      const [put] = rankingsCommitted();
      expect(put).toMatchObject({ SK: 'RANKING#innlandet', version: 2 });
    });

    it('the tasks of executions started before RankLots was one task still rank one lot each', async () => {
      ddbMock.on(GetCommand).resolves({ Item: evaluating() });
      mockPartition(bidsAndScores());
      ddbMock.on(TransactWriteCommand).resolves({});
      expect(await run({ task: 'prepareRanking', tenderId: ID, executionArn: EXECUTION })).toEqual({
        items: [
          { tenderId: ID, lotId: 'innlandet', executionArn: EXECUTION },
          { tenderId: ID, lotId: 'telemark-vestfold', executionArn: EXECUTION },
        ],
      });
      expect(
        await run({ task: 'rankLot', tenderId: ID, lotId: 'innlandet', executionArn: EXECUTION }),
      ).toEqual({ lotId: 'innlandet', status: 'ranked' });
      expect(rankingsCommitted().map((r) => [r.SK, r.ranking.map((x) => x.bidId)])).toEqual([
        ['RANKING#innlandet', ['b1', 'b3']],
      ]);
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
    const types = outboxTypesOf(ddbMock);
    expect(types).toEqual(['Tender.Opened', 'Tender.Unsuccessful']);
  });

  it('openTender: a successor tender without result names the agreements under notice it was to replace', async () => {
    ddbMock.on(GetCommand).resolves({
      Item: tender({ bidDeadline: '2026-01-01T12:00:00.000Z', replacesAgreementIds: ['agr_1', 'agr_2'] }),
    });
    ddbMock.on(QueryCommand).resolves({ Items: [] });
    ddbMock.on(TransactWriteCommand).resolves({});
    await run({ task: 'openTender', tenderId: ID, executionArn: EXECUTION });
    expect(outboxEventsOf(ddbMock).find((e) => e.detailType === 'Tender.Unsuccessful')?.detail).toMatchObject(
      {
        replacesAgreementIds: ['agr_1', 'agr_2'],
      },
    );
  });
});

describe("tender workflow tasks: recovery and the execution's year", () => {
  beforeEach(() => {
    for (const m of [ddbMock, sfnMock, busMock, schedulerMock]) m.reset();
    process.env.TABLE_NAME = 'table';
    process.env.EVENT_BUS_NAME = 'bus';
    schedulerEnv();
    busMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
  });

  it('surfaces an optimistic-lock conflict as VersionConflict (the workflow retries it), not as a Problem that fails the execution', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender() });
    ddbMock.on(TransactWriteCommand).rejects(conditionFailed());
    await expect(
      run({ task: 'publishAnnouncement', tenderId: ID, executionArn: EXECUTION }),
    ).rejects.toMatchObject({ name: 'VersionConflict' });
    // The same for a waiting step whose tender changed between its read and the token's write.
    ddbMock
      .on(GetCommand)
      .resolves({ Item: tender({ announcementPublishedAt: '2026-11-02T10:00:01.000Z' }) });
    await expect(
      run({
        task: 'awaitStep',
        step: 'bidDeadline',
        tenderId: ID,
        executionArn: EXECUTION,
        executionStartedAt: iso(Date.now()),
        taskToken: 'token-c',
      }),
    ).rejects.toMatchObject({ name: 'VersionConflict' });
  });

  it('keeps other failures as they are: a cancelled tender, a transaction that met a concurrent one', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender() });
    ddbMock.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
      }),
    );
    await expect(
      run({ task: 'publishAnnouncement', tenderId: ID, executionArn: EXECUTION }),
    ).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    ddbMock.on(GetCommand).resolves({ Item: tender({ status: 'cancelled' }) });
    await expect(run({ task: 'openTender', tenderId: ID, executionArn: EXECUTION })).rejects.toMatchObject({
      name: 'TenderCancelled',
    });
  });

  it('puts a timed step in the due index at its moment (for the daily sweep), a decision step not', async () => {
    ddbMock.on(TransactWriteCommand).resolves({});
    // The due moment of the deadline step: the opening (functions/domain/opening.ts).
    const deadline = openingAt(tender().bidDeadline);
    ddbMock
      .on(GetCommand)
      .resolves({ Item: tender({ announcementPublishedAt: '2026-11-02T10:00:01.000Z' }) });
    await run({
      task: 'awaitStep',
      step: 'bidDeadline',
      tenderId: ID,
      executionArn: EXECUTION,
      executionStartedAt: iso(Date.now()),
      taskToken: 'token-d',
    });
    const token = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[1]?.Put?.Item;
    expect(token).toMatchObject({
      SK: 'TASKTOKEN#bidDeadline',
      GSI2PK: 'TIMERS#DUE',
      GSI2SK: `${deadline}#${ID}#bidDeadline`,
      tenderId: ID,
      step: 'bidDeadline',
      dueAt: deadline,
    });
    ddbMock.on(GetCommand).resolves({ Item: tender({ status: 'evaluation', openedAt: iso(Date.now()) }) });
    await run({
      task: 'awaitStep',
      step: 'evaluation',
      tenderId: ID,
      executionArn: EXECUTION,
      executionStartedAt: iso(Date.now() - 30 * DAY),
      taskToken: 'token-e',
    });
    const evaluation =
      ddbMock.commandCalls(TransactWriteCommand)[1]?.args[0].input.TransactItems?.[1]?.Put?.Item;
    expect(evaluation).toMatchObject({ SK: 'TASKTOKEN#evaluation', taskToken: 'token-e' });
    expect(evaluation).not.toHaveProperty('GSI2PK');
  });

  it('refuses to start a decision wait that, with the waits after it, would outlive the execution', async () => {
    ddbMock.on(TransactWriteCommand).resolves({});
    ddbMock.on(GetCommand).resolves({ Item: tender({ status: 'evaluation', openedAt: iso(Date.now()) }) });
    const awaitFrom = (startedDaysAgo: number, step: 'evaluation' | 'award') =>
      run({
        task: 'awaitStep',
        step,
        tenderId: ID,
        executionArn: EXECUTION,
        executionStartedAt: iso(Date.now() - startedDaysAgo * DAY),
        taskToken: 'token-f',
      });
    // Evaluation 120 + award 60 + standstill 61 days: 241 days must remain of the 364 usable.
    await expect(awaitFrom(130, 'evaluation')).rejects.toMatchObject({ name: 'WaitOutlivesExecution' });
    expect(await awaitFrom(120, 'evaluation')).toEqual({ registered: true });
    // Award 60 + standstill 61 days.
    await expect(awaitFrom(250, 'award')).rejects.toMatchObject({ name: 'WaitOutlivesExecution' });
    expect(await awaitFrom(240, 'award')).toEqual({ registered: true });
  });

  it('ends the tender unsuccessful, saying why, when no decision could wait within the execution', async () => {
    ddbMock.on(GetCommand).resolves({ Item: tender({ status: 'evaluation', openedAt: iso(Date.now()) }) });
    ddbMock.on(QueryCommand).resolves({ Items: [] });
    ddbMock.on(TransactWriteCommand).resolves({});
    await run({
      task: 'decisionExpired',
      tenderId: ID,
      executionArn: EXECUTION,
      error: { Error: 'WaitOutlivesExecution', Cause: 'no time left' },
    });
    const item = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Put?.Item;
    expect(item).toMatchObject({ status: 'unsuccessful' });
    expect(item?.unsuccessfulReason).toContain('within the year its workflow runs');
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
    // The due moment of the deadline step: the opening (functions/domain/opening.ts).
    const deadline = openingAt(tender().bidDeadline);
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

  it('fired a little early, re-arms under a name of its own, at most three times, then acts as due', async () => {
    schedulerEnv();
    schedulerMock.reset();
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    const bidDeadline = iso(Date.now() + 30_000 - BID_SETTLE_MS);
    const deadline = openingAt(bidDeadline);
    ddbMock
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } })
      .resolves({ Item: tender({ bidDeadline }) })
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TASKTOKEN#bidDeadline' } })
      .resolves({ Item: { taskToken: 'token-4' } });
    const early = (n?: number) =>
      timer(
        { type: 'tender.bidDeadline', tenderId: ID, ...(n ? { early: n } : {}) } as never,
        lambdaContext(),
      );
    expect(await early()).toEqual({ outcome: `fired early: re-armed (1) for ${deadline}` });
    const name = bidDeadlineScheduleName(ID, new Date(deadline));
    expect(schedulerMock).toHaveReceivedCommandWith(CreateScheduleCommand, {
      Name: earlyScheduleName(name, 1),
      ScheduleExpression: atWholeMinute(Date.parse(deadline)),
    });
    const input = schedulerMock.commandCalls(CreateScheduleCommand)[0]?.args[0].input.Target?.Input;
    expect(JSON.parse(input ?? '{}')).toEqual({ type: 'tender.bidDeadline', tenderId: ID, early: 1 });
    expect(await early(2)).toEqual({ outcome: `fired early: re-armed (3) for ${deadline}` });
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 0);
    // The third early re-arm fired early too: it acts as due (the opening checks the deadline again).
    expect(await early(3)).toEqual({ outcome: 'completed (early)' });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-4' });
    expect(schedulerMock).toHaveReceivedCommandTimes(CreateScheduleCommand, 2);
  });

  it('never arms a schedule in the past: a moment already past is armed at the next whole minute', async () => {
    schedulerEnv();
    schedulerMock.reset();
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    const ends = iso(Date.now() - DAY);
    ddbMock.reset();
    ddbMock.on(TransactWriteCommand).resolves({});
    ddbMock.on(GetCommand).resolves({
      Item: tender({
        status: 'standstill',
        award: { revision: 1, standstillEndsAt: iso(Date.now() + 5 * DAY) },
        awardPublishedRevision: 1,
      }),
    });
    const { upsertOneTimeSchedule } = await import('../../functions/adapters/scheduler.ts');
    const before = Date.now();
    const at = await upsertOneTimeSchedule(standstillScheduleName(ID, new Date(ends)), new Date(ends), {
      type: 'tender.standstillEnd',
      tenderId: ID,
    });
    expect(at.getTime() % 60_000).toBe(0);
    expect(at.getTime()).toBeGreaterThanOrEqual(before + 10_000);
    expect(at.getTime()).toBeLessThanOrEqual(before + 10_000 + 60_000);
    expect(schedulerMock).toHaveReceivedCommandWith(CreateScheduleCommand, {
      ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
    });
  });

  it('takes a completed step out of the due index, only if it still holds the same token', async () => {
    const token = {
      PK: `TENDER#${ID}`,
      SK: 'TASKTOKEN#bidDeadline',
      taskToken: 'token-5',
      executionArn: EXECUTION,
      registeredAt: '2026-01-01T00:00:00.000Z',
      tenderId: ID,
      step: 'bidDeadline',
      dueAt: '2026-01-01T12:00:00.000Z',
      GSI2PK: 'TIMERS#DUE',
      GSI2SK: `2026-01-01T12:00:00.000Z#${ID}#bidDeadline`,
    };
    ddbMock
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } })
      .resolves({ Item: tender({ bidDeadline: '2026-01-01T12:00:00.000Z' }) })
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TASKTOKEN#bidDeadline' } })
      .resolves({ Item: token });
    expect(await fire()).toEqual({ outcome: 'completed' });
    const put = ddbMock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      ConditionExpression: 'taskToken = :token',
      ExpressionAttributeValues: { ':token': 'token-5' },
      Item: { SK: 'TASKTOKEN#bidDeadline', taskToken: 'token-5' },
    });
    expect(put?.Item).not.toHaveProperty('GSI2PK');
  });
});

/** A framework agreement as stored, running, from a tender's award. */
const storedAgreement = (id: string, endDate: string) => ({
  PK: `AGREEMENT#${id}`,
  SK: 'AGREEMENT',
  id,
  entityId: 'helse-sor-ost',
  supplierId: 'falck-norge-as',
  tenderId: ID,
  lotId: 'innlandet',
  tenderTitle: 'Koloskopi',
  lotTitle: 'Innlandet',
  serviceAreaId: 'koloskopi',
  hospitalAreaIds: ['innlandet'],
  formOfCare: 'outpatient',
  status: 'active',
  startDate: '2025-01-01',
  endDate,
  options: [],
  optionsExercised: 0,
  currency: 'NOK',
  prices: [],
  volumes: [],
  deliverySites: [],
  nonExclusive: true,
  minimumPurchase: 'none',
  createdAt: '2025-01-01T00:00:00.000Z',
  version: 3,
  auditHead: 'c'.repeat(64),
});

describe('the daily sweep', () => {
  const sweep = () => timer({ type: 'reminder.sweep' } as never, lambdaContext());
  const token = (step: 'bidDeadline' | 'standstill', dueAt: string, taskToken: string) => ({
    PK: `TENDER#${ID}`,
    SK: `TASKTOKEN#${step}`,
    taskToken,
    executionArn: EXECUTION,
    registeredAt: '2026-01-01T00:00:00.000Z',
    tenderId: ID,
    step,
    dueAt,
    GSI2PK: 'TIMERS#DUE',
    GSI2SK: `${dueAt}#${ID}#${step}`,
  });
  let queries: Record<string, unknown>[];

  beforeEach(() => {
    for (const m of [ddbMock, sfnMock, schedulerMock, busMock]) m.reset();
    process.env.TABLE_NAME = 'table';
    schedulerEnv();
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    queries = [];
  });

  const dueIndex = (items: Record<string, unknown>[]) =>
    ddbMock.on(QueryCommand).callsFake((input: Record<string, unknown>) => {
      queries.push(input);
      const pk = (input.ExpressionAttributeValues as Record<string, string>)[':pk'];
      return { Items: pk === 'TIMERS#DUE' ? items : [] };
    });

  it('completes a bid deadline whose schedule was lost, the way the timer does, reading only the due index', async () => {
    const deadline = '2026-01-01T12:00:00.000Z';
    dueIndex([token('bidDeadline', deadline, 'token-6')]);
    ddbMock
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } })
      .resolves({ Item: tender({ bidDeadline: deadline }) })
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TASKTOKEN#bidDeadline' } })
      .resolves({ Item: token('bidDeadline', deadline, 'token-6') })
      .on(GetCommand, { Key: { PK: 'CALENDAR#renegotiations', SK: 'CALENDAR' } })
      .resolves({ Item: { nextRunAt: '2027-09-01T06:00:00.000Z', armedAt: '2026-09-01T06:00:00.000Z' } });
    const { outcome } = await sweep();
    expect(outcome).toContain('1 waiting step(s) completed');
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-6' });
    // Out of the due index once done.
    const put = ddbMock
      .commandCalls(PutCommand)
      .find((c) => c.args[0].input.Item?.SK === 'TASKTOKEN#bidDeadline');
    expect(put?.args[0].input.Item).not.toHaveProperty('GSI2PK');
    // Only the due partitions were read: no Scan, no query of every tender.
    expect(ddbMock.commandCalls(ScanCommand)).toHaveLength(0);
    expect(
      queries.map((q) => [q.IndexName, (q.ExpressionAttributeValues as Record<string, string>)[':pk']]),
    ).toEqual([
      ['GSI2', 'REMINDERS#DUE'],
      ['GSI2', 'TIMERS#DUE'],
      ['GSI2', 'AGREEMENTS#ENDING'],
      ['GSI1', 'OUTBOX#PENDING'],
    ]);
  });

  it('delivers the other due reminders when one cannot be delivered, and counts the one that failed', async () => {
    // Two agreements with a reminder due each; the first reminder's delivery fails every time (its
    // transaction is refused), and it stays first in the due index. Before, it ended the day's
    // reminder part at once, and every day after: the reminders behind it were never delivered.
    const agreement = (n: number) => storedAgreement(`agr_0000000000000000000000000000000${n}`, '2027-06-30');
    const reminder = (n: number) => {
      const agreementId = agreement(n).id;
      const key = 'expiry#2027-06-30#12m';
      const dueAt = iso(Date.now() - DAY);
      return {
        PK: `AGREEMENT#${agreementId}`,
        SK: `REMINDER#${key}`,
        key,
        kind: 'expiry',
        leadMonths: 12,
        deadline: '2027-06-30',
        dueAt,
        escalation: false,
        agreementId,
        entityId: 'helse-sor-ost',
        supplierId: 'falck-norge-as',
        status: 'pending',
        createdAt: '2025-01-01T00:00:00.000Z',
        version: 1,
        auditHead: 'd'.repeat(64),
        GSI2PK: 'REMINDERS#DUE',
        GSI2SK: `${dueAt}#${agreementId}#${key}`,
      };
    };
    ddbMock.on(QueryCommand).callsFake((input: Record<string, unknown>) => {
      queries.push(input);
      const pk = (input.ExpressionAttributeValues as Record<string, string>)[':pk'];
      return { Items: pk === 'REMINDERS#DUE' ? [reminder(1), reminder(2)] : [] };
    });
    ddbMock.on(GetCommand).resolves({});
    for (const n of [1, 2])
      ddbMock
        .on(GetCommand, { Key: { PK: agreement(n).PK, SK: 'AGREEMENT' } })
        .resolves({ Item: agreement(n) })
        .on(GetCommand, { Key: { PK: reminder(n).PK, SK: reminder(n).SK } })
        .resolves({ Item: reminder(n) });
    ddbMock
      .on(GetCommand, { Key: { PK: 'CALENDAR#renegotiations', SK: 'CALENDAR' } })
      .resolves({ Item: { nextRunAt: '2027-09-01T06:00:00.000Z', armedAt: '2026-09-01T06:00:00.000Z' } });
    const refused = (items: { Put?: { Item?: Record<string, unknown> } }[] = []) =>
      items.some((i) => i.Put?.Item?.PK === agreement(1).PK);
    ddbMock
      .on(TransactWriteCommand)
      .callsFake((input: { TransactItems?: { Put?: { Item?: Record<string, unknown> } }[] }) => {
        if (refused(input.TransactItems))
          throw Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
            name: 'ValidationException',
            $metadata: {},
          });
        return {};
      });
    const { outcome } = await sweep();
    expect(outcome).toContain('1 reminder(s) delivered');
    expect(outcome).toContain('1 due item(s) could not be handled');
    // Both deliveries were tried, in the index's order: the first refused, the second committed.
    const tried = ddbMock
      .commandCalls(TransactWriteCommand)
      .flatMap((c) => c.args[0].input.TransactItems ?? [])
      .filter((i) => i.Put?.Item?.SK === reminder(2).SK && i.Put?.Item?.status === 'delivered');
    expect(tried.map((i) => i.Put?.Item?.agreementId)).toEqual([agreement(1).id, agreement(2).id]);
  });

  it('ends an agreement whose end passed while its expiry schedule was lost, reading only the index of ends', async () => {
    const agreementId = 'agr_00000000000000000000000000000009';
    const endDate = iso(Date.now() - 3 * DAY).slice(0, 10);
    ddbMock.on(QueryCommand).callsFake((input: Record<string, unknown>) => {
      queries.push(input);
      const pk = (input.ExpressionAttributeValues as Record<string, string>)[':pk'];
      return {
        Items:
          pk === 'AGREEMENTS#ENDING'
            ? [{ PK: `AGREEMENT#${agreementId}`, SK: 'ENDS', agreementId, dueAt: `${endDate}T00:00:00.000Z` }]
            : [],
      };
    });
    const agreementItem = storedAgreement(agreementId, endDate);
    ddbMock.on(GetCommand).resolves({}); // no reminder settings of the entity: the defaults
    ddbMock
      .on(GetCommand, { Key: { PK: `AGREEMENT#${agreementId}`, SK: 'AGREEMENT' } })
      .resolves({ Item: agreementItem })
      .on(GetCommand, { Key: { PK: 'CALENDAR#renegotiations', SK: 'CALENDAR' } })
      .resolves({ Item: { nextRunAt: '2027-09-01T06:00:00.000Z', armedAt: '2026-09-01T06:00:00.000Z' } });
    ddbMock.on(TransactWriteCommand).resolves({});
    const { outcome } = await sweep();
    expect(outcome).toContain('1 agreement(s) ended');
    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Put?.Item).toMatchObject({ id: agreementId, status: 'expired', version: 4 });
    expect(items[1]?.Put?.Item).toMatchObject({ action: 'agreement.expired', actor: { role: 'system' } });
    // Out of the index of ends with the change that ended it.
    const entry = items.find((t) => t.Put?.Item?.SK === 'ENDS')?.Put?.Item;
    expect(entry).toMatchObject({ PK: `AGREEMENT#${agreementId}`, agreementId });
    expect(entry).not.toHaveProperty('GSI2PK');
  });

  it('completes a standstill whose schedule was lost, and takes a step that no longer waits out of the index', async () => {
    const ended = '2026-01-10T12:00:00.000Z';
    // The tender is in standstill: its old bid-deadline entry (a cancelled wait, say) no longer waits.
    dueIndex([
      token('bidDeadline', '2026-01-01T12:00:00.000Z', 'token-8'),
      token('standstill', ended, 'token-7'),
    ]);
    ddbMock
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } })
      .resolves({
        Item: tender({
          status: 'standstill',
          bidDeadline: '2026-01-01T12:00:00.000Z',
          award: { revision: 1, standstillEndsAt: ended },
          awardPublishedRevision: 1,
        }),
      })
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TASKTOKEN#standstill' } })
      .resolves({ Item: token('standstill', ended, 'token-7') })
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TASKTOKEN#bidDeadline' } })
      .resolves({ Item: token('bidDeadline', '2026-01-01T12:00:00.000Z', 'token-8') })
      .on(GetCommand, { Key: { PK: 'CALENDAR#renegotiations', SK: 'CALENDAR' } })
      .resolves({ Item: { nextRunAt: '2027-09-01T06:00:00.000Z', armedAt: '2026-09-01T06:00:00.000Z' } });
    const { outcome } = await sweep();
    expect(outcome).toContain('1 waiting step(s) completed');
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-7' });
    const unindexed = ddbMock
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input)
      .filter((i) => String(i.Item?.SK).startsWith('TASKTOKEN#'));
    expect(unindexed.map((i) => [i.Item?.SK, i.Item?.GSI2PK])).toEqual([
      ['TASKTOKEN#bidDeadline', undefined],
      ['TASKTOKEN#standstill', undefined],
    ]);
  });

  it('moves a step whose deadline was extended to its new moment in the index, and arms it', async () => {
    const extended = iso(Date.now() + 10 * DAY);
    dueIndex([token('bidDeadline', '2026-01-01T12:00:00.000Z', 'token-9')]);
    ddbMock
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TENDER' } })
      .resolves({ Item: tender({ bidDeadline: extended }) })
      .on(GetCommand, { Key: { PK: `TENDER#${ID}`, SK: 'TASKTOKEN#bidDeadline' } })
      .resolves({ Item: token('bidDeadline', '2026-01-01T12:00:00.000Z', 'token-9') })
      .on(GetCommand, { Key: { PK: 'CALENDAR#renegotiations', SK: 'CALENDAR' } })
      .resolves({ Item: { nextRunAt: '2027-09-01T06:00:00.000Z', armedAt: '2026-09-01T06:00:00.000Z' } });
    expect((await sweep()).outcome).toContain('0 waiting step(s) completed');
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 0);
    const moved = ddbMock
      .commandCalls(PutCommand)
      .find((c) => c.args[0].input.Item?.SK === 'TASKTOKEN#bidDeadline');
    const opening = openingAt(extended);
    expect(moved?.args[0].input.Item).toMatchObject({
      GSI2PK: 'TIMERS#DUE',
      GSI2SK: `${opening}#${ID}#bidDeadline`,
      dueAt: opening,
    });
    expect(schedulerMock).toHaveReceivedCommandWith(CreateScheduleCommand, {
      Name: bidDeadlineScheduleName(ID, new Date(opening)),
      ScheduleExpression: atWholeMinute(Date.parse(opening)),
    });
  });

  it("runs the yearly renegotiation run that never happened, and arms next year's: the chain is mended", async () => {
    dueIndex([]);
    ddbMock
      .on(GetCommand, { Key: { PK: 'CALENDAR#renegotiations', SK: 'CALENDAR' } })
      .resolves({ Item: { nextRunAt: iso(Date.now() - 2 * DAY), armedAt: iso(Date.now() - 300 * DAY) } });
    const { outcome } = await sweep();
    const year = new Date().getUTCFullYear() + 1;
    expect(outcome).toContain(`renegotiation(s) for ${year}`);
    // Every entity's agreements were listed (one Query each, on its index).
    expect(queries.filter((q) => q.IndexName === 'GSI1').length).toBeGreaterThan(0);
    expect(schedulerMock).toHaveReceivedCommandWith(CreateScheduleCommand, {
      Name: `renegotiations-run-${year}`,
      ScheduleExpression: `at(${year}-09-01T06:00:00)`,
    });
    const calendar = ddbMock
      .commandCalls(PutCommand)
      .find((c) => c.args[0].input.Item?.PK === 'CALENDAR#renegotiations');
    expect(calendar?.args[0].input.Item).toMatchObject({
      nextRunAt: `${year}-09-01T06:00:00.000Z`,
      lastRunAt: expect.any(String),
    });
  });

  it('arms the yearly run again when it is still ahead (a lost schedule comes back, nothing else runs)', async () => {
    dueIndex([]);
    const next = `${new Date().getUTCFullYear() + 1}-09-01T06:00:00.000Z`;
    ddbMock
      .on(GetCommand, { Key: { PK: 'CALENDAR#renegotiations', SK: 'CALENDAR' } })
      .resolves({ Item: { nextRunAt: next, armedAt: iso(Date.now() - 80 * DAY) } });
    await sweep();
    expect(schedulerMock).toHaveReceivedCommandWith(CreateScheduleCommand, {
      ScheduleExpression: `at(${next.slice(0, 19)})`,
    });
    // No entity's index was read, only the outbox's pending events.
    expect(
      queries
        .filter((q) => q.IndexName === 'GSI1')
        .map((q) => (q.ExpressionAttributeValues as Record<string, string>)[':pk']),
    ).toEqual(['OUTBOX#PENDING']);
  });

  it('sends again the outbox events still pending long after their commit, and marks them sent', async () => {
    dueIndex([]);
    const pending = {
      PK: 'OUTBOX#tender#t1',
      SK: 'SEQ#0000000003#0',
      eventId: 'tender.t1.3.0',
      detailType: 'Tender.Opened',
      detail: JSON.stringify({ tenderId: 't1', eventId: 'tender.t1.3.0' }),
      at: iso(Date.now() - DAY),
      GSI1PK: 'OUTBOX#PENDING',
      GSI1SK: `${iso(Date.now() - DAY)}#tender.t1.3.0`,
      ttl: 1,
    };
    ddbMock.on(QueryCommand).callsFake((input: Record<string, unknown>) => {
      queries.push(input);
      const values = input.ExpressionAttributeValues as Record<string, string>;
      return { Items: values[':pk'] === 'OUTBOX#PENDING' ? [pending] : [] };
    });
    ddbMock
      .on(GetCommand, { Key: { PK: 'CALENDAR#renegotiations', SK: 'CALENDAR' } })
      .resolves({ Item: { nextRunAt: '2027-09-01T06:00:00.000Z', armedAt: '2026-09-01T06:00:00.000Z' } });
    ddbMock.on(PutCommand).resolves({});
    process.env.EVENT_BUS_NAME = 'bus';
    busMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    const { outcome } = await sweep();
    expect(outcome).toContain('1 pending event(s) sent again');
    // Only what is pending for more than 15 minutes.
    const outboxQuery = queries.find((q) => q.IndexName === 'GSI1');
    expect(outboxQuery?.KeyConditionExpression).toBe('GSI1PK = :pk AND GSI1SK < :before');
    expect(
      Date.parse(
        (outboxQuery?.ExpressionAttributeValues as Record<string, string> | undefined)?.[':before'] ?? '',
      ),
    ).toBeLessThanOrEqual(Date.now() - 15 * 60_000);
    // On the bus with the time of its change and its detail as written.
    const entry = busMock.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      DetailType: 'Tender.Opened',
      Detail: pending.detail,
      Time: new Date(pending.at),
    });
    const sent = ddbMock
      .commandCalls(PutCommand)
      .find((c) => c.args[0].input.Item?.PK === 'OUTBOX#tender#t1');
    expect(sent?.args[0].input.Item).toMatchObject({ eventId: 'tender.t1.3.0', busEventId: 'e1' });
    expect(sent?.args[0].input.Item).not.toHaveProperty('GSI1PK');
    expect(sent?.args[0].input.ConditionExpression).toBe('attribute_exists(PK)');
  });
});
