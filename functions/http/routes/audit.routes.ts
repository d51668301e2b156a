/** The auditors' routes: verification of the chains, and merged histories. */
import * as z from 'zod/mini';
import { pageQueryShape } from '../pagination.ts';
import { defineRoutes } from '../route.ts';
import { tenderIdSchema } from './tender-id.ts';

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
    action: 'ocds:read',
    params: z.strictObject({ tenderId: tenderIdSchema }),
    responses: {
      200: { description: 'Release package', schema: ocdsPackage },
    },
    problems: [404],
  },
  ocdsRecord: {
    method: 'GET',
    path: '/ocds/records/{ocid}',
    tag: 'OCDS',
    summary:
      'The OCDS record of a contracting process (a tender, or an annual call-off), with its compiled release',
    action: 'ocds:read',
    params: z.strictObject({
      ocid: z
        .string()
        .check(
          z.regex(/^ocds-hk4j9p-(tnd_[0-9a-f]{32}|agr_[0-9a-f]{32}-\d{4})$/, 'An ocid of this publisher'),
        ),
    }),
    responses: { 200: { description: 'Record package', schema: ocdsPackage } },
    problems: [404],
  },
  verify: {
    method: 'GET',
    path: '/audit/verify',
    tag: 'Audit',
    summary: 'Recompute the audit chains and report edits, gaps and reorders with where they are',
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
      200: { description: 'The verification', schema: verification },
    },
    problems: [404, 422],
  },
  tenderHistory: {
    method: 'GET',
    path: '/tenders/{tenderId}/history',
    tag: 'Audit',
    summary: "The tender's timeline: its audit events merged with its workflow's execution history",
    action: 'audit:read',
    params: z.strictObject({ tenderId: tenderIdSchema }),
    query: historyQuery,
    responses: {
      200: { description: 'The timeline, oldest first', schema: timeline },
    },
    problems: [404],
  },
  supplierRegisterHistory: {
    method: 'GET',
    path: '/audit/suppliers/history',
    tag: 'Audit',
    summary: "The supplier register's history: every change to the suppliers, who made it and when",
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
      },
    },
  },
  entityTimeline: {
    method: 'GET',
    path: '/audit/timeline',
    tag: 'Audit',
    summary: "The whole entity's audit trail, newest first, a page at a time",
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
      },
    },
  },
  auditExport: {
    method: 'GET',
    path: '/audit/export',
    tag: 'Audit',
    summary: "The entity's audit events as stored, for verifying them offline against the signed digests",
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
      },
    },
  },
  riskFlags: {
    method: 'GET',
    path: '/audit/risk-flags',
    tag: 'Audit',
    summary: 'Risk flags computed from what the product holds, each with the rule that raised it',
    action: 'audit:read',
    responses: {
      200: {
        description: 'The rules and the flags, newest first',
        schema: z.object({
          rules: z.array(z.record(z.string(), z.unknown())),
          items: z.array(z.record(z.string(), z.unknown())),
        }),
      },
    },
  },
  referenceHistory: {
    method: 'GET',
    path: '/audit/reference/history',
    tag: 'Audit',
    summary:
      "The history of your entity's own reference data: service areas, volume units and hospital areas",
    action: 'audit:read',
    query: historyQuery,
    responses: {
      200: {
        description: "The reference data's timeline, oldest first",
        schema: timeline,
      },
    },
  },
  agreementHistory: {
    method: 'GET',
    path: '/agreements/{agreementId}/history',
    tag: 'Audit',
    summary: "The agreement's timeline: its audit events merged with its renegotiations' execution histories",
    action: 'audit:read',
    params: z.strictObject({ agreementId }),
    query: historyQuery,
    responses: {
      200: {
        description: 'The timeline, oldest first',
        schema: timeline,
      },
    },
    problems: [404],
  },
});
