/**
 * Time as EventBridge Scheduler keeps it. Pure: "now" is passed in.
 *
 * - Scheduler invokes a one-time `at()` schedule with 60-second precision: a schedule at 12:00:30
 *   may fire at 12:00:00, before what it stands for. A schedule in the past is refused or never
 *   fires. So every schedule is armed at a whole minute, never before its moment, never in the past.
 * - A timer that still fires before its moment (clock skew, or a schedule armed before this rule)
 *   re-arms itself a bounded number of times, each under a name of its own (a one-time schedule is
 *   deleted after it fires, and re-arming under the firing schedule's own name would race that
 *   deletion); after that it acts as due, and the step it completes checks the moment again
 *   (an opening before the deadline fails with DeadlineNotReached and the workflow waits again).
 * - A timer that fires more than a minute before its moment found the moment moved later (a deadline
 *   extension): it arms a schedule at the new moment.
 */

/** Scheduler's precision: an `at()` schedule fires within the minute it names. */
export const SCHEDULE_PRECISION_MS = 60_000;

/** The least time between arming a schedule and its firing, so the request never names the past. */
export const MIN_SCHEDULE_LEAD_MS = 10_000;

/** How many times a timer that fires early re-arms itself before it acts as due. */
export const MAX_EARLY_REARMS = 3;

/** The first whole minute at or after `ms`. */
export const ceilToMinute = (ms: number): number =>
  Math.ceil(ms / SCHEDULE_PRECISION_MS) * SCHEDULE_PRECISION_MS;

/**
 * When to arm a one-time schedule for a moment `when`: the first whole minute at or after it, and
 * at least MIN_SCHEDULE_LEAD_MS after `now` (a moment already past is due at the next whole minute).
 */
export const scheduleTimeFor = (when: Date, now: Date): Date =>
  new Date(ceilToMinute(Math.max(when.getTime(), now.getTime() + MIN_SCHEDULE_LEAD_MS)));

export type TimerVerdict =
  /** The moment has come (or the timer gave up waiting for it): complete the waiting step. */
  | { kind: 'due'; early: boolean }
  /** The moment moved later: a new schedule at it (named by the new moment). */
  | { kind: 'moved' }
  /** Fired a little early: once more, at the same moment, under the name of attempt `attempt`. */
  | { kind: 'early'; attempt: number };

/** What a timer does when it fires at `nowMs` for a moment `dueMs`, on its `attempt`-th early re-arm. */
export const timerVerdict = (dueMs: number, nowMs: number, attempt = 0): TimerVerdict => {
  if (nowMs >= dueMs) return { kind: 'due', early: false };
  if (dueMs - nowMs > SCHEDULE_PRECISION_MS) return { kind: 'moved' };
  if (attempt < MAX_EARLY_REARMS) return { kind: 'early', attempt: attempt + 1 };
  return { kind: 'due', early: true };
};
