/**
 * EventBridge Scheduler target. A schedule says "it is time"; this function checks that it really
 * is (deadlines move) and completes the waiting workflow step with its stored token. A schedule that
 * fires for a deadline that has since moved later arms a new one at the new time.
 */
import middy from '@middy/core';
import { nowMs } from '../commons/clock.ts';
import { log } from '../commons/log.ts';
import { upsertOneTimeSchedule } from '../commons/schedules.ts';
import '../commons/zod-locale.ts';
import { getTender } from '../store/tenders.ts';
import { completeStep, type WaitingStep } from '../workflow/tender-steps.ts';
import {
  bidDeadlineScheduleName,
  standstillScheduleName,
  type TimerEvent,
  timerEventSchema,
} from './timer-event.ts';

const timers: Record<
  TimerEvent['type'],
  {
    step: WaitingStep;
    status: string;
    due: (t: NonNullable<Awaited<ReturnType<typeof getTender>>>) => string | undefined;
    name: (id: string, at: Date) => string;
  }
> = {
  'tender.bidDeadline': {
    step: 'bidDeadline',
    status: 'tendering',
    due: (t) => t.bidDeadline,
    name: bidDeadlineScheduleName,
  },
  'tender.standstillEnd': {
    step: 'standstill',
    status: 'standstill',
    due: (t) => t.award?.standstillEndsAt,
    name: standstillScheduleName,
  },
};

const lambdaHandler = async (event: unknown) => {
  const timer = timerEventSchema.parse(event);
  const spec = timers[timer.type];
  const tender = await getTender(timer.tenderId);
  if (!tender) return { outcome: 'tender-missing' };
  if (tender.status !== spec.status) return { outcome: `ignored: tender is ${tender.status}` };
  const due = spec.due(tender);
  if (!due) return { outcome: 'ignored: nothing is due' };
  if (nowMs() < new Date(due).getTime()) {
    await upsertOneTimeSchedule(spec.name(tender.id, new Date(due)), new Date(due), timer);
    return { outcome: `re-armed for ${due}` };
  }
  if (await completeStep(tender.id, spec.step, { reason: `${timer.type} reached` }))
    return { outcome: 'completed' };
  log.warn('time has come but no workflow is waiting for it', { tenderId: tender.id, timer: timer.type });
  return { outcome: 'no-waiting-workflow' };
};

export const handler = middy().handler(lambdaHandler);
