/**
 * How a workflow waits for a decision, the same for every workflow: the waiting task stores its
 * task token beside the aggregate it waits for, only if the aggregate is unchanged since the task
 * read it (so a decision taken meanwhile is never missed: VersionConflict, and the task reads
 * again); whoever decides (the API, the timer) commits the decision first, then completes or fails
 * the step with the stored token. A token whose workflow no longer waits there (it moved on, timed
 * out, was completed already) is stale: nothing is left to do.
 * What each workflow waits for, and when, is its own: tender-steps.ts, renegotiation-steps.ts.
 */

import { completeTask, failTask } from '../../adapters/step-functions.ts';
import { getItem, type Keyed, tableName, writeIfUnchanged } from '../../adapters/store.ts';
import { nowIso } from '../../shared/clock.ts';

/** A waiting step's task token, kept beside the aggregate it waits for. */
export type TaskTokenItem = Keyed & { taskToken: string; executionArn: string; registeredAt: string };

/** What Step Functions answers for a token whose task no longer waits. */
const STALE = new Set(['TaskDoesNotExist', 'InvalidToken', 'TaskTimedOut']);
const isStale = (error: unknown): boolean => STALE.has((error as Error | undefined)?.name ?? '');

/**
 * Stores the step's token at `key`, only if `aggregate` is still at the version the task read
 * (VersionConflict otherwise). `fields`: what else the token item carries (an index entry…).
 */
export const registerWaitingStep = (
  aggregate: Keyed & { version: number },
  key: Keyed,
  wait: { taskToken: string; executionArn: string },
  fields: Record<string, unknown> = {},
): Promise<void> =>
  writeIfUnchanged(aggregate, [
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...key,
          taskToken: wait.taskToken,
          executionArn: wait.executionArn,
          registeredAt: nowIso(),
          ...fields,
        },
      },
    },
  ]);

/** The token stored at `key`, if a step registered one. */
export const readWaitingStep = <T extends TaskTokenItem = TaskTokenItem>(
  key: Keyed,
): Promise<T | undefined> => getItem<T>(key);

/** Lets the waiting step go on with `output`. Returns whether a workflow was waiting with this token. */
export const completeWaitingStep = async (
  token: { taskToken: string } | undefined,
  output: unknown,
): Promise<boolean> => {
  if (!token) return false;
  try {
    await completeTask(token.taskToken, output);
    return true;
  } catch (error) {
    if (isStale(error)) return false;
    throw error;
  }
};

/** Fails the waiting step with `error` (the name the workflow catches). Returns whether a workflow was waiting. */
export const failWaitingStep = async (
  token: { taskToken: string },
  error: string,
  cause: string,
): Promise<boolean> => {
  try {
    await failTask(token.taskToken, error, cause);
    return true;
  } catch (e) {
    if (isStale(e)) return false;
    throw e;
  }
};
