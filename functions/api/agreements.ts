/**
 * HTTP handler for framework agreements and their annual performance agreements
 * (functions/api/agreements.routes.ts). Rules live in domain/agreement.ts and domain/performance.ts.
 */
import { authorize, type Principal } from '../commons/auth.ts';
import { now, nowIso } from '../commons/clock.ts';
import { notFound, Problem, ruleProblem, stateProblem } from '../commons/errors.ts';
import { publishAfterCommit } from '../commons/events.ts';
import { httpHandler } from '../commons/http.ts';
import { createIdempotently } from '../commons/idempotency.ts';
import { newId } from '../commons/ids.ts';
import { log } from '../commons/log.ts';
import { commit, getItem, type Keyed, withoutKeys } from '../commons/store.ts';
import { AlreadyExists } from '../commons/store-errors.ts';
import { executionArnFor, readExecution, startWorkflow } from '../commons/workflows.ts';
import {
  type Agreement,
  addDays,
  addMonths,
  cannotExercise,
  nextOption,
  type RenewalDecision,
  terminationDate,
} from '../domain/agreement.ts';
import {
  type Amendment,
  currentVolumes,
  negotiationStage,
  type PerformanceYear,
  type Round,
  type UsageReport,
  utilisation,
} from '../domain/performance.ts';
import { referenceLookups } from '../domain/reference-lookups.ts';
import { type Tender, tenderContentProblems } from '../domain/tender.ts';
import { commitWithReminders } from '../events/reminders.ts';
import {
  type AgreementItem,
  type AmendmentItem,
  agreementItem,
  amendmentKey,
  getAgreement,
  getYear,
  listAgreements,
  listAmendments,
  listUsage,
  type UsageItem,
  usageKey,
  type YearItem,
  yearKey,
} from '../store/agreements.ts';
import {
  getSettings,
  listInbox,
  listReminders,
  readMarkerKey,
  readMarkers,
  type SettingsItem,
  settingsKey,
} from '../store/reminders.ts';
import { getSupplier } from '../store/suppliers.ts';
import { getTender, tenderItem } from '../store/tenders.ts';
import {
  completeNegotiationStep,
  ensureYear,
  executionNameFor,
  SUPPLIER_ANSWER_DAYS,
} from '../workflow/renegotiation-steps.ts';
import { agreementRoutes } from './agreements.routes.ts';

/** A supplier reads its own agreements; everyone else their entity's. Anything else does not exist for them. */
const mayRead = (principal: Principal, a: Pick<Agreement, 'supplierId' | 'entityId'>): boolean =>
  principal.role === 'supplier' ? a.supplierId === principal.supplierId : a.entityId === principal.entityId;

const view = (a: AgreementItem) => {
  const next = nextOption(a);
  return { ...withoutKeys(a), ...(next && !a.openEnded ? { nextOption: next } : {}) };
};

const today = () => nowIso().slice(0, 10);

/** The agreement, visible to the caller, and authorized for `action` when it is an entity action. */
const loadAgreement = async (
  principal: Principal,
  agreementId: string,
  action: Parameters<typeof authorize>[1],
): Promise<AgreementItem> => {
  const agreement = await getAgreement(agreementId);
  if (!agreement || !mayRead(principal, agreement)) throw notFound('Agreement', agreementId);
  authorize(principal, action, {
    kind: 'Agreement',
    id: agreement.id,
    entityId: agreement.entityId,
    public: false,
  });
  return agreement;
};

const loadYear = async (agreement: Agreement, year: number): Promise<YearItem> => {
  const item = await getYear(agreement.id, year);
  if (!item) throw notFound(`Performance agreement ${year} of agreement`, agreement.id);
  return item;
};

const yearRef = (y: PerformanceYear) => ({
  agreementId: y.agreementId,
  entityId: y.entityId,
  supplierId: y.supplierId,
  year: y.year,
});

const plainLines = (lines: PerformanceYear['lines']) =>
  lines.map((l) => ({ unit: l.unit, volume: l.volume, unitPrice: l.unitPrice }));

const updateYear = (
  before: YearItem,
  version: number,
  changes: Partial<PerformanceYear>,
  actor: Principal,
  action: string,
  change: unknown,
) =>
  commit({
    aggregate: { type: 'performance', id: `${before.agreementId}:${before.year}` },
    entityId: before.entityId,
    before: { ...before, version },
    after: { ...withoutKeys(before), ...yearKey(before.agreementId, before.year), ...changes },
    actor,
    action,
    change,
  }).then(({ item }) => item as YearItem);

const yearView = async (y: YearItem, full: boolean) => {
  const base = {
    agreementId: y.agreementId,
    year: y.year,
    status: y.status,
    lines: y.lines,
    priceAdjustmentPercent: y.priceAdjustmentPercent,
    ...(y.publishedAt ? { publishedAt: y.publishedAt } : {}),
    version: y.version,
  };
  if (!full) return base;
  const [amendments, usage] = await Promise.all([
    listAmendments(y.agreementId, y.year),
    listUsage(y.agreementId, y.year),
  ]);
  return {
    ...withoutKeys(y),
    amendments: amendments.map((a) => withoutKeys(a)),
    utilisation: utilisation(y, amendments, usage),
  };
};

const unitsOf = (agreement: Agreement, year?: PerformanceYear) =>
  new Set([...(year?.lines.map((l) => l.unit) ?? []), ...agreement.volumes.map((v) => v.unit)]);

/** A tender draft for a new procurement, prefilled from the agreement (and its tender when it has one). */
const successorTender = async (agreement: Agreement, endsOn: string, principal: Principal) => {
  const source = agreement.tenderId ? await getTender(agreement.tenderId) : undefined;
  const deadline = new Date(now().getTime() + 30 * 86_400_000);
  deadline.setUTCHours(12, 0, 0, 0);
  const standstillDays = source?.standstillDays ?? 10;
  const earliest = addDays(
    new Date(deadline.getTime() + (standstillDays + 1) * 86_400_000).toISOString().slice(0, 10),
    0,
  );
  const startDate = addDays(endsOn, 1) > earliest ? addDays(endsOn, 1) : earliest;
  const at = nowIso();
  const lot = source?.lots.find((l) => l.id === agreement.lotId) ?? {
    id: agreement.lotId,
    title: agreement.lotTitle,
    hospitalAreaIds: agreement.hospitalAreaIds,
    formOfCare: agreement.formOfCare,
    estimatedVolumes: agreement.volumes.length
      ? agreement.volumes
      : [{ unit: 'konsultasjoner', quantity: 0 }],
    minSuppliers: 1,
    maxSuppliers: 1,
  };
  const tender: Omit<Tender, 'version'> = {
    id: newId('tnd'),
    entityId: agreement.entityId,
    status: 'draft',
    title: `${source?.title ?? agreement.tenderTitle} (ny anskaffelse)`,
    description: `Ny anskaffelse etter oppsigelse av rammeavtale ${agreement.id}.`,
    serviceAreaId: agreement.serviceAreaId,
    currency: agreement.currency as Tender['currency'],
    lots: [lot],
    awardCriteria: source?.awardCriteria ?? [
      { id: 'pris', name: 'Pris', kind: 'price', weight: 50 },
      { id: 'kvalitet', name: 'Kvalitet', kind: 'quality', weight: 50 },
    ],
    qualificationRequirements: source?.qualificationRequirements ?? [],
    bidDeadline: deadline.toISOString(),
    agreement: {
      startDate,
      endDate: addDays(addMonths(startDate, 24), -1),
      options: agreement.options,
      optionNoticeDays: agreement.optionNoticeDays,
    },
    standstillDays,
    questionsCloseHours: source?.questionsCloseHours ?? 72,
    minEvaluators: source?.minEvaluators ?? 1,
    createdAt: at,
    createdBy: { sub: principal.sub, name: principal.name },
    updatedAt: at,
  };
  const problems = tenderContentProblems(tender, agreement.entityId, now(), referenceLookups);
  if (problems.length)
    throw ruleProblem(`The new procurement cannot be drafted: ${problems[0]?.detail}`, problems);
  return tender;
};

/** Exercises the next option (also as a renewal decision), re-planning the reminders with it. */
const exercise = async (
  before: AgreementItem,
  version: number,
  principal: Principal,
  decision?: RenewalDecision,
): Promise<AgreementItem> => {
  const refusal = cannotExercise(before, today());
  if (refusal) throw ruleProblem(refusal, [{ pointer: '#', detail: refusal }]);
  const next = nextOption(before) as NonNullable<ReturnType<typeof nextOption>>;
  const record = {
    index: next.index,
    at: nowIso(),
    by: { sub: principal.sub, name: principal.name },
    from: before.endDate as string,
    to: next.newEndDate,
  };
  const after = {
    ...withoutKeys(before),
    endDate: next.newEndDate,
    status: 'extended' as const,
    optionsExercised: [...(before.optionsExercised ?? []), record],
    ...(decision ? { renewalDecision: decision } : {}),
  };
  const [result] = await commitWithReminders(
    {
      aggregate: { type: 'agreement', id: before.id },
      entityId: before.entityId,
      before: { ...before, version },
      after: agreementItem(after) as Keyed,
      actor: principal,
      action: 'agreement.option-exercised',
      ...(decision?.reason ? { reason: decision.reason } : {}),
      change: { option: next.index + 1, endDate: { from: before.endDate, to: next.newEndDate } },
    },
    after,
    `Option ${next.index + 1} exercised: the agreement now ends ${next.newEndDate}`,
  );
  await publishAfterCommit('Agreement.OptionExercised', {
    agreementId: before.id,
    entityId: before.entityId,
    supplierId: before.supplierId,
    option: next.index + 1,
    from: record.from,
    to: record.to,
    by: principal.name,
  });
  return result?.item as AgreementItem;
};

/** Terminates with notice (also as a renewal decision), cancelling the reminders, maybe drafting the successor. */
const terminate = async (
  before: AgreementItem,
  body: { version: number; reason: string; noticeMonths: number; startNewProcurement: boolean },
  principal: Principal,
  decision?: RenewalDecision,
): Promise<{ item: AgreementItem; newTenderId?: string }> => {
  if (before.status === 'terminated' || before.status === 'expired')
    throw stateProblem(`Agreement ${before.id} is already ${before.status}`);
  const endsOn = terminationDate(before, today(), body.noticeMonths);
  const by = { sub: principal.sub, name: principal.name };
  const termination = { reason: body.reason, noticeMonths: body.noticeMonths, endsOn, at: nowIso(), by };
  const successor = body.startNewProcurement
    ? { ...(await successorTender(before, endsOn, principal)), fromAgreementId: before.id }
    : undefined;
  const after = {
    ...withoutKeys(before),
    status: 'terminated' as const,
    termination,
    ...(decision ? { renewalDecision: decision } : {}),
  };
  const [result] = await commitWithReminders(
    {
      aggregate: { type: 'agreement', id: before.id },
      entityId: before.entityId,
      before: { ...before, version: body.version },
      after: agreementItem(after) as Keyed,
      actor: principal,
      action: 'agreement.terminated',
      reason: body.reason,
      change: {
        status: { from: before.status, to: 'terminated' },
        endsOn,
        noticeMonths: body.noticeMonths,
        newTenderId: successor?.id ?? null,
      },
    },
    after,
    'The agreement was terminated',
    successor
      ? [
          {
            aggregate: { type: 'tender', id: successor.id },
            entityId: before.entityId,
            before: undefined,
            after: tenderItem(successor) as Keyed,
            actor: principal,
            action: 'tender.created',
            reason: `New procurement after terminating agreement ${before.id}`,
            change: { fromAgreement: before.id },
          },
        ]
      : [],
  );
  await publishAfterCommit('Agreement.Terminated', {
    agreementId: before.id,
    entityId: before.entityId,
    supplierId: before.supplierId,
    reason: body.reason,
    endsOn,
    ...(successor ? { newTenderId: successor.id } : {}),
  });
  return { item: result?.item as AgreementItem, ...(successor ? { newTenderId: successor.id } : {}) };
};

export const handler = httpHandler(agreementRoutes, {
  listAgreements: async ({ principal, query }) => {
    const page = await listAgreements(
      principal.role === 'supplier'
        ? { supplierId: principal.supplierId as string }
        : { entityId: principal.entityId as string },
      query.limit ?? 25,
      query.cursor,
    );
    return {
      body: { items: page.items.map(view), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
    };
  },

  getAgreement: async ({ principal, params }) => {
    const agreement = await getAgreement(params.agreementId);
    if (!agreement || !mayRead(principal, agreement)) throw notFound('Agreement', params.agreementId);
    return { body: view(agreement), headers: { etag: `"${agreement.version}"` } };
  },

  registerAgreement: (req) =>
    createIdempotently(req, async (remember) => {
      const { principal, body } = req;
      const entityId = principal.entityId as string;
      const problems: { pointer: string; detail: string }[] = [];
      if (!(await getSupplier(body.supplierId)))
        problems.push({
          pointer: '#/supplierId',
          detail: `Unknown supplier "${body.supplierId}" (see GET /reference/suppliers)`,
        });
      if (!referenceLookups.isKnownServiceArea(body.serviceAreaId))
        problems.push({ pointer: '#/serviceAreaId', detail: `Unknown service area "${body.serviceAreaId}"` });
      if (!referenceLookups.isKnownFormOfCare(body.lot.formOfCare))
        problems.push({
          pointer: '#/lot/formOfCare',
          detail: `Unknown form of care "${body.lot.formOfCare}"`,
        });
      const unknownAreas = new Set(referenceLookups.unknownHospitalAreas(entityId, body.lot.hospitalAreaIds));
      body.lot.hospitalAreaIds.forEach((a, i) => {
        if (unknownAreas.has(a))
          problems.push({
            pointer: `#/lot/hospitalAreaIds/${i}`,
            detail: `Unknown hospital area "${a}" for ${entityId}`,
          });
      });
      body.deliverySites.forEach((s, i) => {
        if (!body.lot.hospitalAreaIds.includes(s.hospitalAreaId))
          problems.push({
            pointer: `#/deliverySites/${i}/hospitalAreaId`,
            detail: `${s.place} must lie in the lot's hospital areas`,
          });
      });
      if (body.openEnded && (body.endDate || body.options.length))
        problems.push({
          pointer: '#/openEnded',
          detail: 'An open-ended agreement has no end date and no options',
        });
      if (!body.openEnded && !body.endDate)
        problems.push({
          pointer: '#/endDate',
          detail: 'An end date is required unless the agreement is open-ended',
        });
      if (body.endDate && body.endDate <= body.startDate)
        problems.push({
          pointer: '#/endDate',
          detail: `The agreement must end after it starts (${body.startDate})`,
        });
      if (problems.length) throw ruleProblem(`The agreement breaks a rule: ${problems[0]?.detail}`, problems);
      const at = nowIso();
      const agreement: Omit<Agreement, 'version'> = {
        id: newId('agr'),
        entityId,
        origin: 'registered',
        tenderTitle: body.title,
        lotId: body.lot.id,
        lotTitle: body.lot.title,
        supplierId: body.supplierId,
        serviceAreaId: body.serviceAreaId,
        formOfCare: body.lot.formOfCare,
        hospitalAreaIds: body.lot.hospitalAreaIds,
        currency: referenceLookups.entityCurrency(entityId) ?? 'NOK',
        startDate: body.startDate,
        ...(body.endDate ? { endDate: body.endDate } : {}),
        ...(body.openEnded ? { openEnded: true } : {}),
        options: body.options,
        optionNoticeDays: body.optionNoticeDays,
        prices: body.prices,
        volumes: body.volumes,
        deliverySites: body.deliverySites,
        nonExclusive: true,
        minimumPurchase: 'none',
        status: 'active',
        createdAt: at,
      };
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
        },
        agreement,
        'The agreement was registered',
        [],
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

  decide: async ({ principal, params, body }) => {
    const before = await loadAgreement(principal, params.agreementId, 'agreement:decide');
    if (before.status === 'terminated' || before.status === 'expired')
      throw stateProblem(`Agreement ${before.id} is ${before.status}; there is nothing to decide`);
    const by = { sub: principal.sub, name: principal.name };
    const decision: RenewalDecision = {
      decision: body.decision,
      ...(before.endDate ? { deadline: before.endDate } : {}),
      ...(body.reason ? { reason: body.reason } : {}),
      by,
      at: nowIso(),
    };
    if (body.decision === 'exercise-option') {
      return { body: { agreement: view(await exercise(before, body.version, principal, decision)) } };
    }
    if (body.decision === 'terminate') {
      if (body.noticeMonths === undefined)
        throw ruleProblem('Terminating needs the notice in months', [
          { pointer: '#/noticeMonths', detail: 'Required to terminate' },
        ]);
      const { item, newTenderId } = await terminate(
        before,
        {
          version: body.version,
          reason: body.reason ?? 'Renewal decision: terminate',
          noticeMonths: body.noticeMonths,
          startNewProcurement: false,
        },
        principal,
        decision,
      );
      return { body: { agreement: view(item), ...(newTenderId ? { newTenderId } : {}) } };
    }
    const successor =
      body.decision === 'new-procurement'
        ? {
            ...(await successorTender(before, before.endDate ?? today(), principal)),
            fromAgreementId: before.id,
          }
        : undefined;
    const recorded = { ...decision, ...(successor ? { newTenderId: successor.id } : {}) };
    const after = { ...withoutKeys(before), renewalDecision: recorded };
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
      successor
        ? [
            {
              aggregate: { type: 'tender', id: successor.id },
              entityId: before.entityId,
              before: undefined,
              after: tenderItem(successor) as Keyed,
              actor: principal,
              action: 'tender.created',
              reason: `New procurement decided for agreement ${before.id}`,
              change: { fromAgreement: before.id },
            },
          ]
        : [],
    );
    return {
      body: {
        agreement: view(result?.item as AgreementItem),
        ...(successor ? { newTenderId: successor.id } : {}),
      },
    };
  },

  listReminders: async ({ principal, params }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'agreement:read');
    if (principal.role === 'supplier') throw notFound('Reminders of agreement', agreement.id);
    const reminders = (await listReminders(agreement.id)).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    return { body: { items: reminders.map((r) => withoutKeys(r)) } };
  },

  listNotifications: async ({ principal, query }) => {
    const items = await listInbox(principal.entityId as string, query.limit ?? 50);
    const read = await readMarkers(
      principal.sub,
      items.map((n) => n.id),
    );
    const views = items.map((n) => ({ ...withoutKeys(n), read: read.has(n.id) }));
    // Unread first, each group newest first (the order the inbox was read in).
    return {
      body: {
        items: [...views.filter((n) => !n.read), ...views.filter((n) => n.read)],
        unread: views.filter((n) => !n.read).length,
      },
    };
  },

  markNotificationRead: async ({ principal, params }) => {
    const inbox = await listInbox(principal.entityId as string, 100);
    const notification = inbox.find((n) => n.id === params.notificationId);
    if (!notification) throw notFound('Notification', params.notificationId);
    try {
      await commit({
        aggregate: { type: 'notification-read', id: `${principal.sub}:${notification.id}` },
        entityId: notification.entityId,
        before: undefined,
        after: {
          ...readMarkerKey(principal.sub, notification.id),
          notificationId: notification.id,
          readAt: nowIso(),
        },
        actor: principal,
        action: 'notification.read',
        change: { notificationId: notification.id },
      });
    } catch (error) {
      if (!(error instanceof AlreadyExists)) throw error; // read before: fine
    }
    return { body: { ...withoutKeys(notification), read: true } };
  },

  getReminderSettings: async ({ principal, params }) => {
    authorize(principal, 'settings:read', {
      kind: 'Entity',
      id: params.entityId,
      entityId: params.entityId,
      public: false,
    });
    return { body: { entityId: params.entityId, ...(await getSettings(params.entityId)) } };
  },

  putReminderSettings: async ({ principal, params, body }) => {
    authorize(principal, 'settings:update', {
      kind: 'Entity',
      id: params.entityId,
      entityId: params.entityId,
      public: false,
    });
    const before = await getItem<SettingsItem>(settingsKey(params.entityId));
    const { version, ...settings } = body;
    const { item } = await commit({
      aggregate: { type: 'settings', id: `${params.entityId}:reminders` },
      entityId: params.entityId,
      before: before ? { ...before, version: version ?? 0 } : undefined,
      after: { ...settingsKey(params.entityId), entityId: params.entityId, ...settings },
      actor: principal,
      action: 'settings.reminders-updated',
      change: settings,
    });
    return { body: withoutKeys(item) };
  },

  getYear: async ({ principal, params }) => {
    const agreement = await getAgreement(params.agreementId);
    if (!agreement) throw notFound('Agreement', params.agreementId);
    const involved = mayRead(principal, agreement);
    const item = await getYear(agreement.id, params.year);
    if (!item || (!involved && item.status !== 'published'))
      throw notFound(`Performance agreement ${params.year} of agreement`, agreement.id);
    return { body: await yearView(item, involved), headers: { etag: `"${item.version}"` } };
  },

  startNegotiation: async ({ principal, params, body }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'performance:start');
    if (agreement.status === 'terminated' || agreement.status === 'expired')
      throw stateProblem(`Agreement ${agreement.id} is ${agreement.status}; there is nothing to negotiate`);
    if (agreement.endDate && agreement.endDate < `${params.year}-01-01`)
      throw stateProblem(`Agreement ${agreement.id} ends ${agreement.endDate}, before ${params.year}`);
    const units = unitsOf(agreement);
    body.need?.forEach((n, i) => {
      if (units.size && !units.has(n.unit))
        throw ruleProblem(`The agreement has no volume in "${n.unit}"`, [
          { pointer: `#/need/${i}/unit`, detail: `Units: ${[...units].join(', ')}` },
        ]);
    });
    const item = await ensureYear(agreement, params.year, principal, body.need ? { need: body.need } : {});
    if (item.status === 'published')
      throw stateProblem(`The ${params.year} performance agreement is already published`);
    const running = item.executionArn ? await readExecution(item.executionArn) : undefined;
    const name =
      running && running.status !== 'RUNNING'
        ? `${executionNameFor(agreement.id, params.year)}-${Date.now().toString(36)}`
        : executionNameFor(agreement.id, params.year);
    try {
      await startWorkflow('annualRenegotiation', name, { agreementId: agreement.id, year: params.year });
    } catch (error) {
      if ((error as Error).name !== 'ExecutionAlreadyExists') {
        log.error('could not start the renegotiation', { agreementId: agreement.id, error });
        throw new Problem(
          503,
          'workflow-unavailable',
          'The workflow could not be started',
          'Repeat the request to start it',
        );
      }
    }
    const executionArn = executionArnFor('annualRenegotiation', name);
    const current =
      item.executionArn === executionArn
        ? item
        : await updateYear(
            item,
            item.version,
            { executionArn },
            principal,
            'performance.negotiation-started',
            { executionArn },
          );
    return { status: 202, body: await yearView(current, true) };
  },

  proposeYear: async ({ principal, params, body }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'performance:propose');
    const before = await loadYear(agreement, params.year);
    if (
      negotiationStage(before) !== 'officer' ||
      (before.status !== 'draft' && before.status !== 'countered' && before.status !== 'proposed')
    )
      throw stateProblem(
        `The ${params.year} performance agreement is ${before.status}; it is not the officer's turn to propose`,
      );
    const units = unitsOf(agreement, before);
    body.lines.forEach((l, i) => {
      if (!units.has(l.unit))
        throw ruleProblem(`The agreement has no volume in "${l.unit}"`, [
          { pointer: `#/lines/${i}/unit`, detail: `Units: ${[...units].join(', ')}` },
        ]);
    });
    const at = nowIso();
    const supplierDeadline = new Date(
      now().getTime() + (body.answerDays ?? SUPPLIER_ANSWER_DAYS) * 86_400_000,
    ).toISOString();
    const round: Round = {
      by: 'officer',
      kind: 'proposal',
      actor: { sub: principal.sub, name: principal.name },
      at,
      lines: body.lines,
      priceAdjustmentPercent: body.priceAdjustmentPercent,
      ...(body.comment ? { comment: body.comment } : {}),
    };
    const { escalatedAt: _e, ...rest } = withoutKeys(before);
    const item = await commit({
      aggregate: { type: 'performance', id: `${before.agreementId}:${before.year}` },
      entityId: before.entityId,
      before: { ...before, version: body.version },
      after: {
        ...rest,
        ...yearKey(before.agreementId, before.year),
        status: 'proposed' as const,
        lines: body.lines,
        priceAdjustmentPercent: body.priceAdjustmentPercent,
        rounds: [...before.rounds, round],
        supplierDeadline,
        reminders: 0,
      },
      actor: principal,
      action: 'performance.proposed',
      change: { lines: body.lines, priceAdjustmentPercent: body.priceAdjustmentPercent, supplierDeadline },
    }).then(({ item }) => item as YearItem);
    await completeNegotiationStep(agreement.id, params.year, 'officer', { outcome: 'proposed' });
    await publishAfterCommit('PerformanceAgreement.Proposed', {
      ...yearRef(item),
      lines: plainLines(item.lines),
      supplierDeadline,
    });
    return { body: await yearView(item, true) };
  },

  answerYear: async ({ principal, params, body }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'performance:answer');
    const before = await loadYear(agreement, params.year);
    if (before.status !== 'proposed')
      throw stateProblem(
        `The ${params.year} performance agreement is ${before.status}; there is no proposal to answer`,
      );
    const at = nowIso();
    const actor = { sub: principal.sub, name: principal.name };
    const round: Round = body.accept
      ? {
          by: 'supplier',
          kind: 'acceptance',
          actor,
          at,
          lines: before.lines,
          priceAdjustmentPercent: before.priceAdjustmentPercent,
          ...(body.comment ? { comment: body.comment } : {}),
        }
      : {
          by: 'supplier',
          kind: 'counter',
          actor,
          at,
          lines: body.lines ?? [],
          priceAdjustmentPercent: body.priceAdjustmentPercent ?? 0,
          ...(body.comment ? { comment: body.comment } : {}),
        };
    if (!body.accept) {
      const units = unitsOf(agreement, before);
      round.lines.forEach((l, i) => {
        if (!units.has(l.unit))
          throw ruleProblem(`The agreement has no volume in "${l.unit}"`, [
            { pointer: `#/lines/${i}/unit`, detail: `Units: ${[...units].join(', ')}` },
          ]);
      });
    }
    const { escalatedAt: _e, supplierDeadline: _d, ...rest } = withoutKeys(before);
    const item = await commit({
      aggregate: { type: 'performance', id: `${before.agreementId}:${before.year}` },
      entityId: before.entityId,
      before: { ...before, version: body.version },
      after: {
        ...rest,
        ...yearKey(before.agreementId, before.year),
        status: body.accept ? ('agreed' as const) : ('countered' as const),
        lines: round.lines,
        priceAdjustmentPercent: round.priceAdjustmentPercent,
        rounds: [...before.rounds, round],
        ...(body.accept ? { agreedAt: at } : {}),
      },
      actor: principal,
      action: body.accept ? 'performance.accepted' : 'performance.countered',
      change: body.accept
        ? { accepted: true }
        : { lines: round.lines, priceAdjustmentPercent: round.priceAdjustmentPercent },
    }).then(({ item }) => item as YearItem);
    await completeNegotiationStep(agreement.id, params.year, 'supplier', { outcome: 'answered' });
    await publishAfterCommit(body.accept ? 'PerformanceAgreement.Agreed' : 'PerformanceAgreement.Countered', {
      ...yearRef(item),
      lines: plainLines(item.lines),
    });
    return { body: await yearView(item, true) };
  },

  approveYear: async ({ principal, params, body }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'performance:approve');
    const before = await loadYear(agreement, params.year);
    if (!(before.status === 'agreed' || before.status === 'countered') || before.approvedAt)
      throw stateProblem(
        `The ${params.year} performance agreement is ${before.status}${before.approvedAt ? ' and approved' : ''}; only agreed terms or a counter-offer can be approved`,
      );
    const at = nowIso();
    const acceptsCounter = before.status === 'countered';
    const item = await updateYear(
      before,
      body.version,
      {
        status: 'agreed',
        approvedAt: at,
        approvedBy: { sub: principal.sub, name: principal.name },
        ...(acceptsCounter ? { agreedAt: at } : {}),
      },
      principal,
      acceptsCounter ? 'performance.counter-accepted-and-approved' : 'performance.approved',
      { approvedAt: at, lines: before.lines },
    );
    await completeNegotiationStep(agreement.id, params.year, 'officer', { outcome: 'approved' });
    if (acceptsCounter)
      await publishAfterCommit('PerformanceAgreement.Agreed', {
        ...yearRef(item),
        lines: plainLines(item.lines),
      });
    return { body: await yearView(item, true) };
  },

  getNegotiationWorkflow: async ({ principal, params }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'workflow:read');
    const item = await loadYear(agreement, params.year);
    const execution = item.executionArn ? await readExecution(item.executionArn) : undefined;
    if (!execution) throw notFound('Renegotiation workflow of', `${agreement.id} ${params.year}`);
    return { body: execution };
  },

  raiseAmendment: (req) =>
    createIdempotently(req, async (remember) => {
      const { principal, params, body } = req;
      const agreement = await loadAgreement(principal, params.agreementId, 'amendment:raise');
      const year = await loadYear(agreement, params.year);
      if (year.status !== 'published')
        throw stateProblem(
          `The ${params.year} performance agreement is ${year.status}; amendments change a published year`,
        );
      const amendments = await listAmendments(agreement.id, params.year);
      const current = currentVolumes(year, amendments)[body.unit];
      if (!current)
        throw ruleProblem(`The ${params.year} performance agreement has no volume in "${body.unit}"`, [
          { pointer: '#/unit', detail: `Units: ${year.lines.map((l) => l.unit).join(', ')}` },
        ]);
      if (current.current + body.delta < 0)
        throw ruleProblem(`The volume cannot go below zero (it is ${current.current})`, [
          { pointer: '#/delta', detail: `At least ${-current.current}` },
        ]);
      const amendment: Omit<Amendment, 'version'> = {
        id: newId('amd'),
        agreementId: agreement.id,
        year: params.year,
        unit: body.unit,
        delta: body.delta,
        reason: body.reason,
        status: 'proposed',
        raisedBy: { sub: principal.sub, name: principal.name },
        raisedAt: nowIso(),
      };
      const result = { status: 201, body: { ...amendment, version: 1 } };
      await commit({
        aggregate: { type: 'amendment', id: amendment.id },
        entityId: agreement.entityId,
        before: undefined,
        after: { ...amendmentKey(agreement.id, params.year, amendment.id), ...amendment },
        actor: principal,
        action: 'amendment.raised',
        reason: body.reason,
        change: { unit: body.unit, delta: body.delta },
        extra: remember(result),
      });
      return result;
    }),

  confirmAmendment: async ({ principal, params, body }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'amendment:confirm');
    const year = await loadYear(agreement, params.year);
    const amendments = await listAmendments(agreement.id, params.year);
    const before = amendments.find((a) => a.id === params.amendmentId);
    if (!before) throw notFound('Amendment', params.amendmentId);
    if (before.status !== 'proposed')
      throw stateProblem(`Amendment ${before.id} is already ${before.status}`);
    const at = nowIso();
    const { item } = await commit({
      aggregate: { type: 'amendment', id: before.id },
      entityId: agreement.entityId,
      before: { ...before, version: body.version },
      after: {
        ...withoutKeys(before),
        ...amendmentKey(agreement.id, params.year, before.id),
        status: 'confirmed' as const,
        confirmedBy: { sub: principal.sub, name: principal.name },
        confirmedAt: at,
      },
      actor: principal,
      action: 'amendment.confirmed',
      change: { status: { from: 'proposed', to: 'confirmed' } },
    });
    const confirmed = item as AmendmentItem;
    const volumes = currentVolumes(
      year,
      amendments.map((a) => (a.id === confirmed.id ? confirmed : a)),
    );
    await publishAfterCommit('Agreement.VolumeAmended', {
      agreementId: agreement.id,
      entityId: agreement.entityId,
      supplierId: agreement.supplierId,
      year: params.year,
      amendmentId: confirmed.id,
      unit: confirmed.unit,
      delta: confirmed.delta,
      currentVolume: volumes[confirmed.unit]?.current ?? 0,
      reason: confirmed.reason,
    });
    return { body: withoutKeys(confirmed) };
  },

  reportUsage: async ({ principal, params, body }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'usage:report');
    if (principal.role === 'officer' && principal.entityId !== agreement.entityId)
      throw notFound('Agreement', agreement.id);
    const month = `${params.year}-${String(params.month).padStart(2, '0')}`;
    if (month > today().slice(0, 7))
      throw ruleProblem(`${month} has not begun; usage is reported for past and current months`);
    if (
      month < agreement.startDate.slice(0, 7) ||
      (agreement.endDate && month > agreement.endDate.slice(0, 7))
    )
      throw ruleProblem(`${month} is outside the agreement's period`);
    const units = unitsOf(agreement, await getYear(agreement.id, params.year));
    body.lines.forEach((l, i) => {
      if (!units.has(l.unit))
        throw ruleProblem(`The agreement has no volume in "${l.unit}"`, [
          { pointer: `#/lines/${i}/unit`, detail: `Units: ${[...units].join(', ')}` },
        ]);
    });
    const key = usageKey(agreement.id, params.year, params.month);
    const before = (await listUsage(agreement.id, params.year)).find((u) => u.month === params.month);
    const report: Omit<UsageReport, 'version'> = {
      agreementId: agreement.id,
      year: params.year,
      month: params.month,
      lines: body.lines,
      reportedBy: { sub: principal.sub, name: principal.name, role: principal.role },
      reportedAt: nowIso(),
    };
    const { item } = await commit({
      aggregate: { type: 'usage', id: `${agreement.id}:${month}` },
      entityId: agreement.entityId,
      before,
      after: { ...key, ...report },
      actor: principal,
      action: before ? 'usage.corrected' : 'usage.reported',
      change: body.lines,
    });
    return { body: withoutKeys(item as UsageItem) };
  },
});
