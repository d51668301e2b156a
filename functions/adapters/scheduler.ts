/**
 * One-time EventBridge Scheduler schedules in the product's group, targeting the timer function.
 * Idempotent: creating a schedule that exists moves it; deleting one that is gone is fine.
 * Every schedule is armed at a whole minute, never before its moment and never in the past
 * (functions/domain/timing.ts: Scheduler fires within the minute it names, and refuses the past).
 */
import type { TimerEvent } from '../contracts/timer-event.ts';
import { scheduleTimeFor } from '../domain/timing.ts';
import { now } from '../shared/clock.ts';
import { scheduler, sdk } from './clients.ts';
import { env } from './env.ts';

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, the one-time expression EventBridge Scheduler takes. */
export const atExpression = (when: Date): string => `at(${when.toISOString().slice(0, 19)})`;

/** Arms (or moves) the schedule `name` for the moment `when`; returns the time it is armed at. */
export const upsertOneTimeSchedule = async (name: string, when: Date, event: TimerEvent): Promise<Date> => {
  const { ConflictException, CreateScheduleCommand, UpdateScheduleCommand } =
    sdk('@aws-sdk/client-scheduler');
  const at = scheduleTimeFor(when, now());
  const request = {
    Name: name,
    GroupName: env('SCHEDULE_GROUP'),
    ScheduleExpression: atExpression(at),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' as const },
    ActionAfterCompletion: 'DELETE' as const,
    Target: {
      Arn: env('TIMER_FUNCTION_ARN'),
      RoleArn: env('SCHEDULER_ROLE_ARN'),
      Input: JSON.stringify(event),
      RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 },
      DeadLetterConfig: { Arn: env('SCHEDULE_DEAD_LETTER_ARN') },
    },
  };
  try {
    await scheduler().send(new CreateScheduleCommand(request));
  } catch (error) {
    if (!(error instanceof ConflictException || (error as Error).name === 'ConflictException')) throw error;
    await scheduler().send(new UpdateScheduleCommand(request));
  }
  return at;
};

export const deleteSchedule = async (name: string): Promise<void> => {
  const { DeleteScheduleCommand, ResourceNotFoundException } = sdk('@aws-sdk/client-scheduler');
  try {
    await scheduler().send(new DeleteScheduleCommand({ Name: name, GroupName: env('SCHEDULE_GROUP') }));
  } catch (error) {
    if (
      !(error instanceof ResourceNotFoundException || (error as Error).name === 'ResourceNotFoundException')
    ) {
      throw error;
    }
  }
};
