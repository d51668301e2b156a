/**
 * HTTP handler for questions, sealed bids, qualification and scores (functions/api/bidding.routes.ts).
 * Rules live in domain/bid.ts, domain/question.ts and domain/evaluation.ts.
 */
import type { Principal } from '../commons/auth.ts';
import { now, nowIso } from '../commons/clock.ts';
import { conflict, forbidden, notFound, Problem, ruleProblem, stateProblem } from '../commons/errors.ts';
import { publishAfterCommit } from '../commons/events.ts';
import { httpHandler } from '../commons/http.ts';
import { createIdempotently } from '../commons/idempotency.ts';
import { newId } from '../commons/ids.ts';
import { commit, getItem, type TransactItem, tableName, withoutKeys } from '../commons/store.ts';
import { ExtraConditionFailed, StoreConflict } from '../commons/store-errors.ts';
import {
  type Bid,
  beforeDeadline,
  bidIdFor,
  bidProblems,
  contentHash,
  isValidBid,
  receiptOf,
} from '../domain/bid.ts';
import { type EvaluatorScores, scoreProblems } from '../domain/evaluation.ts';
import { cannotAsk, publicQuestion, type Question } from '../domain/question.ts';
import { lotIsOpen, type Tender } from '../domain/tender.ts';
import {
  type BidItem,
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
} from '../store/tenders.ts';
import { biddingRoutes } from './bidding.routes.ts';
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

const lateProblem = (tender: Pick<Tender, 'bidDeadline' | 'status'>, at: string) =>
  new Problem(
    422,
    'bid-deadline-passed',
    'The bid deadline has passed',
    tender.status === 'tendering'
      ? `The bid deadline was ${tender.bidDeadline}; this submission arrived at ${at} (server time) and was not stored`
      : `The tender is past its bid deadline ${tender.bidDeadline} (status ${tender.status}); bids are accepted only while it is open. Nothing was stored`,
    [{ pointer: '#', detail: `Deadline ${tender.bidDeadline}, received ${at}` }],
  );

/**
 * The tender, unchanged since it was read, still open and before its deadline at commit time: a
 * bid is only ever stored against the tender content it was checked against, and never late.
 */
const tenderStillOpen = (tender: TenderItem, at: string): TransactItem => ({
  ConditionCheck: {
    TableName: tableName(),
    Key: { PK: tender.PK, SK: tender.SK },
    // Not the version: the workflow's bookkeeping changes it; a material change bumps the revision.
    ConditionExpression: `${tender.contentRevision === undefined ? 'attribute_not_exists(contentRevision)' : 'contentRevision = :revision'} AND #status = :tendering AND bidDeadline > :now`,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ...(tender.contentRevision === undefined ? {} : { ':revision': tender.contentRevision }),
      ':tendering': 'tendering',
      ':now': at,
    },
  },
});

const whenTenderMoved = async (tenderId: string, at: string): Promise<Problem> => {
  const current = await getTender(tenderId);
  if (current?.status !== 'tendering' || !beforeDeadline(current, new Date(at))) {
    return lateProblem(current ?? { bidDeadline: 'unknown', status: 'tendering' }, at);
  }
  return conflict('The tender changed while your bid was checked; read the tender again and resubmit');
};

const supplierOf = (principal: Principal): string => principal.supplierId as string;

const openLot = (tender: Tender, lotId: string) => {
  const lot = tender.lots.find((l) => l.id === lotId);
  if (!lot) throw notFound('Lot', lotId);
  if (!lotIsOpen(tender, lotId)) throw stateProblem(`Lot ${lotId} is ${tender.lotOutcomes?.[lotId]?.status}`);
  return lot;
};

const assertEvaluating = (tender: Tender) => {
  if (tender.status !== 'evaluation')
    throw stateProblem(
      `Tender ${tender.id} is ${tender.status}; bids are qualified and scored during evaluation`,
    );
  if (tender.rankingRequestedAt)
    throw stateProblem(
      `The ranking of tender ${tender.id} was requested at ${tender.rankingRequestedAt}; to change qualification or scores, revise the award (POST /tenders/${tender.id}/award/revise)`,
    );
};

const sealed = (tender: Tender) => tender.status === 'draft' || tender.status === 'tendering';

const loadOpenedBid = async (tender: TenderItem, bidId: string): Promise<BidItem> => {
  if (sealed(tender))
    throw forbidden(
      `The bids of tender ${tender.id} are sealed until the bid deadline ${tender.bidDeadline}`,
    );
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
      const closed = cannotAsk(tender, now());
      if (closed) throw stateProblem(closed);
      if (body.lotId && !tender.lots.some((l) => l.id === body.lotId))
        throw ruleProblem(`Tender ${tender.id} has no lot "${body.lotId}"`, [
          { pointer: '#/lotId', detail: `Lots: ${tender.lots.map((l) => l.id).join(', ')}` },
        ]);
      const question: Omit<Question, 'version'> = {
        id: newId('qst'),
        tenderId: tender.id,
        entityId: tender.entityId,
        ...(body.lotId ? { lotId: body.lotId } : {}),
        text: body.text,
        askedBy: { supplierId: supplierOf(principal), sub: principal.sub, name: principal.name },
        askedAt: nowIso(),
      };
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
    if (tender.status !== 'tendering')
      throw stateProblem(`Tender ${tender.id} is ${tender.status}; questions are answered while it is open`);
    const before = await getItem<QuestionItem>(questionKey(tender.id, params.questionId));
    if (!before) throw notFound('Question', params.questionId);
    const at = nowIso();
    const answer = { text: body.text, by: { sub: principal.sub, name: principal.name }, at };
    const { item } = await commit({
      aggregate: { type: 'question', id: before.id },
      entityId: tender.entityId,
      before: { ...before, version: body.version },
      after: { ...withoutKeys(before), ...questionKey(tender.id, before.id), answer },
      actor: principal,
      action: before.answer ? 'question.answer-replaced' : 'question.answered',
      change: { answer: body.text },
    });
    await publishAfterCommit('Tender.QuestionAnswered', {
      tenderId: tender.id,
      entityId: tender.entityId,
      title: tender.title,
      questionId: before.id,
      ...(before.lotId ? { lotId: before.lotId } : {}),
      answeredAt: at,
    });
    return { body: { ...publicQuestion(item as QuestionItem), askedBy: before.askedBy } };
  },

  submitBid: async ({ principal, params, body }) => {
    const at = nowIso();
    const tender = await loadTender(principal, params.tenderId, 'bid:submit');
    if (tender.status !== 'tendering' || !beforeDeadline(tender, new Date(at))) throw lateProblem(tender, at);
    const lot = openLot(tender, params.lotId);
    const { version, ...content } = body;
    const problems = bidProblems(content, tender, lot);
    if (problems.length)
      throw ruleProblem(
        `The bid breaks ${problems.length === 1 ? 'a rule' : `${problems.length} rules`}: ${problems[0]?.detail}`,
        problems,
      );
    const supplierId = supplierOf(principal);
    const id = bidIdFor(tender.id, lot.id, supplierId);
    const before = await getBid(tender.id, id);
    if (before && version === undefined)
      throw conflict(
        `You already have a bid for lot ${lot.id} (version ${before.version}, ${before.status}); send "version": ${before.version} to replace it`,
      );
    if (!before && version !== undefined) throw notFound('Bid', id);
    const after: Omit<Bid, 'version'> = {
      id,
      tenderId: tender.id,
      entityId: tender.entityId,
      lotId: lot.id,
      supplierId,
      status: 'submitted',
      ...content,
      submittedBy: { sub: principal.sub, name: principal.name },
      receivedAt: at,
      contentSha256: contentHash(content),
    };
    let item: BidItem;
    try {
      ({ item } = (await commit<Omit<BidItem, 'version' | 'auditHead'>>({
        aggregate: { type: 'bid', id },
        entityId: tender.entityId,
        before: before ? { ...before, version: version as number } : undefined,
        after: { ...bidKey(tender.id, id), ...after },
        actor: principal,
        action: before ? 'bid.replaced' : 'bid.submitted',
        // Sealed: the audit trail holds what proves the content, not the content.
        change: { lotId: lot.id, supplierId, contentSha256: after.contentSha256, receivedAt: at },
        extra: [tenderStillOpen(tender, at)],
      })) as unknown as { item: BidItem });
    } catch (error) {
      if (error instanceof ExtraConditionFailed) throw await whenTenderMoved(tender.id, at);
      throw error;
    }
    const receipt = receiptOf(item);
    await publishAfterCommit('Tender.BidReceived', {
      tenderId: tender.id,
      entityId: tender.entityId,
      lotId: lot.id,
      bidId: id,
      supplierId,
      version: receipt.version,
      receivedAt: at,
      contentSha256: receipt.contentSha256,
    });
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
    const at = nowIso();
    const tender = await loadTender(principal, params.tenderId, 'bid:submit');
    if (tender.status !== 'tendering' || !beforeDeadline(tender, new Date(at))) throw lateProblem(tender, at);
    const before = await getBid(tender.id, bidIdFor(tender.id, params.lotId, supplierOf(principal)));
    if (before?.status !== 'submitted') throw notFound('Your bid for lot', params.lotId);
    let item: BidItem;
    try {
      ({ item } = (await commit<Omit<BidItem, 'version' | 'auditHead'>>({
        aggregate: { type: 'bid', id: before.id },
        entityId: tender.entityId,
        before,
        after: {
          ...withoutKeys(before),
          ...bidKey(tender.id, before.id),
          status: 'withdrawn',
          receivedAt: at,
        },
        actor: principal,
        action: 'bid.withdrawn',
        change: { status: { from: before.status, to: 'withdrawn' } },
        extra: [tenderStillOpen(tender, at)],
      })) as unknown as { item: BidItem });
    } catch (error) {
      if (error instanceof ExtraConditionFailed) throw await whenTenderMoved(tender.id, at);
      throw error;
    }
    return { body: receiptOf(item) };
  },

  listBids: async ({ principal, params }) => {
    const tender = await loadTender(principal, params.tenderId, 'bid:list');
    const bids = await listBids(tender.id);
    const lots = tender.lots.map((l) => ({
      lotId: l.id,
      bids: bids.filter((b) => b.lotId === l.id && isValidBid(b)).length,
    }));
    if (sealed(tender)) return { body: { sealed: true, lots } };
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
    if (!isValidBid(bid)) throw stateProblem(`Bid ${bid.id} is ${bid.status} and cannot be qualified`);
    if (!lotIsOpen(tender, bid.lotId))
      throw stateProblem(`Lot ${bid.lotId} is ${tender.lotOutcomes?.[bid.lotId]?.status}`);
    const status = body.qualified ? 'qualified' : 'rejected';
    const qualification = {
      qualified: body.qualified,
      ...(body.reason ? { reason: body.reason } : {}),
      by: { sub: principal.sub, name: principal.name },
      at: nowIso(),
    };
    const { item } = await commit({
      aggregate: { type: 'bid', id: bid.id },
      entityId: tender.entityId,
      before: { ...bid, version: body.version },
      after: { ...withoutKeys(bid), ...bidKey(tender.id, bid.id), status, qualification },
      actor: principal,
      action: body.qualified ? 'bid.qualified' : 'bid.rejected',
      ...(body.reason ? { reason: body.reason } : {}),
      change: { status: { from: bid.status, to: status } },
    });
    return { body: bidView(item as BidItem) };
  },

  scoreBid: async ({ principal, params, body }) => {
    const tender = await loadTender(principal, params.tenderId, 'score:submit');
    assertEvaluating(tender);
    const bid = await loadOpenedBid(tender, params.bidId);
    if (bid.status !== 'qualified')
      throw stateProblem(`Bid ${bid.id} is ${bid.status}; only qualified bids are scored`);
    const problems = scoreProblems(tender, body.scores);
    if (problems.length) throw ruleProblem(`The scores break a rule: ${problems[0]?.detail}`, problems);
    const key = scoreKey(tender.id, bid.id, principal.sub);
    const before = await getItem<ScoreItem>(key);
    const scores: EvaluatorScores & { tenderId: string } = {
      tenderId: tender.id,
      bidId: bid.id,
      evaluator: { sub: principal.sub, name: principal.name },
      scores: body.scores,
      at: nowIso(),
    };
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
