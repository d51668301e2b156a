/**
 * The descriptions and examples of the framework agreement routes (functions/http/routes/agreements.routes.ts),
 * read only by the OpenAPI generator (functions/http/openapi.ts), so only docsApi bundles them.
 */
import * as ex from '../examples.ts';
import { agreementRoutes } from '../routes/agreements.routes.ts';
import { documentRoutes } from './route-docs.ts';

export const agreementDocs = documentRoutes(agreementRoutes, {
  listAgreements: {
    description:
      "Officers, evaluators and auditors see their entity's agreements; suppliers see their own. Newest first. Filters are applied on the server while it reads the entity's index (no scan): it reads at most 1 000 agreements for one page, so a filtered page can hold fewer than `limit` items, even none, and still have a `nextCursor`; the list ends only where no `nextCursor` is given. Pass the same filters with the cursor.",
    responses: { 200: { example: ex.agreementsPageExample } },
  },
  listDeadlines: {
    description:
      "Officers, evaluators and auditors see their entity's: the bid deadlines of its open tenders, the award decision due after a ranking, the end of a standstill; its agreements' end dates (the effective end once notice is given), the next option's last day, the yearly review of open-ended agreements (until notice), and whose move a renegotiation waits for and by when. Suppliers see the bid deadlines of announced tenders, and their own agreements' end dates, option deadlines and their own renegotiation answers. Each says what it is, which tender or agreement, and a link to it.",
    responses: { 200: { example: ex.deadlinesPageExample } },
  },
  agreementReport: {
    description:
      "For the entity's officers and auditors: every agreement that runs in the year, with the year's agreed volumes (agreed or published performance agreement, plus confirmed amendments), the usage reported for the year, utilisation (used ÷ agreed volume) and money (volume × the year's unit price, in the agreement's currency): `agreedValue` for the agreed volume, `spend` for the used volume. Volumes are added per volume unit, money per currency. A lot covering several hospital areas counts once, under their combination (`akershus+innlandet`). `format=csv` exports one row per group and unit and a total row per group (unit empty).",
    responses: { 200: { example: ex.reportExample } },
  },
  getAgreement: {
    description:
      "The agreement's supplier, lot (hospital areas, form of care), period, options (`nextOption`: the next one and its last day), prices, volumes, delivery sites and status, with the notice once given (`termination`). The entity's officers, evaluators and auditors read their entity's agreements, a supplier its own; anyone else gets 404, as for an agreement that does not exist. The ETag header carries the version to send back.",
    responses: { 200: { example: ex.agreementExample } },
  },
  decide: {
    description:
      'The decision stops the reminders it answers and is recorded for auditors. new-procurement drafts a tender prefilled from the agreement (and its tender), linked to it. terminate gives notice as POST /agreements/{agreementId}/termination does (noticeMonths required, noticeCounting optional). Once notice is given nothing more is decided (409).',
    bodyExample: ex.decisionExample,
    responses: { 200: { example: ex.decisionResultExample } },
  },
  listReminders: {
    description:
      "Every reminder planned for the agreement's end date, its next option's last day or, for an open-ended agreement, its yearly review, by due time, each pending, delivered or cancelled (a decision, an exercised option or a notice re-plans them). For the people of the agreement's entity and its supplier; anyone else gets 404, as for an agreement that does not exist.",
    responses: { 200: { example: ex.remindersExample } },
  },
  listNotifications: {
    description:
      "The officers' and auditors' inbox of their own entity: reminders delivered and what happened to their tenders and agreements (bids invalidated, a successor tender cancelled…), a page at a time, newest first (`limit`, default 50; pass `nextCursor` as `cursor` for older ones); within a page unread first, each group newest first, with the number unread in the page. `read` is per person. Evaluators and suppliers have no inbox (403).",
    responses: { 200: { example: ex.notificationsExample } },
  },
  markNotificationRead: {
    description:
      "Marks one notification of the officer's own entity as read, for the caller only (the other officers still see it unread). Marking it again changes nothing. A notification of another entity, or one no longer in the latest 100, is 404.",
    responses: { 200: { example: ex.notificationReadExample } },
  },
  getReminderSettings: {
    description:
      "When reminders come for an entity's agreements: the months before the end date, the months before an option's last day, and from how close to the deadline a reminder without a renewal decision also goes to the second level (the manager's address). The defaults (12, 6, 3 and 1 months; 3 and 1 months; 1 month) until an officer sets them. For the entity's officers, evaluators and auditors; another entity's is 404.",
    responses: { 200: { example: ex.reminderSettingsExample } },
  },
  putReminderSettings: {
    description:
      'Applies to reminders planned from now on (when an agreement is registered, extended or decided).',
    bodyExample: ex.reminderSettingsBodyExample,
    responses: { 200: { example: ex.reminderSettingsExample } },
  },
  registerAgreement: {
    description:
      'For agreements made before this system: the supplier, the lot (hospital areas, form of care), the period with options or open-ended, prices, volumes and delivery sites.',
    bodyExample: ex.registerAgreementExample,
    responses: { 201: { example: ex.agreementExample } },
  },
  exerciseOption: {
    description:
      "An officer of the agreement's entity extends the agreement by its next option, on or before the option's last day (`nextOption.lastDay`: the end date minus `optionNoticeDays`); the agreement becomes `extended`, its end date moves and its reminders are re-planned. Past the last day, with no option left, or once notice is given, it is refused (422 or 409). Send the version you read.",
    bodyExample: ex.exerciseOptionExample,
    responses: { 200: { example: ex.agreementExtendedExample } },
  },
  terminateAgreement: {
    description:
      "The notice in months, counted from today or from the end of this month (`noticeCounting`), gives the effective end (`termination.endsOn`), never after the agreement's own end date; open-ended agreements end this way too. Until that day the agreement stays active (or extended) with its reminders re-planned for the effective end, and its options are no longer offered (no `nextOption`; exercising one is refused with 409). The day after it, the agreement ends `terminated` by itself (`Agreement.TerminationEffective`). Notice can be given once (409 after that).",
    bodyExample: ex.terminateExample,
    responses: { 200: { example: ex.terminationResultExample } },
  },
  linkSuccessor: {
    description:
      'For a successor drafted after the notice: an existing tender of the entity, not cancelled and not without a result, is named in the notice (`termination.successorTenderId`) and lists the agreement in `replacesAgreementIds`, so one tender can replace several agreements. An agreement keeps a successor that is still under way (409); once that one is cancelled or ends without a result another can be linked. The agreement must be under notice (409).',
    bodyExample: ex.successorExample,
    responses: { 200: { example: ex.agreementWithSuccessorExample } },
  },
});
