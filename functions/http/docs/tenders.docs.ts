/**
 * The descriptions and examples of the tender routes (functions/http/routes/tenders.routes.ts),
 * read only by the OpenAPI generator (functions/http/openapi.ts), so only docsApi bundles them.
 */
import * as ex from '../examples.ts';
import { tenderRoutes } from '../routes/tenders.routes.ts';
import { documentRoutes } from './route-docs.ts';

export const tenderDocs = documentRoutes(tenderRoutes, {
  createTender: {
    description:
      "An officer drafts a tender for their procuring entity: its specialties (serviceAreaIds, one or many: a partnership across fifteen specialties is one tender), CPV codes (main first), an estimated value, whether it is reserved for non-profit (ideelle) suppliers, lots (hospital areas, forms of care, their own specialties among the tender's, CPV codes, estimated value, whether delivery sites outside their hospital areas are allowed, estimated volumes, minimum and maximum suppliers), award criteria with weights summing to 100, qualification requirements, bid deadline, planned agreement period with options and the standstill period. Drafts are visible only to the entity. Send an Idempotency-Key to make retries safe.",
    bodyExample: ex.createTenderExample,
    responses: { 201: { example: ex.tenderDraftExample } },
  },
  listTenders: {
    description:
      "Officers, evaluators and auditors see their entity's tenders (drafts included) by default, or every announced tender with scope=published; suppliers see announced tenders. Newest first.",
    responses: { 200: { example: { items: [ex.tenderAnnouncedExample] } } },
  },
  getTender: {
    description:
      'Everyone signed in reads an announced tender, with its lots, criteria, requirements and deadlines; a draft only the people of its own entity (anyone else gets 404, as if it did not exist). The ETag header carries the version to send back when editing.',
    responses: { 200: { example: ex.tenderAnnouncedExample } },
  },
  updateTender: {
    description:
      'Replaces the named fields of a draft. Send the version you read; a stale version is a 409 conflict. Announced tenders cannot be edited here.',
    bodyExample: ex.patchTenderExample,
    responses: { 200: { example: { ...ex.tenderDraftExample, ...ex.patchTenderExample, version: 2 } } },
  },
  announceTender: {
    description:
      'Checks the draft once more (its bid deadline, among other rules, must be in the future and at most 100 days away), makes it visible to everyone signed in and starts its workflow (one Step Functions execution per tender). Repeating the call on an announced tender makes sure its workflow runs and changes nothing else.',
    bodyExample: ex.announceTenderExample,
    responses: { 200: { example: ex.tenderAnnouncedExample } },
  },
  getTenderWorkflow: {
    description: 'The execution status and its history in the shape of Step Functions GetExecutionHistory.',
    responses: { 200: { example: ex.tenderWorkflowExample } },
  },
  extendDeadline: {
    description:
      'Only later, and only before the current deadline passes; the opening moves with it. The questions close the same number of hours before the new deadline. The deadline stays at most 100 days after the announcement (one workflow execution carries the tender to its agreements, and it lives at most a year): a later one is a 422 problem pointing at `#/bidDeadline`.',
    bodyExample: ex.extendDeadlineExample,
    responses: {
      200: {
        example: {
          ...ex.tenderAnnouncedExample,
          bidDeadline: ex.extendDeadlineExample.bidDeadline,
          version: 4,
        },
      },
    },
  },
  changeTender: {
    description:
      'Lots, award criteria or qualification requirements, with a reason. Bids already in for the affected lots are invalidated in the same transaction and their suppliers are told to submit again. Changed criteria or requirements affect every lot.',
    bodyExample: ex.changeTenderExample,
    responses: { 200: { example: ex.changeTenderResultExample } },
  },
  cancelTender: {
    description:
      'At any stage before framework agreements exist. Everyone involved is told. Cancelling every remaining lot cancels the tender.',
    bodyExample: ex.cancelTenderExample,
    responses: { 200: { example: ex.tenderWithCancelledLotExample } },
  },
  requestRanking: {
    description:
      "Every valid bid must be qualified or rejected, and every qualified bid scored by at least the tender's minEvaluators evaluators. The ranking is computed by the workflow (a Map over the lots); read it with GET.",
    bodyExample: ex.versionExample,
    responses: { 202: { example: ex.tenderRankingRequestedExample } },
  },
  getRanking: {
    description:
      "For the officers, evaluators and auditors of the tender's entity, once the workflow has ranked the lots (before that `lots` is empty and `rankedAt` absent): per lot its qualified bids in rank order, each with its evaluated price, its points per award criterion and its total. A lot without enough qualified bids says it is unsuccessful, and why.",
    responses: { 200: { example: ex.rankingExample } },
  },
  approveAward: {
    description:
      "Per lot the best-ranked qualified bids up to the lot's maximum win; a lot with fewer than its minimum is unsuccessful. Every bidder then receives the decision at the same time and the standstill period starts.",
    bodyExample: { version: 6 },
    responses: { 200: { example: ex.awardExample } },
  },
  getAward: {
    description:
      "Per lot its winners, the end of the standstill period and the decision's revision. The tender's own entity reads it as soon as it is approved, everyone else signed in once it has been sent to the bidders; before that, and while the award is being revised, it is 404. A supplier reads it with its own results (`yourResults`: its points per criterion beside the winners', as a reasoned decision needs).",
    responses: { 200: { example: ex.awardExample } },
  },
  reviseAward: {
    description:
      'Before the award decision or during the standstill period: the tender returns to evaluation (qualification and scores can change), the bidders are told, and a new ranking and decision follow.',
    bodyExample: ex.reviseAwardExample,
    responses: { 200: { example: ex.tenderRevisedExample } },
  },
});
