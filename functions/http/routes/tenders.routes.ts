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
import * as ex from '../examples.ts';
import { pageOf, pageQueryShape } from '../pagination.ts';
import { defineRoutes } from '../route.ts';

export const tenderIdSchema = z
  .string()
  .check(z.regex(/^tnd_[0-9a-f]{32}$/, 'A tender id looks like tnd_ followed by 32 hex digits'));
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
    description:
      "An officer drafts a tender for their procuring entity: its specialties (serviceAreaIds, one or many: a partnership across fifteen specialties is one tender), CPV codes (main first), an estimated value, whether it is reserved for non-profit (ideelle) suppliers, lots (hospital areas, forms of care, their own specialties among the tender's, CPV codes, estimated value, whether delivery sites outside their hospital areas are allowed, estimated volumes, minimum and maximum suppliers), award criteria with weights summing to 100, qualification requirements, bid deadline, planned agreement period with options and the standstill period. Drafts are visible only to the entity. Send an Idempotency-Key to make retries safe.",
    action: 'tender:create',
    body: createTenderBody,
    bodyExample: ex.createTenderExample,
    idempotent: true,
    responses: {
      201: {
        description: 'The draft, with its id and version 1',
        schema: tenderSchema,
        example: ex.tenderDraftExample,
      },
    },
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
    responses: {
      200: {
        description: 'A page of tenders',
        schema: pageOf(tenderSchema),
        example: { items: [ex.tenderAnnouncedExample] },
      },
    },
  },
  getTender: {
    method: 'GET',
    path: '/tenders/{tenderId}',
    tag: 'Tenders',
    summary: 'Read a tender',
    description:
      'Everyone signed in reads an announced tender, with its lots, criteria, requirements and deadlines; a draft only the people of its own entity (anyone else gets 404, as if it did not exist). The ETag header carries the version to send back when editing.',
    action: 'tender:read',
    params: tenderIdParams,
    responses: {
      200: { description: 'The tender', schema: tenderSchema, example: ex.tenderAnnouncedExample },
    },
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
    bodyExample: ex.patchTenderExample,
    responses: {
      200: {
        description: 'The edited draft with its new version',
        schema: tenderSchema,
        example: { ...ex.tenderDraftExample, ...ex.patchTenderExample, version: 2 },
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  announceTender: {
    method: 'POST',
    path: '/tenders/{tenderId}/announce',
    tag: 'Tenders',
    summary: 'Announce a tender',
    description:
      'Checks the draft once more (its bid deadline, among other rules, must be in the future and at most 100 days away), makes it visible to everyone signed in and starts its workflow (one Step Functions execution per tender). Repeating the call on an announced tender makes sure its workflow runs and changes nothing else.',
    action: 'tender:announce',
    params: tenderIdParams,
    body: announceBody,
    bodyExample: ex.announceTenderExample,
    responses: {
      200: { description: 'The announced tender', schema: tenderSchema, example: ex.tenderAnnouncedExample },
    },
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
    responses: {
      200: {
        description: 'Execution and history',
        schema: workflowSchema,
        example: ex.tenderWorkflowExample,
      },
    },
    problems: [404],
  },
  extendDeadline: {
    method: 'POST',
    path: '/tenders/{tenderId}/deadline',
    tag: 'Tender changes',
    summary: 'Extend the bid deadline before it passes (officers)',
    description:
      'Only later, and only before the current deadline passes; the opening moves with it. The questions close the same number of hours before the new deadline. The deadline stays at most 100 days after the announcement (one workflow execution carries the tender to its agreements, and it lives at most a year): a later one is a 422 problem pointing at `#/bidDeadline`.',
    action: 'tender:change',
    params: tenderIdParams,
    body: extendDeadlineBody,
    bodyExample: ex.extendDeadlineExample,
    responses: {
      200: {
        description: 'The tender',
        schema: tenderSchema,
        example: {
          ...ex.tenderAnnouncedExample,
          bidDeadline: ex.extendDeadlineExample.bidDeadline,
          version: 4,
        },
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  changeTender: {
    method: 'POST',
    path: '/tenders/{tenderId}/changes',
    tag: 'Tender changes',
    summary: 'Make a material change to an announced tender (officers)',
    description:
      'Lots, award criteria or qualification requirements, with a reason. Bids already in for the affected lots are invalidated in the same transaction and their suppliers are told to submit again. Changed criteria or requirements affect every lot.',
    action: 'tender:change',
    params: tenderIdParams,
    body: changeTenderBody,
    bodyExample: ex.changeTenderExample,
    responses: {
      200: {
        description: 'The tender and the bids invalidated',
        example: ex.changeTenderResultExample,
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
    description:
      'At any stage before framework agreements exist. Everyone involved is told. Cancelling every remaining lot cancels the tender.',
    action: 'tender:cancel',
    params: tenderIdParams,
    body: cancelBody,
    bodyExample: ex.cancelTenderExample,
    responses: {
      200: { description: 'The tender', schema: tenderSchema, example: ex.tenderWithCancelledLotExample },
    },
    problems: [404, 409, 413, 415, 422],
  },
  requestRanking: {
    method: 'POST',
    path: '/tenders/{tenderId}/ranking',
    tag: 'Evaluation',
    summary: 'Close the evaluation and have the workflow rank every lot (officers)',
    description:
      "Every valid bid must be qualified or rejected, and every qualified bid scored by at least the tender's minEvaluators evaluators. The ranking is computed by the workflow (a Map over the lots); read it with GET.",
    action: 'ranking:request',
    params: tenderIdParams,
    body: versionBody,
    bodyExample: ex.versionExample,
    responses: {
      202: {
        description: 'Accepted: the workflow ranks the lots',
        schema: tenderSchema,
        example: ex.tenderRankingRequestedExample,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  getRanking: {
    method: 'GET',
    path: '/tenders/{tenderId}/ranking',
    tag: 'Evaluation',
    summary: 'The ranking per lot, with every score',
    description:
      "For the officers, evaluators and auditors of the tender's entity, once the workflow has ranked the lots (before that `lots` is empty and `rankedAt` absent): per lot its qualified bids in rank order, each with its evaluated price, its points per award criterion and its total. A lot without enough qualified bids says it is unsuccessful, and why.",
    action: 'ranking:read',
    params: tenderIdParams,
    responses: { 200: { description: 'Rankings', schema: rankingSchema, example: ex.rankingExample } },
    problems: [404, 409],
  },
  approveAward: {
    method: 'POST',
    path: '/tenders/{tenderId}/award',
    tag: 'Award',
    summary: 'Approve the award decision (officers)',
    description:
      "Per lot the best-ranked qualified bids up to the lot's maximum win; a lot with fewer than its minimum is unsuccessful. Every bidder then receives the decision at the same time and the standstill period starts.",
    action: 'award:approve',
    params: tenderIdParams,
    body: versionBody,
    bodyExample: { version: 6 },
    responses: { 200: { description: 'The award decision', schema: awardSchema, example: ex.awardExample } },
    problems: [404, 409, 413, 415, 422],
  },
  getAward: {
    method: 'GET',
    path: '/tenders/{tenderId}/award',
    tag: 'Award',
    summary: 'The award decision (suppliers that bid see theirs with their own results)',
    description:
      "Per lot its winners, the end of the standstill period and the decision's revision. The tender's own entity reads it as soon as it is approved, everyone else signed in once it has been sent to the bidders; before that, and while the award is being revised, it is 404. A supplier reads it with its own results (`yourResults`: its points per criterion beside the winners', as a reasoned decision needs).",
    action: 'award:read',
    params: tenderIdParams,
    responses: { 200: { description: 'The award decision', schema: awardSchema, example: ex.awardExample } },
    problems: [404],
  },
  reviseAward: {
    method: 'POST',
    path: '/tenders/{tenderId}/award/revise',
    tag: 'Award',
    summary: 'Withdraw the ranking or award to revise it (officers)',
    description:
      'Before the award decision or during the standstill period: the tender returns to evaluation (qualification and scores can change), the bidders are told, and a new ranking and decision follow.',
    action: 'award:revise',
    params: tenderIdParams,
    body: reviseBody,
    bodyExample: ex.reviseAwardExample,
    responses: {
      200: {
        description: 'The tender, back in evaluation',
        schema: tenderSchema,
        example: ex.tenderRevisedExample,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
});
