/**
 * The descriptions and examples of the audit routes (functions/http/routes/audit.routes.ts),
 * read only by the OpenAPI generator (functions/http/openapi.ts), so only docsApi bundles them.
 */
import * as ex from '../examples.ts';
import { auditRoutes } from '../routes/audit.routes.ts';
import { documentRoutes } from './route-docs.ts';

export const auditDocs = documentRoutes(auditRoutes, {
  tenderOcds: {
    description:
      'A release for every stage change (tender, tenderAmendment, tenderUpdate, tenderCancellation, award, awardUpdate, contract, contractAmendment, contractTermination) and the call-off processes of the annual performance agreements, with the lots, bids, techniques, renewal and options extensions. Bid content never appears in a release dated before the opening.',
    responses: { 200: { example: ex.ocdsPackageExample } },
  },
  ocdsRecord: {
    description:
      "The ocid names the process: `ocds-hk4j9p-` and a tender id, or an agreement id and a year for that year's call-off (performance agreement). Published processes are open data for everyone signed in; a draft tender's only for its own entity (404 for anyone else), and bid content never before the opening. The record lists the process's releases and compiles them into its current state.",
    responses: { 200: { example: ex.ocdsRecordExample } },
  },
  verify: {
    description:
      "For one tender (tenderId), one agreement (agreementId), the shared supplier register (register=suppliers), or everything of the caller's entity (none of them; `since=N` for only what moved after the entity's digest N). Each aggregate's events must be numbered 1, 2, 3… without gaps, each must link to the hash of the one before, each must match its own hash, and the aggregate as stored must be at its last event. Then against the scope's signed digests in the locked bucket (docs/audit.md): each digest's signature and link to the one before, and every chain head a digest fixed must still be the stored event with that hash — a chain rewritten consistently after a digest is found here (`digest-mismatch`), as is any change or removal of an audit item the stream watcher saw (`anomaly`). An entity too large to verify whole within the request (more than 30 000 events) is a 422 problem (`verification-too-large`) that says to verify `since=N`, or offline from `GET /audit/export` with `npm run audit:verify`.",
    responses: { 200: { example: ex.verificationExample } },
  },
  tenderHistory: {
    description:
      "For the officers and auditors of the tender's entity (404 for anyone else): every audit event of the tender, its bids, questions and evaluation (who did what, when, why, and the event's hash) merged with the Step Functions history of its workflow (actor `system`), oldest first. Until the opening it shows that bids came in, not whose. Filter by time, actor and kind; `format=csv` exports the same rows as CSV.",
    responses: { 200: { example: ex.tenderTimelineExample } },
  },
  supplierRegisterHistory: {
    description:
      'The supplier register is shared by every procuring entity (its changes are audited under the scope `global`): the officers and auditors of any entity read its history, nobody changes it here. `supplierId` narrows it to one supplier; filter by time, actor and kind as the other histories; `format=csv` exports the same rows as CSV.',
    responses: { 200: { example: ex.supplierTimelineExample } },
  },
  entityTimeline: {
    description:
      "Every audit event of the caller's entity (tenders, bids, evaluations, agreements, years, reminders, reference data): who did what, when, why, with its hash, newest first; `limit` (default 50, at most 100) and `cursor` from `nextCursor`. Bids of a tender not yet opened show that a bid came in, not whose, as in the tender's history. For the entity's officers and auditors.",
    responses: { 200: { example: ex.entityTimelineExample } },
  },
  auditExport: {
    description:
      "The export an auditor takes home (docs/audit.md): every audit event of the caller's entity exactly as stored (hashes, links, sequence keys), oldest first, a page at a time (`limit` up to 1000, `cursor` from `nextCursor`; join the pages' `events`). With the digest files of the locked bucket and the signing key's public half, `npm run audit:verify -- --export FILE --digests DIR --public-key FILE` verifies it without this server. The chains of bids of a tender not yet opened are withheld whole (`withheld`: who bid is sealed until the opening) and come with the next export after it. For the entity's auditors and officers.",
    responses: { 200: { example: ex.auditExportExample } },
  },
  riskFlags: {
    description:
      "For the entity's auditors and officers: a single bidder on a lot, a deadline extended or the tender materially changed in its last days, one supplier winning the same lot again and again, an award revised, a large share of a year's volume moved by amendments, an agreement running on options past its planned end. Each flag names the tender or agreement, when the condition arose, and the figures; `rules` states every rule with its thresholds and why an auditor cares (docs/audit.md). Newest first. A flag is a question to ask, not a finding.",
    responses: { 200: { example: ex.riskFlagsExample } },
  },
  referenceHistory: {
    description:
      "Every change the entity's officers made to the reference data they manage (what was added, renamed, by whom, when, with the event's hash), oldest first; the entity's officers and auditors read it, nobody changes it here. The changes are in the entity's audit chain (GET /audit/verify). Filter by time and actor as the other histories; `format=csv` exports the same rows as CSV.",
    responses: { 200: { example: ex.referenceTimelineExample } },
  },
  agreementHistory: {
    description:
      "For the officers and auditors of the agreement's entity (404 for anyone else): every audit event of the agreement, its reminders, performance agreements, amendments and usage reports merged with the execution histories of its yearly renegotiations (actor `system`), oldest first. Filter by time, actor and kind; `format=csv` exports the same rows as CSV.",
    responses: {
      200: {
        example: {
          scope: `agreement ${ex.ids.agreement}`,
          items: [
            {
              at: '2026-10-01T08:00:00.000Z',
              kind: 'audit',
              actor: 'c0a8f3e2-officer-hso',
              role: 'officer',
              action: 'agreement.registered',
              aggregate: `agreement ${ex.ids.agreement}`,
              seq: 1,
              detail: { actorName: 'Kari Nordmann', change: {}, hash: '0cc175b9c0f1b6a831c399e269772661' },
            },
          ],
        },
      },
    },
  },
});
