/** Tender routes: their schemas, roles and answers (one description, read by handler, OpenAPI and manifest). */
import * as z from 'zod/mini';
import { pageOf, pageQueryShape } from '../commons/pagination.ts';
import { defineRoutes } from '../commons/route.ts';
import {
  agreementPlanSchema,
  criterionSchema,
  currencies,
  lotSchema,
  requirementSchema,
  tenderContentShape,
  tenderStatuses,
} from '../domain/tender.ts';

const tenderIdParams = z.strictObject({
  tenderId: z
    .string()
    .check(z.regex(/^tnd_[0-9a-f]{32}$/, 'A tender id looks like tnd_ followed by 32 hex digits')),
});

const version = z.number().check(z.int(), z.gte(1));

export const createTenderBody = z.strictObject(tenderContentShape);

/** PATCH: any content field (replaced as a whole), plus the version it was read at. */
export const patchTenderBody = z
  .strictObject({
    version,
    title: z.optional(tenderContentShape.title),
    description: z.optional(tenderContentShape.description),
    serviceAreaId: z.optional(tenderContentShape.serviceAreaId),
    currency: z.optional(z.enum(currencies)),
    lots: z.optional(tenderContentShape.lots),
    awardCriteria: z.optional(tenderContentShape.awardCriteria),
    qualificationRequirements: z.optional(z.array(requirementSchema)),
    bidDeadline: z.optional(tenderContentShape.bidDeadline),
    agreement: z.optional(agreementPlanSchema),
    standstillDays: z.optional(z.number().check(z.int(), z.gte(0), z.lte(60))),
  })
  .check(
    z.refine((b) => Object.keys(b).length > 1, {
      message: 'Name at least one field to change besides version',
      path: [],
    }),
  );

export const announceBody = z.strictObject({ version });

export const tenderSchema = z.object({
  id: z.string(),
  entityId: z.string(),
  status: z.enum(tenderStatuses),
  title: z.string(),
  description: z.optional(z.string()),
  serviceAreaId: z.string(),
  currency: z.enum(currencies),
  lots: z.array(lotSchema),
  awardCriteria: z.array(criterionSchema),
  qualificationRequirements: z.array(requirementSchema),
  bidDeadline: z.string(),
  agreement: agreementPlanSchema,
  standstillDays: z.number(),
  createdAt: z.string(),
  createdBy: z.object({ sub: z.string(), name: z.string() }),
  updatedAt: z.string(),
  announcedAt: z.optional(z.string()),
  openedAt: z.optional(z.string()),
  executionArn: z.optional(z.string()),
  version: z.number(),
});

const listQuery = z.strictObject({
  ...pageQueryShape,
  status: z.optional(z.enum(tenderStatuses)),
  scope: z.optional(z.enum(['entity', 'published'])),
});

const workflowSchema = z.object({
  executionArn: z.string(),
  status: z.string(),
  startDate: z.optional(z.string()),
  stopDate: z.optional(z.string()),
  events: z.array(z.record(z.string(), z.unknown())),
});

export const tenderRoutes = defineRoutes('tendersApi', {
  createTender: {
    method: 'POST',
    path: '/tenders',
    tag: 'Tenders',
    summary: 'Create a tender draft',
    description:
      'An officer drafts a tender for their procuring entity: service area, lots (hospital areas, form of care, estimated volumes, minimum and maximum suppliers), award criteria with weights summing to 100, qualification requirements, bid deadline, planned agreement period with options and the standstill period. Drafts are visible only to the entity. Send an Idempotency-Key to make retries safe.',
    action: 'tender:create',
    body: createTenderBody,
    idempotent: true,
    responses: { 201: { description: 'The draft, with its id and version 1', schema: tenderSchema } },
    problems: [409, 413, 415, 422],
  },
  listTenders: {
    method: 'GET',
    path: '/tenders',
    tag: 'Tenders',
    summary: 'List tenders',
    description:
      "Officers, evaluators and auditors see their entity's tenders (drafts included) by default, or every announced tender with scope=published; suppliers see announced tenders. Newest first.",
    action: 'tender:list',
    query: listQuery,
    responses: { 200: { description: 'A page of tenders', schema: pageOf(tenderSchema) } },
  },
  getTender: {
    method: 'GET',
    path: '/tenders/{tenderId}',
    tag: 'Tenders',
    summary: 'Read a tender',
    action: 'tender:read',
    params: tenderIdParams,
    responses: { 200: { description: 'The tender', schema: tenderSchema } },
    problems: [404],
  },
  updateTender: {
    method: 'PATCH',
    path: '/tenders/{tenderId}',
    tag: 'Tenders',
    summary: 'Edit a tender draft',
    description:
      'Replaces the named fields of a draft. Send the version you read; a stale version is a 409 conflict. Announced tenders cannot be edited here.',
    action: 'tender:update',
    params: tenderIdParams,
    body: patchTenderBody,
    responses: { 200: { description: 'The edited draft with its new version', schema: tenderSchema } },
    problems: [404, 409, 413, 415, 422],
  },
  announceTender: {
    method: 'POST',
    path: '/tenders/{tenderId}/announce',
    tag: 'Tenders',
    summary: 'Announce a tender',
    description:
      'Checks the draft once more, makes it visible to everyone signed in and starts its workflow (one Step Functions execution per tender). Repeating the call on an announced tender makes sure its workflow runs and changes nothing else.',
    action: 'tender:announce',
    params: tenderIdParams,
    body: announceBody,
    responses: { 200: { description: 'The announced tender', schema: tenderSchema } },
    problems: [404, 409, 422, 503],
  },
  getTenderWorkflow: {
    method: 'GET',
    path: '/tenders/{tenderId}/workflow',
    tag: 'Tenders',
    summary: "The tender's workflow execution and its history",
    description: 'The execution status and its history in the shape of Step Functions GetExecutionHistory.',
    action: 'workflow:read',
    params: tenderIdParams,
    responses: { 200: { description: 'Execution and history', schema: workflowSchema } },
    problems: [404],
  },
});
