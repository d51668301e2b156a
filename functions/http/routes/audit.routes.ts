/** The auditors' routes: verification of the chains, and merged histories. */
import * as z from 'zod/mini';
import * as ex from '../examples.ts';
import { pageQueryShape } from '../pagination.ts';
import { defineRoutes } from '../route.ts';
import { tenderIdSchema } from './tenders.routes.ts';

const agreementId = z
  .string()
  .check(z.regex(/^agr_[0-9a-f]{32}$/, 'An agreement id looks like agr_ followed by 32 hex digits'));

export const historyQuery = z.strictObject({
  from: z.optional(z.iso.datetime({ offset: true })),
  to: z.optional(z.iso.datetime({ offset: true })),
  /** The actor's user id (`sub`), or `system` for workflow steps and timers. */
  actor: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  kind: z.optional(z.enum(['audit', 'workflow'])),
  format: z.optional(z.enum(['json', 'csv'])),
});

const finding = z.object({ kind: z.string(), aggregate: z.string(), seq: z.number(), detail: z.string() });
const verification = z.object({
  scope: z.string(),
  ok: z.boolean(),
  aggregates: z.number(),
  events: z.number(),
  /** The signed digests the chains were compared with: their scope, how many, the latest. */
  digests: z.object({
    scope: z.string(),
    checked: z.number(),
    latest: z.optional(z.object({ number: z.number(), to: z.string() })),
  }),
  findings: z.array(finding),
});
const timeline = z.object({
  scope: z.string(),
  items: z.array(z.record(z.string(), z.unknown())),
});

const ocdsPackage = z.record(z.string(), z.unknown());

export const auditRoutes = defineRoutes('auditApi', {
  tenderOcds: {
    method: 'GET',
    path: '/tenders/{tenderId}/ocds',
    tag: 'OCDS',
    summary: 'The contracting process as an OCDS 1.1.5 release package',
    description:
      'A release for every stage change (tender, tenderAmendment, tenderUpdate, tenderCancellation, award, awardUpdate, contract, contractAmendment, contractTermination) and the call-off processes of the annual performance agreements, with the lots, bids, techniques, renewal and options extensions. Bid content never appears in a release dated before the opening.',
    action: 'ocds:read',
    params: z.strictObject({ tenderId: tenderIdSchema }),
    responses: {
      200: { description: 'Release package', schema: ocdsPackage, example: ex.ocdsPackageExample },
    },
    problems: [404],
  },
  ocdsRecord: {
    method: 'GET',
    path: '/ocds/records/{ocid}',
    tag: 'OCDS',
    summary:
      'The OCDS record of a contracting process (a tender, or an annual call-off), with its compiled release',
    description:
      "The ocid names the process: `ocds-hk4j9p-` and a tender id, or an agreement id and a year for that year's call-off (performance agreement). Published processes are open data for everyone signed in; a draft tender's only for its own entity (404 for anyone else), and bid content never before the opening. The record lists the process's releases and compiles them into its current state.",
    action: 'ocds:read',
    params: z.strictObject({
      ocid: z
        .string()
        .check(
          z.regex(/^ocds-hk4j9p-(tnd_[0-9a-f]{32}|agr_[0-9a-f]{32}-\d{4})$/, 'An ocid of this publisher'),
        ),
    }),
    responses: { 200: { description: 'Record package', schema: ocdsPackage, example: ex.ocdsRecordExample } },
    problems: [404],
  },
  verify: {
    method: 'GET',
    path: '/audit/verify',
    tag: 'Audit',
    summary: 'Recompute the audit chains and report edits, gaps and reorders with where they are',
    description:
      "For one tender (tenderId), one agreement (agreementId), the shared supplier register (register=suppliers), or everything of the caller's entity (none of them; `since=N` for only what moved after the entity's digest N). Each aggregate's events must be numbered 1, 2, 3… without gaps, each must link to the hash of the one before, each must match its own hash, and the aggregate as stored must be at its last event. Then against the scope's signed digests in the locked bucket (docs/audit.md): each digest's signature and link to the one before, and every chain head a digest fixed must still be the stored event with that hash — a chain rewritten consistently after a digest is found here (`digest-mismatch`), as is any change or removal of an audit item the stream watcher saw (`anomaly`).",
    action: 'audit:read',
    query: z.strictObject({
      tenderId: z.optional(tenderIdSchema),
      agreementId: z.optional(agreementId),
      /** The shared supplier register's chains (audited under the scope `global`). */
      register: z.optional(z.enum(['suppliers'])),
      since: z.optional(
        z.coerce.number().check(
          z.int(),
          z.gte(1),
          z.meta({
            description:
              'Incremental: only the chains that moved after this digest of the entity (the last one you verified), and the digests from it on',
          }),
        ),
      ),
    }),
    responses: {
      200: { description: 'The verification', schema: verification, example: ex.verificationExample },
    },
    problems: [404],
  },
  tenderHistory: {
    method: 'GET',
    path: '/tenders/{tenderId}/history',
    tag: 'Audit',
    summary: "The tender's timeline: its audit events merged with its workflow's execution history",
    description:
      "For the officers and auditors of the tender's entity (404 for anyone else): every audit event of the tender, its bids, questions and evaluation (who did what, when, why, and the event's hash) merged with the Step Functions history of its workflow (actor `system`), oldest first. Until the opening it shows that bids came in, not whose. Filter by time, actor and kind; `format=csv` exports the same rows as CSV.",
    action: 'audit:read',
    params: z.strictObject({ tenderId: tenderIdSchema }),
    query: historyQuery,
    responses: {
      200: { description: 'The timeline, oldest first', schema: timeline, example: ex.tenderTimelineExample },
    },
    problems: [404],
  },
  supplierRegisterHistory: {
    method: 'GET',
    path: '/audit/suppliers/history',
    tag: 'Audit',
    summary: "The supplier register's history: every change to the suppliers, who made it and when",
    description:
      'The supplier register is shared by every procuring entity (its changes are audited under the scope `global`): the officers and auditors of any entity read its history, nobody changes it here. `supplierId` narrows it to one supplier; filter by time, actor and kind as the other histories; `format=csv` exports the same rows as CSV.',
    action: 'supplierHistory:read',
    query: z.strictObject({
      ...historyQuery.shape,
      supplierId: z.optional(
        z
          .string()
          .check(
            z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'A supplier id: lower-case letters, digits and "-"'),
            z.meta({ description: "Only this supplier's changes" }),
          ),
      ),
    }),
    responses: {
      200: {
        description: "The register's timeline, oldest first",
        schema: timeline,
        example: ex.supplierTimelineExample,
      },
    },
  },
  entityTimeline: {
    method: 'GET',
    path: '/audit/timeline',
    tag: 'Audit',
    summary: "The whole entity's audit trail, newest first, a page at a time",
    description:
      "Every audit event of the caller's entity (tenders, bids, evaluations, agreements, years, reminders, reference data): who did what, when, why, with its hash, newest first; `limit` (default 50, at most 100) and `cursor` from `nextCursor`. Bids of a tender not yet opened show that a bid came in, not whose, as in the tender's history. For the entity's officers and auditors.",
    action: 'audit:read',
    query: z.strictObject(pageQueryShape),
    responses: {
      200: {
        description: 'A page of the timeline, newest first',
        schema: z.object({
          scope: z.string(),
          items: timeline.shape.items,
          nextCursor: z.optional(z.string()),
        }),
        example: ex.entityTimelineExample,
      },
    },
  },
  auditExport: {
    method: 'GET',
    path: '/audit/export',
    tag: 'Audit',
    summary: "The entity's audit events as stored, for verifying them offline against the signed digests",
    description:
      "The export an auditor takes home (docs/audit.md): every audit event of the caller's entity exactly as stored (hashes, links, sequence keys), oldest first, a page at a time (`limit` up to 1000, `cursor` from `nextCursor`; join the pages' `events`). With the digest files of the locked bucket and the signing key's public half, `npm run audit:verify -- --export FILE --digests DIR --public-key FILE` verifies it without this server. The chains of bids of a tender not yet opened are withheld whole (`withheld`: who bid is sealed until the opening) and come with the next export after it. For the entity's auditors and officers.",
    action: 'audit:read',
    query: z.strictObject({
      limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000))),
      cursor: pageQueryShape.cursor,
    }),
    responses: {
      200: {
        description: 'A page of the export',
        schema: z.object({
          scope: z.string(),
          exportedAt: z.string(),
          events: z.array(z.record(z.string(), z.unknown())),
          withheld: z.array(z.object({ aggregate: z.string(), reason: z.string() })),
          nextCursor: z.optional(z.string()),
        }),
        example: ex.auditExportExample,
      },
    },
  },
  riskFlags: {
    method: 'GET',
    path: '/audit/risk-flags',
    tag: 'Audit',
    summary: 'Risk flags computed from what the product holds, each with the rule that raised it',
    description:
      "For the entity's auditors and officers: a single bidder on a lot, a deadline extended or the tender materially changed in its last days, one supplier winning the same lot again and again, an award revised, a large share of a year's volume moved by amendments, an agreement running on options past its planned end. Each flag names the tender or agreement, when the condition arose, and the figures; `rules` states every rule with its thresholds and why an auditor cares (docs/audit.md). Newest first. A flag is a question to ask, not a finding.",
    action: 'audit:read',
    responses: {
      200: {
        description: 'The rules and the flags, newest first',
        schema: z.object({
          rules: z.array(z.record(z.string(), z.unknown())),
          items: z.array(z.record(z.string(), z.unknown())),
        }),
        example: ex.riskFlagsExample,
      },
    },
  },
  referenceHistory: {
    method: 'GET',
    path: '/audit/reference/history',
    tag: 'Audit',
    summary:
      "The history of your entity's own reference data: service areas, volume units and hospital areas",
    description:
      "Every change the entity's officers made to the reference data they manage (what was added, renamed, by whom, when, with the event's hash), oldest first; the entity's officers and auditors read it, nobody changes it here. The changes are in the entity's audit chain (GET /audit/verify). Filter by time and actor as the other histories; `format=csv` exports the same rows as CSV.",
    action: 'audit:read',
    query: historyQuery,
    responses: {
      200: {
        description: "The reference data's timeline, oldest first",
        schema: timeline,
        example: ex.referenceTimelineExample,
      },
    },
  },
  agreementHistory: {
    method: 'GET',
    path: '/agreements/{agreementId}/history',
    tag: 'Audit',
    summary: "The agreement's timeline: its audit events merged with its renegotiations' execution histories",
    description:
      "For the officers and auditors of the agreement's entity (404 for anyone else): every audit event of the agreement, its reminders, performance agreements, amendments and usage reports merged with the execution histories of its yearly renegotiations (actor `system`), oldest first. Filter by time, actor and kind; `format=csv` exports the same rows as CSV.",
    action: 'audit:read',
    params: z.strictObject({ agreementId }),
    query: historyQuery,
    responses: {
      200: {
        description: 'The timeline, oldest first',
        schema: timeline,
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
    problems: [404],
  },
});
