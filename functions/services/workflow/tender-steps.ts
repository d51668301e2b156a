/**
 * Where a tender stands in its workflow, and its waiting steps: which there are, which of them time
 * ends (and the due index the daily sweep reads), where their tokens are kept. The mechanics of
 * waiting (register, complete, fail) are waiting-steps.ts. Used by the workflow tasks, the timer
 * and the API alike.
 */

import { putIf } from '../../adapters/store.ts';
import { openingIsDue } from '../../domain/opening.ts';
import type { Tender } from '../../domain/tender.ts';
import { log } from '../../shared/log.ts';
import { queryPage, type StartKey } from '../store/query.ts';
import { queryTenderPartition, type TenderItem, taskTokenKey } from '../store/tenders.ts';
import {
  completeWaitingStep,
  failWaitingStep,
  readWaitingStep,
  registerWaitingStep,
  type TaskTokenItem,
} from './waiting-steps.ts';

export const waitingSteps = ['bidDeadline', 'evaluation', 'award', 'standstill'] as const;
export type WaitingStep = (typeof waitingSteps)[number];

/** The waiting steps that time ends (a schedule completes them); people end the others. */
export const timedSteps = ['bidDeadline', 'standstill'] as const;
export type TimedStep = (typeof timedSteps)[number];
export const isTimedStep = (step: WaitingStep): step is TimedStep =>
  (timedSteps as readonly string[]).includes(step);

/**
 * The due index of timed waiting steps (GSI2, partition `TIMERS#DUE`, sort key
 * `<dueAt>#<tenderId>#<step>`): while a workflow waits in a timed step, the step's task token item
 * is in it at the step's moment. The daily sweep reads what is due (a lost schedule), not every
 * tender; the timer takes an item out once the step is completed, moot, or moves it when the moment
 * moved later.
 */
export const TIMER_DUE_PARTITION = 'TIMERS#DUE';

export type TimerTokenItem = TaskTokenItem & {
  tenderId?: string;
  step?: WaitingStep;
  dueAt?: string;
  GSI2PK?: string;
  GSI2SK?: string;
};

export const timerIndex = (tenderId: string, step: TimedStep, dueAt: string) => ({
  tenderId,
  step,
  dueAt,
  GSI2PK: TIMER_DUE_PARTITION,
  GSI2SK: `${dueAt}#${tenderId}#${step}`,
});

/** Timed steps due at or before `now` whose workflow still waits, one page. */
export const listDueTimers = (now: string, start?: StartKey, limit = 100) =>
  queryPage<TimerTokenItem & { tenderId: string; step: TimedStep }>(
    {
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :now',
      ExpressionAttributeValues: { ':pk': TIMER_DUE_PARTITION, ':now': `${now}#~` },
      Limit: limit,
    },
    start,
  );

/**
 * Moves a timed step's token item to `dueAt` in the due index, or out of it (`undefined`), only if
 * it still holds the same task token (a newer wait registered meanwhile is left as it is).
 */
export const reindexTimer = async (token: TimerTokenItem, dueAt: string | undefined): Promise<void> => {
  const { GSI2PK: _pk, GSI2SK: _sk, dueAt: _due, ...rest } = token;
  const step = token.step;
  const tenderId = token.tenderId;
  const item =
    dueAt && tenderId && step && isTimedStep(step) ? { ...rest, ...timerIndex(tenderId, step, dueAt) } : rest;
  await putIf(item, 'taskToken = :token', { ':token': token.taskToken });
};

export const getStepToken = (tenderId: string, step: WaitingStep): Promise<TimerTokenItem | undefined> =>
  readWaitingStep<TimerTokenItem>(taskTokenKey(tenderId, step));

export type Stage =
  | 'draft'
  | 'announce'
  | 'tendering'
  | 'opening'
  | 'evaluation'
  | 'ranking'
  | 'award-decision'
  | 'publish-award'
  | 'standstill'
  | 'complete'
  | 'cancelled'
  | 'unsuccessful';

/** The workflow stage the stored tender is in: the one place that maps status to workflow state. */
export const stageOf = (t: Tender, now: Date): Stage => {
  switch (t.status) {
    case 'draft':
      return 'draft';
    case 'tendering':
      if (!t.announcementPublishedAt) return 'announce';
      return openingIsDue(t, now) ? 'opening' : 'tendering';
    case 'evaluation':
      if (!t.rankingRequestedAt) return 'evaluation';
      return t.rankedAt ? 'award-decision' : 'ranking';
    case 'standstill':
      return t.awardPublishedRevision === t.award?.revision ? 'standstill' : 'publish-award';
    case 'unsuccessful':
      // An award that left no lot awarded still has to be announced to the bidders.
      return t.award && t.awardPublishedRevision !== t.award.revision ? 'publish-award' : 'unsuccessful';
    default:
      return t.status;
  }
};

/**
 * Registers the step the tender's workflow waits in (waiting-steps.ts: only if the tender is
 * unchanged since it was read); a timed step's token is in the due index at its moment `dueAt`.
 */
export const registerStep = (
  tender: TenderItem,
  step: WaitingStep,
  wait: { taskToken: string; executionArn: string },
  dueAt: string | undefined,
): Promise<void> =>
  registerWaitingStep(
    tender,
    taskTokenKey(tender.id, step),
    wait,
    dueAt && isTimedStep(step) ? timerIndex(tender.id, step, dueAt) : {},
  );

/** Completes the waiting step (with its token, when already read), if the workflow waits there. Returns whether it did. */
export const completeStep = async (
  tenderId: string,
  step: WaitingStep,
  output: unknown,
  token?: TaskTokenItem,
): Promise<boolean> => completeWaitingStep(token ?? (await getStepToken(tenderId, step)), output);

/** Fails every step the tender's workflow may wait in (cancellation, revision). */
export const failWaitingSteps = async (
  tenderId: string,
  error: 'TenderCancelled' | 'AwardRevised',
  cause: string,
  steps: readonly WaitingStep[] = waitingSteps,
): Promise<number> => {
  let failed = 0;
  const tokens = await queryTenderPartition<TaskTokenItem>(tenderId, 'TASKTOKEN#');
  for (const token of tokens) {
    if (!steps.some((s) => token.SK === `TASKTOKEN#${s}`)) continue;
    if (await failWaitingStep(token, error, cause)) failed++;
    else log.debug('stale token', { tenderId, step: token.SK });
  }
  return failed;
};
