/**
 * Framework agreements, their options, termination, renewal decisions, reminders and what needs
 * attention: routes, schemas and answers (served by agreementsApi). The annual performance
 * agreements of an agreement (negotiation, amendments, usage) are performance.routes.ts's.
 */
import * as z from 'zod/mini';
import { agreementStatuses, noticeCountings, renewalDecisions } from '../../domain/agreement.ts';
import { deadlineKinds } from '../../domain/deadlines.ts';
import { MAX_VERSION, quantitySchema, unitPriceSchema, versionSchema } from '../../domain/limits.ts';
import { reportGroupings } from '../../domain/reporting.ts';
import { pageOf, pageQueryShape } from '../pagination.ts';
import { defineRoutes } from '../route.ts';
import { agreementIdSchema as agreementId, agreementYearSchema as year } from './agreement-id.ts';
import { tenderIdSchema } from './tender-id.ts';

const agreementParams = z.strictObject({ agreementId });
const version = versionSchema;
const id = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Use lower-case letters, digits and "-"'));
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const date = z.iso.date();

export const registerAgreementBody = z.strictObject({
  title: text(300),
  supplierId: id,
  serviceAreaIds: z.optional(
    z.array(id).check(
      z.minLength(1),
      z.maxLength(50),
      z.meta({
        description:
          'Every specialty (fagområde) the agreement covers (GET /reference/service-areas); one of serviceAreaIds or serviceAreaId',
      }),
    ),
  ),
  serviceAreaId: z.optional(
    id.check(
      z.meta({ description: 'One service area: the older spelling of serviceAreaIds', deprecated: true }),
    ),
  ),
  lot: z.strictObject({
    id,
    title: text(200),
    hospitalAreaIds: z.array(id).check(z.minLength(1), z.maxLength(20)),
    formsOfCare: z.optional(
      z.array(id).check(
        z.minLength(1),
        z.maxLength(3),
        z.meta({
          description: 'Inpatient, day, outpatient: one or more; one of formsOfCare or formOfCare',
        }),
      ),
    ),
    formOfCare: z.optional(
      id.check(
        z.meta({ description: 'One form of care: the older spelling of formsOfCare', deprecated: true }),
      ),
    ),
  }),
  startDate: date,
  /** Leave out for an open-ended agreement (løpende avtale). */
  endDate: z.optional(date),
  openEnded: z._default(z.boolean(), false),
  options: z._default(
    z
      .array(z.strictObject({ durationMonths: z.number().check(z.int(), z.gte(1), z.lte(120)) }))
      .check(z.maxLength(10)),
    [],
  ),
  optionNoticeDays: z._default(z.number().check(z.int(), z.gte(0), z.lte(730)), 90),
  prices: z._default(
    z.array(z.strictObject({ unit: id, unitPrice: unitPriceSchema })).check(z.maxLength(20)),
    [],
  ),
  volumes: z._default(
    z.array(z.strictObject({ unit: id, quantity: quantitySchema })).check(z.maxLength(20)),
    [],
  ),
  deliverySites: z
    .array(z.strictObject({ place: text(200), hospitalAreaId: id, address: z.optional(text(300)) }))
    .check(z.minLength(1), z.maxLength(50)),
});
export const exerciseOptionBody = z.strictObject({ version });
export const decisionBody = z.strictObject({
  version,
  decision: z.enum(renewalDecisions),
  reason: z.optional(text(2000)),
  /** For `terminate`. */
  noticeMonths: z.optional(z.number().check(z.int(), z.gte(0), z.lte(24))),
  /** For `terminate`: counted from the notice (default) or from the end of its month. */
  noticeCounting: z.optional(z.enum(noticeCountings)),
  /** For `terminate`: an existing tender of the entity that replaces the agreement (and maybe others). */
  successorTenderId: z.optional(tenderIdSchema),
});
const months = z.array(z.number().check(z.int(), z.gte(1), z.lte(36))).check(z.minLength(1), z.maxLength(8));
export const reminderSettingsBody = z.strictObject({
  /** The version read; leave out the first time. */
  version: z.optional(z.number().check(z.int(), z.gte(0), z.lte(MAX_VERSION))),
  expiryLeadMonths: months,
  optionLeadMonths: months,
  escalationLeadMonths: z.number().check(z.int(), z.gte(0), z.lte(36)),
  managerEmail: z.optional(z.email().check(z.maxLength(254))),
});
const entityParams = z.strictObject({ entityId: id });
const notificationParams = z.strictObject({
  notificationId: z
    .string()
    .check(z.regex(/^ntf_[0-9a-f]{32}$/, 'A notification id looks like ntf_ followed by 32 hex digits')),
});
export const terminateBody = z.strictObject({
  version,
  reason: text(2000),
  noticeMonths: z.number().check(z.int(), z.gte(0), z.lte(24)),
  /**
   * How the notice is counted: from the day it is given, or from the end of that month (løpende
   * måned: the agreement then ends at the end of a month).
   */
  noticeCounting: z._default(z.enum(noticeCountings), 'from-notice'),
  /** Draft a new tender, prefilled from the agreement (and its tender). */
  startNewProcurement: z._default(z.boolean(), false),
  /**
   * Or link an existing tender of the entity (a draft, or one under way; not cancelled or without a
   * result) as the successor: one tender can replace several agreements.
   */
  successorTenderId: z.optional(tenderIdSchema),
});
export const successorBody = z.strictObject({ version, successorTenderId: tenderIdSchema });

const described = <T extends z.ZodMiniType>(schema: T, description: string): T =>
  schema.check(z.meta({ description })) as T;

/** The filters of GET /agreements (each optional; all given must hold). */
export const agreementFilterShape = {
  status: z.optional(described(z.enum(agreementStatuses), 'Only agreements in this status')),
  supplierId: z.optional(described(id, 'Only agreements with this supplier')),
  serviceAreaId: z.optional(
    described(id, 'Only agreements that cover this service area (fagområde), among others or alone'),
  ),
  hospitalAreaId: z.optional(
    described(id, "Only agreements whose lot covers this hospital area (one of the lot's areas)"),
  ),
  endDateBefore: z.optional(
    described(
      date,
      'Only agreements that end before this day (yyyy-mm-dd): the end date, or the effective end once notice is given; open-ended ones only once notice is given',
    ),
  ),
  optionDeadlineBefore: z.optional(
    described(
      date,
      "Only agreements whose next option's last day (end date minus optionNoticeDays) is before this day (yyyy-mm-dd), while the option can still be exercised",
    ),
  ),
  needsDecision: z.optional(
    described(
      z.enum(['true', 'false']),
      "true: only running agreements without a renewal decision answering their end date whose first reminder is due (the entity's longest expiry lead before the end date, or its longest option lead before the option's last day). Not for suppliers",
    ),
  ),
  underNotice: z.optional(
    described(
      z.enum(['true', 'false']),
      'true: only agreements under notice (notice given, still running to their effective end); false: only the others',
    ),
  ),
};

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);
export const deadlinesQuery = z
  .strictObject({
    from: z.optional(
      described(instant, 'From this instant or day (inclusive); default now. A day means its start (UTC)'),
    ),
    before: z.optional(
      described(instant, 'Before this instant or day (exclusive); default a year after from'),
    ),
    kind: z.optional(described(z.enum(deadlineKinds), 'Only deadlines of this kind')),
    ...pageQueryShape,
    limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(500))),
  })
  .check(
    z.refine((q) => !q.from || !q.before || Date.parse(q.before) > Date.parse(q.from), {
      message: '"before" must be later than "from"',
      path: ['before'],
    }),
  );

const deadlineSchema = z.object({
  due: z.string(),
  kind: z.enum(deadlineKinds),
  title: z.string(),
  aggregate: z.object({
    type: z.enum(['tender', 'agreement', 'performance']),
    id: z.string(),
    year: z.optional(z.number()),
  }),
  entityId: z.string(),
  link: z.string(),
  party: z.optional(z.enum(['officer', 'supplier'])),
  supplierId: z.optional(z.string()),
  needsDecision: z.optional(z.boolean()),
  afterNotice: z.optional(z.boolean()),
});

export const reportQuery = z.strictObject({
  year: described(year, 'The calendar year reported on'),
  groupBy: z._default(
    described(z.enum(reportGroupings), 'Group by supplier, service area or hospital area (default supplier)'),
    'supplier',
  ),
  format: z.optional(
    described(z.enum(['json', 'csv']), 'csv: the same figures as CSV, a row per group and unit'),
  ),
});

const reportUnit = z.object({
  unit: z.string(),
  agreedVolume: z.number(),
  currentVolume: z.number(),
  usedVolume: z.number(),
  utilisationPercent: z.nullable(z.number()),
  agreedValue: z.number(),
  spend: z.number(),
});
const reportSchema = z.object({
  entityId: z.string(),
  year: z.number(),
  groupBy: z.enum(reportGroupings),
  groups: z.array(
    z.object({
      key: z.string(),
      name: z.optional(z.string()),
      currency: z.string(),
      agreements: z.number(),
      withoutAgreedYear: z.number(),
      units: z.array(reportUnit),
      agreedValue: z.number(),
      spend: z.number(),
      utilisationPercent: z.nullable(z.number()),
    }),
  ),
  totals: z.array(
    z.object({
      currency: z.string(),
      agreements: z.number(),
      agreedValue: z.number(),
      spend: z.number(),
      utilisationPercent: z.nullable(z.number()),
    }),
  ),
});

export const agreementSchema = z.object({
  id: z.string(),
  entityId: z.string(),
  origin: z.optional(z.enum(['award', 'registered'])),
  tenderId: z.optional(z.string()),
  tenderTitle: z.string(),
  lotId: z.string(),
  lotTitle: z.string(),
  supplierId: z.string(),
  bidId: z.optional(z.string()),
  rank: z.optional(z.number()),
  serviceAreaId: z.string(),
  formOfCare: z.string(),
  serviceAreaIds: z.array(z.string()),
  formsOfCare: z.array(z.string()),
  hospitalAreaIds: z.array(z.string()),
  currency: z.string(),
  startDate: z.string(),
  endDate: z.optional(z.string()),
  openEnded: z.optional(z.boolean()),
  nextOption: z.optional(
    z.object({ index: z.number(), durationMonths: z.number(), lastDay: z.string(), newEndDate: z.string() }),
  ),
  options: z.array(z.object({ durationMonths: z.number() })),
  optionNoticeDays: z.number(),
  prices: z.array(z.object({ unit: z.string(), unitPrice: z.number() })),
  volumes: z.array(z.object({ unit: z.string(), quantity: z.number() })),
  deliverySites: z.array(
    z.object({ place: z.string(), hospitalAreaId: z.string(), address: z.optional(z.string()) }),
  ),
  nonExclusive: z.literal(true),
  minimumPurchase: z.literal('none'),
  status: z.enum(agreementStatuses),
  /** Notice given: the agreement runs (active or extended, no options) until `endsOn`, then is terminated. */
  termination: z.optional(
    z.object({
      reason: z.string(),
      noticeMonths: z.number(),
      noticeCounting: z.optional(z.enum(noticeCountings)),
      givenOn: z.optional(z.string()),
      endsOn: z.string(),
      successorTenderId: z.optional(z.string()),
      at: z.string(),
      by: z.object({ sub: z.string(), name: z.string() }),
    }),
  ),
  terminatedAt: z.optional(z.string()),
  createdAt: z.string(),
  version: z.number(),
});

export const agreementRoutes = defineRoutes('agreementsApi', {
  listAgreements: {
    method: 'GET',
    path: '/agreements',
    tag: 'Agreements',
    summary: 'Framework agreements',
    action: 'agreement:list',
    query: z.strictObject({ ...pageQueryShape, ...agreementFilterShape }),
    responses: {
      200: {
        description: 'A page of agreements',
        schema: pageOf(agreementSchema),
      },
    },
  },
  listDeadlines: {
    method: 'GET',
    path: '/deadlines',
    tag: 'Agreements',
    summary: 'Every deadline across tenders and agreements, soonest first',
    action: 'deadline:list',
    query: deadlinesQuery,
    responses: {
      200: {
        description: 'A page of deadlines, soonest first',
        schema: pageOf(deadlineSchema),
      },
    },
  },
  agreementReport: {
    method: 'GET',
    path: '/reports/agreements',
    tag: 'Agreements',
    summary: "The year's volume, spend and utilisation per supplier, service area or hospital area",
    action: 'report:read',
    query: reportQuery,
    responses: {
      200: {
        description: 'The report (JSON, or CSV with format=csv)',
        schema: reportSchema,
      },
    },
  },
  getAgreement: {
    method: 'GET',
    path: '/agreements/{agreementId}',
    tag: 'Agreements',
    summary: 'One framework agreement',
    action: 'agreement:read',
    params: agreementParams,
    responses: {
      200: { description: 'The agreement', schema: agreementSchema },
    },
    problems: [404],
  },
  decide: {
    method: 'POST',
    path: '/agreements/{agreementId}/decision',
    tag: 'Reminders',
    summary:
      'Record the renewal decision: exercise the option, let it expire, terminate, or start a new procurement (officers)',
    action: 'agreement:decide',
    params: agreementParams,
    body: decisionBody,
    responses: {
      200: {
        description: 'The agreement, and the new tender draft for new-procurement',
        schema: z.object({ agreement: agreementSchema, newTenderId: z.optional(z.string()) }),
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  listReminders: {
    method: 'GET',
    path: '/agreements/{agreementId}/reminders',
    tag: 'Reminders',
    summary: "The agreement's reminders: pending, delivered, cancelled",
    action: 'agreement:read',
    params: agreementParams,
    responses: {
      200: {
        description: 'Reminders by due time',
        schema: z.object({ items: z.array(z.record(z.string(), z.unknown())) }),
      },
    },
    problems: [404],
  },
  listNotifications: {
    method: 'GET',
    path: '/notifications',
    tag: 'Reminders',
    summary: "The entity's inbox: unread first",
    action: 'notification:list',
    query: z.strictObject(pageQueryShape),
    responses: {
      200: {
        description: 'A page of notifications, unread first, each group newest first',
        schema: z.object({
          items: z.array(z.record(z.string(), z.unknown())),
          unread: z.number(),
          nextCursor: z.optional(z.string()),
        }),
      },
    },
  },
  markNotificationRead: {
    method: 'POST',
    path: '/notifications/{notificationId}/read',
    tag: 'Reminders',
    summary: 'Mark a notification as read (for the caller)',
    action: 'notification:markRead',
    params: notificationParams,
    responses: {
      200: {
        description: 'The notification',
        schema: z.record(z.string(), z.unknown()),
      },
    },
    problems: [404],
  },
  getReminderSettings: {
    method: 'GET',
    path: '/entities/{entityId}/reminder-settings',
    tag: 'Reminders',
    summary: "The entity's reminder lead times and second level",
    action: 'settings:read',
    params: entityParams,
    responses: {
      200: {
        description: 'Settings',
        schema: z.record(z.string(), z.unknown()),
      },
    },
    problems: [404],
  },
  putReminderSettings: {
    method: 'PUT',
    path: '/entities/{entityId}/reminder-settings',
    tag: 'Reminders',
    summary: "Set the entity's reminder lead times and second level (officers)",
    action: 'settings:update',
    params: entityParams,
    body: reminderSettingsBody,
    responses: {
      200: {
        description: 'Settings',
        schema: z.record(z.string(), z.unknown()),
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  registerAgreement: {
    method: 'POST',
    path: '/agreements',
    tag: 'Agreements',
    summary: 'Register an existing framework agreement (officers)',
    action: 'agreement:register',
    body: registerAgreementBody,
    idempotent: true,
    responses: {
      201: { description: 'The agreement', schema: agreementSchema },
    },
    problems: [409, 413, 415, 422],
  },
  exerciseOption: {
    method: 'POST',
    path: '/agreements/{agreementId}/options/exercise',
    tag: 'Agreements',
    summary: 'Exercise the next option before its last day (officers)',
    action: 'agreement:exerciseOption',
    params: agreementParams,
    body: exerciseOptionBody,
    responses: {
      200: {
        description: 'The extended agreement',
        schema: agreementSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  terminateAgreement: {
    method: 'POST',
    path: '/agreements/{agreementId}/termination',
    tag: 'Agreements',
    summary:
      'Give notice to terminate an agreement (oppsigelse), optionally drafting a new procurement (officers)',
    action: 'agreement:terminate',
    params: agreementParams,
    body: terminateBody,
    responses: {
      200: {
        description: 'The agreement under notice, and the new tender draft if one was asked for',
        schema: z.object({ agreement: agreementSchema, newTenderId: z.optional(z.string()) }),
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  linkSuccessor: {
    method: 'PUT',
    path: '/agreements/{agreementId}/termination/successor',
    tag: 'Agreements',
    summary: 'Link the tender that replaces an agreement under notice (officers)',
    action: 'agreement:terminate',
    params: agreementParams,
    body: successorBody,
    responses: {
      200: {
        description: 'The agreement under notice, its successor named',
        schema: agreementSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
});
