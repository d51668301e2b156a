/** What a schedule hands the timer function: one schema, used by whoever schedules and by the timer. */
import * as z from 'zod/mini';

export const timerEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('tender.bidDeadline'), tenderId: z.string() }),
]);
export type TimerEvent = z.infer<typeof timerEventSchema>;

export const bidDeadlineScheduleName = (tenderId: string): string => `tender-${tenderId}-bid-deadline`;
