/**
 * Reminders before an agreement's deadlines. The reminder items are the truth: they are written in
 * the same transaction as the agreement change that plans them; a one-time schedule per reminder is
 * the fast path; the daily sweep delivers whatever is due and still pending (a lost or failed
 * schedule). Delivery is exactly once: the reminder's version condition lets one delivery commit,
 * with its inbox entries and its bus event (the outbox: sent at least once, notified once), so a
 * duplicate firing or a retry finds it done.
 */

import { deleteSchedule, upsertOneTimeSchedule } from '../adapters/scheduler.ts';
import {
  type CommitInput,
  commitAll,
  type Keyed,
  type TransactItem,
  tableName,
  withoutKeys,
} from '../adapters/store.ts';
import { VersionConflict } from '../adapters/store-errors.ts';
import { type OutboxEvent, outboxEvent } from '../contracts/outbox.ts';
import type { Actor, SystemActor } from '../domain/actors.ts';
import { type Agreement, noticeGivenOn } from '../domain/agreement.ts';
import { endDue } from '../domain/agreement-lifecycle.ts';
import { planReminders, type ReminderSettings, supersededOnArrival } from '../domain/reminders.ts';
import { canonicalJson, sha256 } from '../shared/canonical.ts';
import { nowIso, nowMs } from '../shared/clock.ts';
import { log } from '../shared/log.ts';
import { endEntry, getAgreement } from './store/agreements.ts';
import {
  getReminder,
  getSettings,
  inboxKey,
  listReminders,
  type Notification,
  type Reminder,
  type ReminderItem,
  reminderItem,
} from './store/reminders.ts';

const system: SystemActor = { sub: 'system', name: 'reminders', role: 'system' };

export const reminderScheduleName = (agreementId: string, key: string): string =>
  `${agreementId}-rem-${sha256(key).slice(0, 12)}`;
export const expiryScheduleName = (agreementId: string): string => `${agreementId}-expiry`;

export interface ReminderPlanChange {
  commits: CommitInput<Keyed>[];
  /** Reminders to (re)arm after the commit. */
  arm: Reminder[];
  /** Reminders whose schedule goes. */
  disarm: Reminder[];
}

/**
 * What the agreement's reminders must become for the agreement as it will be: new ones created
 * (those already due on arrival: only the latest of each kind), obsolete pending ones cancelled.
 * The caller commits `commits` together with the agreement change.
 */
export const planChange = async (
  agreement: Omit<Agreement, 'version'>,
  actor: Actor,
  why: string,
): Promise<ReminderPlanChange> => {
  const [settings, existing] = await Promise.all([
    getSettings(agreement.entityId),
    listReminders(agreement.id),
  ]);
  return planFrom(agreement, settings, existing, actor, why, nowIso());
};

/**
 * planChange once the entity's reminder settings and the agreement's stored reminders are read
 * (none for a new agreement): what to create, cancel, arm and disarm at `now`. No I/O.
 */
export const planFrom = (
  agreement: Omit<Agreement, 'version'>,
  settings: ReminderSettings,
  existing: ReminderItem[],
  actor: Actor,
  why: string,
  now: string,
): ReminderPlanChange => {
  const planned = planReminders(agreement, settings, now.slice(0, 10));
  const superseded = supersededOnArrival(planned, now);
  const byKey = new Map(existing.map((r) => [r.key, r]));
  const commits: CommitInput<Keyed>[] = [];
  const arm: Reminder[] = [];
  const disarm: Reminder[] = [];
  for (const p of planned) {
    if (byKey.has(p.key) || superseded.has(p.key)) continue;
    const reminder: Reminder = {
      ...p,
      agreementId: agreement.id,
      entityId: agreement.entityId,
      supplierId: agreement.supplierId,
      status: 'pending',
      createdAt: now,
    };
    commits.push({
      aggregate: { type: 'reminder', id: `${agreement.id}:${p.key}` },
      entityId: agreement.entityId,
      before: undefined,
      after: reminderItem(reminder) as Keyed,
      actor,
      action: 'reminder.planned',
      reason: why,
      change: { kind: p.kind, deadline: p.deadline, dueAt: p.dueAt, leadMonths: p.leadMonths },
    });
    arm.push(reminder);
  }
  const wanted = new Set(planned.map((p) => p.key));
  for (const r of existing) {
    if (r.status !== 'pending' || wanted.has(r.key)) continue;
    const rest = withoutKeys(r);
    commits.push({
      aggregate: { type: 'reminder', id: `${agreement.id}:${r.key}` },
      entityId: agreement.entityId,
      before: r,
      after: reminderItem({ ...rest, status: 'cancelled', cancelledAt: now, cancelReason: why }) as Keyed,
      actor,
      action: 'reminder.cancelled',
      reason: why,
      change: { status: { from: 'pending', to: 'cancelled' } },
    });
    disarm.push(r);
  }
  return { commits, arm, disarm };
};

/** After the commit: the schedules follow the reminders (and the automatic expiry its end date). */
export const applySchedules = async (
  agreement: Omit<Agreement, 'version'>,
  change: ReminderPlanChange,
): Promise<void> => {
  try {
    const soon = nowMs() + 60_000;
    for (const r of change.arm) {
      await upsertOneTimeSchedule(
        reminderScheduleName(r.agreementId, r.key),
        new Date(Math.max(Date.parse(r.dueAt), soon)),
        {
          type: 'reminder.due',
          agreementId: r.agreementId,
          key: r.key,
        },
      );
    }
    for (const r of change.disarm) await deleteSchedule(reminderScheduleName(r.agreementId, r.key));
    // An open-ended agreement ends only after notice (the same rule as the index of ends).
    const due = endDue(agreement);
    if (due) {
      await upsertOneTimeSchedule(expiryScheduleName(agreement.id), new Date(due), {
        type: 'agreement.expiry',
        agreementId: agreement.id,
      });
    } else {
      await deleteSchedule(expiryScheduleName(agreement.id));
    }
  } catch (error) {
    // The reminders are stored: the daily sweep delivers them even without their schedules.
    log.error('could not update the schedules of an agreement; the daily sweep covers its reminders', {
      agreementId: agreement.id,
      error,
    });
  }
};

/** Changes an agreement together with its reminders, in one transaction, then moves the schedules. */
export const commitWithReminders = async (
  change: CommitInput<Keyed>,
  agreementAfter: Omit<Agreement, 'version'>,
  why: string,
  more: CommitInput<Keyed>[] = [],
  extra: TransactItem[] = [],
) => {
  const plan = await planChange(agreementAfter, change.actor, why);
  // Its entry in the index of ends moves with it: the sweep's way to an end whose schedule is lost.
  const ending: TransactItem = { Put: { TableName: tableName(), Item: endEntry(agreementAfter) } };
  const results = await commitAll([change, ...more, ...plan.commits], [...extra, ending]);
  await applySchedules(agreementAfter, plan);
  return results;
};

const LEAD = (months: number) => (months === 1 ? '1 month' : `${months} months`);

const message = (r: Reminder, a: Agreement, escalated: boolean) => {
  if (r.kind === 'expiry' && a.termination) {
    const what = `ends ${r.deadline} after notice`;
    const successor = a.termination.successorTenderId
      ? ` Its successor tender: ${a.termination.successorTenderId}.`
      : ' No successor tender is linked to it.';
    return {
      title: `Agreement with ${a.supplierId} ${what}`,
      text: `${a.tenderTitle} – ${a.lotTitle} (${a.id}) ${what} given on ${noticeGivenOn(a.termination)} (${LEAD(r.leadMonths)} reminder).${successor}`,
    };
  }
  const what =
    r.kind === 'expiry'
      ? `ends ${r.deadline}`
      : r.kind === 'option'
        ? `must have its option decided by ${r.deadline}`
        : `is due for its yearly review on ${r.deadline}`;
  const title = `${escalated ? 'ESCALATION: ' : ''}Agreement with ${a.supplierId} ${what}`;
  const text = `${escalated ? `Escalated: no renewal decision is recorded ${LEAD(r.leadMonths)} before the deadline. ` : ''}${a.tenderTitle} – ${a.lotTitle} (${a.id}) ${what} (${LEAD(r.leadMonths)} reminder). Record the decision: POST /agreements/${a.id}/decision (exercise-option, let-expire, terminate or new-procurement).`;
  return { title, text };
};

const notificationId = (r: Reminder, audience: string) =>
  `ntf_${sha256(canonicalJson({ a: r.agreementId, k: r.key, audience })).slice(0, 32)}`;

/** The reminder's bus event, written with its delivery (the outbox). */
const reminderEvent = (r: Reminder, agreement: Agreement, escalated: boolean): OutboxEvent => {
  const detail = {
    agreementId: r.agreementId,
    entityId: r.entityId,
    supplierId: r.supplierId,
    deadline: r.deadline,
    leadMonths: r.leadMonths,
    escalation: escalated,
    title: `${agreement.tenderTitle} – ${agreement.lotTitle}`,
  };
  return r.kind === 'option'
    ? outboxEvent('Agreement.OptionDeadlineApproaching', detail)
    : outboxEvent('Agreement.ExpiryApproaching', {
        ...detail,
        review: r.kind === 'review',
        ...(agreement.termination ? { afterNotice: true } : {}),
      });
};

/** Delivers one reminder, exactly once. Safe to call any number of times, concurrently. */
export const deliverReminder = async (agreementId: string, key: string): Promise<string> => {
  const r = await getReminder(agreementId, key);
  if (!r) return 'unknown reminder';
  const agreement = await getAgreement(agreementId);
  if (!agreement) return 'agreement missing';
  if (r.status === 'delivered') return 'already delivered';
  if (r.status !== 'pending') return `ignored: ${r.status}`;
  if (Date.parse(r.dueAt) > nowMs()) return 'not due yet';
  const at = nowIso();
  const escalated = r.escalation && !agreement.renewalDecision;
  const audiences: Notification['audience'][] = escalated ? ['officers', 'manager'] : ['officers'];
  const { title, text } = message(r, agreement, escalated);
  const notifications: Notification[] = audiences.map((audience) => ({
    id: notificationId(r, audience),
    entityId: r.entityId,
    audience,
    kind: r.kind === 'option' ? 'option-deadline' : r.kind === 'review' ? 'review' : 'expiry',
    title,
    text,
    agreementId,
    reminderKey: key,
    escalation: escalated,
    createdAt: at,
  }));
  const inbox: TransactItem[] = notifications.map((n) => ({
    Put: {
      TableName: tableName(),
      Item: { ...inboxKey(n.entityId, n.createdAt, n.id), ...n },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  }));
  const rest = withoutKeys(r);
  try {
    await commitAll(
      [
        {
          aggregate: { type: 'reminder', id: `${agreementId}:${key}` },
          entityId: r.entityId,
          before: r,
          after: reminderItem({
            ...rest,
            status: 'delivered',
            deliveredAt: at,
            escalated,
            notificationIds: notifications.map((n) => n.id),
          }) as Keyed,
          actor: system,
          action: escalated ? 'reminder.delivered-escalated' : 'reminder.delivered',
          change: { audiences, notificationIds: notifications.map((n) => n.id) },
          events: [reminderEvent(r, agreement, escalated)],
          at,
        },
      ],
      inbox,
    );
  } catch (error) {
    if (error instanceof VersionConflict) return 'delivered by a concurrent attempt';
    throw error;
  }
  return escalated ? 'delivered (escalated)' : 'delivered';
};

export type { Reminder, ReminderItem };
