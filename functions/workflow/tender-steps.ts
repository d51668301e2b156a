/**
 * Where a tender stands in its workflow, and how people's decisions reach a waiting step: the step
 * stored its task token beside the tender; the API completes or fails it after committing the
 * decision. Used by the workflow tasks, the timer and the API alike.
 */
import { log } from '../commons/log.ts';
import { getItem } from '../commons/store.ts';
import { completeTask, failTask } from '../commons/workflows.ts';
import type { Tender } from '../domain/tender.ts';
import { listTaskTokens, type TaskTokenItem, taskTokenKey } from '../store/tenders.ts';

export const waitingSteps = ['bidDeadline', 'evaluation', 'award', 'standstill'] as const;
export type WaitingStep = (typeof waitingSteps)[number];

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
      return now.getTime() >= new Date(t.bidDeadline).getTime() ? 'opening' : 'tendering';
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

const stale = new Set(['TaskDoesNotExist', 'InvalidToken', 'TaskTimedOut']);

/** Completes the waiting step, if the workflow waits there. Returns whether it did. */
export const completeStep = async (
  tenderId: string,
  step: WaitingStep,
  output: unknown,
): Promise<boolean> => {
  const token = await getItem<TaskTokenItem>(taskTokenKey(tenderId, step));
  if (!token) return false;
  try {
    await completeTask(token.taskToken, output);
    return true;
  } catch (error) {
    if (stale.has((error as Error).name)) return false;
    throw error;
  }
};

/** Fails every step the tender's workflow may wait in (cancellation, revision). */
export const failWaitingSteps = async (
  tenderId: string,
  error: 'TenderCancelled' | 'AwardRevised',
  cause: string,
  steps: readonly WaitingStep[] = waitingSteps,
): Promise<number> => {
  let failed = 0;
  for (const token of await listTaskTokens(tenderId)) {
    if (!steps.some((s) => token.SK === `TASKTOKEN#${s}`)) continue;
    try {
      await failTask(token.taskToken, error, cause);
      failed++;
    } catch (e) {
      if (!stale.has((e as Error).name)) throw e;
      log.debug('stale token', { tenderId, step: token.SK });
    }
  }
  return failed;
};
