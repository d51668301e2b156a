/**
 * Reminders before an agreement's deadlines: when each is due, which are still wanted after a
 * change, which escalate. Pure: no AWS. Arithmetic in calendar months, clamped at month ends
 * (31 December − 1 month = 30 November; 31 March 2028 − 1 month = 29 February 2028).
 */
import type { Agreement } from './agreement.ts';
import { addMonths, nextOption, noticeGivenOn } from './agreement.ts';

export const reminderKinds = ['expiry', 'option', 'review'] as const;
export type ReminderKind = (typeof reminderKinds)[number];

export interface ReminderSettings {
  /** Months before the end date (default 12, 6, 3, 1). */
  expiryLeadMonths: number[];
  /** Months before the last day to exercise the next option (default 3, 1). */
  optionLeadMonths: number[];
  /** A reminder this close to its deadline, with no renewal decision, goes to the second level too. */
  escalationLeadMonths: number;
  /** The second level: the entity's designated manager (an address; the manager role reads the inbox). */
  managerEmail?: string;
}

export const defaultReminderSettings: ReminderSettings = {
  expiryLeadMonths: [12, 6, 3, 1],
  optionLeadMonths: [3, 1],
  escalationLeadMonths: 1,
};

/** Reminders are due at 07:00 UTC (morning in Norway and Denmark) on their day. */
export const REMINDER_HOUR_UTC = 7;

export interface PlannedReminder {
  /** Stable identity: the same reminder planned twice has the same key. */
  key: string;
  kind: ReminderKind;
  leadMonths: number;
  /** The deadline it reminds of (yyyy-mm-dd): end date, the option's last day, or the review day. */
  deadline: string;
  dueAt: string;
  escalation: boolean;
}

const dueAt = (day: string) => `${day}T${String(REMINDER_HOUR_UTC).padStart(2, '0')}:00:00.000Z`;

const plan = (
  kind: ReminderKind,
  deadline: string,
  leads: number[],
  escalationLead: number,
): PlannedReminder[] =>
  [...new Set(leads)]
    .sort((a, b) => b - a)
    .map((lead) => ({
      key: `${kind}#${deadline}#${String(lead).padStart(2, '0')}m`,
      kind,
      leadMonths: lead,
      deadline,
      dueAt: dueAt(addMonths(deadline, -lead)),
      escalation: lead <= escalationLead,
    }));

/** The next anniversary of the start on or after `today` (open-ended agreements are reviewed yearly). */
export const nextReview = (startDate: string, today: string): string => {
  let years = Number(today.slice(0, 4)) - Number(startDate.slice(0, 4));
  let candidate = addMonths(startDate, 12 * years);
  while (candidate < today) {
    years += 1;
    candidate = addMonths(startDate, 12 * years);
  }
  return candidate;
};

/**
 * Every reminder the agreement should have now. Nothing for an ended agreement; the expiry
 * reminders stop once a renewal decision answers them; option reminders only for an option that can
 * still be exercised. Under notice, only the expiry reminders of the effective end due after the
 * notice was given (the decision is made: none escalates). Reminders whose deadline has passed are
 * not planned.
 */
export const planReminders = (
  a: Pick<
    Agreement,
    'status' | 'endDate' | 'openEnded' | 'startDate' | 'options' | 'optionsExercised' | 'optionNoticeDays'
  > &
    Partial<Pick<Agreement, 'termination'>> & {
      renewalDecision?: { decision: string; deadline?: string };
    },
  settings: ReminderSettings,
  today: string,
): PlannedReminder[] => {
  if (a.status === 'terminated' || a.status === 'expired') return [];
  if (a.termination) {
    const givenOn = noticeGivenOn(a.termination);
    return plan('expiry', a.termination.endsOn, settings.expiryLeadMonths, -1).filter(
      (r) => r.deadline >= today && r.dueAt.slice(0, 10) > givenOn,
    );
  }
  if (a.openEnded || !a.endDate) {
    const review = nextReview(a.startDate, today);
    return plan('review', review, [1], 0).filter((r) => r.deadline >= today);
  }
  const decided =
    a.renewalDecision && (!a.renewalDecision.deadline || a.renewalDecision.deadline === a.endDate);
  const out: PlannedReminder[] = [];
  if (!decided)
    out.push(...plan('expiry', a.endDate, settings.expiryLeadMonths, settings.escalationLeadMonths));
  const next = nextOption(a);
  if (next && next.lastDay >= today && !decided)
    out.push(...plan('option', next.lastDay, settings.optionLeadMonths, settings.escalationLeadMonths));
  return out.filter((r) => r.deadline >= today);
};

/**
 * Of the reminders already due when they are planned (an agreement registered late), only the
 * latest of each kind is worth sending: the earlier ones are superseded by it.
 */
export const supersededOnArrival = (planned: PlannedReminder[], now: string): Set<string> => {
  const superseded = new Set<string>();
  for (const kind of reminderKinds) {
    const due = planned
      .filter((r) => r.kind === kind && r.dueAt <= now)
      .sort((x, y) => x.dueAt.localeCompare(y.dueAt));
    for (const r of due.slice(0, -1)) superseded.add(r.key);
  }
  return superseded;
};
