/**
 * The descriptions and examples of the annual performance agreement routes
 * (functions/http/routes/performance.routes.ts), read only by the OpenAPI generator
 * (functions/http/openapi.ts), so only docsApi bundles them.
 */
import * as ex from '../examples.ts';
import { performanceRoutes } from '../routes/performance.routes.ts';
import { documentRoutes } from './route-docs.ts';

export const performanceDocs = documentRoutes(performanceRoutes, {
  getYear: {
    description:
      "The entity's people and the agreement's supplier see the negotiation, the amendments and the utilisation; once published, everyone signed in sees the agreed terms.",
    responses: { 200: { example: ex.yearPublishedExample } },
  },
  startNegotiation: {
    description:
      'Otherwise it starts by itself at the yearly renegotiation date. Creates the draft from the year before (agreed volume, amendments, reported usage) and the need given here, and starts the workflow.',
    bodyExample: ex.startNegotiationExample,
    responses: { 202: { example: ex.yearDraftExample } },
  },
  proposeYear: {
    description:
      "An officer of the agreement's entity sends the year's terms to the supplier: the lines (service, volume unit, volume and unit price), the price adjustment in percent and how many days the supplier has to answer (14 by default). Only on the officer's turn: a draft, or after a counter-offer (409 otherwise). Every line names a volume unit of the agreement (422). The workflow waits for the answer until the supplier's deadline.",
    bodyExample: ex.proposalExample,
    responses: { 200: { example: ex.yearExample } },
  },
  answerYear: {
    description:
      "The agreement's supplier answers the proposal: accept it, or counter with its own lines and price adjustment. Only a proposed year can be answered (409), and only by the agreement's own supplier (404 for any other). Accepted terms wait for the officer's approval; a counter-offer returns the turn to the officer.",
    bodyExample: ex.answerYearExample,
    responses: { 200: { example: ex.yearAgreedExample } },
  },
  approveYear: {
    description:
      "An officer of the agreement's entity approves terms both sides agreed, or accepts the supplier's counter-offer; either way the year is published with its volumes and prices, amendments and usage reports apply to it, and everyone signed in reads the agreed terms. Anything else (a draft, a proposal still open, a year already approved) is refused with 409.",
    bodyExample: ex.approvalExample,
    responses: { 200: { example: ex.yearPublishedExample } },
  },
  getNegotiationWorkflow: {
    description:
      "For the officers and auditors of the agreement's entity: the Step Functions execution that carries the year's renegotiation (proposal, the supplier's deadline, approval) and its history. A year whose renegotiation has not started is 404.",
    responses: { 200: { example: ex.negotiationWorkflowExample } },
  },
  raiseAmendment: {
    description:
      "An officer of the agreement's entity raises or lowers a volume of the year's published performance agreement (a positive or negative `delta` in one of its units), with a reason; the supplier confirms it before the current volume changes. The year must be published (409), the unit must be one of the year's, and the volume can neither go below zero nor above the largest volume (422). Send an Idempotency-Key to make retries safe.",
    bodyExample: ex.amendmentBodyExample,
    responses: { 201: { example: ex.amendmentExample } },
  },
  confirmAmendment: {
    description:
      "The agreement's supplier confirms an amendment raised by the authority; the year's current volume (and utilisation) changes with it. An amendment already confirmed is refused with 409; another supplier gets 404.",
    bodyExample: ex.confirmationExample,
    responses: { 200: { example: ex.amendmentConfirmedExample } },
  },
  listUsage: {
    description:
      "For the entity's people and the agreement's supplier (404 for anyone else): every month reported in the year, in month order, each line valued at the year's unit price for its unit (the volume-weighted mean where the year's lines share a unit; 0 without a performance agreement for the year), in the agreement's currency, and the year's totals per unit.",
    responses: { 200: { example: ex.usageYearExample } },
  },
  reportUsage: {
    description:
      "The volumes delivered in one month of the year, one line per volume unit, by the agreement's supplier or an officer of its entity; reporting the month again replaces the earlier report (audited as a correction). A month that has not begun, one outside the agreement's period, a unit the agreement does not have, or the same unit twice in one report are refused with 422 problems that point at the line.",
    bodyExample: ex.usageBodyExample,
    responses: { 200: { example: ex.usageExample } },
  },
});
