/**
 * HTTP handler for questions, sealed bids, qualification and scores (functions/http/routes/bidding.routes.ts).
 * Parse, authorise, load, decide with domain/bidding-rules.ts (whose refusals commons/http.ts maps
 * to problems), commit, answer. Rules live in domain/bidding-rules.ts, domain/bid.ts,
 * domain/question.ts and domain/evaluation.ts.
 */

import { commit, getItem, withoutKeys } from '../../adapters/store.ts';
import { StoreConflict } from '../../adapters/store-errors.ts';
import { outboxEvent } from '../../contracts/outbox.ts';
import type { Principal } from '../../domain/actors.ts';
import { bidIdFor, invalidation, isValidBid, receiptOf } from '../../domain/bid.ts';
import {
  answerQuestion,
  askQuestion,
  assertAcceptsBids,
  assertAnswerable,
  assertEvaluating,
  assertOpened,
  changedWhileStored,
  checkBid,
  isSealed,
  qualifyBid,
  scoreBid,
  submitBid,
  withdrawBid,
} from '../../domain/bidding-rules.ts';
import { publicQuestion } from '../../domain/question.ts';
import { referenceLookups } from '../../domain/reference-lookups.ts';
import { conflict, notFound } from '../../http/errors.ts';
import { httpHandler } from '../../http/http.ts';
import { createIdempotently } from '../../http/idempotency.ts';
import { biddingRoutes } from '../../http/routes/bidding.routes.ts';
import { loadReferenceCatalogue } from '../../services/store/reference.ts';
import { getSupplier } from '../../services/store/suppliers.ts';
import {
  type BidItem,
  bidInvalidation,
  bidKey,
  getBid,
  getTender,
  listBids,
  listQuestions,
  type QuestionItem,
  questionKey,
  type ScoreItem,
  scoreKey,
  type TenderItem,
} from '../../services/store/tenders.ts';
import { now } from '../../shared/clock.ts';
import { newId } from '../../shared/ids.ts';
import { isOwnEntity, loadTender } from './tender-access.ts';

const bidView = (b: BidItem) => {
  const { entityId: _e, submittedBy: _s, qualification, ...rest } = withoutKeys(b);
  return {
    ...rest,
    ...(qualification
      ? {
          qualification: {
            qualified: qualification.qualified,
            ...(qualification.reason ? { reason: qualification.reason } : {}),
            at: qualification.at,
          },
        }
      : {}),
  };
};

/**
 * A bid stored while its tender moved answers a tender that is no longer there: invalidated, unless
 * the change that moved the tender invalidated it already (then its version moved on). Its receipt
 * event went out with it, so the supplier is told, by the same kind of event as any invalidation.
 */
const invalidateStored = async (bid: BidItem, tender: TenderItem, principal: Principal, reason: string) => {
  try {
    await commit({
      ...bidInvalidation(invalidation(bid, reason), principal),
      events: [
        outboxEvent('Tender.BidsInvalidated', {
          tenderId: tender.id,
          entityId: tender.entityId,
          title: tender.title,
          lotIds: [bid.lotId],
          supplierIds: [bid.supplierId],
          reason,
        }),
      ],
    });
  } catch (error) {
    if (!(error instanceof StoreConflict)) throw error;
  }
};

const supplierOf = (principal: Principal): string => principal.supplierId as string;

const loadOpenedBid = async (tender: TenderItem, bidId: string): Promise<BidItem> => {
  assertOpened(tender);
  const bid = await getBid(tender.id, bidId);
  if (!bid) throw notFound('Bid', bidId);
  return bid;
};

/**
 * Every read of bid content is audited: one chain per reader and tender (so readers never contend),
 * each event naming the bids read.
 */
const recordBidRead = async (principal: Principal, tender: TenderItem, bidIds: string[]) => {
  if (!bidIds.length) return;
  const key = { PK: `TENDER#${tender.id}`, SK: `BIDREADS#${principal.sub}` };
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await getItem<{
      PK: string;
      SK: string;
      reads: number;
      version: number;
      auditHead: string;
    }>(key);
    try {
      await commit({
        aggregate: { type: 'bid-reads', id: `${tender.id}:${principal.sub}` },
        entityId: tender.entityId,
        before,
        after: { ...key, tenderId: tender.id, reader: principal.sub, reads: (before?.reads ?? 0) + 1 },
        actor: principal,
        action: 'bid.read',
        change: { bidIds },
      });
      return;
    } catch (error) {
      if (!(error instanceof StoreConflict)) throw error;
    }
  }
  throw conflict('Too many reads at once; read again');
};

export const handler = httpHandler(biddingRoutes, {
  askQuestion: (req) =>
    createIdempotently(req, async (remember) => {
      const { principal, params, body } = req;
      const tender = await loadTender(principal, params.tenderId, 'question:ask');
      const question = askQuestion(
        tender,
        {
          id: newId('qst'),
          lotId: body.lotId,
          text: body.text,
          askedBy: { supplierId: supplierOf(principal), sub: principal.sub, name: principal.name },
        },
        now(),
      );
      const result = {
        status: 201,
        body: publicQuestion({ ...question, version: 1 }, supplierOf(principal)),
        headers: { location: `/tenders/${tender.id}/questions` },
      };
      await commit({
        aggregate: { type: 'question', id: question.id },
        entityId: tender.entityId,
        before: undefined,
        after: { ...questionKey(tender.id, question.id), ...question },
        actor: principal,
        action: 'question.asked',
        change: { lotId: question.lotId ?? null, text: question.text },
        extra: remember(result),
      });
      return result;
    }),

  listQuestions: async ({ principal, params }) => {
    const tender = await loadTender(principal, params.tenderId, 'question:list');
    const questions = (await listQuestions(tender.id)).sort((a, b) => a.askedAt.localeCompare(b.askedAt));
    const own = isOwnEntity(principal, tender);
    return {
      body: {
        items: questions.map((q) => {
          const view = publicQuestion(q, principal.role === 'supplier' ? supplierOf(principal) : undefined);
          return own ? { ...view, askedBy: q.askedBy } : view;
        }),
      },
    };
  },

  answerQuestion: async ({ principal, params, body }) => {
    const tender = await loadTender(principal, params.tenderId, 'question:answer');
    assertAnswerable(tender);
    const before = await getItem<QuestionItem>(questionKey(tender.id, params.questionId));
    if (!before) throw notFound('Question', params.questionId);
    const answered = answerQuestion(
      tender,
      withoutKeys(before),
      body.text,
      { sub: principal.sub, name: principal.name },
      now(),
    );
    const at = answered.after.answer?.at as string;
    const { item } = await commit({
      aggregate: { type: 'question', id: before.id },
      entityId: tender.entityId,
      before: { ...before, version: body.version },
      after: { ...answered.after, ...questionKey(tender.id, before.id) },
      actor: principal,
      action: answered.action,
      change: answered.change,
      events: [
        outboxEvent('Tender.QuestionAnswered', {
          tenderId: tender.id,
          entityId: tender.entityId,
          title: tender.title,
          questionId: before.id,
          ...(before.lotId ? { lotId: before.lotId } : {}),
          answeredAt: at,
        }),
      ],
    });
    return { body: { ...publicQuestion(item as QuestionItem), askedBy: before.askedBy } };
  },

  submitBid: async ({ principal, params, body }) => {
    const received = now();
    const at = received.toISOString();
    const tender = await loadTender(principal, params.tenderId, 'bid:submit');
    const { version, ...content } = body;
    const supplierId = supplierOf(principal);
    const id = bidIdFor(tender.id, params.lotId, supplierId);
    // The supplier's registration is read only where the competition is reserved for non-profits.
    const bidder = tender.reservedForNonProfit ? await getSupplier(supplierId) : undefined;
    // The entities' own hospital areas are read only for a site that names an area the release
    // does not know: a deadline's burst of bids reads nothing more.
    const ref = content.deliverySites.some(
      (s) => s.hospitalAreaId !== undefined && !referenceLookups.isKnownHospitalArea(s.hospitalAreaId),
    )
      ? await loadReferenceCatalogue()
      : referenceLookups;
    // Refused before the supplier's earlier bid is read; submitBid checks again with it.
    checkBid(withoutKeys(tender), params.lotId, content, received, ref, bidder);
    const before = await getBid(tender.id, id);
    const submitted = submitBid(
      withoutKeys(tender),
      params.lotId,
      content,
      {
        id,
        supplierId,
        by: { sub: principal.sub, name: principal.name },
        existing: before,
        version,
        bidder,
        ref,
      },
      received,
    );
    const { after } = submitted;
    // Not a word with the tender item: at a deadline every bid would contend for it
    // (functions/domain/opening.ts). The deadline was checked on the receipt time above.
    // The receipt event is written with the bid, so it is sent even if the bid is invalidated below.
    const { item } = (await commit<Omit<BidItem, 'version' | 'auditHead'>>({
      aggregate: { type: 'bid', id },
      entityId: tender.entityId,
      before: before ? { ...before, version: version as number } : undefined,
      after: { ...bidKey(tender.id, id), ...after },
      actor: principal,
      action: submitted.action,
      change: submitted.change,
      events: [
        outboxEvent('Tender.BidReceived', {
          tenderId: tender.id,
          entityId: tender.entityId,
          lotId: after.lotId,
          bidId: id,
          supplierId,
          // The version this commit gives the bid.
          version: before ? (version as number) + 1 : 1,
          receivedAt: at,
          contentSha256: after.contentSha256,
        }),
      ],
    })) as unknown as { item: BidItem };
    const moved = changedWhileStored(tender, await getTender(tender.id), params.lotId);
    if (moved) {
      await invalidateStored(item, tender, principal, moved.message);
      throw moved;
    }
    const receipt = receiptOf(item);
    return { status: before ? 200 : 201, body: receipt, headers: { etag: `"${receipt.version}"` } };
  },

  getOwnBid: async ({ principal, params }) => {
    const tender = await loadTender(principal, params.tenderId, 'bid:readOwn');
    const bid = await getBid(tender.id, bidIdFor(tender.id, params.lotId, supplierOf(principal)));
    if (!bid) throw notFound('Your bid for lot', params.lotId);
    await recordBidRead(principal, tender, [bid.id]);
    return { body: { bid: bidView(bid), receipt: receiptOf(bid) } };
  },

  withdrawBid: async ({ principal, params }) => {
    const received = now();
    const tender = await loadTender(principal, params.tenderId, 'bid:submit');
    assertAcceptsBids(tender, received);
    const before = await getBid(tender.id, bidIdFor(tender.id, params.lotId, supplierOf(principal)));
    const withdrawn = withdrawBid(tender, params.lotId, before && withoutKeys(before), received);
    const { item } = (await commit<Omit<BidItem, 'version' | 'auditHead'>>({
      aggregate: { type: 'bid', id: withdrawn.after.id },
      entityId: tender.entityId,
      before,
      after: { ...withdrawn.after, ...bidKey(tender.id, withdrawn.after.id) },
      actor: principal,
      action: withdrawn.action,
      change: withdrawn.change,
    })) as unknown as { item: BidItem };
    return { body: receiptOf(item) };
  },

  listBids: async ({ principal, params }) => {
    const tender = await loadTender(principal, params.tenderId, 'bid:list');
    const bids = await listBids(tender.id);
    const lots = tender.lots.map((l) => ({
      lotId: l.id,
      bids: bids.filter((b) => b.lotId === l.id && isValidBid(b)).length,
    }));
    if (isSealed(tender)) return { body: { sealed: true, lots } };
    await recordBidRead(
      principal,
      tender,
      bids.map((b) => b.id),
    );
    return { body: { sealed: false, lots, items: bids.map(bidView) } };
  },

  getBid: async ({ principal, params }) => {
    const tender = await loadTender(principal, params.tenderId, 'bid:read');
    const bid = await loadOpenedBid(tender, params.bidId);
    await recordBidRead(principal, tender, [bid.id]);
    return { body: bidView(bid) };
  },

  qualifyBid: async ({ principal, params, body }) => {
    const tender = await loadTender(principal, params.tenderId, 'bid:qualify');
    assertEvaluating(tender);
    const bid = await loadOpenedBid(tender, params.bidId);
    const qualified = qualifyBid(
      tender,
      withoutKeys(bid),
      { qualified: body.qualified, reason: body.reason, by: { sub: principal.sub, name: principal.name } },
      now(),
    );
    const { item } = await commit({
      aggregate: { type: 'bid', id: bid.id },
      entityId: tender.entityId,
      before: { ...bid, version: body.version },
      ...qualified,
      after: { ...qualified.after, ...bidKey(tender.id, bid.id) },
      actor: principal,
    });
    return { body: bidView(item as BidItem) };
  },

  scoreBid: async ({ principal, params, body }) => {
    const tender = await loadTender(principal, params.tenderId, 'score:submit');
    assertEvaluating(tender);
    const bid = await loadOpenedBid(tender, params.bidId);
    const scores = scoreBid(tender, bid, body.scores, { sub: principal.sub, name: principal.name }, now());
    const key = scoreKey(tender.id, bid.id, principal.sub);
    const before = await getItem<ScoreItem>(key);
    const { item } = await commit({
      aggregate: { type: 'score', id: `${tender.id}:${bid.id}:${principal.sub}` },
      entityId: tender.entityId,
      before,
      after: { ...key, ...scores },
      actor: principal,
      action: before ? 'score.replaced' : 'score.given',
      change: body.scores,
    });
    return { body: withoutKeys(item as ScoreItem) };
  },
});
