/**
 * Why the domain refuses a command: thrown by the transitions (tender-lifecycle.ts, bidding.ts) and
 * translated once at each edge: to an RFC 9457 problem in functions/http/http.ts, to a task error by name in
 * the workflow tasks. Pure: no HTTP status codes here, only what kind of refusal it is.
 *
 * - `rule`: the command breaks a business rule (the content, the deadline, the scores…).
 * - `state`: not possible in the tender's (or bid's, lot's) current state.
 * - `conflict`: the command collides with something that exists or is under way (a bid already
 *   there, a ranking running); sending it again after reading the current state may succeed.
 * - `forbidden`: the rules forbid it whoever asks (sealed bids before the deadline).
 * - `not-found`: what the command names does not exist (a lot, a bid).
 * - `late`: the bid deadline has passed; nothing was stored.
 *
 * `code` names refusals the workflow tells apart (e.g. `deadlineNotReached`).
 */
/** What is wrong and where: one item of a refusal, and of the problem answered for it. */
export interface ProblemItem {
  /** JSON Pointer into the request body, e.g. `#/lots/0/minSuppliers`. */
  pointer?: string;
  /** A path or query parameter, e.g. `tenderId`, `limit`. */
  parameter?: string;
  /** A request header, e.g. `Idempotency-Key`. */
  header?: string;
  detail: string;
}

export type RefusalKind = 'rule' | 'state' | 'conflict' | 'forbidden' | 'not-found' | 'late';

export type RefusalCode =
  | 'tenderCancelled'
  | 'deadlineNotReached'
  | 'standstillNotOver'
  | 'awardRevised'
  | 'notInStandstill';

export class Refusal extends Error {
  readonly kind: RefusalKind;
  readonly items: ProblemItem[];
  readonly code: RefusalCode | undefined;

  constructor(kind: RefusalKind, detail: string, items: ProblemItem[] = [], code?: RefusalCode) {
    super(detail);
    this.name = 'Refusal';
    this.kind = kind;
    this.items = items;
    this.code = code;
  }

  get detail(): string {
    return this.message;
  }
}

export const refuseRule = (detail: string, items: ProblemItem[] = []): Refusal =>
  new Refusal('rule', detail, items);

export const refuseState = (detail: string, code?: RefusalCode): Refusal =>
  new Refusal('state', detail, [], code);

export const refuseConflict = (detail: string): Refusal => new Refusal('conflict', detail);

export const refuseForbidden = (detail: string): Refusal => new Refusal('forbidden', detail);

export const refuseNotFound = (what: string, id: string): Refusal =>
  new Refusal('not-found', `${what} ${id} does not exist or is not visible to you`);

/** Problems found in a content, as one rule refusal naming the first ("The tender breaks 2 rules: …"). */
export const refuseProblems = (what: string, problems: ProblemItem[]): Refusal =>
  refuseRule(
    `${what} breaks ${problems.length === 1 ? 'a rule' : `${problems.length} rules`}: ${problems[0]?.detail}`,
    problems,
  );
