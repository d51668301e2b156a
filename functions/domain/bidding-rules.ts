/**
 * What suppliers and evaluators may do with a tender's questions and bids, as transitions: state +
 * command (+ now) → what to write, or a `Refusal` (functions/domain/refusal.ts). The HTTP handler
 * (functions/handlers/api/bidding.ts) loads, calls these, commits and answers.
 * Pure: no AWS, no HTTP.
 */

import { type Bid, type BidContent, beforeDeadline, bidProblems, contentHash, isValidBid } from './bid.ts';
import { type EvaluatorScores, scoreProblems } from './evaluation.ts';
import { lotChangedSince, revisionOf } from './opening.ts';
import { cannotAsk, type Question } from './question.ts';
import {
  Refusal,
  refuseConflict,
  refuseForbidden,
  refuseNotFound,
  refuseProblems,
  refuseRule,
  refuseState,
} from './refusal.ts';
import type { Supplier } from './suppliers.ts';
import { type Lot, lotIsOpen, type ReferenceLookups, type Tender } from './tender.ts';

type Person = { sub: string; name: string };
type TenderView = Omit<Tender, 'version'>;

/** The bid deadline has passed (or the tender is no longer open): nothing is stored. */
export const lateRefusal = (tender: Pick<Tender, 'bidDeadline' | 'status'>, at: string): Refusal =>
  new Refusal(
    'late',
    tender.status === 'tendering'
      ? `The bid deadline was ${tender.bidDeadline}; this submission arrived at ${at} (server time) and was not stored`
      : `The tender is past its bid deadline ${tender.bidDeadline} (status ${tender.status}); bids are accepted only while it is open. Nothing was stored`,
    [{ pointer: '#', detail: `Deadline ${tender.bidDeadline}, received ${at}` }],
  );

/** Bids are accepted (and withdrawn) while the tender is open and before its deadline, server time. */
export const assertAcceptsBids = (tender: Pick<Tender, 'bidDeadline' | 'status'>, now: Date): void => {
  if (tender.status !== 'tendering' || !beforeDeadline(tender, now))
    throw lateRefusal(tender, now.toISOString());
};

/**
 * A bid is stored without touching the tender item (functions/domain/opening.ts); read again
 * after storing, the tender may have moved meanwhile: its lot changed materially, cancelled, or
 * the lot closed. Then the stored bid answers a tender that is no longer there: it is invalidated
 * and the supplier told to read the tender again. A change of another lot leaves it standing.
 * Undefined when the bid stands.
 */
export const changedWhileStored = (
  checked: Pick<Tender, 'contentRevision'>,
  current: Pick<Tender, 'contentRevision' | 'lotRevisions' | 'status' | 'lots' | 'lotOutcomes'> | undefined,
  lotId: string,
): Refusal | undefined => {
  if (
    current?.status === 'tendering' &&
    !lotChangedSince(current, lotId, revisionOf(checked)) &&
    lotIsOpen(current, lotId)
  )
    return undefined;
  return refuseConflict(
    'The tender changed while your bid was stored, so the bid does not count; read the tender again and resubmit',
  );
};

/** A lot of the tender that is still in play. */
export const biddableLot = (tender: Pick<Tender, 'lots' | 'lotOutcomes'>, lotId: string): Lot => {
  const lot = tender.lots.find((l) => l.id === lotId);
  if (!lot) throw refuseNotFound('Lot', lotId);
  if (!lotIsOpen(tender, lotId)) throw refuseState(`Lot ${lotId} is ${tender.lotOutcomes?.[lotId]?.status}`);
  return lot;
};

/** What the bidding rules read of the bidding supplier: its registration as non-profit (ideell). */
export type Bidder = Pick<Supplier, 'id' | 'kind'>;

/**
 * A competition reserved for non-profit (ideelle) suppliers accepts bids only from a supplier
 * registered as one (kind "ideell" in the supplier register).
 */
export const assertMayBid = (
  tender: Pick<Tender, 'id' | 'reservedForNonProfit'>,
  bidder: Bidder | undefined,
): void => {
  if (!tender.reservedForNonProfit || bidder?.kind === 'ideell') return;
  const registered = bidder ? `registered as "${bidder.kind}"` : 'not in the supplier register';
  throw new Refusal(
    'forbidden',
    `Tender ${tender.id} is reserved for non-profit (ideelle) suppliers; supplier ${bidder?.id ?? ''} is ${registered}, not as "ideell". Nothing was stored`,
    [
      {
        pointer: '#',
        detail: `Only suppliers registered with kind "ideell" may bid (see GET /reference/suppliers/${bidder?.id ?? ''})`,
      },
    ],
  );
};

/**
 * A bid's content may be submitted now for this lot by this supplier: before the deadline, an open
 * lot, a supplier the competition admits, every rule met.
 */
export const checkBid = (
  tender: TenderView,
  lotId: string,
  content: BidContent,
  now: Date,
  ref: Pick<ReferenceLookups, 'isKnownHospitalArea'>,
  bidder?: Bidder,
): Lot => {
  assertAcceptsBids(tender, now);
  assertMayBid(tender, bidder);
  const lot = biddableLot(tender, lotId);
  const problems = bidProblems(content, tender as Tender, lot, ref);
  if (problems.length) throw refuseProblems('The bid', problems);
  return lot;
};

/**
 * A supplier's bid for one lot, new or replacing their earlier one (`existing`, which `version`
 * must name). The receipt time is `now`, server time.
 */
export const submitBid = (
  tender: TenderView,
  lotId: string,
  content: BidContent,
  {
    id,
    supplierId,
    by,
    existing,
    version,
    bidder,
    ref,
  }: {
    id: string;
    supplierId: string;
    by: Person;
    existing: Pick<Bid, 'version' | 'status'> | undefined;
    version: number | undefined;
    /** The supplier as registered; needed where the competition is reserved for non-profit suppliers. */
    bidder?: Bidder;
    /** The hospital areas a delivery site outside the lot's may name. */
    ref: Pick<ReferenceLookups, 'isKnownHospitalArea'>;
  },
  now: Date,
): { after: Omit<Bid, 'version'>; action: string; change: Record<string, unknown>; replaced: boolean } => {
  const lot = checkBid(tender, lotId, content, now, ref, bidder);
  if (existing && version === undefined)
    throw refuseConflict(
      `You already have a bid for lot ${lot.id} (version ${existing.version}, ${existing.status}); send "version": ${existing.version} to replace it`,
    );
  if (!existing && version !== undefined) throw refuseNotFound('Bid', id);
  const at = now.toISOString();
  const after: Omit<Bid, 'version'> = {
    id,
    tenderId: tender.id,
    entityId: tender.entityId,
    lotId: lot.id,
    supplierId,
    status: 'submitted',
    ...content,
    submittedBy: by,
    receivedAt: at,
    contentSha256: contentHash(content),
    tenderRevision: revisionOf(tender),
  };
  return {
    after,
    action: existing ? 'bid.replaced' : 'bid.submitted',
    // Sealed: the audit trail holds what proves the content, not the content.
    change: { lotId: lot.id, supplierId, contentSha256: after.contentSha256, receivedAt: at },
    replaced: existing !== undefined,
  };
};

/** A supplier withdraws their submitted bid before the deadline. */
export const withdrawBid = <B extends Bid>(
  tender: Pick<Tender, 'bidDeadline' | 'status'>,
  lotId: string,
  bid: B | undefined,
  now: Date,
): { after: B; action: string; change: Record<string, unknown> } => {
  assertAcceptsBids(tender, now);
  if (bid?.status !== 'submitted') throw refuseNotFound('Your bid for lot', lotId);
  return {
    after: { ...bid, status: 'withdrawn', receivedAt: now.toISOString() },
    action: 'bid.withdrawn',
    change: { status: { from: bid.status, to: 'withdrawn' } },
  };
};

/** Bids are sealed until the opening: nobody reads them before. */
export const isSealed = (tender: Pick<Tender, 'status'>): boolean =>
  tender.status === 'draft' || tender.status === 'tendering';

export const assertOpened = (tender: Pick<Tender, 'id' | 'status' | 'bidDeadline'>): void => {
  if (isSealed(tender))
    throw refuseForbidden(
      `The bids of tender ${tender.id} are sealed until the bid deadline ${tender.bidDeadline}`,
    );
};

/** Qualification and scores change during the evaluation, until the ranking is asked for. */
export const assertEvaluating = (tender: Pick<Tender, 'id' | 'status' | 'rankingRequestedAt'>): void => {
  if (tender.status !== 'evaluation')
    throw refuseState(
      `Tender ${tender.id} is ${tender.status}; bids are qualified and scored during evaluation`,
    );
  if (tender.rankingRequestedAt)
    throw refuseState(
      `The ranking of tender ${tender.id} was requested at ${tender.rankingRequestedAt}; to change qualification or scores, revise the award (POST /tenders/${tender.id}/award/revise)`,
    );
};

/** An evaluator qualifies or rejects a valid bid of an open lot. */
export const qualifyBid = <B extends Bid>(
  tender: Pick<Tender, 'id' | 'status' | 'rankingRequestedAt' | 'lotOutcomes'>,
  bid: B,
  { qualified, reason, by }: { qualified: boolean; reason?: string | undefined; by: Person },
  now: Date,
): { after: B; action: string; change: Record<string, unknown>; reason?: string } => {
  assertEvaluating(tender);
  if (!isValidBid(bid)) throw refuseState(`Bid ${bid.id} is ${bid.status} and cannot be qualified`);
  if (!lotIsOpen(tender, bid.lotId))
    throw refuseState(`Lot ${bid.lotId} is ${tender.lotOutcomes?.[bid.lotId]?.status}`);
  const status = qualified ? 'qualified' : 'rejected';
  const qualification = { qualified, ...(reason ? { reason } : {}), by, at: now.toISOString() };
  return {
    after: { ...bid, status, qualification },
    action: qualified ? 'bid.qualified' : 'bid.rejected',
    ...(reason ? { reason } : {}),
    change: { status: { from: bid.status, to: status } },
  };
};

/** An evaluator's scores for a qualified bid: every quality criterion once, 0–10. */
export const scoreBid = (
  tender: Pick<Tender, 'id' | 'status' | 'rankingRequestedAt' | 'awardCriteria'>,
  bid: Pick<Bid, 'id' | 'status'>,
  scores: EvaluatorScores['scores'],
  evaluator: Person,
  now: Date,
): EvaluatorScores & { tenderId: string } => {
  assertEvaluating(tender);
  if (bid.status !== 'qualified')
    throw refuseState(`Bid ${bid.id} is ${bid.status}; only qualified bids are scored`);
  const problems = scoreProblems(tender, scores);
  if (problems.length) throw refuseRule(`The scores break a rule: ${problems[0]?.detail}`, problems);
  return { tenderId: tender.id, bidId: bid.id, evaluator, scores, at: now.toISOString() };
};

/** A supplier asks a question while the tender is open, until questions close before the deadline. */
export const askQuestion = (
  tender: Pick<Tender, 'id' | 'entityId' | 'status' | 'bidDeadline' | 'questionsCloseHours' | 'lots'>,
  {
    id,
    lotId,
    text,
    askedBy,
  }: { id: string; lotId?: string | undefined; text: string; askedBy: Question['askedBy'] },
  now: Date,
): Omit<Question, 'version'> => {
  const closed = cannotAsk(tender, now);
  if (closed) throw refuseState(closed);
  if (lotId && !tender.lots.some((l) => l.id === lotId))
    throw refuseRule(`Tender ${tender.id} has no lot "${lotId}"`, [
      { pointer: '#/lotId', detail: `Lots: ${tender.lots.map((l) => l.id).join(', ')}` },
    ]);
  return {
    id,
    tenderId: tender.id,
    entityId: tender.entityId,
    ...(lotId ? { lotId } : {}),
    text,
    askedBy,
    askedAt: now.toISOString(),
  };
};

/** Questions are answered (or their answers replaced) while the tender is open. */
export const assertAnswerable = (tender: Pick<Tender, 'id' | 'status'>): void => {
  if (tender.status !== 'tendering')
    throw refuseState(`Tender ${tender.id} is ${tender.status}; questions are answered while it is open`);
};

export const answerQuestion = <Q extends Question>(
  tender: Pick<Tender, 'id' | 'status'>,
  question: Q,
  text: string,
  by: Person,
  now: Date,
): { after: Q; action: string; change: Record<string, unknown> } => {
  assertAnswerable(tender);
  return {
    after: { ...question, answer: { text, by, at: now.toISOString() } },
    action: question.answer ? 'question.answer-replaced' : 'question.answered',
    change: { answer: text },
  };
};
