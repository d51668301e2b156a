/**
 * What the store (functions/adapters/store.ts) raises when a conditional write loses to another
 * writer: typed errors, neither HTTP problems nor AWS errors. A caller that expects the race catches
 * them by class (a retry that already landed, a concurrent attempt that won); anything else is
 * mapped in one place at each edge: a 409 problem at the HTTP edge (functions/http/http.ts), the
 * `VersionConflict` error a workflow retries (functions/handlers/tasks/task.ts).
 * No imports: the HTTP edge uses them without bundling the store's AWS clients.
 */

/** Someone else won the write: the item is not as the writer expected it. */
export abstract class StoreConflict extends Error {}

/** The item changed since it was read (its version moved on). */
export class VersionConflict extends StoreConflict {
  override readonly name = 'VersionConflict';
}

/** The item to create is already there (created by someone else, or by an earlier attempt). */
export class AlreadyExists extends StoreConflict {
  override readonly name = 'AlreadyExists';
}

/**
 * A condition on one of a commit's `extra` items failed (an idempotency record, a condition on
 * another item): what that means is the caller's to say. `index` is its position in `extra`.
 */
export class ExtraConditionFailed extends Error {
  readonly index: number;
  constructor(index: number) {
    super(`Condition failed on extra transaction item ${index}`);
    this.index = index;
  }
}

/**
 * A page cursor that is not the `nextCursor` of the same list (garbage, or another list's key):
 * the caller's mistake, a 400 on the `cursor` parameter at the HTTP edge.
 */
export class InvalidCursor extends Error {
  override readonly name = 'InvalidCursor';
}

/**
 * The table stayed busy: a transaction kept meeting concurrent ones on the same items
 * (`TransactionConflict`) through every retry with backoff. Nothing was written; sending the same
 * request again later may succeed: a 503 with Retry-After at the HTTP edge, and the
 * `TransactionCanceledException` name the workflows retry.
 */
export class StoreBusy extends Error {
  override readonly name = 'StoreBusy';
}
