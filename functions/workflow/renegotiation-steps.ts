/**
 * The yearly renegotiation's waiting steps, shared by its workflow tasks, the timer and the API:
 * the calendar it runs on, and how decisions reach the step that waits for them.
 */
import type { Actor } from '../commons/auth.ts';
import { Problem } from '../commons/errors.ts';
import { commit, getItem } from '../commons/store.ts';
import { completeTask } from '../commons/workflows.ts';
import { computeProposal, type PerformanceYear } from '../domain/performance.ts';
import {
  type AgreementItem,
  getYear,
  listAmendments,
  listUsage,
  negotiationTokenKey,
  type YearItem,
  yearKey,
} from '../store/agreements.ts';

/** When the yearly renegotiations start (MM-DD, UTC; `RENEGOTIATION_START`, default 1 September). */
export const renegotiationStart = (year: number): Date => {
  const [month, day] = (process.env.RENEGOTIATION_START ?? '09-01').split('-').map(Number);
  return new Date(Date.UTC(year, (month ?? 9) - 1, day ?? 1, 6, 0, 0));
};

/** Days the supplier has to answer a proposal, and the extra days a reminder gives. */
export const SUPPLIER_ANSWER_DAYS = 14;
export const REMINDER_DAYS = 7;

export const executionNameFor = (agreementId: string, year: number): string => `${agreementId}-${year}`;

const stale = new Set(['TaskDoesNotExist', 'InvalidToken', 'TaskTimedOut']);

export const completeNegotiationStep = async (
  agreementId: string,
  year: number,
  step: 'officer' | 'supplier',
  output: unknown,
): Promise<boolean> => {
  const token = await getItem<{ taskToken: string }>(negotiationTokenKey(agreementId, year, step));
  if (!token) return false;
  try {
    await completeTask(token.taskToken, output);
    return true;
  } catch (error) {
    if (stale.has((error as Error).name)) return false;
    throw error;
  }
};

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
    if (error instanceof Problem && error.status === 409) {
      const raced = await getYear(agreement.id, year);
      if (raced) return raced;
    }
    throw error;
  }
};
