/**
 * The descriptions and examples of the reference data and supplier routes (functions/http/routes/reference.routes.ts),
 * read only by the OpenAPI generator (functions/http/openapi.ts), so only docsApi bundles them.
 */
import * as ex from '../examples.ts';
import { referenceRoutes } from '../routes/reference.routes.ts';
import { documentRoutes } from './route-docs.ts';

export const referenceDocs = documentRoutes(referenceRoutes, {
  listEntities: {
    description:
      'Every procuring entity (regional health authority or Danish region) with its country, the currency its tenders and agreements are in and the language it publishes in. Read by anyone signed in; the list changes with a release, not through the API.',
    responses: { 200: { example: ex.entitiesExample } },
  },
  listHospitalAreas: {
    description:
      "The areas a lot is delivered in and a delivery site lies in, those that come with the product and those an entity's officers added (`managed: true`, with the entity, version and times); `entityId` narrows them to one procuring entity's (an unknown entity gives an empty list). `entity` is the older name of the same filter and still works; giving both with different entities is a 400 problem. Read by anyone signed in.",
    responses: { 200: { example: ex.hospitalAreasExample } },
  },
  listHospitalTrusts: {
    description:
      "The hospital trusts of each entity and the hospital areas their catchment areas (opptaksområder) lie in, to find the lot a trust's patients belong to. Read by anyone signed in.",
    responses: { 200: { example: ex.hospitalTrustsExample } },
  },
  listServiceAreas: {
    description:
      "The specialties a tender, a lot or an agreement covers (`serviceAreaIds`, `serviceAreaId`), each with its name in the entity's language and in English: those that come with the product, then those the entities' officers added (`managed: true`, with the entity that manages it); any entity's tenders may name them. An unknown one in a tender is a 422 problem. Read by anyone signed in.",
    responses: { 200: { example: ex.serviceAreasExample } },
  },
  listFormsOfCare: {
    description:
      "Inpatient, day and outpatient care: a lot's `formsOfCare` and an agreement's `formOfCare`, named in Norwegian, English and Danish. Read by anyone signed in.",
    responses: { 200: { example: ex.formsOfCareExample } },
  },
  listVolumeUnits: {
    description:
      "The units volumes, prices and usage are counted in (consultations, bed-days, referrals…): a lot's estimated volumes, a bid's prices and capacity, an agreement's volumes and a month's usage name one. Those that come with the product first, then those the entities' officers added (`managed: true`, with the entity that manages it); any entity's tenders may name them. Read by anyone signed in.",
    responses: { 200: { example: ex.volumeUnitsExample } },
  },
  createServiceArea: {
    description:
      "A specialty (fagområde) the product does not list, named in the entity's language and in English (OCDS and eForms show the English name). The id is made from the name when left out (lower-case, æøå spelled out); an id that exists already, among the product's own or any entity's, is a 422 problem that says which. An entity keeps at most 200 of each kind. Audited under the officer's entity (GET /audit/reference/history); read by everyone at once. Send an Idempotency-Key to make retries safe.",
    bodyExample: ex.createServiceAreaExample,
    responses: { 201: { example: ex.createdServiceAreaExample } },
  },
  updateServiceArea: {
    description:
      "Replaces the names given; the id stays, so every tender, agreement and report naming it shows the new name. Only the officers of the entity that added it (403 for another entity's officers; the ones that come with the product change with a release: 404). Send the version you read; a stale version is a 409 conflict. Audited under the entity (GET /audit/reference/history).",
    bodyExample: ex.patchServiceAreaExample,
    responses: { 200: { example: ex.serviceAreaUpdatedExample } },
  },
  createVolumeUnit: {
    description:
      "A unit volumes, prices and usage are counted in that the product does not list (laboratory analyses…), named in the entity's language, in English and, optionally, in Danish. The id is made from the name when left out (lower-case, æøå spelled out); an id that exists already, among the product's own or any entity's, is a 422 problem that says which. An entity keeps at most 200 of each kind. Audited under the officer's entity (GET /audit/reference/history); read by everyone at once. Send an Idempotency-Key to make retries safe.",
    bodyExample: ex.createVolumeUnitExample,
    responses: { 201: { example: ex.createdVolumeUnitExample } },
  },
  updateVolumeUnit: {
    description:
      "Replaces the names given; the id stays, so every tender, agreement and report naming it shows the new name. Only the officers of the entity that added it (403 for another entity's officers; the ones that come with the product change with a release: 404). Send the version you read; a stale version is a 409 conflict. Audited under the entity (GET /audit/reference/history).",
    bodyExample: ex.patchVolumeUnitExample,
    responses: { 200: { example: ex.volumeUnitUpdatedExample } },
  },
  createHospitalArea: {
    description:
      "An area (sykehusområde) of the officer's own entity that its lots may be cut by and delivery sites lie in. The id is made from the name when left out (lower-case, æøå spelled out); an id that exists already, among the product's own or any entity's, is a 422 problem that says which. An entity keeps at most 200 of each kind. Audited under the officer's entity (GET /audit/reference/history); read by everyone at once. Send an Idempotency-Key to make retries safe.",
    bodyExample: ex.createHospitalAreaExample,
    responses: { 201: { example: ex.createdHospitalAreaExample } },
  },
  updateHospitalArea: {
    description:
      "Replaces the names given; the id stays, so every tender, agreement and report naming it shows the new name. Only the officers of the entity that added it (403 for another entity's officers; the ones that come with the product change with a release: 404). Send the version you read; a stale version is a 409 conflict. Audited under the entity (GET /audit/reference/history).",
    bodyExample: ex.patchHospitalAreaExample,
    responses: { 200: { example: ex.hospitalAreaUpdatedExample } },
  },
  listSuppliers: {
    description:
      'The supplier register, shared by every procuring entity, in order of name: each supplier with its organisation number, country, kind (ideell, kommersiell) and delivery sites. Read by anyone signed in; pass `nextCursor` as `cursor` for the next page.',
    responses: { 200: { example: ex.suppliersPageExample } },
  },
  getSupplier: {
    description:
      'Read by anyone signed in; an unknown supplier id is 404. The ETag header carries the version to send back when editing.',
    responses: { 200: { example: ex.supplierExample } },
  },
  createSupplier: {
    description:
      'An officer of any entity adds a supplier to the shared register; its id is made from its name (`Volvat Medisinske Senter AS` becomes `volvat-medisinske-senter-as`), and a supplier already registered under that id is a 409 conflict. `kind: ideell` lets it bid in competitions reserved for non-profit suppliers. The organisation number has 9 digits in Norway and 8 in Denmark, and delivery sites name known hospital areas (422 otherwise). Audited under the scope `global`. Send an Idempotency-Key to make retries safe.',
    bodyExample: ex.createSupplierExample,
    responses: { 201: { example: ex.createdSupplierExample } },
  },
  updateSupplier: {
    description:
      "Replaces the named fields (name, organisation number, kind, delivery sites as a whole, postal address, company size) of a supplier in the shared register; its id and country stay. An award notice names every bidder by its organisation number, address (with its NUTS region, in the supplier's country) and size, so a tender's award notice waits for them (GET /tenders/{tenderId}/notices says whose are missing). Send the version you read; a stale version is a 409 conflict. Audited under the scope `global` (GET /audit/suppliers/history).",
    bodyExample: ex.patchSupplierExample,
    responses: { 200: { example: ex.supplierUpdatedExample } },
  },
});
