/**
 * The tender aggregate: its content, its statuses and the rules an officer's draft must meet before
 * and when it is announced. Pure: no AWS, no HTTP; "now" and reference lookups are passed in.
 */
import * as z from 'zod/mini';
import { canonicalJson } from '../shared/canonical.ts';
import { MAX_EVALUATED_PRICE, MAX_UNIT_PRICE, percentSchema, quantitySchema } from './limits.ts';
import type { ProblemItem } from './refusal.ts';

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

export const lotSchema = z.strictObject({
  id,
  title: text(200),
  description: z.optional(text(4000)),
  hospitalAreaIds: z.array(id).check(z.minLength(1), z.maxLength(50)),
  formOfCare: id,
  estimatedVolumes: z.array(volumeSchema).check(z.minLength(1), z.maxLength(20)),
  minSuppliers: z.number().check(z.int(), z.gte(1), z.lte(20)),
  maxSuppliers: z.number().check(z.int(), z.gte(1), z.lte(20)),
});
export type Lot = z.infer<typeof lotSchema>;

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

/** What an officer writes: the content of a tender, created as a draft and edited until announced. */
export const tenderContentShape = {
  title: text(300),
  description: z.optional(text(10_000)),
  serviceAreaId: id,
  currency: z.optional(z.enum(currencies)),
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
export type TenderContent = z.infer<typeof tenderContentSchema> & { currency: (typeof currencies)[number] };

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
  /** The agreement whose renewal decision started this procurement. */
  fromAgreementId?: string;
  /** Bumped by each material change of an announced tender: bids are checked against one revision. */
  contentRevision?: number;
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

/** What the rules need to know about reference data (functions/domain/reference-data.ts). */
export interface ReferenceLookups {
  entityCurrency(entityId: string): string | undefined;
  unknownHospitalAreas(entityId: string, ids: string[]): string[];
  isKnownServiceArea(id: string): boolean;
  isKnownFormOfCare(id: string): boolean;
  isKnownVolumeUnit(id: string): boolean;
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

  if (!ref.isKnownServiceArea(content.serviceAreaId)) {
    add(
      '#/serviceAreaId',
      `Unknown service area "${content.serviceAreaId}" (see GET /reference/service-areas)`,
    );
  }
  const currency = ref.entityCurrency(entityId);
  if (currency && content.currency !== currency) {
    add('#/currency', `The procuring entity ${entityId} buys in ${currency}, not ${content.currency}`);
  }

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
          `Unknown hospital area "${areaId}" for ${entityId} (see GET /reference/hospital-areas?entity=${entityId})`,
        );
      }
    });
    for (const dup of new Set(duplicates(lot.hospitalAreaIds))) {
      add(`#/lots/${i}/hospitalAreaIds`, `Hospital area "${dup}" is listed more than once`);
    }
    if (!ref.isKnownFormOfCare(lot.formOfCare)) {
      add(
        `#/lots/${i}/formOfCare`,
        `Unknown form of care "${lot.formOfCare}" (inpatient, day or outpatient)`,
      );
    }
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

/** The latest bid deadline of a tender period that starts at `start` (the announcement). */
export const latestBidDeadline = (start: Date): Date =>
  new Date(start.getTime() + MAX_BID_PERIOD_DAYS * 86_400_000);

/** Fill in what the officer may leave out (the entity's currency). */
export const completeContent = (
  content: z.infer<typeof tenderContentSchema>,
  entityId: string,
  ref: ReferenceLookups,
): TenderContent => ({
  ...content,
  // One spelling of instants (UTC, milliseconds), so stored deadlines compare as strings.
  bidDeadline: new Date(content.bidDeadline).toISOString(),
  currency:
    content.currency ?? (ref.entityCurrency(entityId) as TenderContent['currency'] | undefined) ?? 'NOK',
});

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
