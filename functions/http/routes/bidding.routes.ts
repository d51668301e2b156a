/** Questions, sealed bids, qualification and scores: routes, schemas and answers. */
import * as z from 'zod/mini';
import { bidContentShape, bidStatuses } from '../../domain/bid.ts';
import { percentSchema, versionSchema } from '../../domain/limits.ts';
import * as ex from '../examples.ts';
import { defineRoutes } from '../route.ts';
import { tenderIdSchema } from './tenders.routes.ts';

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
    description:
      "Open while the tender is open, until its questionsCloseHours before the bid deadline. Every supplier sees the question and its answer, never the asker's identity.",
    action: 'question:ask',
    params: tenderParams,
    body: askBody,
    bodyExample: ex.askQuestionExample,
    idempotent: true,
    responses: { 201: { description: 'The question', schema: questionSchema, example: ex.questionExample } },
    problems: [404, 409, 413, 415, 422],
  },
  listQuestions: {
    method: 'GET',
    path: '/tenders/{tenderId}/questions',
    tag: 'Questions',
    summary: 'Questions and answers of a tender',
    description: 'Suppliers see every question without its asker (askedByYou marks their own).',
    action: 'question:list',
    params: tenderParams,
    responses: {
      200: {
        description: 'Questions, oldest first',
        schema: z.object({ items: z.array(questionSchema) }),
        example: { items: [{ ...ex.answeredQuestionExample, askedByYou: true }] },
      },
    },
    problems: [404],
  },
  answerQuestion: {
    method: 'POST',
    path: '/tenders/{tenderId}/questions/{questionId}/answer',
    tag: 'Questions',
    summary: 'Answer a question (officers); answering again replaces the answer',
    description:
      "An officer of the tender's entity answers, and every supplier reads the answer beside the question (never who asked). Send the question's version; a stale one is a 409 conflict. Questions are answered while the tender is open for bids (status tendering); after the opening, or once it is cancelled, 409.",
    action: 'question:answer',
    params: questionParams,
    body: answerBody,
    bodyExample: ex.answerQuestionExample,
    responses: {
      200: {
        description: 'The answered question',
        schema: questionSchema,
        example: ex.answeredQuestionExample,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  submitBid: {
    method: 'PUT',
    path: '/tenders/{tenderId}/lots/{lotId}/bid',
    tag: 'Bids',
    summary: "Submit or replace the calling supplier's bid for a lot",
    description:
      'Until the bid deadline (server time). Returns a receipt: bid id, version, server timestamp and the SHA-256 of the canonical bid content. A submission that arrives at or after the deadline is rejected and not stored. To replace a bid, send the version you have. Delivery sites lie in the lot\'s hospital areas, unless the lot allows sites outside them (deliveryOutsideAreasAllowed: another hospital area, or none). A tender reserved for non-profit suppliers (reservedForNonProfit) refuses, with a 403 problem, a supplier not registered with kind "ideell".',
    action: 'bid:submit',
    params: lotParams,
    body: bidBody,
    bodyExample: ex.bidExample,
    responses: {
      201: {
        description: 'Receipt of a first submission',
        schema: receiptSchema,
        example: ex.receiptExample,
      },
      200: {
        description: 'Receipt of a replacement',
        schema: receiptSchema,
        example: { ...ex.receiptExample, version: 2, receivedAt: '2027-01-15T11:02:40.000Z' },
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  getOwnBid: {
    method: 'GET',
    path: '/tenders/{tenderId}/lots/{lotId}/bid',
    tag: 'Bids',
    summary: "The calling supplier's bid for a lot, with its receipt",
    description:
      'A supplier reads back only its own bid, sealed or not, to check what was received: the content, the server time and the SHA-256 it can compare with its own copy. No bid for the lot (or a withdrawn one) is 404; nobody else reads a bid here.',
    action: 'bid:readOwn',
    params: lotParams,
    responses: {
      200: {
        description: 'The bid and its receipt',
        schema: z.object({ bid: bidSchema, receipt: receiptSchema }),
        example: ex.ownBidExample,
      },
    },
    problems: [404],
  },
  withdrawBid: {
    method: 'DELETE',
    path: '/tenders/{tenderId}/lots/{lotId}/bid',
    tag: 'Bids',
    summary: "Withdraw the calling supplier's bid (until the deadline)",
    description:
      'Until the bid deadline (server time) the supplier can take its bid back; the receipt says so with the time of the withdrawal. After the deadline the bid stands (409). A lot without a submitted bid of the caller is 404. A withdrawn bid is not opened; the supplier can submit again before the deadline.',
    action: 'bid:submit',
    params: lotParams,
    responses: {
      200: {
        description: 'Receipt of the withdrawal',
        schema: receiptSchema,
        example: ex.withdrawalReceiptExample,
      },
    },
    problems: [404, 409, 422],
  },
  listBids: {
    method: 'GET',
    path: '/tenders/{tenderId}/bids',
    tag: 'Bids',
    summary: 'Bids of a tender: counts while sealed, the bids after opening',
    description:
      "Sealed until the bid deadline: officers, evaluators and auditors of the tender's entity see only how many bids each lot has. After the opening they read the bids themselves (`items`), and each read is recorded for the auditors. Suppliers never list bids (403).",
    action: 'bid:list',
    params: tenderParams,
    responses: {
      200: {
        description: 'Counts per lot, and the bids once opened',
        schema: bidCountsSchema,
        example: ex.bidCountsExample,
      },
    },
    problems: [404],
  },
  getBid: {
    method: 'GET',
    path: '/tenders/{tenderId}/bids/{bidId}',
    tag: 'Bids',
    summary: 'One bid (after opening)',
    description:
      "For the officers, evaluators and auditors of the tender's entity once the bid deadline has passed and the bids are opened: the supplier's prices, capacity, delivery sites, answers to the quality criteria and confirmations, with its receipt time, hash and qualification; each read is recorded for the auditors. Before the opening it is sealed (403); suppliers read their own bid with GET /tenders/{tenderId}/lots/{lotId}/bid.",
    action: 'bid:read',
    params: bidParams,
    responses: { 200: { description: 'The bid', schema: bidSchema, example: ex.bidResultExample } },
    problems: [404],
  },
  qualifyBid: {
    method: 'POST',
    path: '/tenders/{tenderId}/bids/{bidId}/qualification',
    tag: 'Evaluation',
    summary: 'Mark a bid qualified, or rejected with a reason (officers)',
    description:
      "An officer of the tender's entity decides, during evaluation and before the ranking is requested (409 otherwise; to change it later, revise the award), whether a valid bid meets the qualification requirements. A rejection needs a reason, which the supplier receives with the award decision. A withdrawn or invalidated bid, or a bid of a cancelled lot, cannot be qualified (409). Send the bid's version.",
    action: 'bid:qualify',
    params: bidParams,
    body: qualificationBody,
    bodyExample: ex.qualifyBidExample,
    responses: { 200: { description: 'The bid', schema: bidSchema, example: ex.qualifiedBidExample } },
    problems: [404, 409, 413, 415, 422],
  },
  scoreBid: {
    method: 'PUT',
    path: '/tenders/{tenderId}/bids/{bidId}/scores',
    tag: 'Evaluation',
    summary: "The calling evaluator's scores (0–10) for a qualified bid, one per quality criterion",
    description:
      "An evaluator of the tender's entity scores a qualified bid during evaluation, once per quality (non-price) criterion, 0 to 10 with an optional comment; sending again replaces the evaluator's earlier scores for the bid. Price is not scored by hand: it is scored by formula when the lot is ranked. A bid that is not qualified, or a tender whose ranking is requested, refuses with 409; an unknown or missing criterion is a 422 problem.",
    action: 'score:submit',
    params: bidParams,
    body: scoresBody,
    bodyExample: ex.scoresBodyExample,
    responses: {
      200: { description: "The evaluator's scores", schema: scoresSchema, example: ex.scoresExample },
    },
    problems: [404, 409, 413, 415, 422],
  },
});
