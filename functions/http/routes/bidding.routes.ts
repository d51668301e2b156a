/** Questions, sealed bids, qualification and scores: routes, schemas and answers. */
import * as z from 'zod/mini';
import { bidContentShape, bidStatuses } from '../../domain/bid.ts';
import { percentSchema, versionSchema } from '../../domain/limits.ts';
import { defineRoutes } from '../route.ts';
import { tenderIdSchema } from './tender-id.ts';

const version = versionSchema;
const lotId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'A lot id: lower-case letters, digits and "-"'));
const bidId = z
  .string()
  .check(z.regex(/^bid_[0-9a-f]{32}$/, 'A bid id looks like bid_ followed by 32 hex digits'));
const questionId = z
  .string()
  .check(z.regex(/^qst_[0-9a-f]{32}$/, 'A question id looks like qst_ followed by 32 hex digits'));
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

const tenderParams = z.strictObject({ tenderId: tenderIdSchema });
const lotParams = z.strictObject({ tenderId: tenderIdSchema, lotId });
const bidParams = z.strictObject({ tenderId: tenderIdSchema, bidId });
const questionParams = z.strictObject({ tenderId: tenderIdSchema, questionId });

export const askBody = z.strictObject({ lotId: z.optional(lotId), text: text(4000) });
export const answerBody = z.strictObject({ version, text: text(10_000) });
/** The bid; `version` is the one read, required when replacing an existing bid. */
export const bidBody = z.strictObject({ ...bidContentShape, version: z.optional(version) });
export const qualificationBody = z
  .strictObject({ version, qualified: z.boolean(), reason: z.optional(text(2000)) })
  .check(
    z.refine((b) => b.qualified || b.reason !== undefined, {
      message: 'A rejection needs a reason',
      path: ['reason'],
    }),
  );
export const scoresBody = z.strictObject({
  scores: z
    .array(
      z.strictObject({
        criterionId: z
          .string()
          .check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'A criterion id: lower-case letters, digits and "-"')),
        score: percentSchema(0, 10),
        comment: z.optional(text(4000)),
      }),
    )
    .check(z.minLength(1), z.maxLength(20)),
});

const questionSchema = z.object({
  id: z.string(),
  tenderId: z.string(),
  lotId: z.optional(z.string()),
  text: z.string(),
  askedAt: z.string(),
  answer: z.optional(z.object({ text: z.string(), at: z.string() })),
  askedByYou: z.optional(z.boolean()),
  version: z.number(),
});

export const receiptSchema = z.object({
  bidId: z.string(),
  tenderId: z.string(),
  lotId: z.string(),
  version: z.number(),
  status: z.enum(bidStatuses),
  receivedAt: z.string(),
  contentSha256: z.string(),
});

const bidSchema = z.object({
  id: z.string(),
  tenderId: z.string(),
  lotId: z.string(),
  supplierId: z.string(),
  status: z.enum(bidStatuses),
  ...bidContentShape,
  receivedAt: z.string(),
  contentSha256: z.string(),
  qualification: z.optional(
    z.object({ qualified: z.boolean(), reason: z.optional(z.string()), at: z.string() }),
  ),
  version: z.number(),
});

const bidCountsSchema = z.object({
  sealed: z.boolean(),
  lots: z.array(z.object({ lotId: z.string(), bids: z.number() })),
  items: z.optional(z.array(bidSchema)),
});

const scoresSchema = z.object({
  bidId: z.string(),
  evaluator: z.object({ sub: z.string(), name: z.string() }),
  scores: z.array(z.object({ criterionId: z.string(), score: z.number(), comment: z.optional(z.string()) })),
  at: z.string(),
  version: z.number(),
});

export const biddingRoutes = defineRoutes('biddingApi', {
  askQuestion: {
    method: 'POST',
    path: '/tenders/{tenderId}/questions',
    tag: 'Questions',
    summary: 'Ask a question about the tender or one lot (suppliers)',
    action: 'question:ask',
    params: tenderParams,
    body: askBody,
    idempotent: true,
    responses: { 201: { description: 'The question', schema: questionSchema } },
    problems: [404, 409, 413, 415, 422],
  },
  listQuestions: {
    method: 'GET',
    path: '/tenders/{tenderId}/questions',
    tag: 'Questions',
    summary: 'Questions and answers of a tender',
    action: 'question:list',
    params: tenderParams,
    responses: {
      200: {
        description: 'Questions, oldest first',
        schema: z.object({ items: z.array(questionSchema) }),
      },
    },
    problems: [404],
  },
  answerQuestion: {
    method: 'POST',
    path: '/tenders/{tenderId}/questions/{questionId}/answer',
    tag: 'Questions',
    summary: 'Answer a question (officers); answering again replaces the answer',
    action: 'question:answer',
    params: questionParams,
    body: answerBody,
    responses: {
      200: {
        description: 'The answered question',
        schema: questionSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  submitBid: {
    method: 'PUT',
    path: '/tenders/{tenderId}/lots/{lotId}/bid',
    tag: 'Bids',
    summary: "Submit or replace the calling supplier's bid for a lot",
    action: 'bid:submit',
    params: lotParams,
    body: bidBody,
    responses: {
      201: {
        description: 'Receipt of a first submission',
        schema: receiptSchema,
      },
      200: {
        description: 'Receipt of a replacement',
        schema: receiptSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  getOwnBid: {
    method: 'GET',
    path: '/tenders/{tenderId}/lots/{lotId}/bid',
    tag: 'Bids',
    summary: "The calling supplier's bid for a lot, with its receipt",
    action: 'bid:readOwn',
    params: lotParams,
    responses: {
      200: {
        description: 'The bid and its receipt',
        schema: z.object({ bid: bidSchema, receipt: receiptSchema }),
      },
    },
    problems: [404],
  },
  withdrawBid: {
    method: 'DELETE',
    path: '/tenders/{tenderId}/lots/{lotId}/bid',
    tag: 'Bids',
    summary: "Withdraw the calling supplier's bid (until the deadline)",
    action: 'bid:submit',
    params: lotParams,
    responses: {
      200: {
        description: 'Receipt of the withdrawal',
        schema: receiptSchema,
      },
    },
    problems: [404, 409, 422],
  },
  listBids: {
    method: 'GET',
    path: '/tenders/{tenderId}/bids',
    tag: 'Bids',
    summary: 'Bids of a tender: counts while sealed, the bids after opening',
    action: 'bid:list',
    params: tenderParams,
    responses: {
      200: {
        description: 'Counts per lot, and the bids once opened',
        schema: bidCountsSchema,
      },
    },
    problems: [404],
  },
  getBid: {
    method: 'GET',
    path: '/tenders/{tenderId}/bids/{bidId}',
    tag: 'Bids',
    summary: 'One bid (after opening)',
    action: 'bid:read',
    params: bidParams,
    responses: { 200: { description: 'The bid', schema: bidSchema } },
    problems: [404],
  },
  qualifyBid: {
    method: 'POST',
    path: '/tenders/{tenderId}/bids/{bidId}/qualification',
    tag: 'Evaluation',
    summary: 'Mark a bid qualified, or rejected with a reason (officers)',
    action: 'bid:qualify',
    params: bidParams,
    body: qualificationBody,
    responses: { 200: { description: 'The bid', schema: bidSchema } },
    problems: [404, 409, 413, 415, 422],
  },
  scoreBid: {
    method: 'PUT',
    path: '/tenders/{tenderId}/bids/{bidId}/scores',
    tag: 'Evaluation',
    summary: "The calling evaluator's scores (0–10) for a qualified bid, one per quality criterion",
    action: 'score:submit',
    params: bidParams,
    body: scoresBody,
    responses: {
      200: { description: "The evaluator's scores", schema: scoresSchema },
    },
    problems: [404, 409, 413, 415, 422],
  },
});
