/** Time as EventBridge Scheduler keeps it: schedules at whole minutes, never in the past; early timers. */
import { describe, expect, it } from 'vitest';
import { MAX_EARLY_REARMS, scheduleTimeFor, timerVerdict } from '../../functions/domain/timing.ts';

const NOW = new Date('2026-11-23T09:00:20.500Z');
const t = (iso: string) => new Date(iso);

describe('schedule times', () => {
  it('arms a whole-minute moment at that minute', () => {
    expect(scheduleTimeFor(t('2026-12-23T12:00:00.000Z'), NOW).toISOString()).toBe(
      '2026-12-23T12:00:00.000Z',
    );
  });

  it('arms a moment with seconds at the next whole minute: Scheduler fires within the minute it names, so never before the moment', () => {
    expect(scheduleTimeFor(t('2026-12-23T12:00:30.000Z'), NOW).toISOString()).toBe(
      '2026-12-23T12:01:00.000Z',
    );
    expect(scheduleTimeFor(t('2026-12-23T12:00:00.001Z'), NOW).toISOString()).toBe(
      '2026-12-23T12:01:00.000Z',
    );
  });

  it('never arms the past: a moment already past (or about to pass) is armed at the next whole minute, at least 10 s ahead', () => {
    expect(scheduleTimeFor(t('2026-01-01T00:00:00.000Z'), NOW).toISOString()).toBe(
      '2026-11-23T09:01:00.000Z',
    );
    expect(scheduleTimeFor(NOW, NOW).toISOString()).toBe('2026-11-23T09:01:00.000Z');
    const late = t('2026-11-23T09:00:55.000Z');
    expect(scheduleTimeFor(late, late).toISOString()).toBe('2026-11-23T09:02:00.000Z');
  });
});

describe('a timer that fires', () => {
  const due = Date.parse('2026-12-23T12:00:00.000Z');

  it('at or after its moment: due', () => {
    expect(timerVerdict(due, due)).toEqual({ kind: 'due', early: false });
    expect(timerVerdict(due, due + 5_000, 2)).toEqual({ kind: 'due', early: false });
  });

  it('more than a minute before: the moment moved later, arm the new one', () => {
    expect(timerVerdict(due, due - 61_000)).toEqual({ kind: 'moved' });
    expect(timerVerdict(due, due - 30 * 86_400_000, 3)).toEqual({ kind: 'moved' });
  });

  it('a little early: re-arms a bounded number of times, then acts as due (the step checks the moment again)', () => {
    const verdicts = [];
    for (let attempt = 0; attempt <= MAX_EARLY_REARMS; attempt++)
      verdicts.push(timerVerdict(due, due - 20_000, attempt));
    expect(verdicts).toEqual([
      { kind: 'early', attempt: 1 },
      { kind: 'early', attempt: 2 },
      { kind: 'early', attempt: 3 },
      { kind: 'due', early: true },
    ]);
  });
});
