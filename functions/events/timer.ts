/**
 * EventBridge Scheduler target. A schedule says "it is time"; this function checks that it really
 * is (deadlines move) and completes the waiting workflow step with its stored token. A schedule that
 * fires for a deadline that has since moved later arms a new one at the new time.
 */

import middy from '@middy/core';
import type { SystemActor } from '../commons/auth.ts';
import { sha256 } from '../commons/canonical.ts';
import { now, nowIso, nowMs } from '../commons/clock.ts';
import { Problem } from '../commons/errors.ts';
import { publishEvent } from '../commons/events.ts';
import { log } from '../commons/log.ts';
import { upsertOneTimeSchedule } from '../commons/schedules.ts';
import { commit, type Keyed, tableName, withoutKeys } from '../commons/store.ts';
import { startWorkflow } from '../commons/workflows.ts';
import { addDays } from '../domain/agreement.ts';
import { negotiationStage } from '../domain/performance.ts';
import { entities } from '../domain/reference-data.ts';
import { agreementItem, getAgreement, getYear, listAgreements, yearKey } from '../store/agreements.ts';
import { inboxKey, listDueReminders } from '../store/reminders.ts';
import {
  completeNegotiationStep,
  executionNameFor,
  renegotiationStart,
} from '../workflow/renegotiation-steps.ts';
import { commitWithReminders, deliverReminder, expiryScheduleName } from './reminders.ts';
import '../commons/zod-locale.ts';
import { getTender } from '../store/tenders.ts';
import { completeStep, type WaitingStep } from '../workflow/tender-steps.ts';
import {
  bidDeadlineScheduleName,
  standstillScheduleName,
  startAllScheduleName,
  supplierDeadlineScheduleName,
  type TimerEvent,
  timerEventSchema,
} from './timer-event.ts';

type TenderTimer = Extract<TimerEvent, { tenderId: string }>;

const timers: Record<
  TenderTimer['type'],
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

const onTenderTimer = async (timer: TenderTimer) => {
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

const system: SystemActor = { sub: 'system', name: 'timer', role: 'system' };

/** The supplier's answer deadline: tell the waiting workflow, or re-arm when the deadline moved. */
const onSupplierDeadline = async ({ agreementId, year }: { agreementId: string; year: number }) => {
  const item = await getYear(agreementId, year);
  if (!item || negotiationStage(item) !== 'supplier' || !item.supplierDeadline)
    return { outcome: 'ignored: answered' };
  const due = new Date(item.supplierDeadline);
  if (nowMs() < due.getTime()) {
    await upsertOneTimeSchedule(supplierDeadlineScheduleName(agreementId, year, due), due, {
      type: 'renegotiation.supplierDeadline',
      agreementId,
      year,
    });
    return { outcome: `re-armed for ${item.supplierDeadline}` };
  }
  if (await completeNegotiationStep(agreementId, year, 'supplier', { outcome: 'deadline' }))
    return { outcome: 'completed' };
  return { outcome: 'no-waiting-workflow' };
};

/** The first day of the year: flag a year that starts without an agreed performance agreement. */
const onYearStart = async ({ agreementId, year }: { agreementId: string; year: number }) => {
  const item = await getYear(agreementId, year);
  if (!item || item.status === 'agreed' || item.status === 'published' || item.notAgreedInTimeAt)
    return { outcome: 'nothing to flag' };
  const at = new Date().toISOString();
  await commit({
    aggregate: { type: 'performance', id: `${agreementId}:${year}` },
    entityId: item.entityId,
    before: item,
    after: { ...withoutKeys(item), ...yearKey(agreementId, year), notAgreedInTimeAt: nowIso() },
    actor: system,
    action: 'performance.not-agreed-in-time',
    change: { notAgreedInTimeAt: at, status: item.status },
  });
  await publishEvent('PerformanceAgreement.NotAgreedInTime', {
    agreementId,
    entityId: item.entityId,
    supplierId: item.supplierId,
    year,
    status: item.status,
  });
  return { outcome: 'flagged' };
};

/**
 * Every year at the configured date: a renegotiation for next year for every agreement that runs
 * into it, then the same timer again a year later. Reads grow with the agreements held, one Query
 * per entity, no Scan.
 */
const onStartAll = async () => {
  const year = now().getUTCFullYear() + 1;
  let started = 0;
  for (const entity of entities) {
    let cursor: string | undefined;
    do {
      const page = await listAgreements({ entityId: entity.id }, 100, cursor);
      for (const a of page.items) {
        if (a.status === 'terminated' || a.status === 'expired') continue;
        if (a.endDate && a.endDate < `${year}-01-01`) continue;
        try {
          await startWorkflow('annualRenegotiation', executionNameFor(a.id, year), {
            agreementId: a.id,
            year,
          });
          started++;
        } catch (error) {
          if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
  const next = renegotiationStart(year);
  await upsertOneTimeSchedule(startAllScheduleName(next.getUTCFullYear()), next, {
    type: 'renegotiation.startAll',
  });
  return { outcome: `started ${started} renegotiation(s) for ${year}; next run ${next.toISOString()}` };
};

/** The daily safety sweep: every reminder due and still pending is delivered (exactly once). */
const onSweep = async () => {
  let delivered = 0;
  for (let round = 0; round < 20; round++) {
    const due = await listDueReminders(nowIso());
    if (!due.length) break;
    for (const r of due)
      if ((await deliverReminder(r.agreementId, r.key)).startsWith('delivered')) delivered++;
    if (due.length < 100) break;
  }
  return { outcome: `swept: ${delivered} reminder(s) delivered` };
};

/** The day after the end date: an agreement that was not extended becomes expired by itself. */
const onExpiry = async ({ agreementId }: { agreementId: string }) => {
  const agreement = await getAgreement(agreementId);
  if (!agreement) return { outcome: 'agreement missing' };
  const ends = agreement.status === 'terminated' ? agreement.termination?.endsOn : agreement.endDate;
  if (agreement.status === 'expired' || agreement.openEnded || !ends)
    return { outcome: `ignored: ${agreement.status}` };
  const today = nowIso().slice(0, 10);
  if (ends >= today) {
    await upsertOneTimeSchedule(
      expiryScheduleName(agreementId),
      new Date(`${addDays(ends, 1)}T00:00:00.000Z`),
      {
        type: 'agreement.expiry',
        agreementId,
      },
    );
    return { outcome: `re-armed: ends ${ends}` };
  }
  const after = { ...withoutKeys(agreement), status: 'expired' as const, expiredAt: nowIso() };
  await commitWithReminders(
    {
      aggregate: { type: 'agreement', id: agreementId },
      entityId: agreement.entityId,
      before: agreement,
      after: agreementItem(after) as Keyed,
      actor: system,
      action: 'agreement.expired',
      change: { status: { from: agreement.status, to: 'expired' }, endDate: ends },
    },
    after,
    'The agreement expired',
  );
  await publishEvent('Agreement.Expired', {
    agreementId,
    entityId: agreement.entityId,
    supplierId: agreement.supplierId,
    endDate: ends,
  });
  return { outcome: 'expired' };
};

/**
 * Before an answer deadline of the renegotiation: remind whoever's turn it still is, once. A marker
 * written on condition makes a second firing a no-op; officers also get it in their inbox.
 */
const onAnswerDue = async (t: {
  agreementId: string;
  year: number;
  role: 'officer' | 'supplier';
  deadline: string;
}) => {
  const item = await getYear(t.agreementId, t.year);
  if (!item || negotiationStage(item) !== t.role) return { outcome: 'answered' };
  if (t.role === 'supplier' && item.supplierDeadline !== t.deadline) return { outcome: 'deadline moved' };
  const id = `ntf_${sha256(`${t.agreementId}\n${t.year}\n${t.role}\n${t.deadline}`).slice(0, 32)}`;
  const at = nowIso();
  const title = `Your answer on the ${t.year} performance agreement is due ${t.deadline.slice(0, 10)}`;
  // The reminder is an aggregate of its own: created once (a second firing conflicts), audited.
  try {
    await commit({
      aggregate: { type: 'answer-reminder', id: `${t.agreementId}:${t.year}:${t.role}:${t.deadline}` },
      entityId: item.entityId,
      before: undefined,
      after: {
        PK: `AGREEMENT#${t.agreementId}`,
        SK: `NOTIFIED#${id}`,
        at,
        role: t.role,
        deadline: t.deadline,
        year: t.year,
      },
      actor: system,
      action: 'performance.answer-reminded',
      change: { role: t.role, deadline: t.deadline },
      extra:
        t.role === 'officer'
          ? [
              {
                Put: {
                  TableName: tableName(),
                  Item: {
                    ...inboxKey(item.entityId, at, id),
                    id,
                    entityId: item.entityId,
                    audience: 'officers',
                    kind: 'answer-due',
                    title,
                    text: `Agreement ${t.agreementId}, ${t.year}: propose, answer the counter-offer or approve by ${t.deadline}.`,
                    agreementId: t.agreementId,
                    escalation: false,
                    createdAt: at,
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            ]
          : [],
    });
  } catch (error) {
    if (error instanceof Problem && error.status === 409) return { outcome: 'already reminded' };
    throw error;
  }
  await publishEvent('PerformanceAgreement.AnswerDue', {
    agreementId: t.agreementId,
    entityId: item.entityId,
    supplierId: item.supplierId,
    year: t.year,
    role: t.role,
    deadline: t.deadline,
  });
  return { outcome: 'reminded' };
};

const lambdaHandler = async (event: unknown) => {
  const timer = timerEventSchema.parse(event);
  switch (timer.type) {
    case 'reminder.due':
      return { outcome: await deliverReminder(timer.agreementId, timer.key) };
    case 'reminder.sweep':
      return onSweep();
    case 'agreement.expiry':
      return onExpiry(timer);
    case 'renegotiation.answerDue':
      return onAnswerDue(timer);
    case 'tender.bidDeadline':
    case 'tender.standstillEnd':
      return onTenderTimer(timer);
    case 'renegotiation.supplierDeadline':
      return onSupplierDeadline(timer);
    case 'renegotiation.yearStart':
      return onYearStart(timer);
    case 'renegotiation.startAll':
      return onStartAll();
  }
};

export const handler = middy().handler(lambdaHandler);
