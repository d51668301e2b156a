/**
 * How a task's failure reaches Step Functions: by its error name (the Lambda error type, the
 * error's `name`), which the ASL files catch or retry (`ErrorEquals`). Each task module exports the
 * names it can fail with; test/contracts/asl-errors.test.ts checks every name in the ASL files
 * against them.
 */
import { StoreConflict } from '../commons/store-errors.ts';

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
export const VERSION_CONFLICT = 'VersionConflict';

/**
 * A DynamoDB transaction cancelled for another reason than a condition (a concurrent transaction on
 * the same item, throttling): the workflows retry it too.
 */
export const TRANSACTION_CANCELLED = 'TransactionCanceledException';

/** The error as the workflow should see it: a write that lost to another becomes `VersionConflict`. */
export const asTaskError = (error: unknown): unknown =>
  error instanceof StoreConflict ? new TaskError(VERSION_CONFLICT, error.message) : error;
