/**
 * Step Functions tasks of the tender lifecycle (workflows/tender-lifecycle.asl.json). Each task is
 * idempotent: Step Functions retries them, and a resumed execution runs them again. Status changes
 * are decided by domain/tender-lifecycle.ts and go through commit() (the change, its audit event and
 * the domain events that report it, in one transaction: a retry after a commit that landed finds
 * the change made and its events on their way); the domain's refusals become task errors by name
 * here (asTenderTaskError).
 */
import * as z from 'zod/mini';
import { publishEvent } from '../../adapters/event-bus.ts';
import { upsertOneTimeSchedule } from '../../adapters/scheduler.ts';
import { completeTask } from '../../adapters/step-functions.ts';
import {
  commit,
  commitAll,
  type Keyed,
  MAX_AGGREGATES_PER_COMMIT,
  withoutKeys,
} from '../../adapters/store.ts';
import { StoreConflict } from '../../adapters/store-errors.ts';
import { type OutboxEvent, outboxEvent } from '../../contracts/outbox.ts';
import type { SystemActor } from '../../domain/actors.ts';
import { commitWithReminders } from '../../services/reminders.ts';
import { now, nowIso } from '../../shared/clock.ts';
import { log } from '../../shared/log.ts';
import '../../shared/zod-locale.ts';
import { bidDeadlineScheduleName, standstillScheduleName } from '../../contracts/timer-event.ts';
import { agreementFromAward, replacesField } from '../../domain/agreement.ts';
import { isValidBid } from '../../domain/bid.ts';
import { bidderResults, type LotRanking, rankLot, rankLots } from '../../domain/evaluation.ts';
import { openingDue, openingIsDue } from '../../domain/opening.ts';
import { Refusal, type RefusalCode } from '../../domain/refusal.ts';
import { openLotIds } from '../../domain/tender.ts';
import {
  assertAwardStands,
  assertNotCancelled,
  completeStandstill,
  expireDecision,
  open,
  recordRanked,
  standstillOver,
  type Transition,
} from '../../domain/tender-lifecycle.ts';
import { agreementItem, firstYearCommit, getAgreement } from '../../services/store/agreements.ts';
import {
  bidInvalidation,
  getTender,
  listBids,
  listRankings,
  listScores,
  type RankingItem,
  rankingKey,
  type TenderItem,
  tenderTransition,
} from '../../services/store/tenders.ts';
import {
  registerStep,
  stageOf,
  type WaitingStep,
  waitingSteps,
} from '../../services/workflow/tender-steps.ts';
import { fitsInExecution, tenderWaitsFrom } from '../../services/workflow/waits.ts';
import { COMMON_TASK_ERRORS, TaskError, taskHandler } from './task.ts';

const workflowActor: SystemActor = { sub: 'system', name: 'tender-lifecycle workflow', role: 'system' };

/**
 * Every error name these tasks fail with, which workflows/tender-lifecycle.asl.json catches or retries by
 * name (test/contracts/asl-errors.test.ts): the tasks' own and those of every task module.
 */
export const TASK_ERRORS = [
  'TenderNotFound',
  'TenderCancelled',
  'DeadlineNotReached',
  'StandstillNotOver',
  'AwardRevised',
  ...COMMON_TASK_ERRORS,
] as const;
export type TenderTaskError = (typeof TASK_ERRORS)[number];

/** Errors the workflow catches by name (Catch ErrorEquals). */
class WorkflowError extends TaskError<TenderTaskError> {}

const tenderId = z.string().check(z.minLength(1));
const executionArn = z.string().check(z.minLength(1));
const common = { tenderId, executionArn };

/**
 * Tasks no state of the current definition calls. An execution keeps the definition it started
 * with, and a tender's execution waits for months: those started before RankLots became one task
 * (2026-11-24) still call PrepareRanking and each lot's RankLot. Remove them once no execution
 * started before then runs (a year at most: executions end within their year).
 */
export const RETIRED_TASKS = ['prepareRanking', 'rankLot'] as const;

export const taskInputSchema = z.discriminatedUnion('task', [
  z.strictObject({ task: z.literal('loadTender'), tenderId }),
  z.strictObject({ task: z.literal('publishAnnouncement'), ...common }),
  z.strictObject({
    task: z.literal('awaitStep'),
    step: z.enum(waitingSteps),
    ...common,
    /** When the execution's first task ran (LoadTender): every wait must end within its life. */
    executionStartedAt: z.string(),
    taskToken: z.string(),
  }),
  z.strictObject({ task: z.literal('openTender'), ...common }),
  z.strictObject({ task: z.literal('rankLots'), ...common }),
  // RETIRED_TASKS: executions started before RankLots became one task still call these.
  z.strictObject({ task: z.literal('prepareRanking'), ...common }),
  z.strictObject({ task: z.literal('rankLot'), lotId: z.string(), ...common }),
  z.strictObject({ task: z.literal('rankingsComputed'), ...common }),
  z.strictObject({ task: z.literal('publishAward'), ...common }),
  z.strictObject({ task: z.literal('createAgreements'), ...common }),
  z.strictObject({ task: z.literal('decisionExpired'), error: z.unknown(), ...common }),
  z.strictObject({ task: z.literal('timerLost'), step: z.enum(['bidDeadline', 'standstill']), ...common }),
]);
export type TaskInput = z.infer<typeof taskInputSchema>;
type Input<T extends TaskInput['task']> = Extract<TaskInput, { task: T }>;

const mustLoad = async (id: string): Promise<TenderItem> => {
  const tender = await getTender(id);
  if (!tender) throw new WorkflowError('TenderNotFound', `Tender ${id} does not exist`);
  assertNotCancelled(tender);
  return tender;
};

/** What ranking reads: every bid and score of the tender, and the rankings already stored. */
const rankingInputs = (tenderId: string) =>
  Promise.all([listBids(tenderId), listScores(tenderId), listRankings(tenderId)]);

/** One lot's ranking committed with its audit event; a retry after a commit that landed finds it there. */
const commitRanking = async (
  tender: TenderItem,
  ranking: LotRanking,
  before: RankingItem | undefined,
  at: string,
  executionArn: string,
): Promise<void> => {
  const [tenderId, lotId] = [tender.id, ranking.lotId];
  try {
    await commit({
      aggregate: { type: 'ranking', id: `${tenderId}:${lotId}` },
      entityId: tender.entityId,
      before,
      after: { ...rankingKey(tenderId, lotId), tenderId, rankedAt: at, ...ranking } as Omit<
        RankingItem,
        'version' | 'auditHead'
      >,
      actor: workflowActor,
      action: 'ranking.computed',
      change: ranking,
      executionArn,
      at,
    });
  } catch (error) {
    // A retry after a commit that did land: the ranking is there.
    if (!(error instanceof StoreConflict)) throw error;
  }
};

const passed = (iso: string | undefined): boolean =>
  iso !== undefined && now().getTime() >= new Date(iso).getTime();

/** The task error (by name, for the ASL's Catch and Retry) of each refusal the workflow tells apart. */
const taskErrorOf: Partial<Record<RefusalCode, TenderTaskError>> = {
  tenderCancelled: 'TenderCancelled',
  deadlineNotReached: 'DeadlineNotReached',
  standstillNotOver: 'StandstillNotOver',
  awardRevised: 'AwardRevised',
};

/**
 * The one translation of the domain's refusals to task errors: a named one becomes its task error,
 * any other an unexpected error (the execution fails).
 */
const asTenderTaskError = (error: unknown): unknown => {
  if (!(error instanceof Refusal)) return error;
  const name = error.code && taskErrorOf[error.code];
  return name ? new WorkflowError(name, error.message) : new Error(error.message);
};

/** Commits a transition of the tender decided in the domain, with its audit event and domain events. */
const commitTransition = async (
  before: TenderItem,
  transition: Transition,
  executionArn: string,
  events: OutboxEvent[] = [],
) => {
  const { item } = await commit({
    ...tenderTransition(before, transition, workflowActor, { executionArn }),
    events,
  });
  return item as TenderItem;
};

/** Commits bookkeeping of the workflow (no status, no lot outcome) with the events it records as sent. */
const record = async (
  before: TenderItem,
  changes: { announcementPublishedAt: string } | { awardPublishedRevision: number },
  action: string,
  executionArn: string,
  events: OutboxEvent[],
) =>
  commitTransition(
    before,
    { after: { ...withoutKeys(before), ...changes, updatedAt: nowIso() }, action, change: changes },
    executionArn,
    events,
  );

const bidderIds = async (tenderId: string): Promise<string[]> =>
  [...new Set((await listBids(tenderId)).filter(isValidBid).map((b) => b.supplierId))].sort();

/** When a waiting step should let the workflow move on at once (its condition already holds). */
const alreadyDone = (tender: TenderItem, step: WaitingStep): boolean => {
  const stage = stageOf(tender, now());
  switch (step) {
    case 'bidDeadline':
      return stage !== 'tendering';
    case 'evaluation':
      return tender.status !== 'evaluation' || tender.rankingRequestedAt !== undefined;
    case 'award':
      return tender.status !== 'evaluation';
    case 'standstill':
      return tender.status !== 'standstill' || passed(tender.award?.standstillEndsAt);
  }
};

const tasks = {
  loadTender: async ({ tenderId }: Input<'loadTender'>) => {
    const tender = await getTender(tenderId);
    if (!tender) throw new WorkflowError('TenderNotFound', `Tender ${tenderId} does not exist`);
    // The execution's start on the product's clock: LoadTender is its first state.
    return { tenderId, status: tender.status, stage: stageOf(tender, now()), startedAt: nowIso() };
  },

  publishAnnouncement: async ({ tenderId, executionArn }: Input<'publishAnnouncement'>) => {
    const tender = await mustLoad(tenderId);
    if (tender.announcementPublishedAt) return { published: false };
    // The announcement is recorded and its event written together: once, whatever is retried.
    await record(
      tender,
      { announcementPublishedAt: nowIso() },
      'tender.announcement-published',
      executionArn,
      [
        outboxEvent('Tender.Announced', {
          tenderId,
          entityId: tender.entityId,
          title: tender.title,
          // The main specialty, as before specialties became a list, for consumers that read one.
          serviceAreaId: tender.serviceAreaIds[0] as string,
          serviceAreaIds: tender.serviceAreaIds,
          bidDeadline: tender.bidDeadline,
          announcedAt: tender.announcedAt ?? nowIso(),
          lots: tender.lots.map((l) => ({ id: l.id, title: l.title })),
        }),
      ],
    );
    return { published: true };
  },

  /**
   * Registers the step's task token beside the tender, only if the tender is unchanged since it was
   * read (so a decision taken meanwhile is never missed), then arms the step's timer if it has one.
   * A timed step's token is in the due index at its moment, for the daily sweep. A decision step
   * starts only if the waits that can follow it fit in the execution's life.
   */
  awaitStep: async (input: Input<'awaitStep'>) => {
    const tender = await mustLoad(input.tenderId);
    if (input.step === 'standstill') assertAwardStands(tender);
    if (alreadyDone(tender, input.step)) {
      await completeTask(input.taskToken, { step: input.step, reason: `already past: ${tender.status}` });
      return { registered: false };
    }
    if (
      (input.step === 'evaluation' || input.step === 'award') &&
      !fitsInExecution(input.executionStartedAt, now(), tenderWaitsFrom[input.step])
    )
      throw new WorkflowError(
        'WaitOutlivesExecution',
        `The ${input.step} step and the waits after it (${tenderWaitsFrom[input.step] / 86_400} days) would outlive the workflow execution started ${input.executionStartedAt}`,
      );
    const due =
      input.step === 'bidDeadline'
        ? openingDue(tender).toISOString()
        : input.step === 'standstill'
          ? tender.award?.standstillEndsAt
          : undefined;
    await registerStep(tender, input.step, input, due);
    if (input.step === 'bidDeadline') {
      await upsertOneTimeSchedule(
        bidDeadlineScheduleName(tender.id, openingDue(tender)),
        openingDue(tender),
        {
          type: 'tender.bidDeadline',
          tenderId: tender.id,
        },
      );
    }
    if (input.step === 'standstill' && tender.award) {
      await upsertOneTimeSchedule(
        standstillScheduleName(tender.id, new Date(tender.award.standstillEndsAt)),
        new Date(tender.award.standstillEndsAt),
        {
          type: 'tender.standstillEnd',
          tenderId: tender.id,
        },
      );
    }
    return { registered: true };
  },

  openTender: async ({ tenderId, executionArn }: Input<'openTender'>) => {
    const tender = await mustLoad(tenderId);
    const ready = tender.status === 'tendering' && openingIsDue(tender, now());
    const opened = open(withoutKeys(tender), ready ? await listBids(tenderId) : [], now());
    if (!opened) return { status: tender.status };
    const { status, openedAt: at } = opened.after;
    const { lots, unsuccessfulReason: reason } = opened;
    // Bids stored while the tender changed answer its old content: invalidated with the opening,
    // their suppliers told. More than one commit holds go first, a commit at a time (a retried task
    // finds those invalidated already): none is left submitted to hold up the ranking.
    const perCommit = MAX_AGGREGATES_PER_COMMIT - 1;
    const invalidations = opened.stale.map((invalidated) =>
      bidInvalidation(invalidated, workflowActor, executionArn),
    );
    const last = invalidations.length - ((invalidations.length - 1) % perCommit) - 1;
    for (let i = 0; i < Math.max(0, last); i += perCommit)
      await commitAll(invalidations.slice(i, Math.min(i + perCommit, last)));
    const stale = invalidations.slice(Math.max(0, last));
    await commitAll([
      {
        ...tenderTransition(tender, opened, workflowActor, { executionArn }),
        events: [
          ...(opened.staleEvent ? [outboxEvent('Tender.BidsInvalidated', opened.staleEvent)] : []),
          outboxEvent('Tender.Opened', {
            tenderId,
            entityId: tender.entityId,
            title: tender.title,
            openedAt: at as string,
            lots,
          }),
          ...(reason
            ? [
                outboxEvent('Tender.Unsuccessful', {
                  tenderId,
                  entityId: tender.entityId,
                  title: tender.title,
                  reason,
                  supplierIds: [],
                  ...replacesField(tender),
                }),
              ]
            : []),
        ],
      },
      ...stale,
    ]);
    return { status };
  },

  rankLots: async ({ tenderId, executionArn }: Input<'rankLots'>) => {
    const tender = await mustLoad(tenderId);
    const open = new Set(openLotIds(tender));
    const [bids, scores, rankings] = await rankingInputs(tenderId);
    const computed = rankLots(
      tender,
      tender.lots.filter((l) => open.has(l.id)),
      bids,
      scores,
    );
    const before = new Map(rankings.map((r) => [r.lotId, r]));
    const at = nowIso();
    // Each lot's ranking is a commit of its own (the ranking and its audit event), one lot at a
    // time; a retried task (after a conflict) reads again and commits over what it finds.
    for (const ranking of computed)
      await commitRanking(tender, ranking, before.get(ranking.lotId), at, executionArn);
    return { lots: computed.map((r) => ({ lotId: r.lotId, status: r.status })) };
  },

  prepareRanking: async ({ tenderId, executionArn }: Input<'prepareRanking'>) => {
    const tender = await mustLoad(tenderId);
    return { items: openLotIds(tender).map((lotId) => ({ tenderId, lotId, executionArn })) };
  },

  rankLot: async ({ tenderId, lotId, executionArn }: Input<'rankLot'>) => {
    const tender = await mustLoad(tenderId);
    const lot = tender.lots.find((l) => l.id === lotId);
    if (!lot) throw new Error(`Lot ${lotId} is not part of tender ${tenderId}`);
    const [bids, scores, rankings] = await rankingInputs(tenderId);
    const ranking = rankLot(tender, lot, bids, scores);
    await commitRanking(
      tender,
      ranking,
      rankings.find((r) => r.lotId === lotId),
      nowIso(),
      executionArn,
    );
    return { lotId, status: ranking.status };
  },

  rankingsComputed: async ({ tenderId, executionArn }: Input<'rankingsComputed'>) => {
    const tender = await mustLoad(tenderId);
    const ranked = recordRanked(withoutKeys(tender), now());
    if (!ranked) return { recorded: false };
    await commitTransition(tender, ranked, executionArn);
    return { recorded: true };
  },

  publishAward: async ({ tenderId, executionArn }: Input<'publishAward'>) => {
    const tender = await mustLoad(tenderId);
    const decision = tender.award;
    if (!decision) throw new Error(`Tender ${tenderId} has no award decision`);
    if (tender.awardPublishedRevision !== decision.revision) {
      const [bids, rankings] = await Promise.all([listBids(tenderId), listRankings(tenderId)]);
      const events = [
        outboxEvent('Tender.Awarded', {
          tenderId,
          entityId: tender.entityId,
          title: tender.title,
          revision: decision.revision,
          standstillEndsAt: decision.standstillEndsAt,
          lots: decision.lots.map((l) => ({
            lotId: l.lotId,
            status: l.status,
            ...(l.reason ? { reason: l.reason } : {}),
            winners: l.winners.map((w) => ({ supplierId: w.supplierId, rank: w.rank, total: w.total })),
          })),
          bidders: bidderResults(decision, rankings, bids),
        }),
      ];
      if (tender.status === 'unsuccessful')
        events.push(
          outboxEvent('Tender.Unsuccessful', {
            tenderId,
            entityId: tender.entityId,
            title: tender.title,
            reason: tender.unsuccessfulReason ?? 'No lot was awarded',
            supplierIds: await bidderIds(tenderId),
            ...replacesField(tender),
          }),
        );
      await record(
        tender,
        { awardPublishedRevision: decision.revision },
        'tender.award-published',
        executionArn,
        events,
      );
    }
    return { status: tender.status };
  },

  createAgreements: async ({ tenderId, executionArn }: Input<'createAgreements'>) => {
    const tender = await mustLoad(tenderId);
    if (standstillOver(withoutKeys(tender), now()) === 'complete') return { created: 0 };
    const decision = tender.award as NonNullable<TenderItem['award']>;
    const bids = await listBids(tenderId);
    const at = nowIso();
    const agreementIds: string[] = [];
    for (const lot of decision.lots) {
      const lotSpec = tender.lots.find((l) => l.id === lot.lotId);
      for (const winner of lot.winners) {
        const bid = bids.find((b) => b.id === winner.bidId);
        if (!bid || !lotSpec) throw new Error(`Winning bid ${winner.bidId} of lot ${lot.lotId} not found`);
        const agreement = agreementFromAward(tender, lotSpec, bid, winner.rank, at);
        agreementIds.push(agreement.id);
        if (await getAgreement(agreement.id)) continue; // made by an earlier attempt
        await commitWithReminders(
          {
            aggregate: { type: 'agreement', id: agreement.id },
            entityId: tender.entityId,
            before: undefined,
            after: agreementItem(agreement) as Keyed,
            actor: workflowActor,
            action: 'agreement.created',
            change: agreement,
            executionArn,
            at,
            events: [
              outboxEvent('Agreement.Created', {
                agreementId: agreement.id,
                tenderId,
                entityId: tender.entityId,
                lotId: lot.lotId,
                supplierId: winner.supplierId,
                startDate: agreement.startDate,
                endDate: tender.agreement.endDate,
              }),
            ],
          },
          agreement,
          'The agreement was awarded',
          [firstYearCommit(agreement, 'award', workflowActor, at, executionArn)],
        );
      }
    }
    await commitTransition(
      tender,
      completeStandstill(withoutKeys(tender), agreementIds, now()),
      executionArn,
      [
        outboxEvent('Tender.StandstillEnded', {
          tenderId,
          entityId: tender.entityId,
          title: tender.title,
          endedAt: decision.standstillEndsAt,
          agreementIds,
        }),
      ],
    );
    return { created: agreementIds.length };
  },

  decisionExpired: async ({ tenderId, executionArn, error }: Input<'decisionExpired'>) => {
    const tender = await mustLoad(tenderId);
    const outlived = (error as { Error?: string } | undefined)?.Error === 'WaitOutlivesExecution';
    const expired = expireDecision(withoutKeys(tender), outlived, now());
    if (!expired) return { status: tender.status };
    const { reason } = expired;
    await commitTransition(tender, expired, executionArn, [
      outboxEvent('Tender.Unsuccessful', {
        tenderId,
        entityId: tender.entityId,
        title: tender.title,
        reason,
        supplierIds: await bidderIds(tenderId),
        ...replacesField(tender),
      }),
    ]);
    return { status: 'unsuccessful' };
  },

  timerLost: async ({ tenderId, step }: Input<'timerLost'>) => {
    const tender = await mustLoad(tenderId);
    log.error('a waiting step timed out: its timer never arrived', { tenderId, step });
    // An alert about the workflow, not a change of the tender: published directly (a failure retries the task).
    await publishEvent('Tender.DeadlineTimerLost', {
      tenderId,
      entityId: tender.entityId,
      detectedAt: nowIso(),
    });
    return { reported: true };
  },
};

export const handler = taskHandler(taskInputSchema, tasks, asTenderTaskError);
