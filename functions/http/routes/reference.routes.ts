/** Reference data routes and supplier management. */
import * as z from 'zod/mini';
import { versionSchema } from '../../domain/limits.ts';
import { REFERENCE_ID } from '../../domain/managed-reference.ts';
import { companySizes, NUTS } from '../../domain/suppliers.ts';
import { pageOf, pageQueryShape } from '../pagination.ts';
import { defineRoutes } from '../route.ts';

const list = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item) });
/** What a managed item (added by an entity's officers) carries beside its names. */
const managedShape = {
  managed: z.optional(z.literal(true)),
  entityId: z.optional(z.string()),
  createdAt: z.optional(z.string()),
  updatedAt: z.optional(z.string()),
  version: z.optional(z.number()),
};
const term = z.object({
  id: z.string(),
  name: z.string(),
  english: z.string(),
  danish: z.optional(z.string()),
});
const volumeUnit = z.object({ ...term.shape, ...managedShape });
const serviceArea = z.object({
  id: z.string(),
  name: z.string(),
  english: z.string(),
  language: z.string(),
  ...managedShape,
});
const hospitalArea = z.object({ id: z.string(), name: z.string(), ...managedShape, entityId: z.string() });

const referenceId = z
  .string()
  .check(z.regex(REFERENCE_ID, 'Lower-case letters, digits and "-", at most 63 characters'));
const referenceName = z.string().check(z.trim(), z.minLength(1), z.maxLength(120));
/** POST bodies: the id is made from the name when left out. */
export const createVolumeUnitBody = z.strictObject({
  id: z.optional(referenceId),
  name: referenceName,
  english: referenceName,
  danish: z.optional(referenceName),
});
export const createServiceAreaBody = z.strictObject({
  id: z.optional(referenceId),
  name: referenceName,
  english: referenceName,
});
export const createHospitalAreaBody = z.strictObject({ id: z.optional(referenceId), name: referenceName });
export const patchVolumeUnitBody = z.strictObject({
  version: versionSchema,
  name: z.optional(referenceName),
  english: z.optional(referenceName),
  danish: z.optional(referenceName),
});
export const patchServiceAreaBody = z.strictObject({
  version: versionSchema,
  name: z.optional(referenceName),
  english: z.optional(referenceName),
});
export const patchHospitalAreaBody = z.strictObject({
  version: versionSchema,
  name: z.optional(referenceName),
});
const idParams = z.strictObject({ id: referenceId });

const site = z.strictObject({
  hospitalAreaId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  place: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  address: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(300))),
});

const postalAddress = z.strictObject({
  street: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  postalCode: z
    .string()
    .check(z.trim(), z.regex(/^\d{4}$/, 'A Norwegian or Danish postal code has 4 digits')),
  city: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  nuts: z
    .string()
    .check(
      z.regex(NUTS, 'A NUTS code: the country (NO, DK), then 1-3 digits or capitals, e.g. NO081'),
      z.meta({ description: 'NUTS 3 region of the address (eForms BT-507), e.g. NO081 for Oslo' }),
    ),
});
const companySize = z.enum(companySizes).check(
  z.meta({
    description: 'Company size (eForms BT-165): award notices count bids from SMEs and large companies',
  }),
);

const supplierFields = {
  name: z.string().check(z.trim(), z.minLength(2), z.maxLength(200)),
  organisationNumber: z.optional(
    z.string().check(z.regex(/^\d{8,9}$/, 'Digits only: 9 for Norway, 8 for Denmark')),
  ),
  country: z.enum(['NO', 'DK']),
  kind: z._default(z.enum(['ideell', 'kommersiell', 'unknown']), 'unknown'),
  deliverySites: z._default(z.array(site).check(z.maxLength(100)), []),
  postalAddress: z.optional(postalAddress),
  size: z.optional(companySize),
};

export const createSupplierBody = z.strictObject(supplierFields);
export const patchSupplierBody = z.strictObject({
  version: versionSchema,
  name: z.optional(supplierFields.name),
  organisationNumber: supplierFields.organisationNumber,
  kind: z.optional(z.enum(['ideell', 'kommersiell', 'unknown'])),
  deliverySites: z.optional(z.array(site).check(z.maxLength(100))),
  postalAddress: z.optional(postalAddress),
  size: z.optional(companySize),
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
  postalAddress: z.optional(
    z.object({
      street: z.optional(z.string()),
      postalCode: z.string(),
      city: z.string(),
      nuts: z.string(),
    }),
  ),
  size: z.optional(z.enum(companySizes)),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});

const entityIdQuery = z.string().check(z.maxLength(64));
/**
 * GET /reference/hospital-areas: `entityId`, as every other route names a procuring entity; `entity`
 * is its older spelling, still read (both given must agree).
 */
export const hospitalAreasQuery = z
  .strictObject({
    entityId: z.optional(
      entityIdQuery.check(z.meta({ description: 'Only the hospital areas of this procuring entity' })),
    ),
    entity: z.optional(
      entityIdQuery.check(
        z.meta({ description: 'The older spelling of entityId; use entityId', deprecated: true }),
      ),
    ),
  })
  .check(
    z.refine((q) => !q.entityId || !q.entity || q.entityId === q.entity, {
      message: 'entity is the older spelling of entityId: give one of them, or the same entity in both',
      path: ['entity'],
    }),
  );

const supplierParams = z.strictObject({
  supplierId: z
    .string()
    .check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'A supplier id: lower-case letters, digits and "-"')),
});

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
    query: hospitalAreasQuery,
    responses: {
      200: {
        description: 'Hospital areas',
        schema: list(hospitalArea),
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
        schema: list(serviceArea),
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
    responses: {
      200: { description: 'Volume units', schema: list(volumeUnit) },
    },
  },
  createServiceArea: {
    method: 'POST',
    path: '/reference/service-areas',
    tag: 'Reference data',
    summary: 'Add a service area of your entity (officers)',
    action: 'reference:manage',
    body: createServiceAreaBody,
    idempotent: true,
    responses: {
      201: { description: 'The service area', schema: serviceArea },
    },
    problems: [413, 415, 422],
  },
  updateServiceArea: {
    method: 'PATCH',
    path: '/reference/service-areas/{id}',
    tag: 'Reference data',
    summary: 'Rename a service area of your entity (officers)',
    action: 'reference:manage',
    params: idParams,
    body: patchServiceAreaBody,
    responses: {
      200: {
        description: 'The service area with its new version',
        schema: serviceArea,
      },
    },
    problems: [403, 404, 409, 413, 415, 422],
  },
  createVolumeUnit: {
    method: 'POST',
    path: '/reference/volume-units',
    tag: 'Reference data',
    summary: 'Add a volume unit of your entity (officers)',
    action: 'reference:manage',
    body: createVolumeUnitBody,
    idempotent: true,
    responses: {
      201: { description: 'The volume unit', schema: volumeUnit },
    },
    problems: [413, 415, 422],
  },
  updateVolumeUnit: {
    method: 'PATCH',
    path: '/reference/volume-units/{id}',
    tag: 'Reference data',
    summary: 'Rename a volume unit of your entity (officers)',
    action: 'reference:manage',
    params: idParams,
    body: patchVolumeUnitBody,
    responses: {
      200: {
        description: 'The volume unit with its new version',
        schema: volumeUnit,
      },
    },
    problems: [403, 404, 409, 413, 415, 422],
  },
  createHospitalArea: {
    method: 'POST',
    path: '/reference/hospital-areas',
    tag: 'Reference data',
    summary: 'Add a hospital area of your entity (officers)',
    action: 'reference:manage',
    body: createHospitalAreaBody,
    idempotent: true,
    responses: {
      201: { description: 'The hospital area', schema: hospitalArea },
    },
    problems: [413, 415, 422],
  },
  updateHospitalArea: {
    method: 'PATCH',
    path: '/reference/hospital-areas/{id}',
    tag: 'Reference data',
    summary: 'Rename a hospital area of your entity (officers)',
    action: 'reference:manage',
    params: idParams,
    body: patchHospitalAreaBody,
    responses: {
      200: {
        description: 'The hospital area with its new version',
        schema: hospitalArea,
      },
    },
    problems: [403, 404, 409, 413, 415, 422],
  },
  listSuppliers: {
    method: 'GET',
    path: '/reference/suppliers',
    tag: 'Suppliers',
    summary: 'Suppliers, by name',
    action: 'reference:read',
    query: z.strictObject(pageQueryShape),
    responses: {
      200: {
        description: 'A page of suppliers',
        schema: pageOf(supplierSchema),
      },
    },
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
    responses: {
      201: { description: 'The supplier', schema: supplierSchema },
    },
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
    responses: {
      200: {
        description: 'The supplier with its new version',
        schema: supplierSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
});
