/** Reminder planning (functions/domain/reminders.ts): month ends, leap years, decisions, arrival. */
import { describe, expect, it } from 'vitest';
import type { Agreement } from '../../functions/domain/agreement.ts';
import {
  defaultReminderSettings,
  nextReview,
  planReminders,
  supersededOnArrival,
} from '../../functions/domain/reminders.ts';

const agreement = (overrides: Partial<Agreement> = {}) =>
  ({
    status: 'active',
    startDate: '2023-01-01',
    endDate: '2026-12-31',
    options: [{ durationMonths: 12 }],
    optionNoticeDays: 30,
    ...overrides,
  }) as Agreement;

const due = (a: Agreement, today = '2025-01-01') =>
  planReminders(a, defaultReminderSettings, today).map((r) => [
    r.kind,
    r.leadMonths,
    r.dueAt.slice(0, 10),
    r.escalation,
  ]);

describe('reminder planning', () => {
  it('counts calendar months back from the end date, clamped at month ends', () => {
    expect(due(agreement())).toEqual([
      ['expiry', 12, '2025-12-31', false],
      ['expiry', 6, '2026-06-30', false],
      ['expiry', 3, '2026-09-30', false],
      ['expiry', 1, '2026-11-30', true],
      ['option', 3, '2026-09-01', false], // last day 2026-12-01
      ['option', 1, '2026-11-01', true],
    ]);
  });

  it('lands on 29 February in a leap year and 28 February otherwise', () => {
    expect(due(agreement({ endDate: '2028-03-31', options: [] })).at(-1)).toEqual([
      'expiry',
      1,
      '2028-02-29',
      true,
    ]);
    expect(due(agreement({ endDate: '2027-03-31', options: [] })).at(-1)).toEqual([
      'expiry',
      1,
      '2027-02-28',
      true,
    ]);
    expect(due(agreement({ endDate: '2028-08-29', options: [] })).at(1)).toEqual([
      'expiry',
      6,
      '2028-02-29',
      false,
    ]);
  });

  it('is due at 07:00 UTC, and keys each reminder by kind, deadline and lead', () => {
    const [first] = planReminders(agreement(), defaultReminderSettings, '2025-01-01');
    expect(first).toMatchObject({
      key: 'expiry#2026-12-31#12m',
      dueAt: '2025-12-31T07:00:00.000Z',
      deadline: '2026-12-31',
    });
  });

  it('moves with an exercised option: new expiry reminders, the next option', () => {
    const extended = agreement({
      endDate: '2027-12-31',
      options: [{ durationMonths: 12 }, { durationMonths: 12 }],
      optionsExercised: [
        { index: 0, at: 'x', by: { sub: 'k', name: 'K' }, from: '2026-12-31', to: '2027-12-31' },
      ],
    });
    const keys = planReminders(extended, defaultReminderSettings, '2026-11-23').map((r) => r.key);
    expect(keys).toContain('expiry#2027-12-31#01m');
    expect(keys).toContain('option#2027-12-01#03m');
    expect(keys.some((k) => k.includes('2026-12-31'))).toBe(false);
  });

  it('plans nothing for a terminated or expired agreement, nor for a deadline that has passed', () => {
    expect(planReminders(agreement({ status: 'terminated' }), defaultReminderSettings, '2025-01-01')).toEqual(
      [],
    );
    expect(planReminders(agreement({ status: 'expired' }), defaultReminderSettings, '2025-01-01')).toEqual(
      [],
    );
    expect(due(agreement(), '2026-12-15').map((r) => r[0])).toEqual(['expiry', 'expiry', 'expiry', 'expiry']);
  });

  it('under notice: only the reminders of the effective end due after the notice, no option, no review, no escalation', () => {
    const termination = {
      reason: 'r',
      noticeMonths: 6,
      noticeCounting: 'from-end-of-month' as const,
      givenOn: '2025-03-10',
      endsOn: '2025-09-30',
      at: '2025-03-10T09:00:00.000Z',
      by: { sub: 'kari', name: 'Kari' },
    };
    // 12 months before (2024-09-30) is past: not planned.
    expect(due(agreement({ termination }), '2025-03-10')).toEqual([
      ['expiry', 6, '2025-03-30', false],
      ['expiry', 3, '2025-06-30', false],
      ['expiry', 1, '2025-08-30', false],
    ]);
    const open = agreement({ openEnded: true, endDate: undefined, options: [], termination });
    expect(due(open, '2025-03-10').map((r) => r[2])).toEqual(['2025-03-30', '2025-06-30', '2025-08-30']);
    // A notice given on the day a reminder would be due: the officer knows.
    expect(
      due(agreement({ termination: { ...termination, givenOn: '2025-03-30' } }), '2025-03-30').map(
        (r) => r[1],
      ),
    ).toEqual([3, 1]);
  });

  it('stops once a renewal decision answers the end date, and asks again for a later one', () => {
    const decided = agreement({
      renewalDecision: {
        decision: 'let-expire',
        deadline: '2026-12-31',
        by: { sub: 'k', name: 'K' },
        at: 'x',
      },
    });
    expect(planReminders(decided, defaultReminderSettings, '2026-01-01')).toEqual([]);
    const earlierDecision = agreement({
      endDate: '2027-12-31',
      renewalDecision: {
        decision: 'exercise-option',
        deadline: '2026-12-31',
        by: { sub: 'k', name: 'K' },
        at: 'x',
      },
    });
    expect(planReminders(earlierDecision, defaultReminderSettings, '2026-01-01').length).toBeGreaterThan(0);
  });

  it('reviews open-ended agreements yearly on the anniversary of their start', () => {
    expect(nextReview('2019-03-31', '2026-11-23')).toBe('2027-03-31');
    expect(nextReview('2020-02-29', '2026-11-23')).toBe('2027-02-28');
    const review = planReminders(
      agreement({ openEnded: true, endDate: undefined, startDate: '2019-05-15' }),
      defaultReminderSettings,
      '2026-11-23',
    );
    expect(review).toEqual([
      expect.objectContaining({ kind: 'review', deadline: '2027-05-15', dueAt: '2027-04-15T07:00:00.000Z' }),
    ]);
  });

  it('sends only the latest of the reminders already due when an agreement arrives late', () => {
    const planned = planReminders(agreement(), defaultReminderSettings, '2026-11-23');
    const superseded = supersededOnArrival(planned, '2026-11-23T09:00:00.000Z');
    expect([...superseded].sort()).toEqual([
      'expiry#2026-12-31#06m',
      'expiry#2026-12-31#12m',
      'option#2026-12-01#03m',
    ]);
  });
});
