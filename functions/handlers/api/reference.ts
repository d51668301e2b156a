/** HTTP handler for reference data and suppliers (functions/http/routes/reference.routes.ts). */

import { commit, withoutKeys } from '../../adapters/store.ts';
import {
  entities,
  formsOfCare,
  hospitalAreas,
  hospitalTrusts,
  serviceAreas,
  volumeUnits,
} from '../../domain/reference-data.ts';
import { type Supplier, supplierIdFromName, supplierProblems } from '../../domain/suppliers.ts';
import { notFound, ruleProblem } from '../../http/errors.ts';
import { httpHandler } from '../../http/http.ts';
import { createIdempotently } from '../../http/idempotency.ts';
import { referenceRoutes } from '../../http/routes/reference.routes.ts';
import {
  getSupplier,
  listSuppliers,
  type SupplierItem,
  supplierItem,
} from '../../services/store/suppliers.ts';
import { nowIso } from '../../shared/clock.ts';

const assertSupplier = (s: Parameters<typeof supplierProblems>[0]) => {
  const problems = supplierProblems(s);
  if (problems.length) throw ruleProblem(`The supplier breaks a rule: ${problems[0]?.detail}`, problems);
};

const view = (item: SupplierItem) => withoutKeys(item);

export const handler = httpHandler(referenceRoutes, {
  listEntities: async () => ({ body: { items: entities } }),
  listHospitalAreas: async ({ query }) => {
    // `entity` is the deprecated spelling of `entityId` (the route refuses the two disagreeing).
    const entityId = query.entityId ?? query.entity;
    return { body: { items: hospitalAreas.filter((a) => !entityId || a.entityId === entityId) } };
  },
  listHospitalTrusts: async () => ({ body: { items: hospitalTrusts } }),
  listServiceAreas: async () => ({ body: { items: serviceAreas } }),
  listFormsOfCare: async () => ({ body: { items: formsOfCare } }),
  listVolumeUnits: async () => ({ body: { items: volumeUnits } }),

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
      assertSupplier(supplier);
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
    assertSupplier(after);
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
