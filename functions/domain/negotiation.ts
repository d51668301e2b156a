/**
 * The yearly negotiation of an annual performance agreement as pure transitions: start, propose
 * (officer), accept or counter (supplier), approve (officer), remind and escalate a late supplier,
 * publish, abandon. State + command (+ now) → the year after and its audit action; a `Refusal`
 * (domain/refusal.ts) when it is not possible. The HTTP handlers and the renegotiation workflow's
 * tasks both decide with these.
 */
import { type Agreement, effectiveEnd } from './agreement.ts';
import { jsonBytes } from './limits.ts';
import { type Line, negotiationStage, type PerformanceYear, type Round } from './performance.ts';
import { refuseRule, refuseState } from './refusal.ts';

type By = { sub: string; name: string };

/** The volume units an agreement's years may use: the year's lines and the agreement's volumes. */
export const unitsOf = (
  agreement: Pick<Agreement, 'volumes'>,
  year?: Pick<PerformanceYear, 'lines'>,
): Set<string> =>
  new Set([...(year?.lines.map((l) => l.unit) ?? []), ...agreement.volumes.map((v) => v.unit)]);

/** Refuses the first line in a unit the agreement has none of (`field`: where the lines are in the body). */
export const checkUnits = (units: Set<string>, lines: readonly { unit: string }[], field: string): void => {
  lines.forEach((l, i) => {
    if (!units.has(l.unit))
      throw refuseRule(`The agreement has no volume in "${l.unit}"`, [
        { pointer: `#/${field}/${i}/unit`, detail: `Units: ${[...units].join(', ')}` },
      ]);
  });
};

/** Whether `year` can be negotiated for the agreement, with the authority's need in its units. */
export const checkNegotiable = (
  agreement: Pick<Agreement, 'id' | 'status' | 'endDate' | 'volumes'> &
    Partial<Pick<Agreement, 'termination'>>,
  year: number,
  need?: readonly { unit: string }[],
): void => {
  if (agreement.status === 'terminated' || agreement.status === 'expired')
    throw refuseState(`Agreement ${agreement.id} is ${agreement.status}; there is nothing to negotiate`);
  // After notice, the effective end.
  const ends = effectiveEnd(agreement);
  if (ends && ends < `${year}-01-01`)
    throw refuseState(
      `Agreement ${agreement.id} ends ${ends}${agreement.termination ? ' after notice' : ''}, before ${year}`,
    );
  const units = unitsOf(agreement);
  if (need && units.size) checkUnits(units, need, 'need');
};

/** A negotiation (re)started on a year: not once it is published. */
export const checkNotPublished = (y: Pick<PerformanceYear, 'status' | 'year'>): void => {
  if (y.status === 'published') throw refuseState(`The ${y.year} performance agreement is already published`);
};

type Year = Omit<PerformanceYear, 'version'> & { version?: number };

/**
 * The most a year's negotiation rounds may take, as JSON: the year is one DynamoDB item (at most
 * 400 KB) that keeps every round, the terms on the table and the workflow's bookkeeping.
 */
export const MAX_ROUNDS_BYTES = 200 * 1024;

/** Refuses a round that would make the year's rounds larger than MAX_ROUNDS_BYTES. */
const checkRoundFits = (before: Pick<Year, 'year' | 'rounds'>, round: Round): void => {
  const bytes = jsonBytes([...before.rounds, round]);
  if (bytes > MAX_ROUNDS_BYTES)
    throw refuseRule(
      `The ${before.year} negotiation would take ${Math.ceil(bytes / 1024)} KB after ${before.rounds.length} rounds; its rounds may take at most ${MAX_ROUNDS_BYTES / 1024} KB`,
      [{ pointer: '#/lines', detail: 'Send fewer lines, shorter service names or a shorter comment' }],
    );
};

/** The officer's proposal: the supplier must answer it by `supplierDeadline`. */
export const proposeYear = <Y extends Year>(
  before: Y,
  units: Set<string>,
  command: {
    lines: Line[];
    priceAdjustmentPercent: number;
    comment?: string | undefined;
    answerDays: number;
  },
  context: { by: By; now: Date },
): { after: Y; round: Round; supplierDeadline: string } => {
  if (
    negotiationStage(before as PerformanceYear) !== 'officer' ||
    (before.status !== 'draft' && before.status !== 'countered' && before.status !== 'proposed')
  )
    throw refuseState(
      `The ${before.year} performance agreement is ${before.status}; it is not the officer's turn to propose`,
    );
  checkUnits(units, command.lines, 'lines');
  const supplierDeadline = new Date(context.now.getTime() + command.answerDays * 86_400_000).toISOString();
  const round: Round = {
    by: 'officer',
    kind: 'proposal',
    actor: context.by,
    at: context.now.toISOString(),
    lines: command.lines,
    priceAdjustmentPercent: command.priceAdjustmentPercent,
    ...(command.comment ? { comment: command.comment } : {}),
  };
  checkRoundFits(before, round);
  const { escalatedAt: _e, ...rest } = before;
  const after = {
    ...rest,
    status: 'proposed' as const,
    lines: command.lines,
    priceAdjustmentPercent: command.priceAdjustmentPercent,
    rounds: [...before.rounds, round],
    supplierDeadline,
    reminders: 0,
  } as Y;
  return { after, round, supplierDeadline };
};

/** The supplier's answer to a proposal: acceptance (agreed) or a counter-offer (countered). */
export const answerYear = <Y extends Year>(
  before: Y,
  units: Set<string>,
  command: {
    accept: boolean;
    lines?: Line[] | undefined;
    priceAdjustmentPercent?: number | undefined;
    comment?: string | undefined;
  },
  context: { by: By; at: string },
): { after: Y; round: Round; action: 'performance.accepted' | 'performance.countered' } => {
  if (before.status !== 'proposed')
    throw refuseState(
      `The ${before.year} performance agreement is ${before.status}; there is no proposal to answer`,
    );
  const comment = command.comment ? { comment: command.comment } : {};
  const round: Round = command.accept
    ? {
        by: 'supplier',
        kind: 'acceptance',
        actor: context.by,
        at: context.at,
        lines: before.lines,
        priceAdjustmentPercent: before.priceAdjustmentPercent,
        ...comment,
      }
    : {
        by: 'supplier',
        kind: 'counter',
        actor: context.by,
        at: context.at,
        lines: command.lines ?? [],
        priceAdjustmentPercent: command.priceAdjustmentPercent ?? 0,
        ...comment,
      };
  if (!command.accept) checkUnits(units, round.lines, 'lines');
  checkRoundFits(before, round);
  const { escalatedAt: _e, supplierDeadline: _d, ...rest } = before;
  const after = {
    ...rest,
    status: command.accept ? ('agreed' as const) : ('countered' as const),
    lines: round.lines,
    priceAdjustmentPercent: round.priceAdjustmentPercent,
    rounds: [...before.rounds, round],
    ...(command.accept ? { agreedAt: context.at } : {}),
  } as Y;
  return { after, round, action: command.accept ? 'performance.accepted' : 'performance.countered' };
};

/** The officer approves agreed terms, or accepts and approves a counter-offer in one step. */
export const approveYear = (
  before: Pick<PerformanceYear, 'year' | 'status' | 'approvedAt'>,
  context: { by: By; at: string },
): {
  changes: Partial<PerformanceYear>;
  acceptsCounter: boolean;
  action: 'performance.counter-accepted-and-approved' | 'performance.approved';
} => {
  if (!(before.status === 'agreed' || before.status === 'countered') || before.approvedAt)
    throw refuseState(
      `The ${before.year} performance agreement is ${before.status}${before.approvedAt ? ' and approved' : ''}; only agreed terms or a counter-offer can be approved`,
    );
  const acceptsCounter = before.status === 'countered';
  return {
    changes: {
      status: 'agreed',
      approvedAt: context.at,
      approvedBy: context.by,
      ...(acceptsCounter ? { agreedAt: context.at } : {}),
    },
    acceptsCounter,
    action: acceptsCounter ? 'performance.counter-accepted-and-approved' : 'performance.approved',
  };
};

/** A late supplier: reminded once (with more days to answer), then escalated to the officer. */
export const supplierLate = (
  y: PerformanceYear,
  now: Date,
  reminderDays: number,
):
  | { outcome: 'none' }
  | { outcome: 'reminded'; changes: { reminders: number; supplierDeadline: string } }
  | { outcome: 'escalated'; changes: { escalatedAt: string }; reason: string } => {
  const late = y.supplierDeadline !== undefined && now.getTime() >= Date.parse(y.supplierDeadline);
  if (negotiationStage(y) !== 'supplier' || !late) return { outcome: 'none' };
  if (y.reminders === 0)
    return {
      outcome: 'reminded',
      changes: {
        reminders: 1,
        supplierDeadline: new Date(now.getTime() + reminderDays * 86_400_000).toISOString(),
      },
    };
  return {
    outcome: 'escalated',
    changes: { escalatedAt: now.toISOString() },
    reason: `The supplier did not answer by ${y.supplierDeadline}, after a reminder`,
  };
};

/** Publication of approved terms: nothing to do once published; refused before approval. */
export const publishYear = (
  y: Pick<PerformanceYear, 'agreementId' | 'year' | 'status' | 'approvedAt'>,
  at: string,
): { changes: { status: 'published'; publishedAt: string } } | undefined => {
  if (y.status === 'published') return undefined;
  if (y.status !== 'agreed' || !y.approvedAt) throw refuseState(`${y.agreementId} ${y.year} is not approved`);
  return { changes: { status: 'published', publishedAt: at } };
};

/** Why the workflow gave up on a year (the error it caught). */
export const abandonReason = (error: unknown): string =>
  (error as { Error?: string } | undefined)?.Error === 'WaitOutlivesExecution'
    ? "the next wait would outlive the workflow execution's year"
    : 'nobody acted for 180 days';
