/**
 * The tender aggregate: its content, its statuses and the rules an officer's draft must meet before
 * and when it is announced. Pure: no AWS, no HTTP; "now" and reference lookups are passed in.
 */
import * as z from 'zod/mini';
import { canonicalJson } from '../shared/canonical.ts';
import {
  hasAtMostDecimals,
  MAX_EVALUATED_PRICE,
  MAX_UNIT_PRICE,
  percentSchema,
  quantitySchema,
} from './limits.ts';
import { type ProblemItem, refuseProblems } from './refusal.ts';

export const tenderStatuses = [
  'draft',
  'tendering',
  'evaluation',
  'standstill',
  'complete',
  'cancelled',
  'unsuccessful',
] as const;
export type TenderStatus = (typeof tenderStatuses)[number];

export const currencies = ['NOK', 'DKK'] as const;
export const criterionKinds = ['price', 'quality', 'accessibility'] as const;

const id = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Use lower-case letters, digits and "-"'));
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const date = z.iso.date();

export const volumeSchema = z.strictObject({
  unit: id,
  quantity: quantitySchema,
});

/**
 * A CPV code (Common Procurement Vocabulary, Regulation (EC) No 213/2008): eight digits, a dash and
 * the check digit, e.g. 85121200-5. The regulation publishes no rule the published check digits
 * follow (the EU Publications Office says the documented one does not match them: OP-TED/ePO
 * discussion 589), so the format is checked here and the check digit only against the codes the
 * product knows (`knownCpvCodes` in reference-data.ts).
 */
export const cpvCodeSchema = z
  .string()
  .check(z.regex(/^\d{8}-\d$/, 'A CPV code is 8 digits, a dash and the check digit, e.g. 85121200-5'));
const cpvCodesSchema = z
  .array(cpvCodeSchema)
  .check(z.minLength(1), z.maxLength(20), z.meta({ description: 'CPV codes, the main one first' }));

/** An estimated value (excluding VAT): at most 10 000 billion, in øre. */
export const MAX_ESTIMATED_VALUE = 10_000_000_000_000;
export const estimatedValueSchema = z.strictObject({
  amount: z.number().check(
    z.gte(0),
    z.lte(MAX_ESTIMATED_VALUE),
    z.refine<number>((v) => hasAtMostDecimals(v, 2), 'Use at most 2 decimals'),
  ),
  /** The tender's currency; filled in when left out. */
  currency: z.optional(z.enum(currencies)),
});
export type EstimatedValue = { amount: number; currency: (typeof currencies)[number] };

const serviceAreaIdsSchema = z.array(id).check(z.minLength(1), z.maxLength(50));

/** A lot as an officer writes it. `formOfCare` (one) is the older spelling of `formsOfCare`. */
export const lotSchema = z.strictObject({
  id,
  title: text(200),
  description: z.optional(text(4000)),
  hospitalAreaIds: z.array(id).check(z.minLength(1), z.maxLength(50)),
  /** The lot's own specialties, among the tender's; the tender's when left out. */
  serviceAreaIds: z.optional(
    serviceAreaIdsSchema.check(
      z.meta({
        description: "The lot's specialties (fagområder), among the tender's; the tender's if left out",
      }),
    ),
  ),
  formsOfCare: z.optional(
    z.array(id).check(
      z.minLength(1),
      z.maxLength(10),
      z.meta({
        description: 'Forms of care (inpatient, day, outpatient); one of formsOfCare or formOfCare',
      }),
    ),
  ),
  formOfCare: z.optional(
    z
      .string()
      .check(
        z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Use lower-case letters, digits and "-"'),
        z.meta({ description: 'One form of care: the older spelling of formsOfCare', deprecated: true }),
      ),
  ),
  cpvCodes: z.optional(cpvCodesSchema),
  estimatedValue: z.optional(estimatedValueSchema),
  /**
   * Patients choose freely where to be treated (fritt behandlingsvalg): bids may name delivery
   * sites outside the lot's hospital areas.
   */
  deliveryOutsideAreasAllowed: z.optional(
    z.boolean().check(
      z.meta({
        description:
          "Patients choose freely where to be treated (fritt behandlingsvalg): bids may name delivery sites outside the lot's hospital areas",
      }),
    ),
  ),
  estimatedVolumes: z.array(volumeSchema).check(z.minLength(1), z.maxLength(20)),
  minSuppliers: z.number().check(z.int(), z.gte(1), z.lte(20)),
  maxSuppliers: z.number().check(z.int(), z.gte(1), z.lte(20)),
});
export type LotInput = z.infer<typeof lotSchema>;
/** A lot as stored: its forms of care a list, its estimated value in the tender's currency. */
export type Lot = Omit<LotInput, 'formOfCare' | 'formsOfCare' | 'estimatedValue'> & {
  formsOfCare: string[];
  estimatedValue?: EstimatedValue;
};

export const criterionSchema = z.strictObject({
  id,
  name: text(200),
  kind: z.enum(criterionKinds),
  weight: percentSchema(0, 100),
  description: z.optional(text(2000)),
});
export type AwardCriterion = z.infer<typeof criterionSchema>;

export const requirementSchema = z.strictObject({
  id,
  text: text(2000),
});

/** A tender's qualification requirements: at most 50. */
export const requirementsSchema = z.array(requirementSchema).check(z.maxLength(50));

export const optionSchema = z.strictObject({
  durationMonths: z.number().check(z.int(), z.gte(1), z.lte(120)),
});

export const agreementPlanSchema = z.strictObject({
  startDate: date,
  endDate: date,
  options: z._default(z.array(optionSchema).check(z.maxLength(10)), []),
  /** The last day to decide on the next option, in days before the current end date. */
  optionNoticeDays: z._default(z.number().check(z.int(), z.gte(0), z.lte(730)), 90),
});

/**
 * The longest tender period: the bid deadline is at most this many days after the announcement
 * (after now, for a draft). One workflow execution carries a tender from its announcement to its
 * agreements, and a Step Functions Standard execution lives at most a year: the tender period, the
 * evaluation (120 days), the award decision (60 days) and the standstill must fit in it
 * (functions/services/workflow/waits.ts).
 */
export const MAX_BID_PERIOD_DAYS = 100;

/** The longest standstill period (karensperiode), in days. */
export const MAX_STANDSTILL_DAYS = 60;

/**
 * What an officer writes: the content of a tender, created as a draft and edited until announced.
 * `serviceAreaId` (one) is the older spelling of `serviceAreaIds`: one of them is given.
 */
export const tenderContentShape = {
  title: text(300),
  description: z.optional(text(10_000)),
  serviceAreaIds: z.optional(
    serviceAreaIdsSchema.check(
      z.meta({
        description:
          'The specialties (fagområder) the tender covers, each once (GET /reference/service-areas); one of serviceAreaIds or serviceAreaId',
      }),
    ),
  ),
  serviceAreaId: z.optional(
    z
      .string()
      .check(
        z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Use lower-case letters, digits and "-"'),
        z.meta({ description: 'One service area: the older spelling of serviceAreaIds', deprecated: true }),
      ),
  ),
  cpvCodes: z.optional(cpvCodesSchema),
  estimatedValue: z.optional(
    estimatedValueSchema.check(
      z.meta({
        description:
          "Estimated total value excluding VAT over the agreement period with options, in the tender's currency; the lots' together not above it",
      }),
    ),
  ),
  /** Only suppliers registered as non-profit (ideelle) may bid. */
  reservedForNonProfit: z.optional(
    z
      .boolean()
      .check(z.meta({ description: 'Only suppliers registered as non-profit (kind "ideell") may bid' })),
  ),
  currency: z.optional(z.enum(currencies)),
  /** The tender is announced only once Doffin has accepted its contract notice (functions/domain/eforms/publication.ts). */
  requireAcceptedNotice: z.optional(
    z.boolean().check(
      z.meta({
        description:
          'Announce only once Doffin has accepted the contract notice made from the tender as it is (POST /tenders/{tenderId}/notices/{noticeId}/submit); the announcement is refused with 409 until then',
      }),
    ),
  ),
  lots: z.array(lotSchema).check(z.minLength(1), z.maxLength(50)),
  awardCriteria: z.array(criterionSchema).check(z.minLength(1), z.maxLength(20)),
  qualificationRequirements: z._default(requirementsSchema, []),
  bidDeadline: z.iso.datetime({ offset: true }),
  agreement: agreementPlanSchema,
  standstillDays: z._default(z.number().check(z.int(), z.gte(0), z.lte(MAX_STANDSTILL_DAYS)), 10),
  /** Suppliers can ask questions until this many hours before the bid deadline. */
  questionsCloseHours: z._default(z.number().check(z.int(), z.gte(0), z.lte(720)), 72),
  /** Each qualified bid needs scores from at least this many evaluators before ranking. */
  minEvaluators: z._default(z.number().check(z.int(), z.gte(1), z.lte(10)), 1),
};
export const tenderContentSchema = z.strictObject(tenderContentShape);
export type TenderContentInput = z.input<typeof tenderContentSchema>;
/** What an officer wrote, parsed: either spelling of specialties and forms of care. */
export type ParsedContent = z.infer<typeof tenderContentSchema>;
/** A tender's content as stored: its specialties a list, every lot's forms of care a list. */
export type TenderContent = Omit<
  ParsedContent,
  'serviceAreaId' | 'serviceAreaIds' | 'lots' | 'estimatedValue' | 'currency'
> & {
  serviceAreaIds: string[];
  lots: Lot[];
  estimatedValue?: EstimatedValue;
  currency: (typeof currencies)[number];
};

export const lotStatuses = ['open', 'cancelled', 'unsuccessful', 'awarded'] as const;
export type LotStatus = (typeof lotStatuses)[number];

/** What became of a lot other than being open: cancelled, unsuccessful (with the reason) or awarded. */
export interface LotOutcome {
  status: LotStatus;
  reason?: string;
  at: string;
}

/** The approved award decision, per lot; kept on the tender (revisions replace it, the audit keeps all). */
export interface AwardDecision {
  revision: number;
  approvedAt: string;
  approvedBy: { sub: string; name: string };
  standstillEndsAt: string;
  lots: {
    lotId: string;
    status: 'awarded' | 'unsuccessful';
    reason?: string;
    winners: { bidId: string; supplierId: string; rank: number; total: number }[];
  }[];
}

export interface Tender extends TenderContent {
  id: string;
  entityId: string;
  status: TenderStatus;
  lotOutcomes?: Record<string, LotOutcome>;
  /** The agreement whose renewal decision started this procurement (the first of `replacesAgreementIds`). */
  fromAgreementId?: string;
  /**
   * The agreements under notice this tender replaces (one successor for several); absent on
   * tenders drafted before the list (then `fromAgreementId` alone).
   */
  replacesAgreementIds?: string[];
  /** Bumped by each material change of an announced tender: a bid records the one it was checked against. */
  contentRevision?: number;
  /**
   * The content revision at which each lot last changed (a change of the criteria or requirements
   * changes every lot): a bid is stale only when its own lot changed after the revision it answers
   * (functions/domain/opening.ts). Absent on tenders changed before lots had revisions: every lot
   * reads as changed at `contentRevision` there (`lotRevisionOf`).
   */
  lotRevisions?: Record<string, number>;
  /** Set when the officer asked for the ranking; cleared when an award is revised. */
  rankingRequestedAt?: string;
  rankedAt?: string;
  award?: AwardDecision;
  awardPublishedRevision?: number;
  completedAt?: string;
  cancelledAt?: string;
  cancellation?: { reason: string; by: { sub: string; name: string } };
  unsuccessfulReason?: string;
  createdAt: string;
  createdBy: { sub: string; name: string };
  updatedAt: string;
  announcedAt?: string;
  announcementPublishedAt?: string;
  openedAt?: string;
  executionArn?: string;
  version: number;
}

/** What the rules need to know about reference data (functions/domain/reference-lookups.ts: the release's and the entities' own). */
export interface ReferenceLookups {
  entityCurrency(entityId: string): string | undefined;
  unknownHospitalAreas(entityId: string, ids: string[]): string[];
  /** A hospital area of any entity (a delivery site outside a lot's areas may lie in another's). */
  isKnownHospitalArea(id: string): boolean;
  isKnownServiceArea(id: string): boolean;
  isKnownFormOfCare(id: string): boolean;
  isKnownVolumeUnit(id: string): boolean;
  /** The check digit of a CPV code the product knows (its 8 digits), undefined for others. */
  cpvCheckDigit?(digits: string): string | undefined;
}

const duplicates = (values: string[]): string[] => values.filter((v, i) => values.indexOf(v) !== i);

/**
 * Every business rule a tender's content must meet, as problems with JSON pointers into the body.
 * An empty list means the content is valid at `now`. `announcedAt` is given for an announced tender:
 * its tender period counts from the announcement (a deadline extension cannot stretch it).
 */
export const tenderContentProblems = (
  content: TenderContent,
  entityId: string,
  now: Date,
  ref: ReferenceLookups,
  announcedAt?: Date,
): ProblemItem[] => {
  const problems: ProblemItem[] = [];
  const add = (pointer: string, detail: string) => problems.push({ pointer, detail });

  content.serviceAreaIds.forEach((areaId, i) => {
    if (!ref.isKnownServiceArea(areaId))
      add(`#/serviceAreaIds/${i}`, `Unknown service area "${areaId}" (see GET /reference/service-areas)`);
  });
  for (const dup of new Set(duplicates(content.serviceAreaIds)))
    add('#/serviceAreaIds', `Service area "${dup}" is listed more than once`);
  problems.push(...cpvProblems(content.cpvCodes, '#/cpvCodes', ref));
  const currency = ref.entityCurrency(entityId);
  if (currency && content.currency !== currency) {
    add('#/currency', `The procuring entity ${entityId} buys in ${currency}, not ${content.currency}`);
  }
  problems.push(...valueProblems(content.estimatedValue, content.currency, '#/estimatedValue'));
  const lotValues = content.lots.reduce((sum, l) => sum + (l.estimatedValue?.amount ?? 0), 0);
  if (content.estimatedValue && lotValues > content.estimatedValue.amount)
    add(
      '#/estimatedValue/amount',
      `The lots' estimated values add up to ${lotValues} ${content.currency}, more than the tender's ${content.estimatedValue.amount}`,
    );

  for (const dup of new Set(duplicates(content.lots.map((l) => l.id)))) {
    add('#/lots', `Lot id "${dup}" is used more than once`);
  }
  content.lots.forEach((lot, i) => {
    if (lot.minSuppliers > lot.maxSuppliers) {
      add(
        `#/lots/${i}/minSuppliers`,
        `The minimum number of suppliers (${lot.minSuppliers}) is above the maximum (${lot.maxSuppliers})`,
      );
    }
    const unknown = new Set(ref.unknownHospitalAreas(entityId, lot.hospitalAreaIds));
    lot.hospitalAreaIds.forEach((areaId, j) => {
      if (unknown.has(areaId)) {
        add(
          `#/lots/${i}/hospitalAreaIds/${j}`,
          `Unknown hospital area "${areaId}" for ${entityId} (see GET /reference/hospital-areas?entityId=${entityId})`,
        );
      }
    });
    for (const dup of new Set(duplicates(lot.hospitalAreaIds))) {
      add(`#/lots/${i}/hospitalAreaIds`, `Hospital area "${dup}" is listed more than once`);
    }
    lot.formsOfCare.forEach((form, j) => {
      if (!ref.isKnownFormOfCare(form))
        add(`#/lots/${i}/formsOfCare/${j}`, `Unknown form of care "${form}" (inpatient, day or outpatient)`);
    });
    for (const dup of new Set(duplicates(lot.formsOfCare)))
      add(`#/lots/${i}/formsOfCare`, `Form of care "${dup}" is listed more than once`);
    (lot.serviceAreaIds ?? []).forEach((areaId, j) => {
      if (!content.serviceAreaIds.includes(areaId))
        add(
          `#/lots/${i}/serviceAreaIds/${j}`,
          `Service area "${areaId}" is not one of the tender's (${content.serviceAreaIds.join(', ')}); a lot narrows the tender's specialties`,
        );
    });
    for (const dup of new Set(duplicates(lot.serviceAreaIds ?? [])))
      add(`#/lots/${i}/serviceAreaIds`, `Service area "${dup}" is listed more than once`);
    problems.push(...cpvProblems(lot.cpvCodes, `#/lots/${i}/cpvCodes`, ref));
    problems.push(...valueProblems(lot.estimatedValue, content.currency, `#/lots/${i}/estimatedValue`));
    lot.estimatedVolumes.forEach((v, j) => {
      if (!ref.isKnownVolumeUnit(v.unit)) {
        add(
          `#/lots/${i}/estimatedVolumes/${j}/unit`,
          `Unknown volume unit "${v.unit}" (see GET /reference/volume-units)`,
        );
      }
    });
    for (const dup of new Set(duplicates(lot.estimatedVolumes.map((v) => v.unit)))) {
      add(`#/lots/${i}/estimatedVolumes`, `Volume unit "${dup}" is estimated more than once`);
    }
    // Every bid's evaluated price (Σ unit price × estimated volume) must stay a number the ranking
    // can store and compare exactly, also at the largest unit price (functions/domain/limits.ts).
    const volumes = lot.estimatedVolumes.reduce((sum, v) => sum + v.quantity, 0);
    if (volumes * MAX_UNIT_PRICE > MAX_EVALUATED_PRICE) {
      add(
        `#/lots/${i}/estimatedVolumes`,
        `The estimated volumes add up to ${volumes}; at most ${Math.floor(MAX_EVALUATED_PRICE / MAX_UNIT_PRICE)} in one lot`,
      );
    }
  });

  const totalWeight = content.awardCriteria.reduce((sum, c) => sum + c.weight, 0);
  if (Math.abs(totalWeight - 100) > 1e-9) {
    add('#/awardCriteria', `The weights of the award criteria must sum to 100; they sum to ${totalWeight}`);
  }
  for (const dup of new Set(duplicates(content.awardCriteria.map((c) => c.id)))) {
    add('#/awardCriteria', `Criterion id "${dup}" is used more than once`);
  }
  const priceCriteria = content.awardCriteria.filter((c) => c.kind === 'price');
  if (priceCriteria.length > 1) {
    add('#/awardCriteria', 'At most one award criterion can be of kind "price"');
  }
  for (const dup of new Set(duplicates(content.qualificationRequirements.map((r) => r.id)))) {
    add('#/qualificationRequirements', `Requirement id "${dup}" is used more than once`);
  }

  const deadline = new Date(content.bidDeadline);
  if (deadline.getTime() <= now.getTime()) {
    add(
      '#/bidDeadline',
      `The bid deadline ${content.bidDeadline} is not in the future (now is ${now.toISOString()})`,
    );
  }
  const periodStart = announcedAt ?? now;
  const latest = latestBidDeadline(periodStart);
  if (deadline.getTime() > latest.getTime()) {
    add(
      '#/bidDeadline',
      `The bid deadline ${content.bidDeadline} is more than ${MAX_BID_PERIOD_DAYS} days after ${announcedAt ? 'the announcement' : 'now'} (${periodStart.toISOString()}); the latest possible deadline is ${latest.toISOString()}`,
    );
  }
  const start = new Date(`${content.agreement.startDate}T00:00:00Z`);
  const end = new Date(`${content.agreement.endDate}T00:00:00Z`);
  if (end.getTime() <= start.getTime()) {
    add('#/agreement/endDate', `The agreement must end after it starts (${content.agreement.startDate})`);
  }
  const standstillEnds = deadline.getTime() + content.standstillDays * 86_400_000;
  if (start.getTime() < standstillEnds) {
    add(
      '#/agreement/startDate',
      `The agreement cannot start before the bid deadline plus the ${content.standstillDays}-day standstill period`,
    );
  }
  return problems;
};

/** CPV codes: each once; a code the product knows with its own check digit. */
const cpvProblems = (codes: string[] | undefined, pointer: string, ref: ReferenceLookups): ProblemItem[] => {
  if (!codes) return [];
  const problems: ProblemItem[] = [];
  codes.forEach((code, i) => {
    const [digits, check] = code.split('-') as [string, string];
    const expected = ref.cpvCheckDigit?.(digits);
    if (expected !== undefined && expected !== check)
      problems.push({
        pointer: `${pointer}/${i}`,
        detail: `The CPV code ${digits} has the check digit ${expected} (${digits}-${expected}), not ${check}`,
      });
  });
  for (const dup of new Set(duplicates(codes.map((c) => c.slice(0, 8)))))
    problems.push({ pointer, detail: `The CPV code ${dup} is listed more than once` });
  // The product buys services: eForms (BR-0031-0005) wants a services code as the main one.
  const main = codes[0];
  if (main && !/^(49|[5-9])/.test(main))
    problems.push({
      pointer: `${pointer}/0`,
      detail: `The main CPV code ${main} is not a services code (services are 49000000 to 98999999)`,
    });
  return problems;
};

/** An estimated value is in the tender's currency. */
const valueProblems = (
  value: EstimatedValue | undefined,
  currency: string,
  pointer: string,
): ProblemItem[] =>
  value && value.currency !== currency
    ? [
        {
          pointer: `${pointer}/currency`,
          detail: `The estimated value must be in the tender's currency, ${currency}, not ${value.currency}`,
        },
      ]
    : [];

/** The specialties of a lot: its own, or the tender's. */
export const lotServiceAreaIds = (
  tender: Pick<TenderContent, 'serviceAreaIds'>,
  lot: Pick<Lot, 'serviceAreaIds'>,
): string[] => lot.serviceAreaIds ?? tender.serviceAreaIds;

/** The CPV codes of a lot: its own, or the tender's. */
export const lotCpvCodes = (tender: Pick<TenderContent, 'cpvCodes'>, lot: Pick<Lot, 'cpvCodes'>): string[] =>
  lot.cpvCodes ?? tender.cpvCodes ?? [];

/**
 * A tender stored before specialties and forms of care became lists (`serviceAreaId`, a lot's
 * `formOfCare`), as it reads today; a tender stored since is returned as it is.
 */
export const upgradeStoredTender = <T extends object>(stored: T): T => {
  const t = stored as unknown as Record<string, unknown> & { lots?: Record<string, unknown>[] };
  const legacyLots = t.lots?.some((l) => 'formOfCare' in l) ?? false;
  if (!('serviceAreaId' in t) && !legacyLots) return stored;
  const { serviceAreaId, ...rest } = t;
  return {
    ...rest,
    serviceAreaIds: (t.serviceAreaIds as string[] | undefined) ?? [serviceAreaId as string],
    lots: (t.lots ?? []).map(({ formOfCare, ...lot }) => ({
      ...lot,
      formsOfCare:
        (lot.formsOfCare as string[] | undefined) ?? (formOfCare === undefined ? [] : [formOfCare]),
    })),
  } as unknown as T;
};

/** The latest bid deadline of a tender period that starts at `start` (the announcement). */
export const latestBidDeadline = (start: Date): Date =>
  new Date(start.getTime() + MAX_BID_PERIOD_DAYS * 86_400_000);

/**
 * Fill in what the officer may leave out (the entity's currency, the currency of estimated values)
 * and read the older one-value spellings (`serviceAreaId`, a lot's `formOfCare`) as lists. Giving
 * both spellings, or neither, is refused with a pointer to each.
 */
export const completeContent = (
  content: ParsedContent,
  entityId: string,
  ref: ReferenceLookups,
): TenderContent => {
  const problems: ProblemItem[] = [];
  const oneOf = (pointer: string, list: unknown, single: unknown, what: string, older: string) => {
    if (list !== undefined && single !== undefined)
      problems.push({ pointer, detail: `Give ${what} or ${older}, not both` });
    if (list === undefined && single === undefined)
      problems.push({ pointer, detail: `Name the ${what} (at least one)` });
  };
  oneOf('#/serviceAreaIds', content.serviceAreaIds, content.serviceAreaId, 'serviceAreaIds', 'serviceAreaId');
  content.lots.forEach((l, i) => {
    oneOf(`#/lots/${i}/formsOfCare`, l.formsOfCare, l.formOfCare, 'formsOfCare', 'formOfCare');
  });
  if (problems.length) throw refuseProblems('The tender', problems);
  const currency =
    content.currency ?? (ref.entityCurrency(entityId) as TenderContent['currency'] | undefined) ?? 'NOK';
  const valued = (v: z.infer<typeof estimatedValueSchema> | undefined) =>
    v ? { estimatedValue: { amount: v.amount, currency: v.currency ?? currency } } : {};
  const { serviceAreaId, serviceAreaIds, estimatedValue, ...rest } = content;
  return {
    ...rest,
    serviceAreaIds: serviceAreaIds ?? [serviceAreaId as string],
    ...valued(estimatedValue),
    lots: content.lots.map(({ formOfCare, formsOfCare, estimatedValue: value, ...lot }) => ({
      ...lot,
      formsOfCare: formsOfCare ?? [formOfCare as string],
      ...valued(value),
    })),
    // One spelling of instants (UTC, milliseconds), so stored deadlines compare as strings.
    bidDeadline: new Date(content.bidDeadline).toISOString(),
    currency,
  };
};

export const isPublic = (tender: Pick<Tender, 'status'>): boolean => tender.status !== 'draft';

/** A lot is still in play when nothing ended it (cancelled, unsuccessful). */
export const lotIsOpen = (tender: Pick<Tender, 'lotOutcomes'>, lotId: string): boolean =>
  (tender.lotOutcomes?.[lotId]?.status ?? 'open') === 'open';

export const openLotIds = (tender: Pick<Tender, 'lots' | 'lotOutcomes'>): string[] =>
  tender.lots.map((l) => l.id).filter((id) => lotIsOpen(tender, id));

/** When suppliers can no longer ask questions. */
export const questionsCloseAt = (tender: Pick<Tender, 'bidDeadline' | 'questionsCloseHours'>): Date =>
  new Date(new Date(tender.bidDeadline).getTime() - tender.questionsCloseHours * 3_600_000);

/** Statuses in which an officer can still cancel (before agreements exist). */
export const cancellable = (status: TenderStatus): boolean =>
  status === 'draft' || status === 'tendering' || status === 'evaluation' || status === 'standstill';

/**
 * The lots a material change affects: every lot whose own content changed (or that was removed),
 * and every lot when the award criteria or qualification requirements changed (they apply to all).
 */
export const lotsAffectedByChange = (
  before: Pick<TenderContent, 'lots' | 'awardCriteria' | 'qualificationRequirements'>,
  after: Pick<TenderContent, 'lots' | 'awardCriteria' | 'qualificationRequirements'>,
): string[] => {
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  if (
    !same(before.awardCriteria, after.awardCriteria) ||
    !same(before.qualificationRequirements, after.qualificationRequirements)
  ) {
    return [...new Set([...before.lots.map((l) => l.id), ...after.lots.map((l) => l.id)])];
  }
  const afterById = new Map(after.lots.map((l) => [l.id, l]));
  const beforeById = new Map(before.lots.map((l) => [l.id, l]));
  return [
    ...before.lots.filter((l) => !same(l, afterById.get(l.id))).map((l) => l.id),
    ...after.lots.filter((l) => !beforeById.has(l.id)).map((l) => l.id),
  ];
};

export const canEdit = (tender: Pick<Tender, 'status'>): boolean => tender.status === 'draft';

/** The fields of a tender an officer changed, for the audit trail: `{ field: { from, to } }`. */
export const diff = (
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> => {
  const changed: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (canonicalJson(before[key]) !== canonicalJson(after[key])) {
      changed[key] = { from: before[key] ?? null, to: after[key] ?? null };
    }
  }
  return changed;
};
