/** Framework agreements: routes, schemas and answers. */
import * as z from 'zod/mini';
import { pageOf, pageQueryShape } from '../commons/pagination.ts';
import { defineRoutes } from '../commons/route.ts';
import { agreementStatuses } from '../domain/agreement.ts';

const agreementParams = z.strictObject({
  agreementId: z
    .string()
    .check(z.regex(/^agr_[0-9a-f]{32}$/, 'An agreement id looks like agr_ followed by 32 hex digits')),
});

export const agreementSchema = z.object({
  id: z.string(),
  entityId: z.string(),
  tenderId: z.string(),
  tenderTitle: z.string(),
  lotId: z.string(),
  lotTitle: z.string(),
  supplierId: z.string(),
  bidId: z.string(),
  rank: z.number(),
  serviceAreaId: z.string(),
  formOfCare: z.string(),
  hospitalAreaIds: z.array(z.string()),
  currency: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  options: z.array(z.object({ durationMonths: z.number() })),
  optionNoticeDays: z.number(),
  prices: z.array(z.object({ unit: z.string(), unitPrice: z.number() })),
  volumes: z.array(z.object({ unit: z.string(), quantity: z.number() })),
  deliverySites: z.array(
    z.object({ place: z.string(), hospitalAreaId: z.string(), address: z.optional(z.string()) }),
  ),
  nonExclusive: z.literal(true),
  minimumPurchase: z.literal('none'),
  status: z.enum(agreementStatuses),
  createdAt: z.string(),
  version: z.number(),
});

export const agreementRoutes = defineRoutes('agreementsApi', {
  listAgreements: {
    method: 'GET',
    path: '/agreements',
    tag: 'Agreements',
    summary: 'Framework agreements',
    description:
      "Officers, evaluators and auditors see their entity's agreements; suppliers see their own. Newest first.",
    action: 'agreement:list',
    query: z.strictObject(pageQueryShape),
    responses: { 200: { description: 'A page of agreements', schema: pageOf(agreementSchema) } },
  },
  getAgreement: {
    method: 'GET',
    path: '/agreements/{agreementId}',
    tag: 'Agreements',
    summary: 'One framework agreement',
    action: 'agreement:read',
    params: agreementParams,
    responses: { 200: { description: 'The agreement', schema: agreementSchema } },
    problems: [404],
  },
});
