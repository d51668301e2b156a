/**
 * How long the workflows' waiting steps may wait, and the one-year life of a Step Functions
 * Standard execution they must fit in. The numbers are the `TimeoutSeconds` of the waiting states
 * in workflows/*.asl.json (test/contracts/waits.test.ts checks that they agree, and that the longest
 * path through each workflow fits in one execution).
 *
 * - Tender lifecycle, from the announcement: the tender period (at most MAX_BID_PERIOD_DAYS, a rule
 *   checked on every draft, announcement and deadline extension; the wait's timeout one day more),
 *   then evaluation (120 days), award decision (60 days) and standstill (at most 60 days; timeout
 *   61): 101 + 120 + 60 + 61 = 342 days. A revision of the award goes back to the evaluation, and
 *   people can revise any number of times: so a decision step starts only when the waits that can
 *   still follow it fit in what is left of the execution; otherwise it fails with
 *   `WaitOutlivesExecution` and the tender ends unsuccessful (the bids are no longer binding).
 * - Annual renegotiation: every answer loops back (proposal, counter-offer, reminder, escalation),
 *   so no fixed sum bounds it. Each wait starts only when its timeout fits in what is left of the
 *   execution; otherwise `WaitOutlivesExecution` ends it as abandoned, and the officers are told
 *   (starting the negotiation again resumes it in a new execution).
 *
 * The execution's start is the product's clock when its first task ran (`$.tender.startedAt`,
 * `$.execution.startedAt`), not `$$.Execution.StartTime`: the local runtime's clock can be moved.
 */
import { MAX_BID_PERIOD_DAYS, MAX_STANDSTILL_DAYS } from '../../domain/tender.ts';

const DAY = 86_400;

/** The longest a Standard execution lives (Step Functions quota: one year). */
export const EXECUTION_LIFE_SECONDS = 365 * DAY;

/** Kept free at the end of an execution for the tasks between waits and their retries. */
export const EXECUTION_MARGIN_SECONDS = 1 * DAY;

/** TimeoutSeconds of each waiting state, by workflow and state name. */
export const waitTimeouts = {
  tenderLifecycle: {
    AwaitBidDeadline: (MAX_BID_PERIOD_DAYS + 1) * DAY,
    AwaitEvaluation: 120 * DAY,
    AwaitAwardDecision: 60 * DAY,
    AwaitStandstillEnd: (MAX_STANDSTILL_DAYS + 1) * DAY,
  },
  annualRenegotiation: {
    AwaitOfficer: 180 * DAY,
    AwaitSupplier: 120 * DAY,
  },
} as const;

const tender = waitTimeouts.tenderLifecycle;
const renegotiation = waitTimeouts.annualRenegotiation;

/**
 * For the tender lifecycle's decision steps (awaitStep's `step`; people send the workflow back to
 * them), the waits that may still follow when one starts, itself included. The timed steps are not
 * checked: their moment bounds them (the deadline rule, the standstill days), and they are
 * re-entered only when their timer fired early, within a minute of the moment.
 */
export const tenderWaitsFrom = {
  evaluation: tender.AwaitEvaluation + tender.AwaitAwardDecision + tender.AwaitStandstillEnd,
  award: tender.AwaitAwardDecision + tender.AwaitStandstillEnd,
} as const;

/** The same for the renegotiation's waiting steps. */
export const renegotiationWaitsFrom = {
  officer: renegotiation.AwaitOfficer,
  supplier: renegotiation.AwaitSupplier,
} as const;

/** Whether waits of `seconds` starting at `now` end within the life of an execution started at `startedAt`. */
export const fitsInExecution = (startedAt: string, now: Date, seconds: number): boolean =>
  now.getTime() + seconds * 1000 <=
  Date.parse(startedAt) + (EXECUTION_LIFE_SECONDS - EXECUTION_MARGIN_SECONDS) * 1000;
