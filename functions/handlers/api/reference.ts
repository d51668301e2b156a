/** HTTP handler for reference data and suppliers (functions/http/routes/reference.routes.ts). */

import { commit, withoutKeys } from '../../adapters/store.ts';
import type { Principal } from '../../domain/actors.ts';
import {
  editReference,
  type ManagedReference,
  newReference,
  type ReferenceDraft,
  type ReferenceKind,
  referenceKindNames,
} from '../../domain/managed-reference.ts';
import { entities, formsOfCare, hospitalTrusts } from '../../domain/reference-data.ts';
import { managedEntry, type ReferenceCatalogue } from '../../domain/reference-lookups.ts';
import type { ProblemItem } from '../../domain/refusal.ts';
import { type Supplier, supplierIdFromName, supplierProblems } from '../../domain/suppliers.ts';
import { authorize } from '../../http/auth.ts';
import { notFound, ruleProblem } from '../../http/errors.ts';
import { type HttpRequest, httpHandler } from '../../http/http.ts';
import { createIdempotently } from '../../http/idempotency.ts';
import { referenceRoutes } from '../../http/routes/reference.routes.ts';
import {
  getReference,
  loadReferenceCatalogue,
  managedReferences,
  type ReferenceItem,
  referenceItem,
} from '../../services/store/reference.ts';
import {
  getSupplier,
  listSuppliers,
  type SupplierItem,
  supplierItem,
} from '../../services/store/suppliers.ts';
import { nowIso } from '../../shared/clock.ts';

const assertSupplier = (s: Parameters<typeof supplierProblems>[0], ref: ReferenceCatalogue) => {
  const problems = supplierProblems(s, ref);
  if (problems.length) throw ruleProblem(`The supplier breaks a rule: ${problems[0]?.detail}`, problems);
};

const view = (item: SupplierItem) => withoutKeys(item);

/** The managed item a caller may edit: 404 for none (the release's own are not edited), 403 for another entity's. */
const editable = async (principal: Principal, kind: ReferenceKind, id: string) => {
  const item = await getReference(kind, id);
  if (!item)
    throw notFound(
      referenceKindNames[kind].one.replace(/^./, (c) => c.toUpperCase()),
      id,
    );
  authorize(principal, 'reference:manage', {
    kind: referenceKindNames[kind].one,
    id,
    entityId: item.entityId,
    public: true,
  });
  return item;
};

const refused = (kind: ReferenceKind, problems: ProblemItem[]) =>
  ruleProblem(`The ${referenceKindNames[kind].one} breaks a rule: ${problems[0]?.detail}`, problems);

/** An officer adds a service area, volume unit or hospital area of their entity. */
const createReference = (kind: ReferenceKind, req: HttpRequest) =>
  createIdempotently(req, async (remember) => {
    const principal = req.principal as Principal;
    const entityId = principal.entityId as string;
    const draft = req.body as ReferenceDraft;
    const made = newReference(kind, entityId, draft, nowIso(), await managedReferences());
    if ('problems' in made) throw refused(kind, made.problems);
    const result = {
      status: 201,
      body: managedEntry({ ...made.item, version: 1 }),
      headers: { location: `${referenceKindNames[kind].list}/${made.item.id}` },
    };
    await commit({
      aggregate: { type: 'reference', id: `${kind}:${made.item.id}` },
      entityId,
      before: undefined,
      after: referenceItem(made.item),
      actor: principal,
      action: `reference.${kind}.created`,
      change: draft,
      at: made.item.createdAt,
      extra: remember(result),
    });
    return result;
  });

/** An officer renames a managed item of their entity. */
const updateReference = async (
  kind: ReferenceKind,
  principal: Principal,
  id: string,
  { version, ...changes }: { version: number } & Partial<Pick<ReferenceDraft, 'name' | 'english' | 'danish'>>,
) => {
  const before = await editable(principal, kind, id);
  const edited = editReference(withoutKeys(before) as Omit<ManagedReference, 'version'>, changes, nowIso());
  if ('problems' in edited) throw refused(kind, edited.problems);
  const { item } = await commit({
    aggregate: { type: 'reference', id: `${kind}:${id}` },
    entityId: before.entityId,
    before: { ...before, version },
    after: referenceItem(edited.item),
    actor: principal,
    action: `reference.${kind}.updated`,
    change: changes,
    at: edited.item.updatedAt,
  });
  const stored = item as ReferenceItem;
  return { body: managedEntry(stored), headers: { etag: `"${stored.version}"` } };
};

export const handler = httpHandler(referenceRoutes, {
  listEntities: async () => ({ body: { items: entities } }),
  listHospitalAreas: async ({ query }) => {
    // `entity` is the deprecated spelling of `entityId` (the route refuses the two disagreeing).
    const entityId = query.entityId ?? query.entity;
    const areas = (await loadReferenceCatalogue()).hospitalAreas();
    return { body: { items: areas.filter((a) => !entityId || a.entityId === entityId) } };
  },
  listHospitalTrusts: async () => ({ body: { items: hospitalTrusts } }),
  listServiceAreas: async () => ({ body: { items: (await loadReferenceCatalogue()).serviceAreas() } }),
  listFormsOfCare: async () => ({ body: { items: formsOfCare } }),
  listVolumeUnits: async () => ({ body: { items: (await loadReferenceCatalogue()).volumeUnits() } }),

  createServiceArea: (req) => createReference('service-area', req),
  createVolumeUnit: (req) => createReference('volume-unit', req),
  createHospitalArea: (req) => createReference('hospital-area', req),
  updateServiceArea: ({ principal, params, body }) =>
    updateReference('service-area', principal, params.id, body),
  updateVolumeUnit: ({ principal, params, body }) =>
    updateReference('volume-unit', principal, params.id, body),
  updateHospitalArea: ({ principal, params, body }) =>
    updateReference('hospital-area', principal, params.id, body),

  listSuppliers: async ({ query }) => {
    const page = await listSuppliers(query.limit ?? 50, query.cursor);
    return {
      body: { items: page.items.map(view), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
    };
  },

  getSupplier: async ({ params }) => {
    const supplier = await getSupplier(params.supplierId);
    if (!supplier) throw notFound('Supplier', params.supplierId);
    return { body: view(supplier), headers: { etag: `"${supplier.version}"` } };
  },

  createSupplier: (req) =>
    createIdempotently(req, async (remember) => {
      const at = nowIso();
      const supplier: Omit<Supplier, 'version'> = {
        id: supplierIdFromName(req.body.name),
        ...req.body,
        createdAt: at,
        updatedAt: at,
      };
      assertSupplier(supplier, await loadReferenceCatalogue());
      const result = {
        status: 201,
        body: { ...supplier, version: 1 },
        headers: { location: `/reference/suppliers/${supplier.id}` },
      };
      await commit({
        aggregate: { type: 'supplier', id: supplier.id },
        entityId: 'global',
        before: undefined,
        after: supplierItem(supplier),
        actor: req.principal,
        action: 'supplier.created',
        change: req.body,
        extra: remember(result),
      });
      return result;
    }),

  updateSupplier: async ({ principal, params, body }) => {
    const before = await getSupplier(params.supplierId);
    if (!before) throw notFound('Supplier', params.supplierId);
    const { version, ...changes } = body;
    const after: Omit<Supplier, 'version'> = { ...withoutKeys(before), ...changes, updatedAt: nowIso() };
    assertSupplier(after, await loadReferenceCatalogue());
    const { item } = await commit({
      aggregate: { type: 'supplier', id: before.id },
      entityId: 'global',
      before: { ...before, version },
      after: supplierItem(after),
      actor: principal,
      action: 'supplier.updated',
      change: changes,
    });
    return { body: view(item as SupplierItem), headers: { etag: `"${item.version}"` } };
  },
});
