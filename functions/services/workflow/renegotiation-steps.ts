/**
 * The yearly renegotiation's waiting steps, shared by its workflow tasks, the timer and the API:
 * the calendar it runs on, and how decisions reach the step that waits for them.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../adapters/clients.ts';
import { upsertOneTimeSchedule } from '../../adapters/scheduler.ts';
import { commit, getItem, type Keyed, tableName } from '../../adapters/store.ts';
import { AlreadyExists } from '../../adapters/store-errors.ts';
import { startAllScheduleName } from '../../contracts/timer-event.ts';
import type { Actor } from '../../domain/actors.ts';
import { computeProposal, type PerformanceYear } from '../../domain/performance.ts';
import { nowIso, nowMs } from '../../shared/clock.ts';
import {
  type AgreementItem,
  getYear,
  listAmendments,
  listUsage,
  negotiationTokenKey,
  type YearItem,
  yearKey,
} from '../store/agreements.ts';
import { completeWaitingStep, readWaitingStep } from './waiting-steps.ts';

/** When the yearly renegotiations start (MM-DD, UTC; `RENEGOTIATION_START`, default 1 September). */
export const renegotiationStart = (year: number): Date => {
  const [month, day] = (process.env.RENEGOTIATION_START ?? '09-01').split('-').map(Number);
  return new Date(Date.UTC(year, (month ?? 9) - 1, day ?? 1, 6, 0, 0));
};

/**
 * The yearly run's calendar: when the next run is due (and when the last one ran). The run re-arms
 * its own one-time schedule for the next year; this item is what the daily sweep checks to mend a
 * broken chain (a run that failed before re-arming, a schedule lost): a run overdue by more than
 * RUN_OVERDUE_MS is run by the sweep, and the schedule of a run still ahead is armed again.
 */
export const renegotiationCalendarKey: Keyed = { PK: 'CALENDAR#renegotiations', SK: 'CALENDAR' };

export interface RenegotiationCalendar extends Keyed {
  nextRunAt: string;
  lastRunAt?: string;
  armedAt: string;
}

/** How long after its time a run counts as missed (the schedule fires within a minute, retries within the hour). */
export const RUN_OVERDUE_MS = 60 * 60_000;

export const getRenegotiationCalendar = () => getItem<RenegotiationCalendar>(renegotiationCalendarKey);

/** The next run at `next`, its schedule armed and the calendar recording it. */
export const armRenegotiationRun = async (next: Date, ran = false): Promise<Date> => {
  await upsertOneTimeSchedule(startAllScheduleName(next.getUTCFullYear()), next, {
    type: 'renegotiation.startAll',
  });
  const previous = ran ? undefined : await getRenegotiationCalendar();
  const lastRunAt = ran ? nowIso() : previous?.lastRunAt;
  await ddb().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...renegotiationCalendarKey,
        nextRunAt: next.toISOString(),
        armedAt: nowIso(),
        ...(lastRunAt ? { lastRunAt } : {}),
      } satisfies RenegotiationCalendar,
    }),
  );
  return next;
};

/** Whether the calendar's next run should have happened by now and did not. */
export const runOverdue = (calendar: RenegotiationCalendar): boolean =>
  Date.parse(calendar.nextRunAt) + RUN_OVERDUE_MS <= nowMs();

/** Days the supplier has to answer a proposal, and the extra days a reminder gives. */
export const SUPPLIER_ANSWER_DAYS = 14;
export const REMINDER_DAYS = 7;

export const executionNameFor = (agreementId: string, year: number): string => `${agreementId}-${year}`;

/** Completes the negotiation step the year's workflow waits in, if it does. Returns whether it did. */
export const completeNegotiationStep = async (
  agreementId: string,
  year: number,
  step: 'officer' | 'supplier',
  output: unknown,
): Promise<boolean> =>
  completeWaitingStep(await readWaitingStep(negotiationTokenKey(agreementId, year, step)), output);

/**
 * The year's performance agreement, created as a draft with the computed proposal when it does not
 * exist yet (from the year before: its lines, confirmed amendments and reported usage).
 */
export const ensureYear = async (
  agreement: AgreementItem,
  year: number,
  actor: Actor,
  options: { need?: { unit: string; volume: number }[]; executionArn?: string } = {},
): Promise<YearItem> => {
  const existing = await getYear(agreement.id, year);
  if (existing) return existing;
  const [previous, amendments, usage] = await Promise.all([
    getYear(agreement.id, year - 1),
    listAmendments(agreement.id, year - 1),
    listUsage(agreement.id, year - 1),
  ]);
  const lines = computeProposal({
    agreementVolumes: agreement.volumes,
    agreementPrices: agreement.prices,
    ...(previous ? { current: previous } : {}),
    amendments,
    usage,
    ...(options.need ? { need: options.need } : {}),
  });
  const draft: Omit<PerformanceYear, 'version'> = {
    agreementId: agreement.id,
    entityId: agreement.entityId,
    supplierId: agreement.supplierId,
    year,
    status: 'draft',
    lines,
    priceAdjustmentPercent: 0,
    rounds: [],
    ...(options.need ? { need: options.need } : {}),
    reminders: 0,
    ...(options.executionArn ? { executionArn: options.executionArn } : {}),
  };
  try {
    const { item } = await commit({
      aggregate: { type: 'performance', id: `${agreement.id}:${year}` },
      entityId: agreement.entityId,
      before: undefined,
      after: { ...yearKey(agreement.id, year), ...draft },
      actor,
      action: 'performance.drafted',
      change: { lines, basedOn: previous ? `${year - 1}` : 'the agreement' },
      ...(options.executionArn ? { executionArn: options.executionArn } : {}),
    });
    return item as YearItem;
  } catch (error) {
    if (error instanceof AlreadyExists) {
      const raced = await getYear(agreement.id, year);
      if (raced) return raced;
    }
    throw error;
  }
};
