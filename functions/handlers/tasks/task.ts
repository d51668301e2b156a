/**
 * What the workflow task modules share: their handler's start (the input parsed by the workflow's
 * task schemas, the task run by name) and how a task's failure reaches Step Functions: by its error
 * name (the Lambda error type, the error's `name`), which the ASL files catch or retry
 * (`ErrorEquals`). Each task module exports the names it can fail with (`TASK_ERRORS`);
 * test/contracts/asl-errors.test.ts checks every name in the ASL files against them.
 */
import type * as z from 'zod/mini';
import { withObservability } from '../../adapters/observability.ts';
import { StoreBusy, StoreConflict } from '../../adapters/store-errors.ts';
import { isTransient } from '../../adapters/transient.ts';
import { log } from '../../shared/log.ts';

/** A failure the workflow handles by name. */
export class TaskError<N extends string = string> extends Error {
  constructor(name: N, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * Someone changed the aggregate between the task's read and its write (optimistic locking: the
 * store's VersionConflict, or AlreadyExists when it was created meanwhile). Ordinary under
 * concurrency: the workflows retry the task, which reads again.
 */
export const VERSION_CONFLICT = 'VersionConflict' as const;

/**
 * A DynamoDB transaction cancelled for another reason than a condition (a concurrent transaction on
 * the same item, throttling): the workflows retry it too.
 */
export const TRANSACTION_CANCELLED = 'TransactionCanceledException' as const;

/**
 * An AWS call failed for a reason that passes (throttling, a timeout, a 5xx) after the SDK's own
 * retries, e.g. the bus when a step publishes its event: the workflows retry the task with backoff
 * rather than fail the execution for good and strand its tender or agreement.
 */
export const SERVICE_UNAVAILABLE = 'ServiceUnavailable' as const;

/**
 * The error names every task module can fail with, whatever its tasks: the workflows retry each
 * (`WaitOutlivesExecution` is caught: a wait that would outlive the execution's year).
 */
export const COMMON_TASK_ERRORS = [
  'WaitOutlivesExecution',
  VERSION_CONFLICT,
  TRANSACTION_CANCELLED,
  SERVICE_UNAVAILABLE,
] as const;

/**
 * The error as the workflow should see it: a write that lost to another becomes `VersionConflict`,
 * a transaction the store could not get through concurrent ones `TransactionCanceledException`, a
 * transient AWS failure `ServiceUnavailable`.
 */
export const asTaskError = (error: unknown): unknown => {
  if (error instanceof StoreConflict) return new TaskError(VERSION_CONFLICT, error.message);
  if (error instanceof StoreBusy) return new TaskError(TRANSACTION_CANCELLED, error.message);
  if (isTransient(error)) return new TaskError(SERVICE_UNAVAILABLE, (error as Error).message);
  return error;
};

/**
 * A task module's Lambda handler: parses the input (one variant per task, `task` naming it), runs
 * the task, and fails with the name the workflow handles: the module's own mapping first
 * (`asWorkflowError`), then a version conflict as `VersionConflict`, which the workflows retry.
 */
export const taskHandler = <S extends z.ZodMiniType<{ task: string }>>(
  schema: S,
  tasks: { [T in z.infer<S>['task']]: (input: Extract<z.infer<S>, { task: T }>) => Promise<unknown> },
  asWorkflowError: (error: unknown) => unknown = (error) => error,
) =>
  withObservability(async (event: unknown) => {
    const input = schema.parse(event) as z.infer<S>;
    log.debug('workflow task', { task: input.task });
    const run = tasks[input.task as z.infer<S>['task']] as (input: z.infer<S>) => Promise<unknown>;
    try {
      return await run(input);
    } catch (error) {
      throw asTaskError(asWorkflowError(error));
    }
  });
