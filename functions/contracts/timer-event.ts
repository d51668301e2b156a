/** What a schedule hands the timer function: one schema, used by whoever schedules and by the timer. */
import * as z from 'zod/mini';

/** How many times this timer re-armed itself after firing early (functions/domain/timing.ts). */
const early = z.optional(z.number().check(z.int(), z.gte(1)));

export const timerEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('tender.bidDeadline'), tenderId: z.string(), early }),
  z.strictObject({ type: z.literal('tender.standstillEnd'), tenderId: z.string(), early }),
  z.strictObject({
    type: z.literal('renegotiation.supplierDeadline'),
    agreementId: z.string(),
    year: z.number(),
    early,
  }),
  z.strictObject({ type: z.literal('renegotiation.yearStart'), agreementId: z.string(), year: z.number() }),
  z.strictObject({ type: z.literal('renegotiation.startAll') }),
  z.strictObject({ type: z.literal('reminder.due'), agreementId: z.string(), key: z.string() }),
  z.strictObject({ type: z.literal('reminder.sweep') }),
  z.strictObject({ type: z.literal('agreement.expiry'), agreementId: z.string() }),
  z.strictObject({
    type: z.literal('renegotiation.answerDue'),
    agreementId: z.string(),
    year: z.number(),
    role: z.enum(['officer', 'supplier']),
    deadline: z.string(),
  }),
]);
export type TimerEvent = z.infer<typeof timerEventSchema>;

/**
 * Schedule names carry the time they are due: moving a deadline arms a new schedule, and the old
 * one, if it still fires, finds the deadline moved and changes nothing (names: at most 64 chars).
 */
const due = (at: Date) => Math.floor(at.getTime() / 1000).toString(36);
export const bidDeadlineScheduleName = (tenderId: string, at: Date): string =>
  `${tenderId}-deadline-${due(at)}`;
export const standstillScheduleName = (tenderId: string, at: Date): string =>
  `${tenderId}-standstill-${due(at)}`;
export const supplierDeadlineScheduleName = (agreementId: string, year: number, at: Date): string =>
  `${agreementId}-${year}-answer-${due(at)}`;
/** The schedule of an early timer's `attempt`-th re-arm: a name of its own (the firing one is deleted). */
export const earlyScheduleName = (name: string, attempt: number): string => `${name}-e${attempt}`;
export const yearStartScheduleName = (agreementId: string, year: number): string =>
  `${agreementId}-${year}-start`;
/** Named by the year it runs in (it negotiates the year after). */
export const startAllScheduleName = (runYear: number): string => `renegotiations-run-${runYear}`;
export const answerDueScheduleName = (
  agreementId: string,
  year: number,
  role: string,
  deadline: string,
): string => `${agreementId}-${year}-${role.slice(0, 3)}-${due(new Date(deadline))}`;
