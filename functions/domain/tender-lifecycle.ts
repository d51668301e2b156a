/**
 * The life of a tender as transitions: state + command (+ now) → the tender after it, the audit
 * action and change, and what else must be written (bids invalidated, events to publish), or a
 * `Refusal` (functions/domain/refusal.ts). Every change of a tender's status or of its lot outcomes
 * goes through one of these functions; the HTTP handlers (functions/handlers/api/tenders.ts) and the workflow
 * tasks (functions/handlers/tasks/tender-tasks.ts) load, call, commit and answer.
 *
 * draft ─announce→ tendering ─open→ evaluation ─approveAward→ standstill ─completeStandstill→ complete
 *                      │                 │  ▲                     │
 *                      │ (no valid bid)  │  └──── reviseAward ────┘
 *                      ▼                 ▼ (nothing awarded, decision expired)
 *                 unsuccessful      unsuccessful        cancel: draft…standstill → cancelled
 * Pure: no AWS, no HTTP; "now" and the reference lookups are passed in.
 */

import type { EventDetail } from '../contracts/events.ts';
import { type Bid, invalidation, isValidBid } from './bid.ts';
import {
  bidsMissingScores,
  buildAwardDecision,
  type EvaluatorScores,
  type LotRanking,
} from './evaluation.ts';
import { answersOldContent, lotRevisionOf, openingDue, openingIsDue, revisionOf } from './opening.ts';
import { refuseConflict, refuseProblems, refuseRule, refuseState } from './refusal.ts';
import {
  cancellable,
  completeContent,
  diff,
  type LotOutcome,
  lotIsOpen,
  lotsAffectedByChange,
  openLotIds,
  type ParsedContent,
  type ReferenceLookups,
  type Tender,
  type TenderContent,
  type TenderContentInput,
  tenderContentProblems,
  tenderContentSchema,
} from './tender.ts';

/** A tender as the transitions see it: without its storage version. */
export type TenderState = Omit<Tender, 'version'>;
type Person = { sub: string; name: string };

/** What a transition decided: the tender after it and its audit event (action, change, reason). */
export interface Transition<T = TenderState> {
  after: T;
  action: string;
  change: Record<string, unknown>;
  reason?: string;
}

const iso = (now: Date) => now.toISOString();
const passed = (at: string | undefined, now: Date): boolean =>
  at !== undefined && now.getTime() >= new Date(at).getTime();

/** What an officer wrote, out of a stored tender. */
export const contentOf = (t: TenderContent): TenderContent => ({
  title: t.title,
  ...(t.description === undefined ? {} : { description: t.description }),
  serviceAreaIds: t.serviceAreaIds,
  ...(t.cpvCodes === undefined ? {} : { cpvCodes: t.cpvCodes }),
  ...(t.estimatedValue === undefined ? {} : { estimatedValue: t.estimatedValue }),
  ...(t.reservedForNonProfit === undefined ? {} : { reservedForNonProfit: t.reservedForNonProfit }),
  currency: t.currency,
  lots: t.lots,
  awardCriteria: t.awardCriteria,
  qualificationRequirements: t.qualificationRequirements,
  bidDeadline: t.bidDeadline,
  agreement: t.agreement,
  standstillDays: t.standstillDays,
  questionsCloseHours: t.questionsCloseHours,
  minEvaluators: t.minEvaluators,
});

/** Refuses a content that breaks a rule at `now` (an announced tender's period counts from `announcedAt`). */
export const checkContent = (
  content: TenderContent,
  entityId: string,
  now: Date,
  ref: ReferenceLookups,
  announcedAt?: string,
): void => {
  const problems = tenderContentProblems(
    content,
    entityId,
    now,
    ref,
    announcedAt ? new Date(announcedAt) : undefined,
  );
  if (problems.length > 0) throw refuseProblems('The tender', problems);
};

/** The workflow works on a tender that is not cancelled (a cancellation ends its execution). */
export const assertNotCancelled = (tender: Pick<TenderState, 'id' | 'status'>): void => {
  if (tender.status === 'cancelled') throw refuseState(`Tender ${tender.id} is cancelled`, 'tenderCancelled');
};

/** The standstill is awaited only while the award stands (not withdrawn back to evaluation). */
export const assertAwardStands = (tender: Pick<TenderState, 'status'>): void => {
  if (tender.status === 'evaluation')
    throw refuseState('The award was withdrawn for revision', 'awardRevised');
};

/** A new draft from what the officer wrote. */
export const createDraft = (
  input: Parameters<typeof completeContent>[0],
  {
    id,
    entityId,
    by,
    now,
    ref,
  }: { id: string; entityId: string; by: Person; now: Date; ref: ReferenceLookups },
): Transition => {
  const content = completeContent(input, entityId, ref);
  checkContent(content, entityId, now, ref);
  const at = iso(now);
  return {
    after: { id, entityId, status: 'draft', ...content, createdAt: at, createdBy: by, updatedAt: at },
    action: 'tender.created',
    change: content,
  };
};

/** Edits a draft: the merged content must be complete and meet every rule. */
export const editDraft = (
  tender: TenderState,
  changes: Partial<TenderContentInput>,
  now: Date,
  ref: ReferenceLookups,
): Transition => {
  if (tender.status !== 'draft')
    throw refuseState(`Tender ${tender.id} is ${tender.status}; only drafts can be edited this way`);
  // The older spelling of the specialties replaces the list it stands for.
  const { serviceAreaIds, ...base } = contentOf(tender);
  const merged = tenderContentSchema.safeParse({
    ...base,
    ...('serviceAreaId' in changes ? {} : { serviceAreaIds }),
    ...changes,
  });
  if (!merged.success) throw refuseRule('The edited tender is not complete', []);
  const content = completeContent(merged.data, tender.entityId, ref);
  checkContent(content, tender.entityId, now, ref);
  return {
    after: { ...tender, ...content, updatedAt: iso(now) },
    action: 'tender.updated',
    change: diff(contentOf(tender) as Record<string, unknown>, content as Record<string, unknown>),
  };
};

/** Announces a draft; undefined when it is already announced (tendering: the workflow may still need starting). */
export const announce = (
  tender: TenderState,
  now: Date,
  ref: ReferenceLookups,
  executionArn: string,
): Transition | undefined => {
  if (tender.status === 'tendering') return undefined;
  if (tender.status !== 'draft')
    throw refuseState(`Tender ${tender.id} is ${tender.status} and cannot be announced`);
  checkContent(contentOf(tender), tender.entityId, now, ref);
  const at = iso(now);
  return {
    after: { ...tender, status: 'tendering', announcedAt: at, updatedAt: at, executionArn },
    action: 'tender.announced',
    change: { status: { from: 'draft', to: 'tendering' }, announcedAt: at },
  };
};

/** Moves the bid deadline of an open tender later, before it has passed. */
export const extendDeadline = (
  tender: TenderState,
  requested: string,
  now: Date,
  ref: ReferenceLookups,
  reason?: string,
): Transition & { event: EventDetail<'Tender.DeadlineExtended'> } => {
  if (tender.status !== 'tendering')
    throw refuseState(
      `Tender ${tender.id} is ${tender.status}; only an open tender's deadline can be extended`,
    );
  if (passed(tender.bidDeadline, now))
    throw refuseState(`The bid deadline ${tender.bidDeadline} has already passed; it can no longer be moved`);
  const bidDeadline = new Date(requested).toISOString();
  if (bidDeadline <= tender.bidDeadline)
    throw refuseRule('A deadline can only be extended', [
      {
        pointer: '#/bidDeadline',
        detail: `${bidDeadline} is not later than the current deadline ${tender.bidDeadline}`,
      },
    ]);
  checkContent({ ...contentOf(tender), bidDeadline }, tender.entityId, now, ref, tender.announcedAt);
  return {
    after: { ...tender, bidDeadline, updatedAt: iso(now) },
    action: 'tender.deadline-extended',
    ...(reason ? { reason } : {}),
    change: { bidDeadline: { from: tender.bidDeadline, to: bidDeadline } },
    event: {
      tenderId: tender.id,
      entityId: tender.entityId,
      title: tender.title,
      from: tender.bidDeadline,
      to: bidDeadline,
    },
  };
};

/**
 * A material change of an open tender: the affected lots' submitted bids are invalidated (at most
 * `maxInvalidated` in one change) and the content revision moves on. The affected lots record it
 * as the revision they last changed at; the others keep theirs, so the bids already in for them
 * still answer their lot (functions/domain/opening.ts).
 */
export const changeMaterially = <B extends Pick<Bid, 'id' | 'lotId' | 'status' | 'supplierId'>>(
  tender: TenderState,
  changes: Partial<Pick<ParsedContent, 'lots' | 'awardCriteria' | 'qualificationRequirements'>>,
  reason: string,
  bids: B[],
  now: Date,
  ref: ReferenceLookups,
  maxInvalidated: number,
): Transition & {
  affectedLotIds: string[];
  invalidated: { bid: B; after: B; reason: string }[];
  event: EventDetail<'Tender.BidsInvalidated'> | undefined;
} => {
  if (tender.status !== 'tendering' || passed(tender.bidDeadline, now))
    throw refuseState(`Tender ${tender.id} is no longer open for bids; it cannot be changed`);
  const before = contentOf(tender);
  const content = completeContent({ ...before, ...changes }, tender.entityId, ref);
  checkContent(content, tender.entityId, now, ref, tender.announcedAt);
  const affectedLotIds = lotsAffectedByChange(before, content);
  if (affectedLotIds.length === 0)
    throw refuseRule('Nothing changes: the lots, criteria and requirements are as they were');
  const invalid = bids.filter((b) => affectedLotIds.includes(b.lotId) && b.status === 'submitted');
  if (invalid.length > maxInvalidated)
    throw refuseRule(
      `${invalid.length} bids would be invalidated; one change can invalidate at most ${maxInvalidated}. Split the change by lot.`,
    );
  const why = `The tender changed: ${reason}`;
  const contentRevision = revisionOf(tender) + 1;
  // Every lot, a removed one too (a bid for it stored while it was removed is stale at the opening).
  const lotRevisions = Object.fromEntries(
    [
      ...new Set([
        ...Object.keys(tender.lotRevisions ?? {}),
        ...tender.lots.map((l) => l.id),
        ...affectedLotIds,
      ]),
    ].map((lotId) => [
      lotId,
      affectedLotIds.includes(lotId) ? contentRevision : lotRevisionOf(tender, lotId),
    ]),
  );
  return {
    after: {
      ...tender,
      ...content,
      contentRevision,
      lotRevisions,
      updatedAt: iso(now),
    },
    action: 'tender.changed',
    reason,
    change: {
      ...diff(before as Record<string, unknown>, content as Record<string, unknown>),
      affectedLotIds,
    },
    affectedLotIds,
    invalidated: invalid.map((bid) => invalidation(bid, why)),
    event: invalid.length
      ? {
          tenderId: tender.id,
          entityId: tender.entityId,
          title: tender.title,
          lotIds: [...new Set(invalid.map((b) => b.lotId))],
          supplierIds: [...new Set(invalid.map((b) => b.supplierId))],
          reason,
        }
      : undefined,
  };
};

/**
 * Cancels the whole tender (no `lotIds`, or every open lot named) or some of its lots. During the
 * standstill only the whole tender can be cancelled (single lots: revise the award).
 */
export const cancel = (
  tender: TenderState,
  { lotIds, reason, by }: { lotIds?: string[] | undefined; reason: string; by: Person },
  now: Date,
): Transition & { lotIds: string[]; wholeTender: boolean } => {
  if (!cancellable(tender.status))
    throw refuseState(`Tender ${tender.id} is ${tender.status} and can no longer be cancelled`);
  const at = iso(now);
  const lotOutcomes: Record<string, LotOutcome> = { ...tender.lotOutcomes };
  const requested = lotIds ?? openLotIds(tender);
  lotIds?.forEach((lotId, i) => {
    if (!tender.lots.some((l) => l.id === lotId))
      throw refuseRule(`Tender ${tender.id} has no lot "${lotId}"`, [
        { pointer: `#/lotIds/${i}`, detail: 'Unknown lot' },
      ]);
    if (!lotIsOpen(tender, lotId)) throw refuseState(`Lot ${lotId} is already ${lotOutcomes[lotId]?.status}`);
  });
  for (const lotId of requested) lotOutcomes[lotId] = { status: 'cancelled', reason, at };
  const wholeTender = openLotIds({ lots: tender.lots, lotOutcomes }).length === 0;
  if (!wholeTender && tender.status === 'standstill')
    throw refuseState(
      'During the standstill period, revise the award to cancel single lots, or cancel the whole tender',
    );
  return {
    after: {
      ...tender,
      lotOutcomes,
      updatedAt: at,
      ...(wholeTender ? { status: 'cancelled', cancelledAt: at, cancellation: { reason, by } } : {}),
    },
    action: wholeTender ? 'tender.cancelled' : 'tender.lots-cancelled',
    reason,
    change: wholeTender
      ? { status: { from: tender.status, to: 'cancelled' } }
      : { cancelledLotIds: requested },
    lotIds: requested,
    wholeTender,
  };
};

/** The notice of a cancellation to the bidders of the cancelled lots (none for a draft). */
export const cancelledEvent = (
  tender: TenderState,
  cancelled: { lotIds: string[]; wholeTender: boolean; reason: string },
  bids: Pick<Bid, 'lotId' | 'status' | 'supplierId'>[],
): EventDetail<'Tender.Cancelled'> | undefined => {
  if (tender.status === 'draft') return undefined;
  const bidders = bids.filter((b) => isValidBid(b) && cancelled.lotIds.includes(b.lotId));
  return {
    tenderId: tender.id,
    entityId: tender.entityId,
    title: tender.title,
    reason: cancelled.reason,
    lotIds: cancelled.lotIds,
    wholeTender: cancelled.wholeTender,
    supplierIds: [...new Set(bidders.map((b) => b.supplierId))].sort(),
  };
};

/**
 * The opening at the bid deadline: each open lot without a valid bid is unsuccessful; the tender
 * is evaluated, or unsuccessful when no lot has a bid. Undefined when it was opened already.
 */
export const open = <B extends Pick<Bid, 'lotId' | 'supplierId' | 'status' | 'tenderRevision'>>(
  tender: TenderState,
  bids: B[],
  now: Date,
):
  | (Transition & {
      lots: { lotId: string; validBids: number; status: string }[];
      unsuccessfulReason: string | undefined;
      /** Bids that answer an earlier content of the tender (stored while it changed): invalidated. */
      stale: { bid: B; after: B; reason: string }[];
      /** What their suppliers are told (as when a change invalidates bids), if there are any. */
      staleEvent: EventDetail<'Tender.BidsInvalidated'> | undefined;
    })
  | undefined => {
  assertNotCancelled(tender);
  if (tender.status !== 'tendering') return undefined;
  if (!openingIsDue(tender, now))
    throw refuseState(
      `The bids received before the deadline ${tender.bidDeadline} settle until ${openingDue(tender).toISOString()}`,
      'deadlineNotReached',
    );
  const at = iso(now);
  const staleReason =
    'The bid answers an earlier content of the tender (it was stored while the tender changed)';
  const stale = bids.filter((b) => answersOldContent(b, tender)).map((bid) => invalidation(bid, staleReason));
  const lotOutcomes: Record<string, LotOutcome> = { ...tender.lotOutcomes };
  const lots = openLotIds(tender).map((lotId) => {
    const validBids = bids.filter(
      (b) => b.lotId === lotId && isValidBid(b) && !answersOldContent(b, tender),
    ).length;
    if (validBids === 0)
      lotOutcomes[lotId] = { status: 'unsuccessful', reason: 'No valid bid at the deadline', at };
    return { lotId, validBids, status: validBids === 0 ? 'unsuccessful' : 'open' };
  });
  const anyOpen = lots.some((l) => l.status === 'open');
  const status = anyOpen ? 'evaluation' : 'unsuccessful';
  const unsuccessfulReason = anyOpen ? undefined : 'No valid bid for any lot at the deadline';
  return {
    after: {
      ...tender,
      status,
      openedAt: at,
      lotOutcomes,
      ...(unsuccessfulReason ? { unsuccessfulReason } : {}),
      updatedAt: at,
    },
    action: 'tender.opened',
    change: { status: { from: 'tendering', to: status }, openedAt: at, lots },
    lots,
    unsuccessfulReason,
    stale,
    staleEvent: stale.length
      ? {
          tenderId: tender.id,
          entityId: tender.entityId,
          title: tender.title,
          lotIds: [...new Set(stale.map((s) => s.bid.lotId))],
          supplierIds: [...new Set(stale.map((s) => s.bid.supplierId))],
          reason: staleReason,
        }
      : undefined,
  };
};

/**
 * The officer asks for the ranking: every valid bid of an open lot is qualified or rejected, and
 * every qualified one has its scores. `requested: false` when it was asked for already.
 */
export const requestRanking = (
  tender: TenderState,
  bids: Pick<Bid, 'id' | 'lotId' | 'status'>[],
  scores: EvaluatorScores[],
  now: Date,
): (Transition & { requested: true }) | { requested: false; rankingRequestedAt: string } => {
  if (tender.status === 'evaluation' && tender.rankingRequestedAt)
    return { requested: false, rankingRequestedAt: tender.rankingRequestedAt };
  if (tender.status !== 'evaluation')
    throw refuseState(`Tender ${tender.id} is ${tender.status}; the ranking comes after the opening`);
  const open = new Set(openLotIds(tender));
  const inPlay = bids.filter((b) => open.has(b.lotId) && isValidBid(b));
  const pending = inPlay.filter((b) => b.status === 'submitted');
  if (pending.length)
    throw refuseRule(
      `${pending.length} bid(s) are neither qualified nor rejected: ${pending.map((b) => b.id).join(', ')}`,
      pending.map((b) => ({ pointer: '#', detail: `Qualify or reject bid ${b.id} (lot ${b.lotId})` })),
    );
  const missing = bidsMissingScores(
    tender,
    inPlay.filter((b) => b.status === 'qualified'),
    scores,
  );
  if (missing.length)
    throw refuseRule(
      `${missing.length} qualified bid(s) lack scores from ${tender.minEvaluators} evaluator(s)`,
      missing.map((m) => ({
        pointer: '#',
        detail: `Bid ${m.bidId} has scores from ${m.evaluators} evaluator(s)`,
      })),
    );
  const at = iso(now);
  return {
    requested: true,
    after: { ...tender, rankingRequestedAt: at, updatedAt: at },
    action: 'tender.ranking-requested',
    change: { rankingRequestedAt: at },
  };
};

/** The workflow ranked every open lot. Undefined when recorded already or no longer evaluated. */
export const recordRanked = (tender: TenderState, now: Date): Transition | undefined => {
  assertNotCancelled(tender);
  if (tender.rankedAt || tender.status !== 'evaluation') return undefined;
  const at = iso(now);
  return {
    after: { ...tender, rankedAt: at, updatedAt: at },
    action: 'tender.ranked',
    change: { rankedAt: at },
  };
};

/**
 * The award decision on the ranking: standstill when some lot is awarded, unsuccessful (every lot)
 * otherwise. `approved: false` when a decision stands already (standstill or unsuccessful).
 */
export const approveAward = (
  tender: TenderState,
  rankings: LotRanking[],
  by: Person,
  now: Date,
): (Transition & { approved: true; revision: number }) | { approved: false; revision: number } => {
  if ((tender.status === 'standstill' || tender.status === 'unsuccessful') && tender.award)
    return { approved: false, revision: tender.award.revision };
  if (tender.status !== 'evaluation' || !tender.rankedAt || !tender.rankingRequestedAt)
    throw refuseState(`Tender ${tender.id} has no ranking to decide on (status ${tender.status})`);
  const decision = buildAwardDecision(tender, rankings, by, now);
  const anyAwarded = decision.lots.some((l) => l.status === 'awarded');
  const at = iso(now);
  const lotOutcomes: Record<string, LotOutcome> = { ...tender.lotOutcomes };
  if (!anyAwarded)
    for (const l of decision.lots)
      lotOutcomes[l.lotId] = { status: 'unsuccessful', reason: l.reason ?? 'Not awarded', at };
  return {
    approved: true,
    revision: decision.revision,
    after: {
      ...tender,
      award: decision,
      lotOutcomes,
      updatedAt: at,
      ...(anyAwarded
        ? { status: 'standstill' as const }
        : { status: 'unsuccessful' as const, unsuccessfulReason: 'No lot could be awarded' }),
    },
    action: 'tender.award-approved',
    change: {
      status: { from: 'evaluation', to: anyAwarded ? 'standstill' : 'unsuccessful' },
      award: decision,
    },
  };
};

/**
 * Withdraws the ranking or the award for revision: back to evaluation, ranking to be asked for
 * again. A decision is withdrawn only when one stands (standstill): then the change names its
 * revision (`withdrawnRevision`) and bidders hear of it when it was published (`notifyBidders`:
 * awardRevisedEvent). Withdrawing a ranking (evaluation) withdraws no decision, even when an
 * earlier, already withdrawn one is still kept on the tender (`award`).
 */
export const reviseAward = (
  tender: TenderState,
  reason: string,
  now: Date,
): Transition & { notifyBidders: boolean } => {
  const revisable = tender.status === 'standstill' || (tender.status === 'evaluation' && tender.rankedAt);
  if (!revisable) {
    throw tender.status === 'evaluation' && tender.rankingRequestedAt
      ? refuseConflict('The lots are being ranked right now; revise once the ranking is there')
      : refuseState(`Tender ${tender.id} is ${tender.status}; there is no ranking or award to revise`);
  }
  const { rankingRequestedAt: _r, rankedAt: _k, ...rest } = tender;
  const withdrawn = tender.status === 'standstill' ? tender.award : undefined;
  return {
    after: { ...rest, status: 'evaluation', updatedAt: iso(now) },
    action: 'tender.award-revised',
    reason,
    change: {
      status: { from: tender.status, to: 'evaluation' },
      ...(withdrawn ? { withdrawnRevision: withdrawn.revision } : {}),
    },
    notifyBidders: withdrawn !== undefined && tender.awardPublishedRevision === withdrawn.revision,
  };
};

/** The notice to every bidder that the published award decision was withdrawn. */
export const awardRevisedEvent = (
  tender: TenderState,
  reason: string,
  bids: Pick<Bid, 'status' | 'supplierId'>[],
): EventDetail<'Tender.AwardRevised'> => ({
  tenderId: tender.id,
  entityId: tender.entityId,
  title: tender.title,
  revision: tender.award?.revision ?? 0,
  reason,
  supplierIds: [...new Set(bids.filter(isValidBid).map((b) => b.supplierId))].sort(),
});

/** Where the standstill stands: over (agreements to create), already complete, or a refusal. */
export const standstillOver = (tender: TenderState, now: Date): 'complete' | 'over' => {
  assertNotCancelled(tender);
  if (tender.status === 'complete') return 'complete';
  if (tender.status === 'evaluation')
    throw refuseState('The award was withdrawn for revision', 'awardRevised');
  if (tender.status !== 'standstill' || !tender.award)
    throw refuseState(`Tender ${tender.id} is ${tender.status}, not in standstill`, 'notInStandstill');
  if (!passed(tender.award.standstillEndsAt, now))
    throw refuseState(`The standstill period ends at ${tender.award.standstillEndsAt}`, 'standstillNotOver');
  return 'over';
};

/** The standstill ended and the agreements exist: awarded lots are awarded, the others unsuccessful. */
export const completeStandstill = (tender: TenderState, agreementIds: string[], now: Date): Transition => {
  if (standstillOver(tender, now) !== 'over' || !tender.award)
    throw refuseState(`Tender ${tender.id} is ${tender.status}, not in standstill`, 'notInStandstill');
  const at = iso(now);
  const lotOutcomes: Record<string, LotOutcome> = { ...tender.lotOutcomes };
  for (const lot of tender.award.lots)
    lotOutcomes[lot.lotId] =
      lot.status === 'awarded'
        ? { status: 'awarded', at }
        : { status: 'unsuccessful', reason: lot.reason ?? 'Not awarded', at };
  return {
    after: { ...tender, status: 'complete', completedAt: at, lotOutcomes, updatedAt: at },
    action: 'tender.completed',
    change: { status: { from: 'standstill', to: 'complete' }, agreementIds },
  };
};

/**
 * No decision in time (the evaluation or the award decision expired, or the execution's year would
 * end first): the tender ends without result. Undefined when it is unsuccessful already.
 */
export const expireDecision = (
  tender: TenderState,
  outlivedExecution: boolean,
  now: Date,
): (Transition & { reason: string }) | undefined => {
  assertNotCancelled(tender);
  if (tender.status === 'unsuccessful') return undefined;
  const reason = outlivedExecution
    ? 'The award could not be decided within the year its workflow runs after the announcement; the bids are no longer binding'
    : tender.status === 'evaluation' && tender.rankedAt
      ? 'No award decision within 60 days of the ranking; the bids are no longer binding'
      : 'The evaluation did not finish within 120 days of the opening; the bids are no longer binding';
  const at = iso(now);
  const lotOutcomes: Record<string, LotOutcome> = { ...tender.lotOutcomes };
  for (const lotId of openLotIds(tender)) lotOutcomes[lotId] = { status: 'unsuccessful', reason, at };
  return {
    after: { ...tender, status: 'unsuccessful', unsuccessfulReason: reason, lotOutcomes, updatedAt: at },
    action: 'tender.decision-expired',
    change: { status: { from: tender.status, to: 'unsuccessful' } },
    reason,
  };
};
