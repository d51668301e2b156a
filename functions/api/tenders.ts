/** HTTP handler for the tender routes (functions/api/tenders.routes.ts). Rules live in domain/tender.ts. */
import type { Principal } from '../commons/auth.ts';
import { authorize, canSee } from '../commons/auth.ts';
import { now, nowIso } from '../commons/clock.ts';
import { notFound, Problem, ruleProblem, stateProblem } from '../commons/errors.ts';
import { httpHandler } from '../commons/http.ts';
import { createIdempotently } from '../commons/idempotency.ts';
import { newId } from '../commons/ids.ts';
import { log } from '../commons/log.ts';
import { commit, withoutKeys } from '../commons/store.ts';
import { executionArnFor, readExecution, startWorkflow } from '../commons/workflows.ts';
import { referenceLookups } from '../domain/reference-lookups.ts';
import {
  completeContent,
  diff,
  isPublic,
  type Tender,
  type TenderContent,
  tenderContentProblems,
  tenderContentSchema,
} from '../domain/tender.ts';
import {
  getTender,
  listEntityTenders,
  listPublishedTenders,
  type TenderItem,
  tenderItem,
} from '../store/tenders.ts';
import { tenderRoutes } from './tenders.routes.ts';

const view = (item: TenderItem) => withoutKeys(item);

const resource = (t: Pick<Tender, 'id' | 'entityId' | 'status'>) => ({
  kind: 'Tender',
  id: t.id,
  entityId: t.entityId,
  public: isPublic(t),
});

const load = async (principal: Principal, tenderId: string, action: Parameters<typeof authorize>[1]) => {
  const tender = await getTender(tenderId);
  if (!tender) throw notFound('Tender', tenderId);
  authorize(principal, action, resource(tender));
  return tender;
};

const assertRules = (content: TenderContent, entityId: string) => {
  const problems = tenderContentProblems(content, entityId, now(), referenceLookups);
  if (problems.length > 0) {
    throw ruleProblem(
      `The tender breaks ${problems.length === 1 ? 'a rule' : `${problems.length} rules`}: ${problems[0]?.detail}`,
      problems,
    );
  }
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
});
