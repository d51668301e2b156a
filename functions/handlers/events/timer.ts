/**
 * EventBridge Scheduler target. A schedule says "it is time"; this function checks that it really
 * is (deadlines move) and completes the waiting workflow step with its stored token. A schedule that
 * fires for a deadline that has since moved later arms a new one at the new time; one that fires a
 * little early re-arms itself a bounded number of times, then acts as due
 * (functions/domain/timing.ts). The daily sweep delivers what is due and pending (reminders), completes
 * the timed workflow steps whose schedule was lost, and mends the yearly renegotiation timer.
 */

import { count, withObservability } from '../../adapters/observability.ts';
import { upsertOneTimeSchedule } from '../../adapters/scheduler.ts';
import { startWorkflow } from '../../adapters/step-functions.ts';
import { commit, type Keyed, putIf, tableName, withoutKeys } from '../../adapters/store.ts';
import { AlreadyExists } from '../../adapters/store-errors.ts';
import { SWEEP_FAILURES } from '../../contracts/environment.ts';
import { outboxEvent } from '../../contracts/outbox.ts';
import type { SystemActor } from '../../domain/actors.ts';
import { addDays, noticeGivenOn } from '../../domain/agreement.ts';
import { endsOn, expireAgreement } from '../../domain/agreement-lifecycle.ts';
import { openingDue } from '../../domain/opening.ts';
import { negotiationStage } from '../../domain/performance.ts';
import { entities } from '../../domain/reference-data.ts';
import { timerVerdict } from '../../domain/timing.ts';
import { resendPending } from '../../services/outbox.ts';
import { commitWithReminders, deliverReminder, expiryScheduleName } from '../../services/reminders.ts';
import {
  agreementItem,
  endEntry,
  getAgreement,
  getYear,
  listAgreements,
  listDueEnds,
  yearKey,
} from '../../services/store/agreements.ts';
import { inboxKey, listDueReminders } from '../../services/store/reminders.ts';
import {
  armRenegotiationRun,
  completeNegotiationStep,
  executionNameFor,
  getRenegotiationCalendar,
  renegotiationStart,
  runOverdue,
} from '../../services/workflow/renegotiation-steps.ts';
import { sha256 } from '../../shared/canonical.ts';
import { now, nowIso, nowMs } from '../../shared/clock.ts';
import { log } from '../../shared/log.ts';
import { armRenegotiations } from './seed.ts';
import '../../shared/zod-locale.ts';
import {
  bidDeadlineScheduleName,
  earlyScheduleName,
  standstillScheduleName,
  supplierDeadlineScheduleName,
  type TimerEvent,
  timerEventSchema,
} from '../../contracts/timer-event.ts';
import { getTender } from '../../services/store/tenders.ts';
import {
  completeStep,
  getStepToken,
  listDueTimers,
  reindexTimer,
  type TimedStep,
} from '../../services/workflow/tender-steps.ts';

type TenderTimer = Extract<TimerEvent, { tenderId: string }>;

const timers: Record<
  TenderTimer['type'],
  {
    step: TimedStep;
    status: string;
    due: (t: NonNullable<Awaited<ReturnType<typeof getTender>>>) => string | undefined;
    name: (id: string, at: Date) => string;
  }
> = {
  'tender.bidDeadline': {
    step: 'bidDeadline',
    status: 'tendering',
    // The opening waits for the bids received before the deadline (functions/domain/opening.ts).
    due: (t) => openingDue(t).toISOString(),
    name: bidDeadlineScheduleName,
  },
  'tender.standstillEnd': {
    step: 'standstill',
    status: 'standstill',
    due: (t) => t.award?.standstillEndsAt,
    name: standstillScheduleName,
  },
};

/**
 * A tender's timed step (the bid deadline, the end of the standstill), fired by its schedule or found
 * due by the daily sweep: completes the waiting step when its moment has come, re-arms when the
 * moment moved later or the schedule fired early, and keeps the step's token in the due index only
 * while the workflow still waits for a moment to come.
 */
const onTenderTimer = async (timer: TenderTimer) => {
  const spec = timers[timer.type];
  const [tender, found] = await Promise.all([
    getTender(timer.tenderId),
    getStepToken(timer.tenderId, spec.step),
  ]);
  const token = found?.taskToken ? found : undefined;
  const unindex = async () => {
    if (token?.GSI2PK) await reindexTimer(token, undefined);
  };
  if (!tender) {
    await unindex();
    return { outcome: 'tender-missing' };
  }
  const due = spec.due(tender);
  if (tender.status !== spec.status || !due) {
    await unindex();
    return { outcome: `ignored: tender is ${tender.status}` };
  }
  const verdict = timerVerdict(Date.parse(due), nowMs(), timer.early ?? 0);
  const name = spec.name(tender.id, new Date(due));
  if (verdict.kind === 'moved') {
    await upsertOneTimeSchedule(name, new Date(due), { type: timer.type, tenderId: tender.id });
    if (token && token.dueAt !== due) await reindexTimer(token, due);
    return { outcome: `re-armed for ${due}` };
  }
  if (verdict.kind === 'early') {
    await upsertOneTimeSchedule(earlyScheduleName(name, verdict.attempt), new Date(due), {
      type: timer.type,
      tenderId: tender.id,
      early: verdict.attempt,
    });
    return { outcome: `fired early: re-armed (${verdict.attempt}) for ${due}` };
  }
  // Due (or early too often: the step checks the moment again, and the workflow waits once more).
  const completed = token
    ? await completeStep(tender.id, spec.step, { reason: `${timer.type} reached` }, token)
    : false;
  await unindex();
  if (completed) return { outcome: verdict.early ? 'completed (early)' : 'completed' };
  log.warn('time has come but no workflow is waiting for it', { tenderId: tender.id, timer: timer.type });
  return { outcome: 'no-waiting-workflow' };
};

const system: SystemActor = { sub: 'system', name: 'timer', role: 'system' };

/**
 * The supplier's answer deadline: tell the waiting workflow, or re-arm when the deadline moved (or
 * the schedule fired early, a bounded number of times).
 */
const onSupplierDeadline = async ({
  agreementId,
  year,
  early,
}: {
  agreementId: string;
  year: number;
  early?: number | undefined;
}) => {
  const item = await getYear(agreementId, year);
  if (!item || negotiationStage(item) !== 'supplier' || !item.supplierDeadline)
    return { outcome: 'ignored: answered' };
  const due = new Date(item.supplierDeadline);
  const verdict = timerVerdict(due.getTime(), nowMs(), early ?? 0);
  const name = supplierDeadlineScheduleName(agreementId, year, due);
  if (verdict.kind !== 'due') {
    const attempt = verdict.kind === 'early' ? verdict.attempt : undefined;
    await upsertOneTimeSchedule(attempt ? earlyScheduleName(name, attempt) : name, due, {
      type: 'renegotiation.supplierDeadline',
      agreementId,
      year,
      ...(attempt ? { early: attempt } : {}),
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
  // The product's clock (it was the machine's: a local clock advance recorded the wrong day).
  const at = nowIso();
  await commit({
    aggregate: { type: 'performance', id: `${agreementId}:${year}` },
    entityId: item.entityId,
    before: item,
    after: { ...withoutKeys(item), ...yearKey(agreementId, year), notAgreedInTimeAt: at },
    actor: system,
    action: 'performance.not-agreed-in-time',
    change: { notAgreedInTimeAt: at, status: item.status },
    at,
    events: [
      outboxEvent('PerformanceAgreement.NotAgreedInTime', {
        agreementId,
        entityId: item.entityId,
        supplierId: item.supplierId,
        year,
        status: item.status,
      }),
    ],
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
        const ends = endsOn(a); // after notice, the effective end
        if (ends && ends < `${year}-01-01`) continue;
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
  const next = await armRenegotiationRun(renegotiationStart(year), true);
  return { outcome: `started ${started} renegotiation(s) for ${year}; next run ${next.toISOString()}` };
};

/** The daily sweep reads at most this many pages (100 items each) of each due index. */
const SWEEP_PAGES = 20;

/** What a part of the sweep did: items handled, and items it could not handle (each counted). */
interface Swept {
  done: number;
  failed: number;
}

/**
 * One due index, page by page from a cursor (at most SWEEP_PAGES): each item handled on its own.
 * An item that cannot be handled stays due (and first in its index), so it is logged and counted
 * (SweepFailures, alarmed) and the sweep goes on with the ones behind it; `handle` says whether it
 * did something.
 */
const sweepDue = async <T>(
  list: (start?: Record<string, unknown>) => Promise<{ items: T[]; next?: Record<string, unknown> }>,
  handle: (item: T) => Promise<boolean>,
  failure: (item: T) => [message: string, details: Record<string, unknown>],
): Promise<Swept> => {
  const swept: Swept = { done: 0, failed: 0 };
  let start: Record<string, unknown> | undefined;
  for (let page = 0; page < SWEEP_PAGES; page++) {
    const { items, next } = await list(start);
    for (const item of items) {
      try {
        if (await handle(item)) swept.done++;
      } catch (error) {
        swept.failed++;
        const [message, details] = failure(item);
        log.error(message, { ...details, error });
        count(SWEEP_FAILURES);
      }
    }
    if (!next) break;
    start = next;
  }
  return swept;
};

/** Timed tender steps whose moment passed and whose workflow still waits (a lost schedule). */
const sweepTenderTimers = () =>
  sweepDue(
    (start) => listDueTimers(nowIso(), start),
    async (t) => {
      const { outcome } = await onTenderTimer({
        type: t.step === 'bidDeadline' ? 'tender.bidDeadline' : 'tender.standstillEnd',
        tenderId: t.tenderId,
      });
      if (!outcome.startsWith('completed')) return false;
      log.warn('the daily sweep completed a timed step whose schedule did not', {
        tenderId: t.tenderId,
        step: t.step,
        dueAt: t.dueAt,
      });
      return true;
    },
    (t) => ['the daily sweep could not handle a due step', { tenderId: t.tenderId, step: t.step }],
  );

/** Agreements whose end passed while they still run (their expiry schedule was lost): ended now. */
const sweepAgreementEnds = () =>
  sweepDue(
    (start) => listDueEnds(nowIso(), start),
    async (e) => {
      const { outcome } = await onExpiry({ agreementId: e.agreementId });
      if (outcome !== 'expired' && outcome !== 'terminated') return false;
      log.warn('the daily sweep ended an agreement whose expiry schedule did not', {
        agreementId: e.agreementId,
        dueAt: e.dueAt,
        outcome,
      });
      return true;
    },
    (e) => ['the daily sweep could not end an agreement', { agreementId: e.agreementId }],
  );

/**
 * The yearly renegotiation timer re-arms itself for the next year; if the chain broke (a run that
 * failed before re-arming, a lost schedule), the calendar shows it: an overdue run is run now, the
 * schedule of a run still ahead is armed again (the same schedule: nothing changes if it exists).
 */
const mendRenegotiationTimer = async (): Promise<string> => {
  const calendar = await getRenegotiationCalendar();
  if (!calendar) return `renegotiation timer armed for ${(await armRenegotiations()).toISOString()}`;
  if (runOverdue(calendar)) {
    log.warn('the yearly renegotiation run did not happen: running it now', { due: calendar.nextRunAt });
    return (await onStartAll()).outcome;
  }
  await armRenegotiationRun(new Date(calendar.nextRunAt));
  return `renegotiation timer armed for ${calendar.nextRunAt}`;
};

/**
 * The daily safety sweep, reading only what is due: every reminder due and still pending is
 * delivered (exactly once); every timed tender step whose moment passed is completed the way its
 * schedule would have; every agreement whose end passed while it still runs is ended; the yearly
 * renegotiation timer is mended if its chain broke; domain events still pending in the outbox long
 * after their change are sent again.
 */
const sweepReminders = () =>
  sweepDue(
    (start) => listDueReminders(nowIso(), start),
    async (r) => (await deliverReminder(r.agreementId, r.key)).startsWith('delivered'),
    (r) => [
      'the daily sweep could not deliver a reminder',
      { agreementId: r.agreementId, reminderKey: r.key },
    ],
  );

const onSweep = async () => {
  // Each part runs whatever happens to the others; a failure fails the invocation after all ran.
  const failures: unknown[] = [];
  const attempt = async <T>(part: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await part();
    } catch (error) {
      log.error('a part of the daily sweep failed', { error });
      failures.push(error);
      return fallback;
    }
  };
  const none: Swept = { done: 0, failed: 0 };
  const reminders = await attempt(sweepReminders, none);
  const steps = await attempt(sweepTenderTimers, none);
  const ends = await attempt(sweepAgreementEnds, none);
  const calendar = await attempt(mendRenegotiationTimer, 'renegotiation timer not checked');
  const outbox = await attempt(resendPending, { resent: 0, failed: 0 });
  if (failures.length) throw failures[0];
  const failed = reminders.failed + steps.failed + ends.failed;
  return {
    outcome: `swept: ${reminders.done} reminder(s) delivered, ${steps.done} waiting step(s) completed, ${ends.done} agreement(s) ended, ${outbox.resent} pending event(s) sent again; ${calendar}${failed ? `; ${failed} due item(s) could not be handled (${SWEEP_FAILURES}, see the log)` : ''}`,
  };
};

/**
 * The day after the end date: an agreement that was not extended becomes expired by itself, one
 * under notice (open-ended ones too) terminated (expireAgreement decides); before its end, the
 * schedule is re-armed. Firing again is a no-op.
 */
const onExpiry = async ({ agreementId }: { agreementId: string }) => {
  const agreement = await getAgreement(agreementId);
  if (!agreement) return { outcome: 'agreement missing' };
  const at = nowIso();
  const decided = expireAgreement(withoutKeys(agreement), at.slice(0, 10), at);
  if (decided.outcome === 'ignored') {
    // Nothing to end it any more: out of the index of ends (the sweep would read it daily).
    await putIf(endEntry(withoutKeys(agreement)), 'attribute_exists(PK)', {});
    return { outcome: `ignored: ${agreement.status}` };
  }
  const { ends } = decided;
  if (decided.outcome === 'not-yet') {
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
  const { after } = decided;
  const t = agreement.termination;
  // Notice given: 'agreement.terminated' was the notice itself (oppsigelse); this is its effect.
  const ending =
    decided.outcome === 'terminated' && t
      ? {
          action: 'agreement.termination-effective',
          reason: t.reason,
          change: { status: { from: agreement.status, to: 'terminated' }, endsOn: ends },
          event: outboxEvent('Agreement.TerminationEffective', {
            agreementId,
            entityId: agreement.entityId,
            supplierId: agreement.supplierId,
            reason: t.reason,
            givenOn: noticeGivenOn(t),
            endsOn: ends,
            ...(t.successorTenderId ? { successorTenderId: t.successorTenderId } : {}),
          }),
          why: 'The agreement ended after notice',
        }
      : {
          action: 'agreement.expired',
          change: { status: { from: agreement.status, to: 'expired' }, endDate: ends },
          event: outboxEvent('Agreement.Expired', {
            agreementId,
            entityId: agreement.entityId,
            supplierId: agreement.supplierId,
            endDate: ends,
          }),
          why: 'The agreement expired',
        };
  await commitWithReminders(
    {
      aggregate: { type: 'agreement', id: agreementId },
      entityId: agreement.entityId,
      before: agreement,
      after: agreementItem(after) as Keyed,
      actor: system,
      action: ending.action,
      ...('reason' in ending ? { reason: ending.reason } : {}),
      change: ending.change,
      at,
      events: [ending.event],
    },
    after,
    ending.why,
  );
  return { outcome: decided.outcome };
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
      at,
      events: [
        outboxEvent('PerformanceAgreement.AnswerDue', {
          agreementId: t.agreementId,
          entityId: item.entityId,
          supplierId: item.supplierId,
          year: t.year,
          role: t.role,
          deadline: t.deadline,
        }),
      ],
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
    if (error instanceof AlreadyExists) return { outcome: 'already reminded' };
    throw error;
  }
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

export const handler = withObservability(lambdaHandler);
