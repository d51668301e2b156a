/**
 * The documentation of every route, by route key: only functions/http/openapi.ts's callers import it
 * (docsApi, the tests), so no other function bundles the descriptions and examples.
 */
import { agreementDocs } from './agreements.docs.ts';
import { auditDocs } from './audit.docs.ts';
import { biddingDocs } from './bidding.docs.ts';
import { docsDocs } from './docs.docs.ts';
import { noticeDocs } from './notices.docs.ts';
import { performanceDocs } from './performance.docs.ts';
import { referenceDocs } from './reference.docs.ts';
import type { RoutesDocs } from './route-docs.ts';
import { tenderDocs } from './tenders.docs.ts';

export const routeDocs: RoutesDocs = {
  ...tenderDocs,
  ...biddingDocs,
  ...agreementDocs,
  ...performanceDocs,
  ...auditDocs,
  ...referenceDocs,
  ...noticeDocs,
  ...docsDocs,
};
