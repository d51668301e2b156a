/**
 * Which agreements need attention: the filters of `GET /agreements` and what "needs a decision"
 * means. Pure: the agreement, the filter, today and the entity's reminder lead times in; a yes or no
 * out. The store narrows the index page by the plain attributes first (a FilterExpression); this
 * predicate is the rule, and decides every filter, the computed ones (the end after notice, the next
 * option's last day, needs a decision) included.
 */
import { type Agreement, type AgreementStatus, addMonths, agreementScope, nextOption } from './agreement.ts';
import { endsOn } from './agreement-lifecycle.ts';
import type { ReminderSettings } from './reminders.ts';

export interface AgreementFilter {
  status?: AgreementStatus | undefined;
  supplierId?: string | undefined;
  serviceAreaId?: string | undefined;
  /** One of the agreement's hospital areas. */
  hospitalAreaId?: string | undefined;
  /** The day the agreement ends (its end date, or the termination's date once notice is given) is before this day. */
  endDateBefore?: string | undefined;
  /** The last day to exercise the next option is before this day (an option can still be exercised). */
  optionDeadlineBefore?: string | undefined;
  needsDecision?: boolean | undefined;
  /** Notice is given and the agreement still runs to its effective end (true), or not (false). */
  underNotice?: boolean | undefined;
}

type Decidable = Pick<
  Agreement,
  'status' | 'endDate' | 'openEnded' | 'options' | 'optionsExercised' | 'optionNoticeDays' | 'renewalDecision'
>;

/**
 * A renewal decision answers the current end date (a decision made before an option moved it does
 * not); notice given answers it too.
 */
export const decided = (
  a: Pick<Agreement, 'renewalDecision' | 'endDate'> & Partial<Pick<Agreement, 'termination'>>,
): boolean =>
  Boolean(a.termination) ||
  Boolean(a.renewalDecision && (!a.renewalDecision.deadline || a.renewalDecision.deadline === a.endDate));

const running = (a: Pick<Agreement, 'status'>) => a.status === 'active' || a.status === 'extended';

/** The next option's last day, while one can still be exercised (running, not open-ended, options left). */
export const optionDeadline = (a: Decidable): string | undefined => {
  if (!running(a) || a.openEnded) return undefined;
  return nextOption(a)?.lastDay;
};

/**
 * An agreement needs a decision when it runs towards an end date with no renewal decision that
 * answers it, and its first reminder is due (the reminders' rule: the longest expiry lead before the
 * end date, or the longest option lead before the next option's last day while it can still be
 * exercised). Open-ended agreements are reviewed, not decided; terminated and expired ones are past
 * deciding.
 */
export const needsDecision = (
  a: Decidable,
  settings: Pick<ReminderSettings, 'expiryLeadMonths' | 'optionLeadMonths'>,
  today: string,
): boolean => {
  if (!running(a) || a.openEnded || !a.endDate || decided(a)) return false;
  const expiryLead = Math.max(0, ...settings.expiryLeadMonths);
  if (addMonths(a.endDate, -expiryLead) <= today) return true;
  const lastDay = optionDeadline(a);
  const optionLead = Math.max(0, ...settings.optionLeadMonths);
  return lastDay !== undefined && lastDay >= today && addMonths(lastDay, -optionLead) <= today;
};

/** Whether the agreement passes every filter given. */
export const matchesFilter = (
  a: Decidable &
    Pick<Agreement, 'supplierId' | 'serviceAreaId' | 'serviceAreaIds' | 'hospitalAreaIds' | 'termination'>,
  filter: AgreementFilter,
  context: { today: string; settings: Pick<ReminderSettings, 'expiryLeadMonths' | 'optionLeadMonths'> },
): boolean => {
  if (filter.status && a.status !== filter.status) return false;
  if (filter.supplierId && a.supplierId !== filter.supplierId) return false;
  if (filter.serviceAreaId && !agreementScope(a).serviceAreaIds.includes(filter.serviceAreaId)) return false;
  if (filter.hospitalAreaId && !a.hospitalAreaIds.includes(filter.hospitalAreaId)) return false;
  if (filter.endDateBefore) {
    const ends = endsOn(a);
    if (!ends || ends >= filter.endDateBefore) return false;
  }
  if (filter.optionDeadlineBefore) {
    const lastDay = optionDeadline(a);
    if (!lastDay || lastDay >= filter.optionDeadlineBefore) return false;
  }
  if (filter.underNotice !== undefined && (running(a) && Boolean(a.termination)) !== filter.underNotice)
    return false;
  if (filter.needsDecision !== undefined)
    return needsDecision(a, context.settings, context.today) === filter.needsDecision;
  return true;
};
