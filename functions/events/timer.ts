/**
 * EventBridge Scheduler target. A schedule says "it is time"; this function checks that it really
 * is (deadlines can move) and completes the waiting workflow step with its stored token.
 */
import middy from '@middy/core';
import { nowMs } from '../commons/clock.ts';
import { log } from '../commons/log.ts';
import { getItem } from '../commons/store.ts';
import { completeTask } from '../commons/workflows.ts';
import '../commons/zod-locale.ts';
import { getTender, taskTokenKey } from '../store/tenders.ts';
import { type TimerEvent, timerEventSchema } from './timer-event.ts';

const staleTokenErrors = new Set(['TaskDoesNotExist', 'InvalidToken', 'TaskTimedOut']);

const onBidDeadline = async ({ tenderId }: Extract<TimerEvent, { type: 'tender.bidDeadline' }>) => {
  const tender = await getTender(tenderId);
  if (!tender) return { outcome: 'tender-missing' };
  if (tender.status !== 'tendering') return { outcome: `ignored: tender is ${tender.status}` };
  if (nowMs() < new Date(tender.bidDeadline).getTime()) return { outcome: 'ignored: deadline moved later' };
  const token = await getItem<{ taskToken: string }>(taskTokenKey(tenderId, 'bidDeadline'));
  if (!token) {
    log.warn('deadline passed but no workflow is waiting for it', { tenderId });
    return { outcome: 'no-waiting-workflow' };
  }
  try {
    await completeTask(token.taskToken, { reason: 'bid deadline reached' });
    return { outcome: 'completed' };
  } catch (error) {
    if (staleTokenErrors.has((error as Error).name)) {
      log.warn('stale task token at bid deadline', { tenderId, error: (error as Error).name });
      return { outcome: 'stale-token' };
    }
    throw error;
  }
};

const lambdaHandler = async (event: unknown) => {
  const timer = timerEventSchema.parse(event);
  switch (timer.type) {
    case 'tender.bidDeadline':
      return onBidDeadline(timer);
  }
};

export const handler = middy().handler(lambdaHandler);
