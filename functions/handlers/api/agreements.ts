/**
 * HTTP handler of agreementsApi (functions/http/routes/agreements.routes.ts): framework agreements, their
 * options, termination and renewal decisions here; what needs attention (agreements-attention.ts) and
 * reminders (agreements-reminders.ts) composed into the one function. The annual performance
 * agreements, their amendments and usage are performanceApi's (performance.ts).
 * The rules are in domain/agreement-lifecycle.ts; handlers load, decide with it, commit and answer.
 */

import type { Keyed } from '../../adapters/store.ts';
import { commitAll, withoutKeys } from '../../adapters/store.ts';
import { outboxEvent } from '../../contracts/outbox.ts';
import type { Principal } from '../../domain/actors.ts';
import {
  type Agreement,
  type NoticeCounting,
  type RenewalDecision,
  replacedAgreementIds,
} from '../../domain/agreement.ts';
import {
  checkSuccessorChoice,
  decideRenewal,
  exerciseOption,
  linkSuccessor,
  recordRenewalDecision,
  registerAgreement,
  successorTenderDraft,
  terminateAgreement,
} from '../../domain/agreement-lifecycle.ts';
import type { Tender } from '../../domain/tender.ts';
import { notFound } from '../../http/errors.ts';
import { httpHandler } from '../../http/http.ts';
import { createIdempotently } from '../../http/idempotency.ts';
import { agreementRoutes } from '../../http/routes/agreements.routes.ts';
import { commitWithReminders } from '../../services/reminders.ts';
import {
  type AgreementItem,
  agreementItem,
  firstYearCommit,
  getAgreement,
} from '../../services/store/agreements.ts';
import { loadReferenceCatalogue } from '../../services/store/reference.ts';
import { getSupplier } from '../../services/store/suppliers.ts';
import { getTender, type TenderItem, tenderItem, tenderTransition } from '../../services/store/tenders.ts';
import { now, nowIso } from '../../shared/clock.ts';
import { newId } from '../../shared/ids.ts';
import { attentionHandlers } from './agreements-attention.ts';
import { reminderHandlers } from './agreements-reminders.ts';
import { type AgreementHandlers, by, loadAgreement, mayRead, today, view } from './agreements-shared.ts';
import { assertRegisteredSupplier } from './tender-access.ts';

/** A tender draft for a new procurement, prefilled from the agreement (and its tender when it has one). */
const successorTender = async (agreement: Agreement, endsOn: string, principal: Principal) => ({
  ...successorTenderDraft(
    agreement,
    agreement.tenderId ? await getTender(agreement.tenderId) : undefined,
    endsOn,
    { id: newId('tnd'), now: now(), by: by(principal) },
    await loadReferenceCatalogue(),
  ),
  fromAgreementId: agreement.id,
  replacesAgreementIds: [agreement.id],
});

/**
 * The tender an agreement under notice is to be replaced by, linked: the agreement and the tender
 * (its list of the agreements it replaces) written together, each audited.
 */
const successorLink = async (agreementAfter: Agreement, successorTenderId: string) => {
  const read = await getTender(successorTenderId);
  const current = agreementAfter.termination?.successorTenderId;
  const currentTender = current && current !== successorTenderId ? await getTender(current) : undefined;
  const { after, tender } = linkSuccessor(agreementAfter, read && withoutKeys(read), {
    successorTenderId,
    current: currentTender,
  });
  return { after, tender, read: read as TenderItem };
};

const successorLinkCommit = (
  link: { tender: Tender; read: TenderItem },
  agreementId: string,
  principal: Principal,
) => {
  const { version: _v, ...after } = link.tender;
  return tenderTransition(
    link.read,
    {
      after,
      action: 'tender.replaces-agreement',
      reason: `Successor of agreement ${agreementId}, under notice`,
      change: {
        replacesAgreementIds: { from: replacedAgreementIds(link.read), to: link.tender.replacesAgreementIds },
      },
    },
    principal,
  );
};

/** The successor tender written with the agreement's change, when there is one. */
const successorCommit = (
  successor: { id: string } | undefined,
  before: AgreementItem,
  principal: Principal,
  reason: string,
) =>
  successor
    ? [
        {
          aggregate: { type: 'tender', id: successor.id },
          entityId: before.entityId,
          before: undefined,
          after: tenderItem(successor as Parameters<typeof tenderItem>[0]) as Keyed,
          actor: principal,
          action: 'tender.created',
          reason,
          change: { fromAgreement: before.id },
        },
      ]
    : [];

/** Exercises the next option (also as a renewal decision), re-planning the reminders with it. */
const exercise = async (
  before: AgreementItem,
  version: number,
  principal: Principal,
  decision?: RenewalDecision,
): Promise<AgreementItem> => {
  const { after, record, option } = exerciseOption(withoutKeys(before), {
    today: today(),
    at: nowIso(),
    by: by(principal),
    decision,
  });
  const [result] = await commitWithReminders(
    {
      aggregate: { type: 'agreement', id: before.id },
      entityId: before.entityId,
      before: { ...before, version },
      after: agreementItem(after) as Keyed,
      actor: principal,
      action: 'agreement.option-exercised',
      ...(decision?.reason ? { reason: decision.reason } : {}),
      change: { option, endDate: { from: before.endDate, to: record.to } },
      events: [
        outboxEvent('Agreement.OptionExercised', {
          agreementId: before.id,
          entityId: before.entityId,
          supplierId: before.supplierId,
          option,
          from: record.from,
          to: record.to,
          by: principal.name,
        }),
      ],
    },
    after,
    `Option ${option} exercised: the agreement now ends ${record.to}`,
  );
  return result?.item as AgreementItem;
};

/**
 * Gives notice (also as a renewal decision): the agreement runs to the effective end with its
 * reminders re-planned for it, then ends terminated by its expiry schedule; maybe drafts the successor.
 */
const terminate = async (
  before: AgreementItem,
  body: {
    version: number;
    reason: string;
    noticeMonths: number;
    noticeCounting?: NoticeCounting | undefined;
    startNewProcurement: boolean;
    successorTenderId?: string | undefined;
  },
  principal: Principal,
  decision?: RenewalDecision,
): Promise<{ item: AgreementItem; newTenderId?: string }> => {
  checkSuccessorChoice(body);
  const given = terminateAgreement(withoutKeys(before), {
    today: today(),
    at: nowIso(),
    by: by(principal),
    reason: body.reason,
    noticeMonths: body.noticeMonths,
    noticeCounting: body.noticeCounting,
    decision,
  });
  const drafted = body.startNewProcurement
    ? await successorTender(before, given.termination.endsOn, principal)
    : undefined;
  const link = body.successorTenderId ? await successorLink(given.after, body.successorTenderId) : undefined;
  const after = drafted
    ? { ...given.after, termination: { ...given.termination, successorTenderId: drafted.id } }
    : (link?.after ?? given.after);
  const termination = after.termination as NonNullable<Agreement['termination']>;
  const { endsOn, successorTenderId } = termination;
  const [result] = await commitWithReminders(
    {
      aggregate: { type: 'agreement', id: before.id },
      entityId: before.entityId,
      before: { ...before, version: body.version },
      after: agreementItem(after) as Keyed,
      actor: principal,
      // The notice (oppsigelse); the ending at its effective end is 'agreement.termination-effective'.
      action: 'agreement.terminated',
      reason: body.reason,
      change: {
        termination: {
          noticeMonths: termination.noticeMonths,
          noticeCounting: termination.noticeCounting,
          givenOn: termination.givenOn,
          endsOn,
          successorTenderId: successorTenderId ?? null,
        },
        newTenderId: drafted?.id ?? null,
      },
      events: [
        outboxEvent('Agreement.Terminated', {
          agreementId: before.id,
          entityId: before.entityId,
          supplierId: before.supplierId,
          reason: body.reason,
          endsOn,
          noticeMonths: termination.noticeMonths,
          ...(termination.noticeCounting ? { noticeCounting: termination.noticeCounting } : {}),
          ...(termination.givenOn ? { givenOn: termination.givenOn } : {}),
          ...(drafted ? { newTenderId: drafted.id } : {}),
          ...(successorTenderId ? { successorTenderId } : {}),
        }),
      ],
    },
    after,
    `Notice given: the agreement ends ${endsOn}`,
    [
      ...successorCommit(
        drafted,
        before,
        principal,
        `New procurement after terminating agreement ${before.id}`,
      ),
      ...(link ? [successorLinkCommit(link, before.id, principal)] : []),
    ],
  );
  return { item: result?.item as AgreementItem, ...(drafted ? { newTenderId: drafted.id } : {}) };
};

const agreementHandlers: AgreementHandlers<
  'getAgreement' | 'registerAgreement' | 'exerciseOption' | 'terminateAgreement' | 'linkSuccessor' | 'decide'
> = {
  getAgreement: async ({ principal, params }) => {
    await assertRegisteredSupplier(principal);
    const agreement = await getAgreement(params.agreementId);
    if (!agreement || !mayRead(principal, agreement)) throw notFound('Agreement', params.agreementId);
    return { body: view(agreement), headers: { etag: `"${agreement.version}"` } };
  },

  registerAgreement: (req) =>
    createIdempotently(req, async (remember) => {
      const { principal, body } = req;
      const entityId = principal.entityId as string;
      const at = nowIso();
      const agreement = registerAgreement(
        body,
        { id: newId('agr'), entityId, supplierKnown: Boolean(await getSupplier(body.supplierId)), at },
        await loadReferenceCatalogue(),
      );
      const result = {
        status: 201,
        body: { ...agreement, version: 1 },
        headers: { location: `/agreements/${agreement.id}` },
      };
      await commitWithReminders(
        {
          aggregate: { type: 'agreement', id: agreement.id },
          entityId,
          before: undefined,
          after: agreementItem(agreement) as Keyed,
          actor: principal,
          action: 'agreement.registered',
          change: body,
          at,
        },
        agreement,
        'The agreement was registered',
        // Its first year: the registered prices and volumes, as an award's are the bid's.
        agreement.volumes.length ? [firstYearCommit(agreement, 'registration', principal, at)] : [],
        remember(result),
      );
      return result;
    }),

  exerciseOption: async ({ principal, params, body }) => {
    const before = await loadAgreement(principal, params.agreementId, 'agreement:exerciseOption');
    return { body: view(await exercise(before, body.version, principal)) };
  },

  terminateAgreement: async ({ principal, params, body }) => {
    const before = await loadAgreement(principal, params.agreementId, 'agreement:terminate');
    const { item, newTenderId } = await terminate(before, body, principal);
    return { body: { agreement: view(item), ...(newTenderId ? { newTenderId } : {}) } };
  },

  linkSuccessor: async ({ principal, params, body }) => {
    const before = await loadAgreement(principal, params.agreementId, 'agreement:terminate');
    const link = await successorLink(withoutKeys(before), body.successorTenderId);
    const [result] = await commitAll([
      {
        aggregate: { type: 'agreement', id: before.id },
        entityId: before.entityId,
        before: { ...before, version: body.version },
        after: agreementItem(link.after) as Keyed,
        actor: principal,
        action: 'agreement.successor-linked',
        change: {
          successorTenderId: {
            from: before.termination?.successorTenderId ?? null,
            to: body.successorTenderId,
          },
        },
      },
      successorLinkCommit(link, before.id, principal),
    ]);
    return { body: view(result?.item as AgreementItem) };
  },

  decide: async ({ principal, params, body }) => {
    const before = await loadAgreement(principal, params.agreementId, 'agreement:decide');
    const decision = decideRenewal(before, { ...body, by: by(principal), at: nowIso() });
    if (body.decision === 'exercise-option') {
      return { body: { agreement: view(await exercise(before, body.version, principal, decision)) } };
    }
    if (body.decision === 'terminate') {
      const { item, newTenderId } = await terminate(
        before,
        {
          version: body.version,
          reason: body.reason ?? 'Renewal decision: terminate',
          noticeMonths: body.noticeMonths as number,
          noticeCounting: body.noticeCounting,
          startNewProcurement: false,
          successorTenderId: body.successorTenderId,
        },
        principal,
        decision,
      );
      return { body: { agreement: view(item), ...(newTenderId ? { newTenderId } : {}) } };
    }
    const successor =
      body.decision === 'new-procurement'
        ? await successorTender(before, before.endDate ?? today(), principal)
        : undefined;
    const { after, recorded } = recordRenewalDecision(withoutKeys(before), decision, successor?.id);
    const [result] = await commitWithReminders(
      {
        aggregate: { type: 'agreement', id: before.id },
        entityId: before.entityId,
        before: { ...before, version: body.version },
        after: agreementItem(after) as Keyed,
        actor: principal,
        action: `agreement.decision-${body.decision}`,
        ...(body.reason ? { reason: body.reason } : {}),
        change: { renewalDecision: recorded },
      },
      after,
      `Renewal decision: ${body.decision}`,
      successorCommit(successor, before, principal, `New procurement decided for agreement ${before.id}`),
    );
    return {
      body: {
        agreement: view(result?.item as AgreementItem),
        ...(successor ? { newTenderId: successor.id } : {}),
      },
    };
  },
};

export const handler = httpHandler(agreementRoutes, {
  ...agreementHandlers,
  ...attentionHandlers,
  ...reminderHandlers,
});
