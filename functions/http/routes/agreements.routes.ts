/** Framework agreements: routes, schemas and answers. */
import * as z from 'zod/mini';
import { agreementStatuses, noticeCountings, renewalDecisions } from '../../domain/agreement.ts';
import { deadlineKinds } from '../../domain/deadlines.ts';
import { type ModificationReason, modificationReasons } from '../../domain/eforms/legal-basis.ts';
import {
  MAX_VERSION,
  MAX_VOLUME,
  quantitySchema,
  unitPriceSchema,
  versionSchema,
} from '../../domain/limits.ts';
import { lineSchema, offerShape, performanceStatuses } from '../../domain/performance.ts';
import { reportGroupings } from '../../domain/reporting.ts';
import * as ex from '../examples.ts';
import { pageOf, pageQueryShape } from '../pagination.ts';
import { defineRoutes } from '../route.ts';
import { tenderIdSchema } from './tenders.routes.ts';

const agreementId = z
  .string()
  .check(z.regex(/^agr_[0-9a-f]{32}$/, 'An agreement id looks like agr_ followed by 32 hex digits'));
const agreementParams = z.strictObject({ agreementId });
const year = z.coerce.number().check(z.int(), z.gte(2000), z.lte(2100));
const yearParams = z.strictObject({ agreementId, year });
const amendmentParams = z.strictObject({
  agreementId,
  year,
  amendmentId: z
    .string()
    .check(z.regex(/^amd_[0-9a-f]{32}$/, 'An amendment id looks like amd_ followed by 32 hex digits')),
});
const usageParams = z.strictObject({
  agreementId,
  year,
  month: z.coerce.number().check(z.int(), z.gte(1), z.lte(12)),
});
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
export const startNegotiationBody = z.strictObject({
  /** What the authority needs next year, per unit (optional; the proposal starts from it). */
  need: z.optional(z.array(z.strictObject({ unit: id, volume: quantitySchema })).check(z.maxLength(20))),
});
export const proposalBody = z.strictObject({
  version,
  ...offerShape,
  /** Days the supplier has to answer (default 14). */
  answerDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(90))),
});
export const answerBody = z
  .strictObject({
    version,
    accept: z.boolean(),
    lines: z.optional(offerShape.lines),
    priceAdjustmentPercent: z.optional(offerShape.priceAdjustmentPercent),
    comment: offerShape.comment,
  })
  .check(
    z.refine((b) => b.accept || (b.lines !== undefined && b.priceAdjustmentPercent !== undefined), {
      message: 'A counter-offer needs lines and priceAdjustmentPercent',
      path: ['lines'],
    }),
  );
export const approvalBody = z.strictObject({ version });
export const amendmentBody = z.strictObject({
  unit: id,
  delta: z.number().check(
    z.int(),
    z.gte(-MAX_VOLUME),
    z.lte(MAX_VOLUME),
    z.refine((n) => n !== 0, 'A change of zero changes nothing'),
  ),
  reason: text(2000),
  legalBasis: z.optional(
    z.enum(Object.keys(modificationReasons) as [ModificationReason, ...ModificationReason[]]).check(
      z.meta({
        description:
          'The legal basis by article 72 of directive 2014/24/EU (eForms modification-justification): mod-rev 72(1)(a) review clause or option, add-wss 72(1)(b) additional services, mod-cir 72(1)(c) unforeseeable circumstances, mod-repl 72(1)(d) new contractor, mod-nons 72(1)(e) not substantial, mod-minv 72(2) de minimis. add-wss and mod-cir owe a modification notice (subtype 38) once confirmed.',
      }),
    ),
  ),
});
export const confirmationBody = z.strictObject({ version });
export const usageBody = z.strictObject({
  lines: z
    .array(z.strictObject({ unit: id, quantity: quantitySchema }))
    .check(z.minLength(1), z.maxLength(20)),
});

/** A unit's utilisation in the year, and the money beside every volume (the year's price). */
const utilisationRowSchema = z.object({
  unit: z.string(),
  agreed: z.number(),
  amended: z.number(),
  current: z.number(),
  used: z.number(),
  monthsReported: z.number(),
  utilisationPercent: z.nullable(z.number()),
  remaining: z.number(),
  unitPrice: z.number(),
  agreedValue: z.number(),
  currentValue: z.number(),
  usedValue: z.number(),
  remainingValue: z.number(),
});
const yearSchema = z.object({
  agreementId: z.string(),
  year: z.number(),
  status: z.enum(performanceStatuses),
  /** The agreement's currency: of the prices and of the utilisation's money. */
  currency: z.string(),
  /** Where an unnegotiated year's terms came from (a new agreement's first year). */
  basis: z.optional(z.enum(['award', 'registration'])),
  lines: z.array(lineSchema),
  priceAdjustmentPercent: z.number(),
  supplierDeadline: z.optional(z.string()),
  publishedAt: z.optional(z.string()),
  notAgreedInTimeAt: z.optional(z.string()),
  rounds: z.optional(z.array(z.record(z.string(), z.unknown()))),
  amendments: z.optional(z.array(z.record(z.string(), z.unknown()))),
  utilisation: z.optional(z.array(utilisationRowSchema)),
  version: z.number(),
});
const amendmentSchema = z.object({
  id: z.string(),
  agreementId: z.string(),
  year: z.number(),
  unit: z.string(),
  delta: z.number(),
  reason: z.string(),
  legalBasis: z.optional(z.string()),
  status: z.string(),
  version: z.number(),
});
const usageSchema = z.object({
  agreementId: z.string(),
  year: z.number(),
  month: z.number(),
  lines: z.array(z.object({ unit: z.string(), quantity: z.number() })),
  version: z.number(),
});
const usageYearParams = z.strictObject({ agreementId, year });
const usageYearSchema = z.object({
  agreementId: z.string(),
  year: z.number(),
  currency: z.string(),
  months: z.array(
    z.object({
      month: z.number(),
      lines: z.array(
        z.object({ unit: z.string(), quantity: z.number(), unitPrice: z.number(), value: z.number() }),
      ),
      value: z.number(),
      reportedBy: z.object({ sub: z.string(), name: z.string(), role: z.string() }),
      reportedAt: z.string(),
      version: z.number(),
    }),
  ),
  totals: z.array(z.object({ unit: z.string(), quantity: z.number(), value: z.number() })),
});

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
    description:
      "Officers, evaluators and auditors see their entity's agreements; suppliers see their own. Newest first. Filters are applied on the server while it reads the entity's index (no scan): it reads at most 1 000 agreements for one page, so a filtered page can hold fewer than `limit` items, even none, and still have a `nextCursor`; the list ends only where no `nextCursor` is given. Pass the same filters with the cursor.",
    action: 'agreement:list',
    query: z.strictObject({ ...pageQueryShape, ...agreementFilterShape }),
    responses: {
      200: {
        description: 'A page of agreements',
        example: ex.agreementsPageExample,
        schema: pageOf(agreementSchema),
      },
    },
  },
  listDeadlines: {
    method: 'GET',
    path: '/deadlines',
    tag: 'Agreements',
    summary: 'Every deadline across tenders and agreements, soonest first',
    description:
      "Officers, evaluators and auditors see their entity's: the bid deadlines of its open tenders, the award decision due after a ranking, the end of a standstill; its agreements' end dates (the effective end once notice is given), the next option's last day, the yearly review of open-ended agreements (until notice), and whose move a renegotiation waits for and by when. Suppliers see the bid deadlines of announced tenders, and their own agreements' end dates, option deadlines and their own renegotiation answers. Each says what it is, which tender or agreement, and a link to it.",
    action: 'deadline:list',
    query: deadlinesQuery,
    responses: {
      200: {
        description: 'A page of deadlines, soonest first',
        example: ex.deadlinesPageExample,
        schema: pageOf(deadlineSchema),
      },
    },
  },
  agreementReport: {
    method: 'GET',
    path: '/reports/agreements',
    tag: 'Agreements',
    summary: "The year's volume, spend and utilisation per supplier, service area or hospital area",
    description:
      "For the entity's officers and auditors: every agreement that runs in the year, with the year's agreed volumes (agreed or published performance agreement, plus confirmed amendments), the usage reported for the year, utilisation (used ÷ agreed volume) and money (volume × the year's unit price, in the agreement's currency): `agreedValue` for the agreed volume, `spend` for the used volume. Volumes are added per volume unit, money per currency. A lot covering several hospital areas counts once, under their combination (`akershus+innlandet`). `format=csv` exports one row per group and unit and a total row per group (unit empty).",
    action: 'report:read',
    query: reportQuery,
    responses: {
      200: {
        description: 'The report (JSON, or CSV with format=csv)',
        example: ex.reportExample,
        schema: reportSchema,
      },
    },
  },
  getAgreement: {
    method: 'GET',
    path: '/agreements/{agreementId}',
    tag: 'Agreements',
    summary: 'One framework agreement',
    description:
      "The agreement's supplier, lot (hospital areas, form of care), period, options (`nextOption`: the next one and its last day), prices, volumes, delivery sites and status, with the notice once given (`termination`). The entity's officers, evaluators and auditors read their entity's agreements, a supplier its own; anyone else gets 404, as for an agreement that does not exist. The ETag header carries the version to send back.",
    action: 'agreement:read',
    params: agreementParams,
    responses: {
      200: { description: 'The agreement', example: ex.agreementExample, schema: agreementSchema },
    },
    problems: [404],
  },
  decide: {
    method: 'POST',
    path: '/agreements/{agreementId}/decision',
    tag: 'Reminders',
    summary:
      'Record the renewal decision: exercise the option, let it expire, terminate, or start a new procurement (officers)',
    description:
      'The decision stops the reminders it answers and is recorded for auditors. new-procurement drafts a tender prefilled from the agreement (and its tender), linked to it. terminate gives notice as POST /agreements/{agreementId}/termination does (noticeMonths required, noticeCounting optional). Once notice is given nothing more is decided (409).',
    action: 'agreement:decide',
    params: agreementParams,
    body: decisionBody,
    bodyExample: ex.decisionExample,
    responses: {
      200: {
        description: 'The agreement, and the new tender draft for new-procurement',
        example: ex.decisionResultExample,
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
    description:
      "Every reminder planned for the agreement's end date, its next option's last day or, for an open-ended agreement, its yearly review, by due time, each pending, delivered or cancelled (a decision, an exercised option or a notice re-plans them). For the people of the agreement's entity and its supplier; anyone else gets 404, as for an agreement that does not exist.",
    action: 'agreement:read',
    params: agreementParams,
    responses: {
      200: {
        description: 'Reminders by due time',
        example: ex.remindersExample,
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
    description:
      "The officers' and auditors' inbox of their own entity: reminders delivered and what happened to their tenders and agreements (bids invalidated, a successor tender cancelled…), a page at a time, newest first (`limit`, default 50; pass `nextCursor` as `cursor` for older ones); within a page unread first, each group newest first, with the number unread in the page. `read` is per person. Evaluators and suppliers have no inbox (403).",
    action: 'notification:list',
    query: z.strictObject(pageQueryShape),
    responses: {
      200: {
        description: 'A page of notifications, unread first, each group newest first',
        example: ex.notificationsExample,
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
    description:
      "Marks one notification of the officer's own entity as read, for the caller only (the other officers still see it unread). Marking it again changes nothing. A notification of another entity, or one no longer in the latest 100, is 404.",
    action: 'notification:markRead',
    params: notificationParams,
    responses: {
      200: {
        description: 'The notification',
        example: ex.notificationReadExample,
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
    description:
      "When reminders come for an entity's agreements: the months before the end date, the months before an option's last day, and from how close to the deadline a reminder without a renewal decision also goes to the second level (the manager's address). The defaults (12, 6, 3 and 1 months; 3 and 1 months; 1 month) until an officer sets them. For the entity's officers, evaluators and auditors; another entity's is 404.",
    action: 'settings:read',
    params: entityParams,
    responses: {
      200: {
        description: 'Settings',
        example: ex.reminderSettingsExample,
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
    description:
      'Applies to reminders planned from now on (when an agreement is registered, extended or decided).',
    action: 'settings:update',
    params: entityParams,
    body: reminderSettingsBody,
    bodyExample: ex.reminderSettingsBodyExample,
    responses: {
      200: {
        description: 'Settings',
        example: ex.reminderSettingsExample,
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
    description:
      'For agreements made before this system: the supplier, the lot (hospital areas, form of care), the period with options or open-ended, prices, volumes and delivery sites.',
    action: 'agreement:register',
    body: registerAgreementBody,
    bodyExample: ex.registerAgreementExample,
    idempotent: true,
    responses: {
      201: { description: 'The agreement', example: ex.agreementExample, schema: agreementSchema },
    },
    problems: [409, 413, 415, 422],
  },
  exerciseOption: {
    method: 'POST',
    path: '/agreements/{agreementId}/options/exercise',
    tag: 'Agreements',
    summary: 'Exercise the next option before its last day (officers)',
    description:
      "An officer of the agreement's entity extends the agreement by its next option, on or before the option's last day (`nextOption.lastDay`: the end date minus `optionNoticeDays`); the agreement becomes `extended`, its end date moves and its reminders are re-planned. Past the last day, with no option left, or once notice is given, it is refused (422 or 409). Send the version you read.",
    action: 'agreement:exerciseOption',
    params: agreementParams,
    body: exerciseOptionBody,
    bodyExample: ex.exerciseOptionExample,
    responses: {
      200: {
        description: 'The extended agreement',
        example: ex.agreementExtendedExample,
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
    description:
      "The notice in months, counted from today or from the end of this month (`noticeCounting`), gives the effective end (`termination.endsOn`), never after the agreement's own end date; open-ended agreements end this way too. Until that day the agreement stays active (or extended) with its reminders re-planned for the effective end, and its options are no longer offered (no `nextOption`; exercising one is refused with 409). The day after it, the agreement ends `terminated` by itself (`Agreement.TerminationEffective`). Notice can be given once (409 after that).",
    action: 'agreement:terminate',
    params: agreementParams,
    body: terminateBody,
    bodyExample: ex.terminateExample,
    responses: {
      200: {
        description: 'The agreement under notice, and the new tender draft if one was asked for',
        example: ex.terminationResultExample,
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
    description:
      'For a successor drafted after the notice: an existing tender of the entity, not cancelled and not without a result, is named in the notice (`termination.successorTenderId`) and lists the agreement in `replacesAgreementIds`, so one tender can replace several agreements. An agreement keeps a successor that is still under way (409); once that one is cancelled or ends without a result another can be linked. The agreement must be under notice (409).',
    action: 'agreement:terminate',
    params: agreementParams,
    body: successorBody,
    bodyExample: ex.successorExample,
    responses: {
      200: {
        description: 'The agreement under notice, its successor named',
        example: ex.agreementWithSuccessorExample,
        schema: agreementSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  getYear: {
    method: 'GET',
    path: '/agreements/{agreementId}/years/{year}',
    tag: 'Performance agreements',
    summary: "A year's performance agreement, with amendments and utilisation",
    description:
      "The entity's people and the agreement's supplier see the negotiation, the amendments and the utilisation; once published, everyone signed in sees the agreed terms.",
    action: 'performance:read',
    params: yearParams,
    responses: {
      200: { description: 'The performance agreement', example: ex.yearPublishedExample, schema: yearSchema },
    },
    problems: [404],
  },
  startNegotiation: {
    method: 'POST',
    path: '/agreements/{agreementId}/years/{year}/negotiation',
    tag: 'Performance agreements',
    summary: "Start (or resume) the year's renegotiation now (officers)",
    description:
      'Otherwise it starts by itself at the yearly renegotiation date. Creates the draft from the year before (agreed volume, amendments, reported usage) and the need given here, and starts the workflow.',
    action: 'performance:start',
    params: yearParams,
    body: startNegotiationBody,
    bodyExample: ex.startNegotiationExample,
    responses: {
      202: { description: 'The draft; the workflow runs', example: ex.yearDraftExample, schema: yearSchema },
    },
    problems: [404, 409, 413, 415, 422, 503],
  },
  proposeYear: {
    method: 'POST',
    path: '/agreements/{agreementId}/years/{year}/proposal',
    tag: 'Performance agreements',
    summary: 'Send the proposal (or a new one after a counter-offer) to the supplier (officers)',
    description:
      "An officer of the agreement's entity sends the year's terms to the supplier: the lines (service, volume unit, volume and unit price), the price adjustment in percent and how many days the supplier has to answer (14 by default). Only on the officer's turn: a draft, or after a counter-offer (409 otherwise). Every line names a volume unit of the agreement (422). The workflow waits for the answer until the supplier's deadline.",
    action: 'performance:propose',
    params: yearParams,
    body: proposalBody,
    bodyExample: ex.proposalExample,
    responses: {
      200: { description: 'The proposed performance agreement', example: ex.yearExample, schema: yearSchema },
    },
    problems: [404, 409, 413, 415, 422],
  },
  answerYear: {
    method: 'POST',
    path: '/agreements/{agreementId}/years/{year}/answer',
    tag: 'Performance agreements',
    summary: 'Accept the proposal or counter it (the supplier)',
    description:
      "The agreement's supplier answers the proposal: accept it, or counter with its own lines and price adjustment. Only a proposed year can be answered (409), and only by the agreement's own supplier (404 for any other). Accepted terms wait for the officer's approval; a counter-offer returns the turn to the officer.",
    action: 'performance:answer',
    params: yearParams,
    body: answerBody,
    bodyExample: ex.answerYearExample,
    responses: {
      200: { description: 'The performance agreement', example: ex.yearAgreedExample, schema: yearSchema },
    },
    problems: [404, 409, 413, 415, 422],
  },
  approveYear: {
    method: 'POST',
    path: '/agreements/{agreementId}/years/{year}/approval',
    tag: 'Performance agreements',
    summary:
      'Approve what both sides agreed, or accept the counter-offer; the year is then published (officers)',
    description:
      "An officer of the agreement's entity approves terms both sides agreed, or accepts the supplier's counter-offer; either way the year is published with its volumes and prices, amendments and usage reports apply to it, and everyone signed in reads the agreed terms. Anything else (a draft, a proposal still open, a year already approved) is refused with 409.",
    action: 'performance:approve',
    params: yearParams,
    body: approvalBody,
    bodyExample: ex.approvalExample,
    responses: {
      200: {
        description: 'The approved performance agreement',
        example: ex.yearPublishedExample,
        schema: yearSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  getNegotiationWorkflow: {
    method: 'GET',
    path: '/agreements/{agreementId}/years/{year}/workflow',
    tag: 'Performance agreements',
    summary: "The year's renegotiation workflow and its history",
    description:
      "For the officers and auditors of the agreement's entity: the Step Functions execution that carries the year's renegotiation (proposal, the supplier's deadline, approval) and its history. A year whose renegotiation has not started is 404.",
    action: 'workflow:read',
    params: yearParams,
    responses: {
      200: {
        description: 'Execution and history',
        example: ex.negotiationWorkflowExample,
        schema: z.object({
          executionArn: z.string(),
          status: z.string(),
          events: z.array(z.record(z.string(), z.unknown())),
        }),
      },
    },
    problems: [404],
  },
  raiseAmendment: {
    method: 'POST',
    path: '/agreements/{agreementId}/years/{year}/amendments',
    tag: 'Performance agreements',
    summary:
      "Raise or lower a volume of the year's published performance agreement, with a reason (officers)",
    description:
      "An officer of the agreement's entity raises or lowers a volume of the year's published performance agreement (a positive or negative `delta` in one of its units), with a reason; the supplier confirms it before the current volume changes. The year must be published (409), the unit must be one of the year's, and the volume can neither go below zero nor above the largest volume (422). Send an Idempotency-Key to make retries safe.",
    action: 'amendment:raise',
    params: yearParams,
    body: amendmentBody,
    bodyExample: ex.amendmentBodyExample,
    idempotent: true,
    responses: {
      201: {
        description: 'The amendment, awaiting the supplier',
        example: ex.amendmentExample,
        schema: amendmentSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  confirmAmendment: {
    method: 'POST',
    path: '/agreements/{agreementId}/years/{year}/amendments/{amendmentId}/confirmation',
    tag: 'Performance agreements',
    summary: 'Confirm an amendment (the supplier); the current volume changes',
    description:
      "The agreement's supplier confirms an amendment raised by the authority; the year's current volume (and utilisation) changes with it. An amendment already confirmed is refused with 409; another supplier gets 404.",
    action: 'amendment:confirm',
    params: amendmentParams,
    body: confirmationBody,
    bodyExample: ex.confirmationExample,
    responses: {
      200: {
        description: 'The confirmed amendment',
        example: ex.amendmentConfirmedExample,
        schema: amendmentSchema,
      },
    },
    problems: [404, 409, 413, 415, 422],
  },
  listUsage: {
    method: 'GET',
    path: '/agreements/{agreementId}/usage/{year}',
    tag: 'Performance agreements',
    summary: "The year's usage reports, month by month, with their money",
    description:
      "For the entity's people and the agreement's supplier (404 for anyone else): every month reported in the year, in month order, each line valued at the year's unit price for its unit (the volume-weighted mean where the year's lines share a unit; 0 without a performance agreement for the year), in the agreement's currency, and the year's totals per unit.",
    action: 'usage:read',
    params: usageYearParams,
    responses: {
      200: { description: 'The reports of the year', example: ex.usageYearExample, schema: usageYearSchema },
    },
    problems: [404],
  },
  reportUsage: {
    method: 'PUT',
    path: '/agreements/{agreementId}/usage/{year}/{month}',
    tag: 'Performance agreements',
    summary:
      'Report the volumes delivered in a month (the supplier, or an officer); replaces an earlier report',
    description:
      "The volumes delivered in one month of the year, one line per volume unit, by the agreement's supplier or an officer of its entity; reporting the month again replaces the earlier report (audited as a correction). A month that has not begun, one outside the agreement's period, a unit the agreement does not have, or the same unit twice in one report are refused with 422 problems that point at the line.",
    action: 'usage:report',
    params: usageParams,
    body: usageBody,
    bodyExample: ex.usageBodyExample,
    responses: { 200: { description: 'The report', example: ex.usageExample, schema: usageSchema } },
    problems: [404, 409, 413, 415, 422],
  },
});
