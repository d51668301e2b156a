/**
 * EventBridge Scheduler, locally: one-time `at()` schedules in groups, fired on the local clock,
 * invoking the target function with the schedule's Input, retried per RetryPolicy, kept as dead
 * letters when every attempt failed. Persisted; a schedule whose time passed while the runtime was
 * stopped fires at the next tick.
 */
import { log } from '../functions/shared/log.ts';
import type { LocalClock } from './clock.ts';
import { functionKeyFromArn, type Invoke } from './functions.ts';
import type { JsonFile } from './persist.ts';
import { AwsError } from './stepfunctions.ts';

export interface Schedule {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  State?: 'ENABLED' | 'DISABLED';
  ActionAfterCompletion?: 'DELETE' | 'NONE';
  FlexibleTimeWindow?: unknown;
  Target: {
    Arn: string;
    RoleArn: string;
    Input?: string;
    RetryPolicy?: { MaximumRetryAttempts?: number };
    DeadLetterConfig?: { Arn?: string };
  };
  Arn: string;
  CreationDate: number;
  LastModificationDate: number;
}

export interface SchedulerState {
  schedules: Schedule[];
  deadLetters: { schedule: string; at: string; error: string; queue?: string }[];
}

const AT = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;

export class LocalScheduler {
  private readonly schedules = new Map<string, Schedule>();
  readonly deadLetters: SchedulerState['deadLetters'];
  readonly fired: { name: string; at: string }[] = [];

  constructor(
    private readonly clock: LocalClock,
    private readonly store: JsonFile<SchedulerState>,
    private readonly invokeFunction: Invoke,
  ) {
    const state = store.read();
    this.deadLetters = state.deadLetters;
    for (const s of state.schedules) this.schedules.set(this.key(s.GroupName, s.Name), s);
  }

  /** Arms the timers of the persisted schedules (after the database is up). */
  resume(): void {
    for (const s of this.schedules.values()) this.arm(s);
  }

  create(name: string, body: Omit<Schedule, 'Name' | 'Arn' | 'CreationDate' | 'LastModificationDate'>) {
    const group = body.GroupName ?? 'default';
    if (this.schedules.has(this.key(group, name)))
      throw new AwsError('ConflictException', `Schedule ${name} already exists.`, 409);
    return this.put(name, group, body, Date.now());
  }

  update(name: string, body: Omit<Schedule, 'Name' | 'Arn' | 'CreationDate' | 'LastModificationDate'>) {
    const group = body.GroupName ?? 'default';
    const existing = this.schedules.get(this.key(group, name));
    if (!existing) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
    return this.put(name, group, body, existing.CreationDate);
  }

  get(name: string, group = 'default'): Schedule {
    const s = this.schedules.get(this.key(group, name));
    if (!s) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
    return s;
  }

  list(group?: string): Schedule[] {
    return [...this.schedules.values()].filter((s) => !group || s.GroupName === group);
  }

  delete(name: string, group = 'default'): void {
    const key = this.key(group, name);
    if (!this.schedules.delete(key))
      throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
    this.clock.clear(`schedule:${key}`);
    this.persist();
  }

  private put(
    name: string,
    group: string,
    body: Omit<Schedule, 'Name' | 'Arn' | 'CreationDate' | 'LastModificationDate'>,
    created: number,
  ) {
    this.timeOf(body.ScheduleExpression, body.ScheduleExpressionTimezone);
    if (!body.Target?.Arn) throw new AwsError('ValidationException', 'Target.Arn is required');
    const schedule: Schedule = {
      ...body,
      Name: name,
      GroupName: group,
      Arn: `arn:aws:scheduler:eu-north-1:000000000000:schedule/${group}/${name}`,
      CreationDate: created,
      LastModificationDate: Date.now(),
    };
    this.schedules.set(this.key(group, name), schedule);
    this.arm(schedule);
    this.persist();
    return { ScheduleArn: schedule.Arn };
  }

  private timeOf(expression: string, timezone = 'UTC'): number {
    const match = AT.exec(expression);
    if (!match?.[1]) {
      throw new AwsError(
        'ValidationException',
        `The local scheduler supports one-time at(yyyy-mm-ddThh:mm:ss) expressions only, not ${expression}`,
      );
    }
    if (timezone !== 'UTC')
      throw new AwsError('ValidationException', 'The local scheduler supports the UTC time zone only');
    return Date.parse(`${match[1]}Z`);
  }

  private arm(s: Schedule): void {
    const key = this.key(s.GroupName, s.Name);
    if (s.State === 'DISABLED') {
      this.clock.clear(`schedule:${key}`);
      return;
    }
    this.clock.set(`schedule:${key}`, this.timeOf(s.ScheduleExpression, s.ScheduleExpressionTimezone), () =>
      this.fire(key),
    );
  }

  private async fire(key: string): Promise<void> {
    const s = this.schedules.get(key);
    if (!s) return;
    // Retries are immediate locally, and capped at 3 so a broken target does not stall the clock.
    const attempts = 1 + Math.min(s.Target.RetryPolicy?.MaximumRetryAttempts ?? 185, 3);
    let lastError = '';
    for (let i = 0; i < attempts; i++) {
      try {
        await this.invokeFunction(
          functionKeyFromArn(s.Target.Arn),
          s.Target.Input ? JSON.parse(s.Target.Input) : {},
        );
        lastError = '';
        break;
      } catch (error) {
        lastError = `${(error as Error).name}: ${(error as Error).message}`;
      }
    }
    this.fired.push({ name: s.Name, at: this.clock.now().toISOString() });
    if (lastError) {
      log.error('schedule target failed after its retries', { schedule: s.Name, error: lastError });
      this.deadLetters.push({
        schedule: s.Name,
        at: this.clock.now().toISOString(),
        error: lastError,
        ...(s.Target.DeadLetterConfig?.Arn ? { queue: s.Target.DeadLetterConfig.Arn } : {}),
      });
    }
    // Only the schedule that fired: the target may have replaced it meanwhile (same name, new time).
    if (s.ActionAfterCompletion === 'DELETE' && this.schedules.get(key) === s) this.schedules.delete(key);
    this.persist();
  }

  private key(group: string, name: string): string {
    return `${group}/${name}`;
  }

  private persist(): void {
    this.store.write({ schedules: [...this.schedules.values()], deadLetters: this.deadLetters });
  }
}
