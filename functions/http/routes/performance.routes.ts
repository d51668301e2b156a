/**
 * Annual performance agreements of a framework agreement: the yearly negotiation, amendments and
 * monthly usage reports; routes, schemas and answers (served by performanceApi).
 */
import * as z from 'zod/mini';
import { type ModificationReason, modificationReasons } from '../../domain/eforms/legal-basis.ts';
import { MAX_VOLUME, quantitySchema, versionSchema } from '../../domain/limits.ts';
import { lineSchema, offerShape, performanceStatuses } from '../../domain/performance.ts';
import { defineRoutes } from '../route.ts';
import { agreementIdSchema as agreementId, agreementYearSchema as year } from './agreement-id.ts';

const yearParams = z.strictObject({ agreementId, year });
const amendmentParams = z.strictObject({
  agreementId,
  year,
  amendmentId: z
    .string()
    .check(z.regex(/^amd_[0-9a-f]{32}$/, 'An amendment id looks like amd_ followed by 32 hex digits')),
});
const usageParams = z.strictObject({
  agreementId,
  year,
  month: z.coerce.number().check(z.int(), z.gte(1), z.lte(12)),
});
const version = versionSchema;
const id = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Use lower-case letters, digits and "-"'));
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const startNegotiationBody = z.strictObject({
  /** What the authority needs next year, per unit (optional; the proposal starts from it). */
  need: z.optional(z.array(z.strictObject({ unit: id, volume: quantitySchema })).check(z.maxLength(20))),
});
export const proposalBody = z.strictObject({
  version,
  ...offerShape,
  /** Days the supplier has to answer (default 14). */
  answerDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(90))),
});
export const answerBody = z
  .strictObject({
    version,
    accept: z.boolean(),
    lines: z.optional(offerShape.lines),
    priceAdjustmentPercent: z.optional(offerShape.priceAdjustmentPercent),
    comment: offerShape.comment,
  })
  .check(
    z.refine((b) => b.accept || (b.lines !== undefined && b.priceAdjustmentPercent !== undefined), {
      message: 'A counter-offer needs lines and priceAdjustmentPercent',
      path: ['lines'],
    }),
  );
export const approvalBody = z.strictObject({ version });
export const amendmentBody = z.strictObject({
  unit: id,
  delta: z.number().check(
    z.int(),
    z.gte(-MAX_VOLUME),
    z.lte(MAX_VOLUME),
    z.refine((n) => n !== 0, 'A change of zero changes nothing'),
  ),
  reason: text(2000),
  legalBasis: z.optional(
    z.enum(Object.keys(modificationReasons) as [ModificationReason, ...ModificationReason[]]).check(
      z.meta({
        description:
          'The legal basis by article 72 of directive 2014/24/EU (eForms modification-justification): mod-rev 72(1)(a) review clause or option, add-wss 72(1)(b) additional services, mod-cir 72(1)(c) unforeseeable circumstances, mod-repl 72(1)(d) new contractor, mod-nons 72(1)(e) not substantial, mod-minv 72(2) de minimis. add-wss and mod-cir owe a modification notice (subtype 38) once confirmed.',
      }),
    ),
  ),
});
export const confirmationBody = z.strictObject({ version });
export const usageBody = z.strictObject({
  lines: z
    .array(z.strictObject({ unit: id, quantity: quantitySchema }))
    .check(z.minLength(1), z.maxLength(20)),
});

/** A unit's utilisation in the year, and the money beside every volume (the year's price). */
const utilisationRowSchema = z.object({
  unit: z.string(),
  agreed: z.number(),
  amended: z.number(),
  current: z.number(),
  used: z.number(),
  monthsReported: z.number(),
  utilisationPercent: z.nullable(z.number()),
  remaining: z.number(),
  unitPrice: z.number(),
  agreedValue: z.number(),
  currentValue: z.number(),
  usedValue: z.number(),
  remainingValue: z.number(),
});
const yearSchema = z.object({
  agreementId: z.string(),
  year: z.number(),
  status: z.enum(performanceStatuses),
  /** The agreement's currency: of the prices and of the utilisation's money. */
  currency: z.string(),
  /** Where an unnegotiated year's terms came from (a new agreement's first year). */
  basis: z.optional(z.enum(['award', 'registration'])),
  lines: z.array(lineSchema),
  priceAdjustmentPercent: z.number(),
  supplierDeadline: z.optional(z.string()),
  publishedAt: z.optional(z.string()),
  notAgreedInTimeAt: z.optional(z.string()),
  rounds: z.optional(z.array(z.record(z.string(), z.unknown()))),
  amendments: z.optional(z.array(z.record(z.string(), z.unknown()))),
  utilisation: z.optional(z.array(utilisationRowSchema)),
  version: z.number(),
});
const amendmentSchema = z.object({
  id: z.string(),
  agreementId: z.string(),
  year: z.number(),
  unit: z.string(),
  delta: z.number(),
  reason: z.string(),
  legalBasis: z.optional(z.string()),
  status: z.string(),
  version: z.number(),
});
const usageSchema = z.object({
  agreementId: z.string(),
  year: z.number(),
  month: z.number(),
  lines: z.array(z.object({ unit: z.string(), quantity: z.number() })),
  version: z.number(),
});
const usageYearParams = z.strictObject({ agreementId, year });
const usageYearSchema = z.object({
  agreementId: z.string(),
  year: z.number(),
  currency: z.string(),
  months: z.array(
    z.object({
      month: z.number(),
      lines: z.array(
        z.object({ unit: z.string(), quantity: z.number(), unitPrice: z.number(), value: z.number() }),
      ),
      value: z.number(),
      reportedBy: z.object({ sub: z.string(), name: z.string(), role: z.string() }),
      reportedAt: z.string(),
      version: z.number(),
    }),
  ),
  totals: z.array(z.object({ unit: z.string(), quantity: z.number(), value: z.number() })),
});

export const performanceRoutes = defineRoutes('performanceApi', {
  getYear: {
    method: 'GET',
    path: '/agreements/{agreementId}/years/{year}',
    tag: 'Performance agreements',
    summary: "A year's performance agreement, with amendments and utilisation",
    action: 'performance:read',
    params: yearParams,
    responses: {
      200: { description: 'The performance agreement', schema: yearSchema },
    },
    problems: [404],
  },
  startNegotiation: {
    method: 'POST',
    path: '/agreements/{agreementId}/years/{year}/negotiation',
    tag: 'Performance agreements',
    summary: "Start (or resume) the year's renegotiation now (officers)",
    action: 'performance:start',
    params: yearParams,
    body: startNegotiationBody,
    responses: {
      202: { description: 'The draft; the workflow runs', schema: yearSchema },
    },
    problems: [404, 409, 413, 415, 422, 503],
  },
  proposeYear: {
    method: 'POST',
    path: '/agreements/{agreementId}/years/{year}/proposal',
    tag: 'Performance agreements',
    summary: 'Send the proposal (or a new one after a counter-offer) to the supplier (officers)',
    action: 'performance:propose',
    params: yearParams,
    body: proposalBody,
    responses: {
      200: { description: 'The proposed performance agreement', schema: yearSchema },
    },
    problems: [404, 409, 413, 415, 422],
  },
  answerYear: {
    method: 'POST',
    path: '/agreements/{agreementId}/years/{year}/answer',
    tag: 'Performance agreements',
    summary: 'Accept the proposal or counter it (the supplier)',
    action: 'performance:answer',
    params: yearParams,
    body: answerBody,
    responses: {
      200: { description: 'The performance agreement', schema: yearSchema },
    },
    problems: [404, 409, 413, 415, 422],
  },
  approveYear: {
    method: 'POST',
    path: '/agreements/{agreementId}/years/{year}/approval',
    tag: 'Performance agreements',
    summary:
      'Approve what both sides agreed, or accept the counter-offer; the year is then published (officers)',
    action: 'performance:approve',
    params: yearParams,
    body: approvalBody,
    responses: {
      200: {
        description: 'The approved performance agreement',
        schema: yearSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  getNegotiationWorkflow: {
    method: 'GET',
    path: '/agreements/{agreementId}/years/{year}/workflow',
    tag: 'Performance agreements',
    summary: "The year's renegotiation workflow and its history",
    action: 'workflow:read',
    params: yearParams,
    responses: {
      200: {
        description: 'Execution and history',
        schema: z.object({
          executionArn: z.string(),
          status: z.string(),
          events: z.array(z.record(z.string(), z.unknown())),
        }),
      },
    },
    problems: [404],
  },
  raiseAmendment: {
    method: 'POST',
    path: '/agreements/{agreementId}/years/{year}/amendments',
    tag: 'Performance agreements',
    summary:
      "Raise or lower a volume of the year's published performance agreement, with a reason (officers)",
    action: 'amendment:raise',
    params: yearParams,
    body: amendmentBody,
    idempotent: true,
    responses: {
      201: {
        description: 'The amendment, awaiting the supplier',
        schema: amendmentSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  confirmAmendment: {
    method: 'POST',
    path: '/agreements/{agreementId}/years/{year}/amendments/{amendmentId}/confirmation',
    tag: 'Performance agreements',
    summary: 'Confirm an amendment (the supplier); the current volume changes',
    action: 'amendment:confirm',
    params: amendmentParams,
    body: confirmationBody,
    responses: {
      200: {
        description: 'The confirmed amendment',
        schema: amendmentSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  listUsage: {
    method: 'GET',
    path: '/agreements/{agreementId}/usage/{year}',
    tag: 'Performance agreements',
    summary: "The year's usage reports, month by month, with their money",
    action: 'usage:read',
    params: usageYearParams,
    responses: {
      200: { description: 'The reports of the year', schema: usageYearSchema },
    },
    problems: [404],
  },
  reportUsage: {
    method: 'PUT',
    path: '/agreements/{agreementId}/usage/{year}/{month}',
    tag: 'Performance agreements',
    summary:
      'Report the volumes delivered in a month (the supplier, or an officer); replaces an earlier report',
    action: 'usage:report',
    params: usageParams,
    body: usageBody,
    responses: { 200: { description: 'The report', schema: usageSchema } },
    problems: [404, 409, 413, 415, 422],
  },
});
