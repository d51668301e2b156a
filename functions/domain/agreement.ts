/**
 * Framework agreements as an award creates them: one per winning supplier and lot, with the
 * tender's planned period and options and the winning bid's prices and capacity. Non-exclusive,
 * no minimum purchase (the seeds: the authority may buy elsewhere and need not buy at all).
 */
import { sha256 } from '../shared/canonical.ts';
import type { Bid } from './bid.ts';
import { type Lot, lotServiceAreaIds, type Tender } from './tender.ts';

export const renewalDecisions = ['exercise-option', 'let-expire', 'terminate', 'new-procurement'] as const;
export interface RenewalDecision {
  decision: (typeof renewalDecisions)[number];
  /** The end date the decision answers; a later end date (an exercised option) asks again. */
  deadline?: string;
  reason?: string;
  newTenderId?: string;
  by: { sub: string; name: string };
  at: string;
}

export const agreementStatuses = ['active', 'extended', 'expired', 'terminated'] as const;

/**
 * How a notice period is counted: from the day notice is given, or from the end of the month it is
 * given in (løpende måned: three months' notice given 23 November ends 28 February).
 */
export const noticeCountings = ['from-notice', 'from-end-of-month'] as const;
export type NoticeCounting = (typeof noticeCountings)[number];

/** Notice given (oppsigelse): the agreement runs, without its options, to `endsOn`, then ends terminated. */
export interface Termination {
  reason: string;
  noticeMonths: number;
  /** Absent on notices given before the counting could be chosen: from the notice. */
  noticeCounting?: NoticeCounting;
  /** The day notice was given (yyyy-mm-dd); absent on older notices (then the day of `at`). */
  givenOn?: string;
  /** The effective end: the agreement's last day. */
  endsOn: string;
  /** The tender that replaces this agreement (and maybe others), when one is linked. */
  successorTenderId?: string;
  at: string;
  by: { sub: string; name: string };
}
export type AgreementStatus = (typeof agreementStatuses)[number];

export interface Agreement {
  id: string;
  entityId: string;
  /** How it came about: awarded in a tender here, or registered (made before this system). */
  origin?: 'award' | 'registered';
  /** Set for awarded agreements. */
  tenderId?: string;
  tenderTitle: string;
  lotId: string;
  lotTitle: string;
  supplierId: string;
  bidId?: string;
  rank?: number;
  /** The main specialty: the first of `serviceAreaIds` (kept for readers of the one-value shape). */
  serviceAreaId: string;
  /** The main form of care: the first of `formsOfCare`. */
  formOfCare: string;
  /**
   * Every specialty and form of care the agreement covers (a partnership across fifteen
   * specialties covers fifteen). Absent from agreements stored before they became lists: read
   * them with `agreementScope`.
   */
  serviceAreaIds?: string[];
  formsOfCare?: string[];
  hospitalAreaIds: string[];
  currency: string;
  startDate: string;
  /** Absent for open-ended agreements (løpende avtaler): reviewed yearly, never expiring. */
  endDate?: string;
  openEnded?: boolean;
  options: { durationMonths: number }[];
  optionNoticeDays: number;
  /** How many of the options have been exercised, and by whom. */
  optionsExercised?: {
    index: number;
    at: string;
    by: { sub: string; name: string };
    from: string;
    to: string;
  }[];
  /** Notice given: until `endsOn` the agreement runs (active or extended), then it is terminated. */
  termination?: Termination;
  /** When a terminated agreement ended (the day after its effective end). */
  terminatedAt?: string;
  /** The officer's answer to the reminders: what happens at the end date (or the option's last day). */
  renewalDecision?: RenewalDecision;
  expiredAt?: string;
  prices: { unit: string; unitPrice: number }[];
  volumes: { unit: string; quantity: number }[];
  /** Without a hospital area: a site outside the entity's areas (a lot that allows it, fritt behandlingsvalg). */
  deliverySites: { place: string; hospitalAreaId?: string; address?: string }[];
  nonExclusive: true;
  minimumPurchase: 'none';
  status: AgreementStatus;
  createdAt: string;
  version: number;
}

/** Deterministic, so a retried creation finds the agreement it made before. */
export const agreementIdFor = (tenderId: string, lotId: string, supplierId: string): string =>
  `agr_${sha256(`agreement\n${tenderId}\n${lotId}\n${supplierId}`).slice(0, 32)}`;

/** The specialties and forms of care an agreement covers, also one stored before they were lists. */
export const agreementScope = (
  a: Pick<Agreement, 'serviceAreaId' | 'serviceAreaIds'> &
    Partial<Pick<Agreement, 'formOfCare' | 'formsOfCare'>>,
): { serviceAreaIds: string[]; formsOfCare: string[] } => ({
  serviceAreaIds: a.serviceAreaIds?.length ? a.serviceAreaIds : [a.serviceAreaId],
  formsOfCare: a.formsOfCare?.length ? a.formsOfCare : a.formOfCare ? [a.formOfCare] : [],
});

export const agreementFromAward = (
  tender: Tender,
  lot: Lot,
  bid: Pick<Bid, 'id' | 'supplierId' | 'prices' | 'capacity' | 'deliverySites'>,
  rank: number,
  at: string,
): Omit<Agreement, 'version'> => ({
  id: agreementIdFor(tender.id, lot.id, bid.supplierId),
  entityId: tender.entityId,
  origin: 'award',
  tenderId: tender.id,
  tenderTitle: tender.title,
  lotId: lot.id,
  lotTitle: lot.title,
  supplierId: bid.supplierId,
  bidId: bid.id,
  rank,
  // Every specialty and form of care of the lot; the first is the main one.
  serviceAreaId: lotServiceAreaIds(tender, lot)[0] as string,
  formOfCare: lot.formsOfCare[0] as string,
  serviceAreaIds: lotServiceAreaIds(tender, lot),
  formsOfCare: lot.formsOfCare,
  hospitalAreaIds: lot.hospitalAreaIds,
  currency: tender.currency,
  startDate: tender.agreement.startDate,
  endDate: tender.agreement.endDate,
  options: tender.agreement.options,
  optionNoticeDays: tender.agreement.optionNoticeDays,
  prices: bid.prices,
  volumes: bid.capacity,
  deliverySites: bid.deliverySites,
  nonExclusive: true,
  minimumPurchase: 'none',
  status: 'active',
  createdAt: at,
});

const addMonths = (date: string, months: number): string => {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString().slice(0, 10);
};

const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The option that would be exercised next, with its last day, or undefined when none is left. */
export const nextOption = (
  a: Pick<Agreement, 'options' | 'optionsExercised' | 'endDate' | 'optionNoticeDays'> & {
    termination?: unknown;
  },
): { index: number; durationMonths: number; lastDay: string; newEndDate: string } | undefined => {
  const index = a.optionsExercised?.length ?? 0;
  const option = a.options[index];
  // Once notice is given, no option is offered.
  if (!option || !a.endDate || a.termination) return undefined;
  // An option of an agreement that ends 31.12 runs to 31.12: add months to the day after the end.
  const newEndDate = addDays(addMonths(addDays(a.endDate, 1), option.durationMonths), -1);
  return {
    index,
    durationMonths: option.durationMonths,
    lastDay: addDays(a.endDate, -a.optionNoticeDays),
    newEndDate,
  };
};

/** Why an option cannot be exercised on `today` (yyyy-mm-dd), or undefined when it can. */
export const cannotExercise = (a: Agreement, today: string): string | undefined => {
  if (a.status === 'terminated' || a.status === 'expired') return `The agreement is ${a.status}`;
  if (a.termination) return noticeGiven(a.termination);
  if (a.openEnded) return 'An open-ended agreement has no options';
  const next = nextOption(a);
  if (!next) return `All ${a.options.length} option(s) have been exercised`;
  if (today > next.lastDay)
    return `The last day to exercise option ${next.index + 1} was ${next.lastDay} (${a.optionNoticeDays} days before the end date ${a.endDate})`;
  return undefined;
};

/** The day notice was given (older notices carry only their time). */
export const noticeGivenOn = (t: Pick<Termination, 'givenOn' | 'at'>): string =>
  t.givenOn ?? t.at.slice(0, 10);

/** Why nothing more can be decided about the agreement's future once notice is given. */
export const noticeGiven = (t: Termination): string =>
  `Notice was given on ${noticeGivenOn(t)}: the agreement ends ${t.endsOn} and its options are no longer offered`;

const endOfMonth = (date: string): string => {
  const d = new Date(`${date}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
};

/**
 * The effective end of a notice of `noticeMonths` given on `today`, counted from that day or from
 * the end of its month (then it ends at the end of a month), and never after the agreement's own
 * end date.
 */
export const terminationDate = (
  a: Pick<Agreement, 'endDate'>,
  today: string,
  noticeMonths: number,
  counting: NoticeCounting = 'from-notice',
): string => {
  const endsOn =
    counting === 'from-end-of-month'
      ? endOfMonth(addMonths(`${today.slice(0, 7)}-01`, noticeMonths))
      : addMonths(today, noticeMonths);
  return a.endDate && a.endDate < endsOn ? a.endDate : endsOn;
};

/** The day the agreement ends: the effective end once notice is given, else its end date (none if open-ended). */
export const effectiveEnd = (a: Pick<Agreement, 'termination' | 'endDate'>): string | undefined =>
  a.termination?.endsOn ?? a.endDate;

/** The agreements a tender replaces: its list, or the one it was drafted from (tenders before the list). */
export const replacedAgreementIds = (t: Pick<Tender, 'replacesAgreementIds' | 'fromAgreementId'>): string[] =>
  t.replacesAgreementIds ?? (t.fromAgreementId ? [t.fromAgreementId] : []);

/**
 * What a cancelled or unsuccessful tender's event says of the agreements it was to replace (their
 * officers must act while those run out); nothing when it replaces none.
 */
export const replacesField = (
  t: Pick<Tender, 'replacesAgreementIds' | 'fromAgreementId'>,
): { replacesAgreementIds?: string[] } => {
  const ids = replacedAgreementIds(t);
  return ids.length ? { replacesAgreementIds: ids } : {};
};

export { addDays, addMonths };
