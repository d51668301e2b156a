/** Reference data routes and supplier management. */
import * as z from 'zod/mini';
import { versionSchema } from '../../domain/limits.ts';
import { pageOf, pageQueryShape } from '../pagination.ts';
import { defineRoutes } from '../route.ts';

const list = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item) });
const term = z.object({
  id: z.string(),
  name: z.string(),
  english: z.string(),
  danish: z.optional(z.string()),
});

const site = z.strictObject({
  hospitalAreaId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  place: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  address: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(300))),
});

const supplierFields = {
  name: z.string().check(z.trim(), z.minLength(2), z.maxLength(200)),
  organisationNumber: z.optional(
    z.string().check(z.regex(/^\d{8,9}$/, 'Digits only: 9 for Norway, 8 for Denmark')),
  ),
  country: z.enum(['NO', 'DK']),
  kind: z._default(z.enum(['ideell', 'kommersiell', 'unknown']), 'unknown'),
  deliverySites: z._default(z.array(site).check(z.maxLength(100)), []),
};

export const createSupplierBody = z.strictObject(supplierFields);
export const patchSupplierBody = z.strictObject({
  version: versionSchema,
  name: z.optional(supplierFields.name),
  organisationNumber: z.optional(z.string().check(z.regex(/^\d{8,9}$/))),
  kind: z.optional(z.enum(['ideell', 'kommersiell', 'unknown'])),
  deliverySites: z.optional(z.array(site).check(z.maxLength(100))),
});

export const supplierSchema = z.object({
  id: z.string(),
  name: z.string(),
  organisationNumber: z.optional(z.string()),
  country: z.enum(['NO', 'DK']),
  kind: z.enum(['ideell', 'kommersiell', 'unknown']),
  deliverySites: z.array(
    z.object({ hospitalAreaId: z.optional(z.string()), place: z.string(), address: z.optional(z.string()) }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});

const supplierParams = z.strictObject({ supplierId: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)) });

export const referenceRoutes = defineRoutes('referenceApi', {
  listEntities: {
    method: 'GET',
    path: '/reference/entities',
    tag: 'Reference data',
    summary: 'Procuring entities (the tenants)',
    action: 'reference:read',
    responses: {
      200: {
        description: 'All procuring entities',
        schema: list(
          z.object({
            id: z.string(),
            name: z.string(),
            country: z.string(),
            currency: z.string(),
            language: z.string(),
          }),
        ),
      },
    },
  },
  listHospitalAreas: {
    method: 'GET',
    path: '/reference/hospital-areas',
    tag: 'Reference data',
    summary: 'Hospital areas (sykehusområder), optionally of one entity',
    action: 'reference:read',
    query: z.strictObject({ entity: z.optional(z.string().check(z.maxLength(64))) }),
    responses: {
      200: {
        description: 'Hospital areas',
        schema: list(z.object({ id: z.string(), name: z.string(), entityId: z.string() })),
      },
    },
  },
  listHospitalTrusts: {
    method: 'GET',
    path: '/reference/hospital-trusts',
    tag: 'Reference data',
    summary: 'Hospital trusts (helseforetak) and the hospital areas of their catchment areas',
    action: 'reference:read',
    responses: {
      200: {
        description: 'Hospital trusts',
        schema: list(
          z.object({
            id: z.string(),
            name: z.string(),
            entityId: z.string(),
            catchmentAreaIds: z.array(z.string()),
          }),
        ),
      },
    },
  },
  listServiceAreas: {
    method: 'GET',
    path: '/reference/service-areas',
    tag: 'Reference data',
    summary: 'Service areas (fagområder, specialer)',
    action: 'reference:read',
    responses: {
      200: {
        description: 'Service areas',
        schema: list(
          z.object({ id: z.string(), name: z.string(), english: z.string(), language: z.string() }),
        ),
      },
    },
  },
  listFormsOfCare: {
    method: 'GET',
    path: '/reference/forms-of-care',
    tag: 'Reference data',
    summary: 'Forms of care (tjenesteform)',
    action: 'reference:read',
    responses: { 200: { description: 'Forms of care', schema: list(term) } },
  },
  listVolumeUnits: {
    method: 'GET',
    path: '/reference/volume-units',
    tag: 'Reference data',
    summary: 'Volume units',
    action: 'reference:read',
    responses: { 200: { description: 'Volume units', schema: list(term) } },
  },
  listSuppliers: {
    method: 'GET',
    path: '/reference/suppliers',
    tag: 'Suppliers',
    summary: 'Suppliers, by name',
    action: 'reference:read',
    query: z.strictObject(pageQueryShape),
    responses: { 200: { description: 'A page of suppliers', schema: pageOf(supplierSchema) } },
  },
  getSupplier: {
    method: 'GET',
    path: '/reference/suppliers/{supplierId}',
    tag: 'Suppliers',
    summary: 'One supplier with its delivery sites',
    action: 'reference:read',
    params: supplierParams,
    responses: { 200: { description: 'The supplier', schema: supplierSchema } },
    problems: [404],
  },
  createSupplier: {
    method: 'POST',
    path: '/reference/suppliers',
    tag: 'Suppliers',
    summary: 'Register a supplier (officers)',
    action: 'supplier:create',
    body: createSupplierBody,
    idempotent: true,
    responses: { 201: { description: 'The supplier', schema: supplierSchema } },
    problems: [409, 413, 415, 422],
  },
  updateSupplier: {
    method: 'PATCH',
    path: '/reference/suppliers/{supplierId}',
    tag: 'Suppliers',
    summary: 'Edit a supplier (officers)',
    action: 'supplier:update',
    params: supplierParams,
    body: patchSupplierBody,
    responses: { 200: { description: 'The supplier with its new version', schema: supplierSchema } },
    problems: [404, 409, 413, 415, 422],
  },
});
