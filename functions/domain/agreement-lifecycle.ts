/**
 * What happens to a framework agreement over its life, as pure transitions: registration of an
 * agreement made before this system, an option exercised, notice given (termination), a renewal
 * decision recorded, expiry on the day after its end. State + command (+ today) → the agreement
 * after, and what must be written with it; a `Refusal` (domain/refusal.ts) when the rules say no.
 */

import {
  type Agreement,
  addDays,
  addMonths,
  agreementScope,
  cannotExercise,
  effectiveEnd,
  type NoticeCounting,
  nextOption,
  noticeGiven,
  noticeGivenOn,
  type RenewalDecision,
  type renewalDecisions,
  replacedAgreementIds,
  type Termination,
  terminationDate,
} from './agreement.ts';
import type { ProblemItem } from './refusal.ts';
import { refuseRule, refuseState } from './refusal.ts';
import { type ReferenceLookups, type Tender, tenderContentProblems } from './tender.ts';

type By = { sub: string; name: string };

export interface RegisterCommand {
  title: string;
  supplierId: string;
  /** Every specialty the agreement covers; `serviceAreaId` (one) is the older spelling: one of them. */
  serviceAreaIds?: string[] | undefined;
  serviceAreaId?: string | undefined;
  /** Its forms of care; `formOfCare` (one) is the older spelling: one of them. */
  lot: {
    id: string;
    title: string;
    formsOfCare?: string[] | undefined;
    formOfCare?: string | undefined;
    hospitalAreaIds: string[];
  };
  startDate: string;
  endDate?: string | undefined;
  openEnded?: boolean | undefined;
  options: { durationMonths: number }[];
  optionNoticeDays: number;
  prices: { unit: string; unitPrice: number }[];
  volumes: { unit: string; quantity: number }[];
  deliverySites: { place: string; hospitalAreaId: string; address?: string | undefined }[];
}

/** An existing agreement registered by an entity's officer, or the rules it breaks (a rule refusal). */
export const registerAgreement = (
  command: RegisterCommand,
  context: { id: string; entityId: string; supplierKnown: boolean; at: string },
  lookups: ReferenceLookups,
): Omit<Agreement, 'version'> => {
  const { entityId } = context;
  const body = command;
  const problems: ProblemItem[] = [];
  if (!context.supplierKnown)
    problems.push({
      pointer: '#/supplierId',
      detail: `Unknown supplier "${body.supplierId}" (see GET /reference/suppliers)`,
    });
  // Lists, or their older one-value spellings: exactly one of each pair.
  const oneOf = <T>(list: T[] | undefined, single: T | undefined, pointer: string, names: string) => {
    if ((list === undefined) === (single === undefined))
      problems.push({ pointer, detail: `Give ${names}: one of the two, not ${list ? 'both' : 'neither'}` });
    return list ?? (single === undefined ? [] : [single]);
  };
  const serviceAreaIds = oneOf(
    body.serviceAreaIds,
    body.serviceAreaId,
    '#/serviceAreaIds',
    'serviceAreaIds (or serviceAreaId, its older one-value spelling)',
  );
  const formsOfCare = oneOf(
    body.lot.formsOfCare,
    body.lot.formOfCare,
    '#/lot/formsOfCare',
    'lot.formsOfCare (or lot.formOfCare, its older one-value spelling)',
  );
  const listed = body.serviceAreaIds ? '#/serviceAreaIds' : '#/serviceAreaId';
  serviceAreaIds.forEach((area, i) => {
    if (!lookups.isKnownServiceArea(area))
      problems.push({
        pointer: body.serviceAreaIds ? `${listed}/${i}` : listed,
        detail: `Unknown service area "${area}" (see GET /reference/service-areas)`,
      });
    if (serviceAreaIds.indexOf(area) !== i)
      problems.push({ pointer: listed, detail: `Service area "${area}" is listed more than once` });
  });
  const formsAt = body.lot.formsOfCare ? '#/lot/formsOfCare' : '#/lot/formOfCare';
  formsOfCare.forEach((form, i) => {
    if (!lookups.isKnownFormOfCare(form))
      problems.push({
        pointer: body.lot.formsOfCare ? `${formsAt}/${i}` : formsAt,
        detail: `Unknown form of care "${form}" (inpatient, day or outpatient)`,
      });
    if (formsOfCare.indexOf(form) !== i)
      problems.push({ pointer: formsAt, detail: `Form of care "${form}" is listed more than once` });
  });
  const unknownAreas = new Set(lookups.unknownHospitalAreas(entityId, body.lot.hospitalAreaIds));
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
  if (problems.length) throw refuseRule(`The agreement breaks a rule: ${problems[0]?.detail}`, problems);
  return {
    id: context.id,
    entityId,
    origin: 'registered',
    tenderTitle: body.title,
    lotId: body.lot.id,
    lotTitle: body.lot.title,
    supplierId: body.supplierId,
    serviceAreaId: serviceAreaIds[0] as string,
    formOfCare: formsOfCare[0] as string,
    serviceAreaIds,
    formsOfCare,
    hospitalAreaIds: body.lot.hospitalAreaIds,
    currency: lookups.entityCurrency(entityId) ?? 'NOK',
    startDate: body.startDate,
    ...(body.endDate ? { endDate: body.endDate } : {}),
    ...(body.openEnded ? { openEnded: true } : {}),
    options: body.options,
    optionNoticeDays: body.optionNoticeDays,
    prices: body.prices,
    volumes: body.volumes,
    deliverySites: body.deliverySites as Agreement['deliverySites'],
    nonExclusive: true,
    minimumPurchase: 'none',
    status: 'active',
    createdAt: context.at,
  };
};

const ended = (a: Pick<Agreement, 'status'>) => a.status === 'terminated' || a.status === 'expired';

export type OptionRecord = NonNullable<Agreement['optionsExercised']>[number];

/** The next option exercised on `today`: the agreement runs to the option's end (status extended). */
export const exerciseOption = <A extends Agreement>(
  before: A,
  command: { today: string; at: string; by: By; decision?: RenewalDecision | undefined },
): { after: A; record: OptionRecord; option: number } => {
  if (before.termination && !ended(before)) throw refuseState(noticeGiven(before.termination));
  const refusal = cannotExercise(before, command.today);
  if (refusal) throw refuseRule(refusal, [{ pointer: '#', detail: refusal }]);
  const next = nextOption(before) as NonNullable<ReturnType<typeof nextOption>>;
  const record: OptionRecord = {
    index: next.index,
    at: command.at,
    by: command.by,
    from: before.endDate as string,
    to: next.newEndDate,
  };
  const after = {
    ...before,
    endDate: next.newEndDate,
    status: 'extended' as const,
    optionsExercised: [...(before.optionsExercised ?? []), record],
    ...(command.decision ? { renewalDecision: command.decision } : {}),
  };
  return { after, record, option: next.index + 1 };
};

export type { Termination };

/**
 * Notice given on `today` (oppsigelse): the agreement keeps running (its status unchanged, its
 * reminders re-planned for the effective end) without its options, and ends terminated on the
 * effective end date: `noticeMonths` counted from the notice or from the end of its month, never
 * after the agreement's own end date. Open-ended agreements get an end this way. Refused for an
 * agreement that has ended or has notice already.
 */
export const terminateAgreement = <A extends Agreement>(
  before: A,
  command: {
    today: string;
    at: string;
    by: By;
    reason: string;
    noticeMonths: number;
    noticeCounting?: NoticeCounting | undefined;
    successorTenderId?: string | undefined;
    decision?: RenewalDecision | undefined;
  },
): { after: A; termination: Termination } => {
  if (ended(before)) throw refuseState(`Agreement ${before.id} is already ${before.status}`);
  if (before.termination)
    throw refuseState(
      `Notice was already given on ${noticeGivenOn(before.termination)}: agreement ${before.id} ends ${before.termination.endsOn}`,
    );
  const noticeCounting = command.noticeCounting ?? 'from-notice';
  const endsOn = terminationDate(before, command.today, command.noticeMonths, noticeCounting);
  const termination: Termination = {
    reason: command.reason,
    noticeMonths: command.noticeMonths,
    noticeCounting,
    givenOn: command.today,
    endsOn,
    ...(command.successorTenderId ? { successorTenderId: command.successorTenderId } : {}),
    at: command.at,
    by: command.by,
  };
  const after = {
    ...before,
    termination,
    ...(command.decision ? { renewalDecision: command.decision } : {}),
  };
  return { after, termination };
};

/** A notice either drafts its successor tender or links an existing one, not both. */
export const checkSuccessorChoice = (command: {
  startNewProcurement?: boolean | undefined;
  successorTenderId?: string | undefined;
}): void => {
  if (command.startNewProcurement && command.successorTenderId)
    throw refuseRule('Either draft a new procurement or link an existing successor tender, not both', [
      {
        pointer: '#/successorTenderId',
        detail: 'Leave it out to draft a new procurement (startNewProcurement)',
      },
    ]);
};

/** A tender that can no longer replace anything: it was cancelled or ended without a result. */
export const successorFailed = (t: Pick<Tender, 'status'>): boolean =>
  t.status === 'cancelled' || t.status === 'unsuccessful';

/**
 * An existing tender named the successor of an agreement under notice (one tender can replace
 * several): it must be the agreement's entity's (another entity's does not exist for the officer)
 * and not cancelled or without a result; an agreement whose successor still runs keeps it. The
 * agreement and the tender after, or a refusal pointing at `successorTenderId`.
 */
export const linkSuccessor = <A extends Agreement, T extends Tender>(
  before: A,
  tender: T | undefined,
  command: { successorTenderId: string; current?: Pick<Tender, 'id' | 'status'> | undefined },
): { after: A; tender: T } => {
  const pointer = '#/successorTenderId';
  if (ended(before)) throw refuseState(`Agreement ${before.id} is ${before.status}`);
  if (!before.termination)
    throw refuseState(
      `Agreement ${before.id} is not under notice: give notice first (POST /agreements/${before.id}/termination)`,
    );
  if (!tender || tender.entityId !== before.entityId)
    throw refuseRule(`Unknown tender "${command.successorTenderId}"`, [
      { pointer, detail: `No tender "${command.successorTenderId}" of ${before.entityId}` },
    ]);
  if (successorFailed(tender))
    throw refuseRule(`Tender ${tender.id} is ${tender.status}: it cannot replace the agreement`, [
      { pointer, detail: `The tender is ${tender.status}` },
    ]);
  const current = before.termination.successorTenderId;
  if (current === tender.id)
    throw refuseState(`Tender ${tender.id} is already the successor of agreement ${before.id}`);
  if (current && !(command.current && command.current.id === current && successorFailed(command.current)))
    throw refuseState(
      `Agreement ${before.id} is already replaced by tender ${current}; another can be linked once that one is cancelled or ends without a result`,
    );
  const replaces = replacedAgreementIds(tender);
  return {
    after: { ...before, termination: { ...before.termination, successorTenderId: tender.id } },
    tender: {
      ...tender,
      replacesAgreementIds: replaces.includes(before.id) ? replaces : [...replaces, before.id],
    },
  };
};

/**
 * The officer's renewal decision, before it is carried out: refused for an ended agreement, and a
 * termination needs its notice.
 */
export const decideRenewal = (
  before: Agreement,
  command: {
    decision: (typeof renewalDecisions)[number];
    reason?: string | undefined;
    noticeMonths?: number | undefined;
    by: By;
    at: string;
  },
): RenewalDecision => {
  if (ended(before))
    throw refuseState(`Agreement ${before.id} is ${before.status}; there is nothing to decide`);
  if (before.termination) throw refuseState(noticeGiven(before.termination));
  const decision: RenewalDecision = {
    decision: command.decision,
    ...(before.endDate ? { deadline: before.endDate } : {}),
    ...(command.reason ? { reason: command.reason } : {}),
    by: command.by,
    at: command.at,
  };
  if (command.decision === 'terminate' && command.noticeMonths === undefined)
    throw refuseRule('Terminating needs the notice in months', [
      { pointer: '#/noticeMonths', detail: 'Required to terminate' },
    ]);
  return decision;
};

/** A decision that changes nothing yet (let it expire, a new procurement): recorded on the agreement. */
export const recordRenewalDecision = <A extends Agreement>(
  before: A,
  decision: RenewalDecision,
  newTenderId?: string,
): { after: A; recorded: RenewalDecision } => {
  const recorded = { ...decision, ...(newTenderId ? { newTenderId } : {}) };
  return { after: { ...before, renewalDecision: recorded }, recorded };
};

/** The day the agreement ends: the effective end once notice is given, else its end date. */
export const endsOn = effectiveEnd;

/**
 * The moment a running agreement is to end by itself (the day after its last day, midnight UTC):
 * its end date, or its effective end once notice is given; an open-ended one only after notice.
 * Undefined when nothing is to end it (ended already, open-ended without notice).
 */
export const endDue = (a: Agreement | Omit<Agreement, 'version'>): string | undefined => {
  const ends = endsOn(a);
  const running = a.status === 'active' || a.status === 'extended';
  if (!ends || !running || (a.openEnded && !a.termination)) return undefined;
  return `${addDays(ends, 1)}T00:00:00.000Z`;
};

/**
 * The agreement on `today`: ended when its last day has passed (terminated when notice was given,
 * open-ended ones too; else expired); not yet (the day to look again); or nothing to do (already
 * ended, open-ended without notice).
 */
export const expireAgreement = <A extends Agreement>(
  before: A,
  today: string,
  at: string,
):
  | { outcome: 'expired' | 'terminated'; after: A; ends: string }
  | { outcome: 'not-yet'; ends: string }
  | { outcome: 'ignored' } => {
  const ends = endsOn(before);
  if (ended(before) || !ends) return { outcome: 'ignored' };
  if (before.openEnded && !before.termination) return { outcome: 'ignored' };
  if (ends >= today) return { outcome: 'not-yet', ends };
  if (before.termination)
    return {
      outcome: 'terminated',
      after: { ...before, status: 'terminated' as const, terminatedAt: at },
      ends,
    };
  return { outcome: 'expired', after: { ...before, status: 'expired' as const, expiredAt: at }, ends };
};

/**
 * The draft of a new procurement after an agreement ends, prefilled from the agreement (and from the
 * tender it came from, when it has one); refused when the draft would break the tender rules.
 */
export const successorTenderDraft = (
  agreement: Agreement,
  source: Tender | undefined,
  endsOnDate: string,
  context: { id: string; now: Date; by: By },
  lookups: ReferenceLookups,
): Omit<Tender, 'version'> => {
  const deadline = new Date(context.now.getTime() + 30 * 86_400_000);
  deadline.setUTCHours(12, 0, 0, 0);
  const standstillDays = source?.standstillDays ?? 10;
  const earliest = addDays(
    new Date(deadline.getTime() + (standstillDays + 1) * 86_400_000).toISOString().slice(0, 10),
    0,
  );
  const startDate = addDays(endsOnDate, 1) > earliest ? addDays(endsOnDate, 1) : earliest;
  const at = context.now.toISOString();
  const lot = source?.lots.find((l) => l.id === agreement.lotId) ?? {
    id: agreement.lotId,
    title: agreement.lotTitle,
    hospitalAreaIds: agreement.hospitalAreaIds,
    formsOfCare: agreementScope(agreement).formsOfCare,
    estimatedVolumes: agreement.volumes.length
      ? agreement.volumes
      : [{ unit: 'konsultasjoner', quantity: 0 }],
    minSuppliers: 1,
    maxSuppliers: 1,
  };
  const tender: Omit<Tender, 'version'> = {
    id: context.id,
    entityId: agreement.entityId,
    status: 'draft',
    title: `${source?.title ?? agreement.tenderTitle} (ny anskaffelse)`,
    description: `Ny anskaffelse etter oppsigelse av rammeavtale ${agreement.id}.`,
    serviceAreaIds: agreementScope(agreement).serviceAreaIds,
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
    createdBy: context.by,
    updatedAt: at,
  };
  const problems = tenderContentProblems(tender, agreement.entityId, context.now, lookups);
  if (problems.length)
    throw refuseRule(`The new procurement cannot be drafted: ${problems[0]?.detail}`, problems);
  return tender;
};
