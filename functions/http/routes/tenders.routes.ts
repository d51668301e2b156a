/** Tender routes: their schemas, roles and answers (one description, read by handler, OpenAPI and manifest). */
import * as z from 'zod/mini';
import { versionSchema } from '../../domain/limits.ts';
import {
  agreementPlanSchema,
  criterionSchema,
  currencies,
  lotSchema,
  requirementSchema,
  requirementsSchema,
  tenderContentShape,
  tenderStatuses,
} from '../../domain/tender.ts';
import { pageOf, pageQueryShape } from '../pagination.ts';
import { defineRoutes } from '../route.ts';
import { tenderIdSchema } from './tender-id.ts';

const tenderIdParams = z.strictObject({ tenderId: tenderIdSchema });

const version = versionSchema;

export const createTenderBody = z.strictObject(tenderContentShape);

/** PATCH: any content field (replaced as a whole), plus the version it was read at. */
export const patchTenderBody = z
  .strictObject({
    version,
    title: z.optional(tenderContentShape.title),
    description: z.optional(tenderContentShape.description),
    serviceAreaIds: tenderContentShape.serviceAreaIds,
    serviceAreaId: tenderContentShape.serviceAreaId,
    cpvCodes: tenderContentShape.cpvCodes,
    estimatedValue: tenderContentShape.estimatedValue,
    reservedForNonProfit: tenderContentShape.reservedForNonProfit,
    currency: z.optional(z.enum(currencies)),
    lots: z.optional(tenderContentShape.lots),
    awardCriteria: z.optional(tenderContentShape.awardCriteria),
    qualificationRequirements: z.optional(requirementsSchema),
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

const reason = z.string().check(z.trim(), z.minLength(3), z.maxLength(2000));
export const extendDeadlineBody = z.strictObject({
  version,
  bidDeadline: tenderContentShape.bidDeadline,
  reason: z.optional(reason),
});
/** A material change of an announced tender: what changes, and why. */
export const changeTenderBody = z
  .strictObject({
    version,
    reason,
    lots: z.optional(tenderContentShape.lots),
    awardCriteria: z.optional(tenderContentShape.awardCriteria),
    qualificationRequirements: z.optional(requirementsSchema),
  })
  .check(
    z.refine(
      (b) =>
        b.lots !== undefined || b.awardCriteria !== undefined || b.qualificationRequirements !== undefined,
      {
        message: 'Name what changes: lots, awardCriteria or qualificationRequirements',
        path: [],
      },
    ),
  );
export const cancelBody = z.strictObject({
  version,
  reason,
  /** Cancel only these lots; without it, the whole tender. */
  lotIds: z.optional(
    z.array(z.string().check(z.minLength(1), z.maxLength(63))).check(z.minLength(1), z.maxLength(50)),
  ),
});
export const versionBody = z.strictObject({ version });
export const reviseBody = z.strictObject({ version, reason });

const valueSchema = z.object({ amount: z.number(), currency: z.enum(currencies) });

/** A lot as the API answers it: its forms of care a list, its value in the tender's currency. */
const storedLotSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.optional(z.string()),
  hospitalAreaIds: z.array(z.string()),
  serviceAreaIds: z.optional(z.array(z.string())),
  formsOfCare: z.array(z.string()),
  cpvCodes: z.optional(z.array(z.string())),
  estimatedValue: z.optional(valueSchema),
  deliveryOutsideAreasAllowed: z.optional(z.boolean()),
  estimatedVolumes: lotSchema.shape.estimatedVolumes,
  minSuppliers: z.number(),
  maxSuppliers: z.number(),
});

export const tenderSchema = z.object({
  id: z.string(),
  entityId: z.string(),
  status: z.enum(tenderStatuses),
  title: z.string(),
  description: z.optional(z.string()),
  serviceAreaIds: z.array(z.string()),
  cpvCodes: z.optional(z.array(z.string())),
  estimatedValue: z.optional(valueSchema),
  reservedForNonProfit: z.optional(z.boolean()),
  currency: z.enum(currencies),
  lots: z.array(storedLotSchema),
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
  questionsCloseHours: z.number(),
  minEvaluators: z.number(),
  lotOutcomes: z.optional(
    z.record(z.string(), z.object({ status: z.string(), reason: z.optional(z.string()), at: z.string() })),
  ),
  rankingRequestedAt: z.optional(z.string()),
  rankedAt: z.optional(z.string()),
  completedAt: z.optional(z.string()),
  cancelledAt: z.optional(z.string()),
  cancellation: z.optional(
    z.object({ reason: z.string(), by: z.object({ sub: z.string(), name: z.string() }) }),
  ),
  unsuccessfulReason: z.optional(z.string()),
  executionArn: z.optional(z.string()),
  version: z.number(),
});

const listQuery = z.strictObject({
  ...pageQueryShape,
  status: z.optional(z.enum(tenderStatuses)),
  scope: z.optional(z.enum(['entity', 'published'])),
});

const rankedBidSchema = z.object({
  rank: z.number(),
  bidId: z.string(),
  supplierId: z.string(),
  evaluatedPrice: z.number(),
  points: z.record(z.string(), z.number()),
  qualityPoints: z.number(),
  total: z.number(),
  evaluators: z.number(),
  receivedAt: z.string(),
});
const rankingSchema = z.object({
  tenderId: z.string(),
  rankedAt: z.optional(z.string()),
  lots: z.array(
    z.object({
      lotId: z.string(),
      status: z.string(),
      reason: z.optional(z.string()),
      ranking: z.array(rankedBidSchema),
    }),
  ),
});
const awardSchema = z.object({
  tenderId: z.string(),
  status: z.enum(tenderStatuses),
  revision: z.number(),
  approvedAt: z.string(),
  standstillEndsAt: z.string(),
  lots: z.array(
    z.object({
      lotId: z.string(),
      status: z.string(),
      reason: z.optional(z.string()),
      winners: z.array(
        z.object({ bidId: z.string(), supplierId: z.string(), rank: z.number(), total: z.number() }),
      ),
    }),
  ),
  /** For a supplier: its own results. */
  yourResults: z.optional(z.array(z.record(z.string(), z.unknown()))),
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
    action: 'tender:create',
    body: createTenderBody,
    idempotent: true,
    responses: {
      201: {
        description: 'The draft, with its id and version 1',
        schema: tenderSchema,
      },
    },
    problems: [409, 413, 415, 422],
  },
  listTenders: {
    method: 'GET',
    path: '/tenders',
    tag: 'Tenders',
    summary: 'List tenders',
    action: 'tender:list',
    query: listQuery,
    responses: {
      200: {
        description: 'A page of tenders',
        schema: pageOf(tenderSchema),
      },
    },
  },
  getTender: {
    method: 'GET',
    path: '/tenders/{tenderId}',
    tag: 'Tenders',
    summary: 'Read a tender',
    action: 'tender:read',
    params: tenderIdParams,
    responses: {
      200: { description: 'The tender', schema: tenderSchema },
    },
    problems: [404],
  },
  updateTender: {
    method: 'PATCH',
    path: '/tenders/{tenderId}',
    tag: 'Tenders',
    summary: 'Edit a tender draft',
    action: 'tender:update',
    params: tenderIdParams,
    body: patchTenderBody,
    responses: {
      200: {
        description: 'The edited draft with its new version',
        schema: tenderSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  announceTender: {
    method: 'POST',
    path: '/tenders/{tenderId}/announce',
    tag: 'Tenders',
    summary: 'Announce a tender',
    action: 'tender:announce',
    params: tenderIdParams,
    body: announceBody,
    responses: {
      200: { description: 'The announced tender', schema: tenderSchema },
    },
    problems: [404, 409, 422, 503],
  },
  getTenderWorkflow: {
    method: 'GET',
    path: '/tenders/{tenderId}/workflow',
    tag: 'Tenders',
    summary: "The tender's workflow execution and its history",
    action: 'workflow:read',
    params: tenderIdParams,
    responses: {
      200: {
        description: 'Execution and history',
        schema: workflowSchema,
      },
    },
    problems: [404],
  },
  extendDeadline: {
    method: 'POST',
    path: '/tenders/{tenderId}/deadline',
    tag: 'Tender changes',
    summary: 'Extend the bid deadline before it passes (officers)',
    action: 'tender:change',
    params: tenderIdParams,
    body: extendDeadlineBody,
    responses: {
      200: {
        description: 'The tender',
        schema: tenderSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  changeTender: {
    method: 'POST',
    path: '/tenders/{tenderId}/changes',
    tag: 'Tender changes',
    summary: 'Make a material change to an announced tender (officers)',
    action: 'tender:change',
    params: tenderIdParams,
    body: changeTenderBody,
    responses: {
      200: {
        description: 'The tender and the bids invalidated',
        schema: z.object({
          tender: tenderSchema,
          invalidatedBids: z.number(),
          affectedLotIds: z.array(z.string()),
        }),
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  cancelTender: {
    method: 'POST',
    path: '/tenders/{tenderId}/cancel',
    tag: 'Tender changes',
    summary: 'Cancel the tender or some of its lots, with a reason (officers)',
    action: 'tender:cancel',
    params: tenderIdParams,
    body: cancelBody,
    responses: {
      200: { description: 'The tender', schema: tenderSchema },
    },
    problems: [404, 409, 413, 415, 422],
  },
  requestRanking: {
    method: 'POST',
    path: '/tenders/{tenderId}/ranking',
    tag: 'Evaluation',
    summary: 'Close the evaluation and have the workflow rank every lot (officers)',
    action: 'ranking:request',
    params: tenderIdParams,
    body: versionBody,
    responses: {
      202: {
        description: 'Accepted: the workflow ranks the lots',
        schema: tenderSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  getRanking: {
    method: 'GET',
    path: '/tenders/{tenderId}/ranking',
    tag: 'Evaluation',
    summary: 'The ranking per lot, with every score',
    action: 'ranking:read',
    params: tenderIdParams,
    responses: { 200: { description: 'Rankings', schema: rankingSchema } },
    problems: [404, 409],
  },
  approveAward: {
    method: 'POST',
    path: '/tenders/{tenderId}/award',
    tag: 'Award',
    summary: 'Approve the award decision (officers)',
    action: 'award:approve',
    params: tenderIdParams,
    body: versionBody,
    responses: { 200: { description: 'The award decision', schema: awardSchema } },
    problems: [404, 409, 413, 415, 422],
  },
  getAward: {
    method: 'GET',
    path: '/tenders/{tenderId}/award',
    tag: 'Award',
    summary: 'The award decision (suppliers that bid see theirs with their own results)',
    action: 'award:read',
    params: tenderIdParams,
    responses: { 200: { description: 'The award decision', schema: awardSchema } },
    problems: [404],
  },
  reviseAward: {
    method: 'POST',
    path: '/tenders/{tenderId}/award/revise',
    tag: 'Award',
    summary: 'Withdraw the ranking or award to revise it (officers)',
    action: 'award:revise',
    params: tenderIdParams,
    body: reviseBody,
    responses: {
      200: {
        description: 'The tender, back in evaluation',
        schema: tenderSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
});
