/**
 * HTTP handler for the tender routes (functions/http/routes/tenders.routes.ts): parse, authorise, load,
 * decide with domain/tender-lifecycle.ts (whose refusals commons/http.ts maps to problems), commit,
 * answer. Rules live in domain/tender.ts and domain/tender-lifecycle.ts.
 */

import { executionArnFor, readExecution, startWorkflow } from '../../adapters/step-functions.ts';
import { commit, commitAll, MAX_AGGREGATES_PER_COMMIT, withoutKeys } from '../../adapters/store.ts';
import { outboxEvent } from '../../contracts/outbox.ts';
import { replacesField } from '../../domain/agreement.ts';
import { assertContractNoticeAccepted, noticeIdFor } from '../../domain/eforms/publication.ts';
import { bidderResults } from '../../domain/evaluation.ts';
import type { Tender } from '../../domain/tender.ts';
import {
  announce,
  approveAward,
  awardRevisedEvent,
  cancel,
  cancelledEvent,
  changeMaterially,
  createDraft,
  editDraft,
  extendDeadline,
  requestRanking,
  reviseAward,
} from '../../domain/tender-lifecycle.ts';
import { canSee } from '../../http/auth.ts';
import { notFound, Problem } from '../../http/errors.ts';
import { httpHandler } from '../../http/http.ts';
import { createIdempotently } from '../../http/idempotency.ts';
import { tenderRoutes } from '../../http/routes/tenders.routes.ts';
import { getNotice } from '../../services/store/notices.ts';
import { loadReferenceCatalogue } from '../../services/store/reference.ts';
import {
  bidInvalidation,
  listBids,
  listEntityTenders,
  listPublishedTenders,
  listRankings,
  listScores,
  type TenderItem,
  tenderItem,
  tenderTransition,
} from '../../services/store/tenders.ts';
import { completeStep, failWaitingSteps } from '../../services/workflow/tender-steps.ts';
import { now } from '../../shared/clock.ts';
import { newId } from '../../shared/ids.ts';
import { log } from '../../shared/log.ts';
import { assertRegisteredSupplier, isOwnEntity, loadTender, tenderResource } from './tender-access.ts';

/** The award decision is read through GET /tenders/{id}/award, where its publication is respected. */
const view = (item: TenderItem) => {
  const { award: _a, awardPublishedRevision: _p, ...rest } = withoutKeys(item);
  return rest;
};

const resource = tenderResource;
const load = loadTender;

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

export const handler = httpHandler(tenderRoutes, {
  createTender: (req) =>
    createIdempotently(req, async (remember) => {
      const principal = req.principal;
      const entityId = principal.entityId as string;
      const created = createDraft(req.body, {
        id: newId('tnd'),
        entityId,
        by: { sub: principal.sub, name: principal.name },
        now: now(),
        ref: await loadReferenceCatalogue(),
      });
      const tender = created.after;
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
        action: created.action,
        change: created.change,
        extra: remember(result),
      });
      return result;
    }),

  listTenders: async (req) => {
    const { principal, query } = req;
    await assertRegisteredSupplier(principal);
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
    const { version, ...changes } = body;
    const edited = editDraft(withoutKeys(before), changes, now(), await loadReferenceCatalogue());
    const { item } = await commit(tenderTransition(before, edited, principal, { version: version }));
    return { body: view(item as TenderItem), headers: { etag: `"${item.version}"` } };
  },

  announceTender: async (req) => {
    const { principal, params, body } = req;
    const before = await load(principal, params.tenderId, 'tender:announce');
    const executionArn = executionArnFor('tenderLifecycle', before.id);
    let current = before;
    // An officer may require Doffin to have accepted the contract notice first (made from this version).
    if (before.status === 'draft' && before.requireAcceptedNotice)
      assertContractNoticeAccepted(before, await getNotice(before.id, noticeIdFor(before.id, 'contract')));
    const announced = announce(withoutKeys(before), now(), await loadReferenceCatalogue(), executionArn);
    if (announced) {
      const { item } = await commit(
        tenderTransition(before, announced, principal, { version: body.version, executionArn }),
      );
      current = item as TenderItem;
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
    const extended = extendDeadline(
      withoutKeys(before),
      body.bidDeadline,
      now(),
      await loadReferenceCatalogue(),
      body.reason,
    );
    const { event, ...transition } = extended;
    const { item } = await commit({
      ...tenderTransition(before, transition, principal, { version: body.version }),
      events: [outboxEvent('Tender.DeadlineExtended', event)],
    });
    return { body: view(item as TenderItem) };
  },

  changeTender: async ({ principal, params, body }) => {
    const before = await load(principal, params.tenderId, 'tender:change');
    const { version, reason, ...changes } = body;
    const bids = before.status === 'tendering' ? await listBids(before.id) : [];
    const changed = changeMaterially(
      withoutKeys(before),
      changes,
      reason,
      bids,
      now(),
      await loadReferenceCatalogue(),
      MAX_AGGREGATES_PER_COMMIT - 1,
    );
    const results = await commitAll([
      {
        ...tenderTransition(before, changed, principal, { version }),
        ...(changed.event ? { events: [outboxEvent('Tender.BidsInvalidated', changed.event)] } : {}),
      },
      ...changed.invalidated.map((invalidated) => bidInvalidation(invalidated, principal)),
    ]);
    return {
      body: {
        tender: view(results[0]?.item as TenderItem),
        invalidatedBids: changed.invalidated.length,
        affectedLotIds: changed.affectedLotIds,
      },
    };
  },

  cancelTender: async ({ principal, params, body }) => {
    const before = await load(principal, params.tenderId, 'tender:cancel');
    const cancelled = cancel(
      withoutKeys(before),
      { lotIds: body.lotIds, reason: body.reason, by: { sub: principal.sub, name: principal.name } },
      now(),
    );
    // The bidders to tell are read before the commit, as their notice is written with it (none for a draft).
    const event =
      before.status !== 'draft'
        ? cancelledEvent(
            withoutKeys(before),
            { ...cancelled, reason: body.reason },
            await listBids(before.id),
          )
        : undefined;
    // A successor tender says which agreements under notice it was to replace; cancelled as a draft
    // too, its officers hear of it (the agreements run out without a successor).
    const replaces = replacesField(before);
    const told =
      event ??
      (replaces.replacesAgreementIds && cancelled.wholeTender
        ? {
            tenderId: before.id,
            entityId: before.entityId,
            title: before.title,
            reason: body.reason,
            lotIds: cancelled.lotIds,
            wholeTender: true,
            supplierIds: [],
          }
        : undefined);
    const { item } = await commit({
      ...tenderTransition(before, cancelled, principal, { version: body.version }),
      ...(told ? { events: [outboxEvent('Tender.Cancelled', { ...told, ...replaces })] } : {}),
    });
    if (cancelled.wholeTender && before.status !== 'draft')
      await failWaitingSteps(before.id, 'TenderCancelled', body.reason);
    return { body: view(item as TenderItem) };
  },

  requestRanking: async ({ principal, params, body }) => {
    const before = await load(principal, params.tenderId, 'ranking:request');
    const inEvaluation = before.status === 'evaluation' && !before.rankingRequestedAt;
    const [bids, scores] = inEvaluation
      ? await Promise.all([listBids(before.id), listScores(before.id)])
      : [[], []];
    const requested = requestRanking(withoutKeys(before), bids, scores, now());
    if (!requested.requested) {
      await completeStep(before.id, 'evaluation', { rankingRequestedAt: requested.rankingRequestedAt });
      return { status: 202, body: view(before) };
    }
    const { item } = await commit(tenderTransition(before, requested, principal, { version: body.version }));
    const rankingRequestedAt = requested.after.rankingRequestedAt as string;
    await completeStep(before.id, 'evaluation', { rankingRequestedAt });
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
    const decidable = before.status === 'evaluation' && before.rankedAt && before.rankingRequestedAt;
    const rankings = decidable ? await listRankings(before.id) : [];
    const approved = approveAward(
      withoutKeys(before),
      rankings,
      { sub: principal.sub, name: principal.name },
      now(),
    );
    if (!approved.approved) {
      await completeStep(before.id, 'award', { revision: approved.revision });
      return { body: awardView(before) };
    }
    const { item } = await commit(tenderTransition(before, approved, principal, { version: body.version }));
    await completeStep(before.id, 'award', { revision: approved.revision });
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
    const revised = reviseAward(withoutKeys(before), body.reason, now());
    const events = revised.notifyBidders
      ? [
          outboxEvent(
            'Tender.AwardRevised',
            awardRevisedEvent(withoutKeys(before), body.reason, await listBids(before.id)),
          ),
        ]
      : [];
    const { item } = await commit({
      ...tenderTransition(before, revised, principal, { version: body.version }),
      events,
    });
    await failWaitingSteps(before.id, 'AwardRevised', body.reason, ['award', 'standstill']);
    return { body: view(item as TenderItem) };
  },
});
