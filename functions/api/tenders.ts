/** HTTP handler for the tender routes (functions/api/tenders.routes.ts). Rules live in domain/tender.ts. */
import { canSee } from '../commons/auth.ts';
import { now, nowIso } from '../commons/clock.ts';
import { conflict, notFound, Problem, ruleProblem, stateProblem } from '../commons/errors.ts';
import { publishAfterCommit } from '../commons/events.ts';
import { httpHandler } from '../commons/http.ts';
import { createIdempotently } from '../commons/idempotency.ts';
import { newId } from '../commons/ids.ts';
import { log } from '../commons/log.ts';
import {
  type CommitInput,
  commit,
  commitAll,
  type Keyed,
  MAX_AGGREGATES_PER_COMMIT,
  withoutKeys,
} from '../commons/store.ts';
import { executionArnFor, readExecution, startWorkflow } from '../commons/workflows.ts';
import { isValidBid } from '../domain/bid.ts';
import { bidderResults, bidsMissingScores, buildAwardDecision } from '../domain/evaluation.ts';
import { referenceLookups } from '../domain/reference-lookups.ts';
import {
  cancellable,
  completeContent,
  diff,
  lotIsOpen,
  lotsAffectedByChange,
  openLotIds,
  type Tender,
  type TenderContent,
  tenderContentProblems,
  tenderContentSchema,
} from '../domain/tender.ts';
import {
  bidKey,
  listBids,
  listEntityTenders,
  listPublishedTenders,
  listRankings,
  listScores,
  type TenderItem,
  tenderItem,
} from '../store/tenders.ts';
import { completeStep, failWaitingSteps } from '../workflow/tender-steps.ts';
import { isOwnEntity, loadTender, tenderResource } from './tender-access.ts';
import { tenderRoutes } from './tenders.routes.ts';

/** The award decision is read through GET /tenders/{id}/award, where its publication is respected. */
const view = (item: TenderItem) => {
  const { award: _a, awardPublishedRevision: _p, ...rest } = withoutKeys(item);
  return rest;
};

const resource = tenderResource;
const load = loadTender;

/** `announcedAt`: an announced tender's period counts from its announcement (the deadline limit). */
const assertRules = (content: TenderContent, entityId: string, announcedAt?: string) => {
  const problems = tenderContentProblems(
    content,
    entityId,
    now(),
    referenceLookups,
    announcedAt ? new Date(announcedAt) : undefined,
  );
  if (problems.length > 0) {
    throw ruleProblem(
      `The tender breaks ${problems.length === 1 ? 'a rule' : `${problems.length} rules`}: ${problems[0]?.detail}`,
      problems,
    );
  }
};

const awardView = (t: TenderItem) => {
  const decision = t.award as NonNullable<Tender['award']>;
  return {
    tenderId: t.id,
    status: t.status,
    revision: decision.revision,
    approvedAt: decision.approvedAt,
    standstillEndsAt: decision.standstillEndsAt,
    lots: decision.lots,
  };
};

const contentOf = (t: Tender): TenderContent => ({
  title: t.title,
  ...(t.description === undefined ? {} : { description: t.description }),
  serviceAreaId: t.serviceAreaId,
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

export const handler = httpHandler(tenderRoutes, {
  createTender: (req) =>
    createIdempotently(req, async (remember) => {
      const principal = req.principal;
      const entityId = principal.entityId as string;
      const content = completeContent(req.body, entityId, referenceLookups);
      assertRules(content, entityId);
      const at = nowIso();
      const tender: Omit<Tender, 'version'> = {
        id: newId('tnd'),
        entityId,
        status: 'draft',
        ...content,
        createdAt: at,
        createdBy: { sub: principal.sub, name: principal.name },
        updatedAt: at,
      };
      const result = {
        status: 201,
        body: { ...tender, version: 1 },
        headers: { location: `/tenders/${tender.id}` },
      };
      await commit({
        aggregate: { type: 'tender', id: tender.id },
        entityId,
        before: undefined,
        after: tenderItem(tender),
        actor: principal,
        action: 'tender.created',
        change: content,
        extra: remember(result),
      });
      return result;
    }),

  listTenders: async (req) => {
    const { principal, query } = req;
    const limit = query.limit ?? 25;
    const published = principal.role === 'supplier' || query.scope === 'published';
    const page = published
      ? await listPublishedTenders(limit, query.cursor, query.status)
      : await listEntityTenders(principal.entityId as string, limit, query.cursor, query.status);
    return {
      body: {
        items: page.items.filter((t) => canSee(principal, resource(t))).map(view),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },

  getTender: async (req) => {
    const tender = await load(req.principal, req.params.tenderId, 'tender:read');
    return { body: view(tender), headers: { etag: `"${tender.version}"` } };
  },

  updateTender: async (req) => {
    const { principal, params, body } = req;
    const before = await load(principal, params.tenderId, 'tender:update');
    if (before.status !== 'draft') {
      throw stateProblem(`Tender ${before.id} is ${before.status}; only drafts can be edited this way`);
    }
    const { version, ...changes } = body;
    const merged = tenderContentSchema.safeParse({ ...contentOf(before), ...changes });
    if (!merged.success) throw ruleProblem('The edited tender is not complete', []);
    const content = completeContent(merged.data, before.entityId, referenceLookups);
    assertRules(content, before.entityId);
    const after: Omit<Tender, 'version'> = { ...withoutKeys(before), ...content, updatedAt: nowIso() };
    const changed = diff(contentOf(before) as Record<string, unknown>, content as Record<string, unknown>);
    const { item } = await commit({
      aggregate: { type: 'tender', id: before.id },
      entityId: before.entityId,
      before: { ...before, version },
      after: tenderItem(after),
      actor: principal,
      action: 'tender.updated',
      change: changed,
    });
    return { body: view(item as TenderItem), headers: { etag: `"${item.version}"` } };
  },

  announceTender: async (req) => {
    const { principal, params, body } = req;
    const before = await load(principal, params.tenderId, 'tender:announce');
    const executionArn = executionArnFor('tenderLifecycle', before.id);
    let current = before;
    if (before.status === 'draft') {
      assertRules(contentOf(before), before.entityId);
      const at = nowIso();
      const after: Omit<Tender, 'version'> = {
        ...withoutKeys(before),
        status: 'tendering',
        announcedAt: at,
        updatedAt: at,
        executionArn,
      };
      const { item } = await commit({
        aggregate: { type: 'tender', id: before.id },
        entityId: before.entityId,
        before: { ...before, version: body.version },
        after: tenderItem(after),
        actor: principal,
        action: 'tender.announced',
        change: { status: { from: 'draft', to: 'tendering' }, announcedAt: at },
        executionArn,
      });
      current = item as TenderItem;
    } else if (before.status !== 'tendering') {
      throw stateProblem(`Tender ${before.id} is ${before.status} and cannot be announced`);
    }
    try {
      await startWorkflow('tenderLifecycle', before.id, { tenderId: before.id });
    } catch (error) {
      log.error('could not start the tender workflow', { tenderId: before.id, error });
      throw new Problem(
        503,
        'workflow-unavailable',
        'The workflow could not be started',
        `Tender ${before.id} is announced, but its workflow did not start; repeat the announce request to start it`,
      );
    }
    return { body: view(current), headers: { etag: `"${current.version}"` } };
  },

  getTenderWorkflow: async (req) => {
    const tender = await load(req.principal, req.params.tenderId, 'workflow:read');
    const execution = tender.executionArn ? await readExecution(tender.executionArn) : undefined;
    if (!execution) throw notFound('Workflow execution of tender', tender.id);
    return { body: execution };
  },

  extendDeadline: async ({ principal, params, body }) => {
    const before = await load(principal, params.tenderId, 'tender:change');
    if (before.status !== 'tendering')
      throw stateProblem(
        `Tender ${before.id} is ${before.status}; only an open tender's deadline can be extended`,
      );
    if (now().getTime() >= new Date(before.bidDeadline).getTime())
      throw stateProblem(
        `The bid deadline ${before.bidDeadline} has already passed; it can no longer be moved`,
      );
    const bidDeadline = new Date(body.bidDeadline).toISOString();
    if (bidDeadline <= before.bidDeadline)
      throw ruleProblem('A deadline can only be extended', [
        {
          pointer: '#/bidDeadline',
          detail: `${bidDeadline} is not later than the current deadline ${before.bidDeadline}`,
        },
      ]);
    const content = { ...contentOf(before), bidDeadline };
    assertRules(content, before.entityId, before.announcedAt);
    const { item } = await commit({
      aggregate: { type: 'tender', id: before.id },
      entityId: before.entityId,
      before: { ...before, version: body.version },
      after: tenderItem({ ...withoutKeys(before), bidDeadline, updatedAt: nowIso() }),
      actor: principal,
      action: 'tender.deadline-extended',
      ...(body.reason ? { reason: body.reason } : {}),
      change: { bidDeadline: { from: before.bidDeadline, to: bidDeadline } },
    });
    await publishAfterCommit('Tender.DeadlineExtended', {
      tenderId: before.id,
      entityId: before.entityId,
      title: before.title,
      from: before.bidDeadline,
      to: bidDeadline,
    });
    return { body: view(item as TenderItem) };
  },

  changeTender: async ({ principal, params, body }) => {
    const before = await load(principal, params.tenderId, 'tender:change');
    if (before.status !== 'tendering' || now().getTime() >= new Date(before.bidDeadline).getTime())
      throw stateProblem(`Tender ${before.id} is no longer open for bids; it cannot be changed`);
    const { version, reason, ...changes } = body;
    const content = { ...contentOf(before), ...changes };
    assertRules(content, before.entityId, before.announcedAt);
    const affectedLotIds = lotsAffectedByChange(contentOf(before), content);
    if (affectedLotIds.length === 0)
      throw ruleProblem('Nothing changes: the lots, criteria and requirements are as they were');
    const invalidated = (await listBids(before.id)).filter(
      (b) => affectedLotIds.includes(b.lotId) && b.status === 'submitted',
    );
    if (invalidated.length + 1 > MAX_AGGREGATES_PER_COMMIT)
      throw ruleProblem(
        `${invalidated.length} bids would be invalidated; one change can invalidate at most ${MAX_AGGREGATES_PER_COMMIT - 1}. Split the change by lot.`,
      );
    const at = nowIso();
    const why = `The tender changed: ${reason}`;
    const results = await commitAll([
      {
        aggregate: { type: 'tender', id: before.id },
        entityId: before.entityId,
        before: { ...before, version },
        after: tenderItem({
          ...withoutKeys(before),
          ...content,
          contentRevision: (before.contentRevision ?? 0) + 1,
          updatedAt: at,
        }),
        actor: principal,
        action: 'tender.changed',
        reason,
        change: {
          ...diff(contentOf(before) as Record<string, unknown>, content as Record<string, unknown>),
          affectedLotIds,
        },
      },
      ...invalidated.map(
        (bid): CommitInput<Keyed> => ({
          aggregate: { type: 'bid', id: bid.id },
          entityId: before.entityId,
          before: bid,
          after: {
            ...withoutKeys(bid),
            ...bidKey(before.id, bid.id),
            status: 'invalidated',
            invalidatedReason: why,
          } as Keyed,
          actor: principal,
          action: 'bid.invalidated',
          reason: why,
          change: { status: { from: bid.status, to: 'invalidated' } },
        }),
      ),
    ]);
    if (invalidated.length > 0) {
      await publishAfterCommit('Tender.BidsInvalidated', {
        tenderId: before.id,
        entityId: before.entityId,
        title: before.title,
        lotIds: [...new Set(invalidated.map((b) => b.lotId))],
        supplierIds: [...new Set(invalidated.map((b) => b.supplierId))],
        reason,
      });
    }
    return {
      body: {
        tender: view(results[0]?.item as TenderItem),
        invalidatedBids: invalidated.length,
        affectedLotIds,
      },
    };
  },

  cancelTender: async ({ principal, params, body }) => {
    const before = await load(principal, params.tenderId, 'tender:cancel');
    if (!cancellable(before.status))
      throw stateProblem(`Tender ${before.id} is ${before.status} and can no longer be cancelled`);
    const at = nowIso();
    const lotOutcomes = { ...before.lotOutcomes };
    const requested = body.lotIds ?? openLotIds(before);
    body.lotIds?.forEach((lotId, i) => {
      if (!before.lots.some((l) => l.id === lotId))
        throw ruleProblem(`Tender ${before.id} has no lot "${lotId}"`, [
          { pointer: `#/lotIds/${i}`, detail: 'Unknown lot' },
        ]);
      if (!lotIsOpen(before, lotId))
        throw stateProblem(`Lot ${lotId} is already ${lotOutcomes[lotId]?.status}`);
    });
    for (const lotId of requested) lotOutcomes[lotId] = { status: 'cancelled', reason: body.reason, at };
    const wholeTender = openLotIds({ lots: before.lots, lotOutcomes }).length === 0;
    if (!wholeTender && before.status === 'standstill')
      throw stateProblem(
        'During the standstill period, revise the award to cancel single lots, or cancel the whole tender',
      );
    const { item } = await commit({
      aggregate: { type: 'tender', id: before.id },
      entityId: before.entityId,
      before: { ...before, version: body.version },
      after: tenderItem({
        ...withoutKeys(before),
        lotOutcomes,
        updatedAt: at,
        ...(wholeTender
          ? {
              status: 'cancelled',
              cancelledAt: at,
              cancellation: { reason: body.reason, by: { sub: principal.sub, name: principal.name } },
            }
          : {}),
      }),
      actor: principal,
      action: wholeTender ? 'tender.cancelled' : 'tender.lots-cancelled',
      reason: body.reason,
      change: wholeTender
        ? { status: { from: before.status, to: 'cancelled' } }
        : { cancelledLotIds: requested },
    });
    if (wholeTender && before.status !== 'draft')
      await failWaitingSteps(before.id, 'TenderCancelled', body.reason);
    if (before.status !== 'draft') {
      const bids = (await listBids(before.id)).filter((b) => isValidBid(b) && requested.includes(b.lotId));
      await publishAfterCommit('Tender.Cancelled', {
        tenderId: before.id,
        entityId: before.entityId,
        title: before.title,
        reason: body.reason,
        lotIds: requested,
        wholeTender,
        supplierIds: [...new Set(bids.map((b) => b.supplierId))].sort(),
      });
    }
    return { body: view(item as TenderItem) };
  },

  requestRanking: async ({ principal, params, body }) => {
    const before = await load(principal, params.tenderId, 'ranking:request');
    if (before.status === 'evaluation' && before.rankingRequestedAt) {
      await completeStep(before.id, 'evaluation', { rankingRequestedAt: before.rankingRequestedAt });
      return { status: 202, body: view(before) };
    }
    if (before.status !== 'evaluation')
      throw stateProblem(`Tender ${before.id} is ${before.status}; the ranking comes after the opening`);
    const [bids, scores] = await Promise.all([listBids(before.id), listScores(before.id)]);
    const open = new Set(openLotIds(before));
    const inPlay = bids.filter((b) => open.has(b.lotId) && isValidBid(b));
    const pending = inPlay.filter((b) => b.status === 'submitted');
    if (pending.length)
      throw ruleProblem(
        `${pending.length} bid(s) are neither qualified nor rejected: ${pending.map((b) => b.id).join(', ')}`,
        pending.map((b) => ({ pointer: '#', detail: `Qualify or reject bid ${b.id} (lot ${b.lotId})` })),
      );
    const missing = bidsMissingScores(
      before,
      inPlay.filter((b) => b.status === 'qualified'),
      scores,
    );
    if (missing.length)
      throw ruleProblem(
        `${missing.length} qualified bid(s) lack scores from ${before.minEvaluators} evaluator(s)`,
        missing.map((m) => ({
          pointer: '#',
          detail: `Bid ${m.bidId} has scores from ${m.evaluators} evaluator(s)`,
        })),
      );
    const at = nowIso();
    const { item } = await commit({
      aggregate: { type: 'tender', id: before.id },
      entityId: before.entityId,
      before: { ...before, version: body.version },
      after: tenderItem({ ...withoutKeys(before), rankingRequestedAt: at, updatedAt: at }),
      actor: principal,
      action: 'tender.ranking-requested',
      change: { rankingRequestedAt: at },
    });
    await completeStep(before.id, 'evaluation', { rankingRequestedAt: at });
    return { status: 202, body: view(item as TenderItem) };
  },

  getRanking: async ({ principal, params }) => {
    const tender = await load(principal, params.tenderId, 'ranking:read');
    const rankings = tender.rankedAt ? await listRankings(tender.id) : [];
    return {
      body: {
        tenderId: tender.id,
        ...(tender.rankedAt ? { rankedAt: tender.rankedAt } : {}),
        lots: rankings.map((r) => ({
          lotId: r.lotId,
          status: r.status,
          ...(r.reason ? { reason: r.reason } : {}),
          ranking: r.ranking,
        })),
      },
    };
  },

  approveAward: async ({ principal, params, body }) => {
    const before = await load(principal, params.tenderId, 'award:approve');
    if ((before.status === 'standstill' || before.status === 'unsuccessful') && before.award) {
      await completeStep(before.id, 'award', { revision: before.award.revision });
      return { body: awardView(before) };
    }
    if (before.status !== 'evaluation' || !before.rankedAt || !before.rankingRequestedAt)
      throw stateProblem(`Tender ${before.id} has no ranking to decide on (status ${before.status})`);
    const decision = buildAwardDecision(
      before,
      await listRankings(before.id),
      { sub: principal.sub, name: principal.name },
      now(),
    );
    const anyAwarded = decision.lots.some((l) => l.status === 'awarded');
    const at = nowIso();
    const lotOutcomes = { ...before.lotOutcomes };
    if (!anyAwarded)
      for (const l of decision.lots)
        lotOutcomes[l.lotId] = { status: 'unsuccessful', reason: l.reason ?? 'Not awarded', at };
    const { item } = await commit({
      aggregate: { type: 'tender', id: before.id },
      entityId: before.entityId,
      before: { ...before, version: body.version },
      after: tenderItem({
        ...withoutKeys(before),
        award: decision,
        lotOutcomes,
        updatedAt: at,
        ...(anyAwarded
          ? { status: 'standstill' as const }
          : { status: 'unsuccessful' as const, unsuccessfulReason: 'No lot could be awarded' }),
      }),
      actor: principal,
      action: 'tender.award-approved',
      change: {
        status: { from: 'evaluation', to: anyAwarded ? 'standstill' : 'unsuccessful' },
        award: decision,
      },
    });
    await completeStep(before.id, 'award', { revision: decision.revision });
    return { body: awardView(item as TenderItem) };
  },

  getAward: async ({ principal, params }) => {
    const tender = await load(principal, params.tenderId, 'award:read');
    const decision = tender.award;
    const current = decision && tender.status !== 'evaluation' && tender.status !== 'cancelled';
    const announced = current && tender.awardPublishedRevision === decision.revision;
    if (!current || (!isOwnEntity(principal, tender) && !announced))
      throw notFound('Award decision of tender', tender.id);
    if (principal.role !== 'supplier') return { body: awardView(tender) };
    const [bids, rankings] = await Promise.all([listBids(tender.id), listRankings(tender.id)]);
    const yourResults = bidderResults(decision, rankings, bids).filter(
      (r) => r.supplierId === principal.supplierId,
    );
    return { body: { ...awardView(tender), yourResults } };
  },

  reviseAward: async ({ principal, params, body }) => {
    const before = await load(principal, params.tenderId, 'award:revise');
    const revisable = before.status === 'standstill' || (before.status === 'evaluation' && before.rankedAt);
    if (!revisable) {
      throw before.status === 'evaluation' && before.rankingRequestedAt
        ? conflict('The lots are being ranked right now; revise once the ranking is there')
        : stateProblem(`Tender ${before.id} is ${before.status}; there is no ranking or award to revise`);
    }
    const at = nowIso();
    const { rankingRequestedAt: _r, rankedAt: _k, ...rest } = withoutKeys(before);
    const { item } = await commit({
      aggregate: { type: 'tender', id: before.id },
      entityId: before.entityId,
      before: { ...before, version: body.version },
      after: tenderItem({ ...rest, status: 'evaluation', updatedAt: at }),
      actor: principal,
      action: 'tender.award-revised',
      reason: body.reason,
      change: {
        status: { from: before.status, to: 'evaluation' },
        withdrawnRevision: before.award?.revision ?? null,
      },
    });
    await failWaitingSteps(before.id, 'AwardRevised', body.reason, ['award', 'standstill']);
    if (before.award && before.awardPublishedRevision === before.award.revision) {
      const bidders = (await listBids(before.id)).filter(isValidBid).map((b) => b.supplierId);
      await publishAfterCommit('Tender.AwardRevised', {
        tenderId: before.id,
        entityId: before.entityId,
        title: before.title,
        revision: before.award?.revision ?? 0,
        reason: body.reason,
        supplierIds: [...new Set(bidders)].sort(),
      });
    }
    return { body: view(item as TenderItem) };
  },
});
