/** Reference data routes and supplier management. */
import * as z from 'zod/mini';
import { versionSchema } from '../../domain/limits.ts';
import { REFERENCE_ID } from '../../domain/managed-reference.ts';
import { companySizes, NUTS } from '../../domain/suppliers.ts';
import * as ex from '../examples.ts';
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
    description:
      'Every procuring entity (regional health authority or Danish region) with its country, the currency its tenders and agreements are in and the language it publishes in. Read by anyone signed in; the list changes with a release, not through the API.',
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
        example: ex.entitiesExample,
      },
    },
  },
  listHospitalAreas: {
    method: 'GET',
    path: '/reference/hospital-areas',
    tag: 'Reference data',
    summary: 'Hospital areas (sykehusområder), optionally of one entity',
    description:
      "The areas a lot is delivered in and a delivery site lies in, those that come with the product and those an entity's officers added (`managed: true`, with the entity, version and times); `entityId` narrows them to one procuring entity's (an unknown entity gives an empty list). `entity` is the older name of the same filter and still works; giving both with different entities is a 400 problem. Read by anyone signed in.",
    action: 'reference:read',
    query: hospitalAreasQuery,
    responses: {
      200: {
        description: 'Hospital areas',
        schema: list(hospitalArea),
        example: ex.hospitalAreasExample,
      },
    },
  },
  listHospitalTrusts: {
    method: 'GET',
    path: '/reference/hospital-trusts',
    tag: 'Reference data',
    summary: 'Hospital trusts (helseforetak) and the hospital areas of their catchment areas',
    description:
      "The hospital trusts of each entity and the hospital areas their catchment areas (opptaksområder) lie in, to find the lot a trust's patients belong to. Read by anyone signed in.",
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
        example: ex.hospitalTrustsExample,
      },
    },
  },
  listServiceAreas: {
    method: 'GET',
    path: '/reference/service-areas',
    tag: 'Reference data',
    summary: 'Service areas (fagområder, specialer)',
    description:
      "The specialties a tender, a lot or an agreement covers (`serviceAreaIds`, `serviceAreaId`), each with its name in the entity's language and in English: those that come with the product, then those the entities' officers added (`managed: true`, with the entity that manages it); any entity's tenders may name them. An unknown one in a tender is a 422 problem. Read by anyone signed in.",
    action: 'reference:read',
    responses: {
      200: {
        description: 'Service areas',
        schema: list(serviceArea),
        example: ex.serviceAreasExample,
      },
    },
  },
  listFormsOfCare: {
    method: 'GET',
    path: '/reference/forms-of-care',
    tag: 'Reference data',
    summary: 'Forms of care (tjenesteform)',
    description:
      "Inpatient, day and outpatient care: a lot's `formsOfCare` and an agreement's `formOfCare`, named in Norwegian, English and Danish. Read by anyone signed in.",
    action: 'reference:read',
    responses: { 200: { description: 'Forms of care', schema: list(term), example: ex.formsOfCareExample } },
  },
  listVolumeUnits: {
    method: 'GET',
    path: '/reference/volume-units',
    tag: 'Reference data',
    summary: 'Volume units',
    description:
      "The units volumes, prices and usage are counted in (consultations, bed-days, referrals…): a lot's estimated volumes, a bid's prices and capacity, an agreement's volumes and a month's usage name one. Those that come with the product first, then those the entities' officers added (`managed: true`, with the entity that manages it); any entity's tenders may name them. Read by anyone signed in.",
    action: 'reference:read',
    responses: {
      200: { description: 'Volume units', schema: list(volumeUnit), example: ex.volumeUnitsExample },
    },
  },
  createServiceArea: {
    method: 'POST',
    path: '/reference/service-areas',
    tag: 'Reference data',
    summary: 'Add a service area of your entity (officers)',
    description:
      "A specialty (fagområde) the product does not list, named in the entity's language and in English (OCDS and eForms show the English name). The id is made from the name when left out (lower-case, æøå spelled out); an id that exists already, among the product's own or any entity's, is a 422 problem that says which. An entity keeps at most 200 of each kind. Audited under the officer's entity (GET /audit/reference/history); read by everyone at once. Send an Idempotency-Key to make retries safe.",
    action: 'reference:manage',
    body: createServiceAreaBody,
    bodyExample: ex.createServiceAreaExample,
    idempotent: true,
    responses: {
      201: { description: 'The service area', schema: serviceArea, example: ex.createdServiceAreaExample },
    },
    problems: [413, 415, 422],
  },
  updateServiceArea: {
    method: 'PATCH',
    path: '/reference/service-areas/{id}',
    tag: 'Reference data',
    summary: 'Rename a service area of your entity (officers)',
    description:
      "Replaces the names given; the id stays, so every tender, agreement and report naming it shows the new name. Only the officers of the entity that added it (403 for another entity's officers; the ones that come with the product change with a release: 404). Send the version you read; a stale version is a 409 conflict. Audited under the entity (GET /audit/reference/history).",
    action: 'reference:manage',
    params: idParams,
    body: patchServiceAreaBody,
    bodyExample: ex.patchServiceAreaExample,
    responses: {
      200: {
        description: 'The service area with its new version',
        schema: serviceArea,
        example: ex.serviceAreaUpdatedExample,
      },
    },
    problems: [403, 404, 409, 413, 415, 422],
  },
  createVolumeUnit: {
    method: 'POST',
    path: '/reference/volume-units',
    tag: 'Reference data',
    summary: 'Add a volume unit of your entity (officers)',
    description:
      "A unit volumes, prices and usage are counted in that the product does not list (laboratory analyses…), named in the entity's language, in English and, optionally, in Danish. The id is made from the name when left out (lower-case, æøå spelled out); an id that exists already, among the product's own or any entity's, is a 422 problem that says which. An entity keeps at most 200 of each kind. Audited under the officer's entity (GET /audit/reference/history); read by everyone at once. Send an Idempotency-Key to make retries safe.",
    action: 'reference:manage',
    body: createVolumeUnitBody,
    bodyExample: ex.createVolumeUnitExample,
    idempotent: true,
    responses: {
      201: { description: 'The volume unit', schema: volumeUnit, example: ex.createdVolumeUnitExample },
    },
    problems: [413, 415, 422],
  },
  updateVolumeUnit: {
    method: 'PATCH',
    path: '/reference/volume-units/{id}',
    tag: 'Reference data',
    summary: 'Rename a volume unit of your entity (officers)',
    description:
      "Replaces the names given; the id stays, so every tender, agreement and report naming it shows the new name. Only the officers of the entity that added it (403 for another entity's officers; the ones that come with the product change with a release: 404). Send the version you read; a stale version is a 409 conflict. Audited under the entity (GET /audit/reference/history).",
    action: 'reference:manage',
    params: idParams,
    body: patchVolumeUnitBody,
    bodyExample: ex.patchVolumeUnitExample,
    responses: {
      200: {
        description: 'The volume unit with its new version',
        schema: volumeUnit,
        example: ex.volumeUnitUpdatedExample,
      },
    },
    problems: [403, 404, 409, 413, 415, 422],
  },
  createHospitalArea: {
    method: 'POST',
    path: '/reference/hospital-areas',
    tag: 'Reference data',
    summary: 'Add a hospital area of your entity (officers)',
    description:
      "An area (sykehusområde) of the officer's own entity that its lots may be cut by and delivery sites lie in. The id is made from the name when left out (lower-case, æøå spelled out); an id that exists already, among the product's own or any entity's, is a 422 problem that says which. An entity keeps at most 200 of each kind. Audited under the officer's entity (GET /audit/reference/history); read by everyone at once. Send an Idempotency-Key to make retries safe.",
    action: 'reference:manage',
    body: createHospitalAreaBody,
    bodyExample: ex.createHospitalAreaExample,
    idempotent: true,
    responses: {
      201: { description: 'The hospital area', schema: hospitalArea, example: ex.createdHospitalAreaExample },
    },
    problems: [413, 415, 422],
  },
  updateHospitalArea: {
    method: 'PATCH',
    path: '/reference/hospital-areas/{id}',
    tag: 'Reference data',
    summary: 'Rename a hospital area of your entity (officers)',
    description:
      "Replaces the names given; the id stays, so every tender, agreement and report naming it shows the new name. Only the officers of the entity that added it (403 for another entity's officers; the ones that come with the product change with a release: 404). Send the version you read; a stale version is a 409 conflict. Audited under the entity (GET /audit/reference/history).",
    action: 'reference:manage',
    params: idParams,
    body: patchHospitalAreaBody,
    bodyExample: ex.patchHospitalAreaExample,
    responses: {
      200: {
        description: 'The hospital area with its new version',
        schema: hospitalArea,
        example: ex.hospitalAreaUpdatedExample,
      },
    },
    problems: [403, 404, 409, 413, 415, 422],
  },
  listSuppliers: {
    method: 'GET',
    path: '/reference/suppliers',
    tag: 'Suppliers',
    summary: 'Suppliers, by name',
    description:
      'The supplier register, shared by every procuring entity, in order of name: each supplier with its organisation number, country, kind (ideell, kommersiell) and delivery sites. Read by anyone signed in; pass `nextCursor` as `cursor` for the next page.',
    action: 'reference:read',
    query: z.strictObject(pageQueryShape),
    responses: {
      200: {
        description: 'A page of suppliers',
        schema: pageOf(supplierSchema),
        example: ex.suppliersPageExample,
      },
    },
  },
  getSupplier: {
    method: 'GET',
    path: '/reference/suppliers/{supplierId}',
    tag: 'Suppliers',
    summary: 'One supplier with its delivery sites',
    description:
      'Read by anyone signed in; an unknown supplier id is 404. The ETag header carries the version to send back when editing.',
    action: 'reference:read',
    params: supplierParams,
    responses: { 200: { description: 'The supplier', schema: supplierSchema, example: ex.supplierExample } },
    problems: [404],
  },
  createSupplier: {
    method: 'POST',
    path: '/reference/suppliers',
    tag: 'Suppliers',
    summary: 'Register a supplier (officers)',
    description:
      'An officer of any entity adds a supplier to the shared register; its id is made from its name (`Volvat Medisinske Senter AS` becomes `volvat-medisinske-senter-as`), and a supplier already registered under that id is a 409 conflict. `kind: ideell` lets it bid in competitions reserved for non-profit suppliers. The organisation number has 9 digits in Norway and 8 in Denmark, and delivery sites name known hospital areas (422 otherwise). Audited under the scope `global`. Send an Idempotency-Key to make retries safe.',
    action: 'supplier:create',
    body: createSupplierBody,
    bodyExample: ex.createSupplierExample,
    idempotent: true,
    responses: {
      201: { description: 'The supplier', schema: supplierSchema, example: ex.createdSupplierExample },
    },
    problems: [409, 413, 415, 422],
  },
  updateSupplier: {
    method: 'PATCH',
    path: '/reference/suppliers/{supplierId}',
    tag: 'Suppliers',
    summary: 'Edit a supplier (officers)',
    description:
      "Replaces the named fields (name, organisation number, kind, delivery sites as a whole, postal address, company size) of a supplier in the shared register; its id and country stay. An award notice names every bidder by its organisation number, address (with its NUTS region, in the supplier's country) and size, so a tender's award notice waits for them (GET /tenders/{tenderId}/notices says whose are missing). Send the version you read; a stale version is a 409 conflict. Audited under the scope `global` (GET /audit/suppliers/history).",
    action: 'supplier:update',
    params: supplierParams,
    body: patchSupplierBody,
    bodyExample: ex.patchSupplierExample,
    responses: {
      200: {
        description: 'The supplier with its new version',
        schema: supplierSchema,
        example: ex.supplierUpdatedExample,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
});
