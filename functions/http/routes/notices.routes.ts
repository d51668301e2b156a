/** eForms notices of a tender (contract, award, modification) and the entity's notice settings. */
import * as z from 'zod/mini';
import { versionSchema } from '../../domain/limits.ts';
import { NUTS } from '../../domain/suppliers.ts';
import { defineRoutes } from '../route.ts';
import { tenderIdSchema } from './tender-id.ts';

const noticeId = z
  .string()
  .check(
    z.regex(
      /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/,
      'A notice id is a lower-case UUID v4, as GET /tenders/{tenderId}/notices lists them',
    ),
  );
const noticeParams = z.strictObject({ tenderId: tenderIdSchema, noticeId });
const tenderParams = z.strictObject({ tenderId: tenderIdSchema });
const entityParams = z.strictObject({ entityId: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)) });

const message = z.object({
  severity: z.enum(['error', 'warning']),
  rule: z.optional(z.string()),
  text: z.string(),
  location: z.optional(z.string()),
});
const version = z.object({
  version: z.number(),
  status: z.enum(['submitted', 'accepted', 'rejected', 'published']),
  contentHash: z.string(),
  tenderVersion: z.number(),
  submittedAt: z.string(),
  submittedBy: z.object({ sub: z.string(), name: z.string() }),
  messages: z.array(message),
  publicationId: z.optional(z.string()),
  publishedAt: z.optional(z.string()),
  tedPublicationId: z.optional(z.string()),
});
const states = [
  'not-due',
  'incomplete',
  'ready',
  'submitted',
  'accepted',
  'rejected',
  'published',
  'changed',
] as const;
export const noticeSummarySchema = z.object({
  noticeId: z.string(),
  stage: z.enum(['contract', 'award', 'modification']),
  subtype: z.optional(z.string()),
  state: z.enum(states),
  when: z.string(),
  agreementId: z.optional(z.string()),
  amendmentId: z.optional(z.string()),
  missing: z.optional(z.string()),
  version: z.optional(z.number()),
  publicationId: z.optional(z.string()),
  versions: z.array(version),
});

const organisation = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(2), z.maxLength(200)),
  organisationNumber: z.string().check(z.regex(/^\d{8,9}$/, 'Digits only: 9 for Norway, 8 for Denmark')),
  country: z.enum(['NO', 'DK']),
  address: z.strictObject({
    street: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
    postalCode: z.string().check(z.regex(/^\d{4}$/, 'A Norwegian or Danish postal code has 4 digits')),
    city: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
    nuts: z.string().check(z.regex(NUTS, 'A NUTS code: the country (NO, DK), then 1-3 digits or capitals')),
  }),
  contact: z.optional(
    z.strictObject({
      email: z.email(),
      telephone: z
        .string()
        .check(z.regex(/^\+?[0-9 ]{5,20}$/, 'A telephone number: digits, spaces, a leading +')),
    }),
  ),
  website: z.optional(z.url({ protocol: /^https$/ })),
});
export const noticeSettingsBody = z.strictObject({
  /** The version read (0 or left out the first time). */
  version: z.optional(z.union([z.literal(0), versionSchema])),
  contact: z.strictObject({
    email: z.email(),
    telephone: z
      .string()
      .check(z.regex(/^\+?[0-9 ]{5,20}$/, 'A telephone number: digits, spaces, a leading +')),
    website: z.optional(z.url({ protocol: /^https$/ })),
  }),
  reviewBody: z.optional(organisation),
  submissionUrl: z.optional(
    z.url({ protocol: /^https$/ }).check(
      z.regex(/\/$/, 'End the address with "/": the tender id is appended to it'),
      z.meta({
        description:
          'Where suppliers find a tender and submit bids (eForms BT-18): the tender id is appended. Required below the threshold (form E3).',
      }),
    ),
  ),
  lightRegimeThreshold: z.optional(
    z.number().check(
      z.positive(),
      z.meta({
        description:
          "The light regime's EU threshold in force, in the entity's currency: a tender estimated below it is announced with the national forms (E3, E4), at or above with 20 and 33. Unset: always the EU forms.",
      }),
    ),
  ),
});
const settingsSchema = z.object({
  entityId: z.string(),
  contact: z.object({ email: z.string(), telephone: z.string(), website: z.optional(z.string()) }),
  reviewBody: z.optional(z.record(z.string(), z.unknown())),
  submissionUrl: z.optional(z.string()),
  lightRegimeThreshold: z.optional(z.number()),
  version: z.number(),
});

export const noticeRoutes = defineRoutes('noticesApi', {
  listNotices: {
    method: 'GET',
    path: '/tenders/{tenderId}/notices',
    tag: 'Notices',
    summary: "The tender's eForms notices and their state (officers, auditors)",
    action: 'notice:read',
    params: tenderParams,
    responses: {
      200: {
        description: 'The notices',
        schema: z.object({
          tenderId: z.string(),
          procedureId: z.string(),
          items: z.array(noticeSummarySchema),
        }),
      },
    },
    problems: [404],
  },
  getNotice: {
    method: 'GET',
    path: '/tenders/{tenderId}/notices/{noticeId}',
    tag: 'Notices',
    summary: 'A notice as eForms UBL XML (officers, auditors)',
    action: 'notice:read',
    params: noticeParams,
    query: z.strictObject({ version: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(99))) }),
    responses: {
      200: {
        description: 'The notice (application/xml)',
        schema: z.string(),
      },
    },
    problems: [404, 409],
    raw: true,
  },
  submitNotice: {
    method: 'POST',
    path: '/tenders/{tenderId}/notices/{noticeId}/submit',
    tag: 'Notices',
    summary: 'Submit a notice to Doffin (officers)',
    action: 'notice:submit',
    params: noticeParams,
    responses: {
      200: {
        description: 'The notice with its new version',
        schema: noticeSummarySchema,
      },
    },
    problems: [404, 409, 422, 503],
  },
  refreshNotice: {
    method: 'POST',
    path: '/tenders/{tenderId}/notices/{noticeId}/status',
    tag: 'Notices',
    summary: 'Ask Doffin what became of the newest version (officers)',
    action: 'notice:submit',
    params: noticeParams,
    responses: {
      200: { description: 'The notice', schema: noticeSummarySchema },
    },
    problems: [404, 409, 503],
  },
  getNoticeSettings: {
    method: 'GET',
    path: '/entities/{entityId}/notice-settings',
    tag: 'Notices',
    summary: "The entity's notice settings",
    action: 'settings:read',
    params: entityParams,
    responses: {
      200: { description: 'Settings', schema: settingsSchema },
    },
    problems: [404],
  },
  putNoticeSettings: {
    method: 'PUT',
    path: '/entities/{entityId}/notice-settings',
    tag: 'Notices',
    summary: "Set the entity's notice settings (officers)",
    action: 'settings:update',
    params: entityParams,
    body: noticeSettingsBody,
    responses: {
      200: { description: 'Settings', schema: settingsSchema },
    },
    problems: [404, 409, 413, 415, 422],
  },
});
