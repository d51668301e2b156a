/**
 * The descriptions and examples of the question, bid and evaluation routes (functions/http/routes/bidding.routes.ts),
 * read only by the OpenAPI generator (functions/http/openapi.ts), so only docsApi bundles them.
 */
import * as ex from '../examples.ts';
import { biddingRoutes } from '../routes/bidding.routes.ts';
import { documentRoutes } from './route-docs.ts';

export const biddingDocs = documentRoutes(biddingRoutes, {
  askQuestion: {
    description:
      "Open while the tender is open, until its questionsCloseHours before the bid deadline. Every supplier sees the question and its answer, never the asker's identity.",
    bodyExample: ex.askQuestionExample,
    responses: { 201: { example: ex.questionExample } },
  },
  listQuestions: {
    description: 'Suppliers see every question without its asker (askedByYou marks their own).',
    responses: { 200: { example: { items: [{ ...ex.answeredQuestionExample, askedByYou: true }] } } },
  },
  answerQuestion: {
    description:
      "An officer of the tender's entity answers, and every supplier reads the answer beside the question (never who asked). Send the question's version; a stale one is a 409 conflict. Questions are answered while the tender is open for bids (status tendering); after the opening, or once it is cancelled, 409.",
    bodyExample: ex.answerQuestionExample,
    responses: { 200: { example: ex.answeredQuestionExample } },
  },
  submitBid: {
    description:
      'Until the bid deadline (server time). Returns a receipt: bid id, version, server timestamp and the SHA-256 of the canonical bid content. A submission that arrives at or after the deadline is rejected and not stored. To replace a bid, send the version you have. Delivery sites lie in the lot\'s hospital areas, unless the lot allows sites outside them (deliveryOutsideAreasAllowed: another hospital area, or none). A tender reserved for non-profit suppliers (reservedForNonProfit) refuses, with a 403 problem, a supplier not registered with kind "ideell".',
    bodyExample: ex.bidExample,
    responses: {
      201: { example: ex.receiptExample },
      200: { example: { ...ex.receiptExample, version: 2, receivedAt: '2027-01-15T11:02:40.000Z' } },
    },
  },
  getOwnBid: {
    description:
      'A supplier reads back only its own bid, sealed or not, to check what was received: the content, the server time and the SHA-256 it can compare with its own copy. No bid for the lot (or a withdrawn one) is 404; nobody else reads a bid here.',
    responses: { 200: { example: ex.ownBidExample } },
  },
  withdrawBid: {
    description:
      'Until the bid deadline (server time) the supplier can take its bid back; the receipt says so with the time of the withdrawal. After the deadline the bid stands (409). A lot without a submitted bid of the caller is 404. A withdrawn bid is not opened; the supplier can submit again before the deadline.',
    responses: { 200: { example: ex.withdrawalReceiptExample } },
  },
  listBids: {
    description:
      "Sealed until the bid deadline: officers, evaluators and auditors of the tender's entity see only how many bids each lot has. After the opening they read the bids themselves (`items`), and each read is recorded for the auditors. Suppliers never list bids (403).",
    responses: { 200: { example: ex.bidCountsExample } },
  },
  getBid: {
    description:
      "For the officers, evaluators and auditors of the tender's entity once the bid deadline has passed and the bids are opened: the supplier's prices, capacity, delivery sites, answers to the quality criteria and confirmations, with its receipt time, hash and qualification; each read is recorded for the auditors. Before the opening it is sealed (403); suppliers read their own bid with GET /tenders/{tenderId}/lots/{lotId}/bid.",
    responses: { 200: { example: ex.bidResultExample } },
  },
  qualifyBid: {
    description:
      "An officer of the tender's entity decides, during evaluation and before the ranking is requested (409 otherwise; to change it later, revise the award), whether a valid bid meets the qualification requirements. A rejection needs a reason, which the supplier receives with the award decision. A withdrawn or invalidated bid, or a bid of a cancelled lot, cannot be qualified (409). Send the bid's version.",
    bodyExample: ex.qualifyBidExample,
    responses: { 200: { example: ex.qualifiedBidExample } },
  },
  scoreBid: {
    description:
      "An evaluator of the tender's entity scores a qualified bid during evaluation, once per quality (non-price) criterion, 0 to 10 with an optional comment; sending again replaces the evaluator's earlier scores for the bid. Price is not scored by hand: it is scored by formula when the lot is ranked. A bid that is not qualified, or a tender whose ranking is requested, refuses with 409; an unknown or missing criterion is a 422 problem.",
    bodyExample: ex.scoresBodyExample,
    responses: { 200: { example: ex.scoresExample } },
  },
});
