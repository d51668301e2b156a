/**
 * Bids: what a supplier offers for one lot, the rules it must meet, its receipt and its sealing.
 * Pure: no AWS; the tender, the lot and "now" are passed in.
 */
import * as z from 'zod/mini';
import { canonicalJson, sha256 } from '../shared/canonical.ts';
import { quantitySchema, unitPriceSchema } from './limits.ts';
import type { ProblemItem } from './refusal.ts';
import type { Lot, ReferenceLookups, Tender } from './tender.ts';

export const bidStatuses = ['submitted', 'withdrawn', 'invalidated', 'qualified', 'rejected'] as const;
export type BidStatus = (typeof bidStatuses)[number];

const id = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Use lower-case letters, digits and "-"'));

export const bidContentShape = {
  /** Unit price per volume unit, one per volume unit the lot estimates. */
  prices: z
    .array(z.strictObject({ unit: id, unitPrice: unitPriceSchema.check(z.positive()) }))
    .check(z.minLength(1), z.maxLength(20)),
  /** Offered capacity per volume unit and year. */
  capacity: z
    .array(z.strictObject({ unit: id, quantity: quantitySchema }))
    .check(z.minLength(1), z.maxLength(20)),
  deliverySites: z
    .array(
      z.strictObject({
        place: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
        hospitalAreaId: z.optional(
          z.string().check(
            z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Use lower-case letters, digits and "-"'),
            z.meta({
              description:
                "One of the lot's hospital areas; another one, or none, only where the lot allows sites outside them",
            }),
          ),
        ),
        address: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(300))),
      }),
    )
    .check(z.minLength(1), z.maxLength(50)),
  /** One answer per quality (non-price) award criterion. */
  answers: z
    .array(
      z.strictObject({
        criterionId: id,
        text: z.string().check(z.trim(), z.minLength(1), z.maxLength(20_000)),
      }),
    )
    .check(z.maxLength(20)),
  /** The supplier confirms each qualification requirement. */
  confirmations: z
    .array(z.strictObject({ requirementId: id, confirmed: z.literal(true) }))
    .check(z.maxLength(50)),
};
export const bidContentSchema = z.strictObject(bidContentShape);
export type BidContent = z.infer<typeof bidContentSchema>;

export interface Bid extends BidContent {
  id: string;
  tenderId: string;
  entityId: string;
  lotId: string;
  supplierId: string;
  status: BidStatus;
  submittedBy: { sub: string; name: string };
  /** Server time of the accepted submission (the latest one). */
  receivedAt: string;
  contentSha256: string;
  /** The tender content revision the bid was checked against (functions/domain/opening.ts). */
  tenderRevision?: number;
  invalidatedReason?: string;
  qualification?: { qualified: boolean; reason?: string; by: { sub: string; name: string }; at: string };
  version: number;
}

export interface Receipt {
  bidId: string;
  tenderId: string;
  lotId: string;
  version: number;
  status: BidStatus;
  receivedAt: string;
  contentSha256: string;
}

/** One bid per supplier and lot: the id is stable across replacements and withdrawal. */
export const bidIdFor = (tenderId: string, lotId: string, supplierId: string): string =>
  `bid_${sha256(`${tenderId}\n${lotId}\n${supplierId}`).slice(0, 32)}`;

export const contentHash = (content: BidContent): string => sha256(canonicalJson(content));

export const receiptOf = (bid: Omit<Bid, 'version'> & { version: number }): Receipt => ({
  bidId: bid.id,
  tenderId: bid.tenderId,
  lotId: bid.lotId,
  version: bid.version,
  status: bid.status,
  receivedAt: bid.receivedAt,
  contentSha256: bid.contentSha256,
});

/** A bid invalidated for `reason`: what it was, what it becomes, and why. */
export const invalidation = <B extends Pick<Bid, 'status'>>(bid: B, reason: string) => ({
  bid,
  after: { ...bid, status: 'invalidated' as const, invalidatedReason: reason },
  reason,
});

/** A bid that still counts (not withdrawn, not invalidated by a change of the tender). */
export const isValidBid = (bid: Pick<Bid, 'status'>): boolean =>
  bid.status === 'submitted' || bid.status === 'qualified' || bid.status === 'rejected';

/** Is the deadline still ahead at `now` (server time)? Submissions at or after it are late. */
export const beforeDeadline = (tender: Pick<Tender, 'bidDeadline'>, now: Date): boolean =>
  now.getTime() < new Date(tender.bidDeadline).getTime();

const duplicates = (values: string[]): string[] => values.filter((v, i) => values.indexOf(v) !== i);

/** Every rule a bid must meet against its tender and lot, as problems pointing into the body. */
export const bidProblems = (
  bid: BidContent,
  tender: Tender,
  lot: Lot,
  ref: Pick<ReferenceLookups, 'isKnownHospitalArea'>,
): ProblemItem[] => {
  const problems: ProblemItem[] = [];
  const add = (pointer: string, detail: string) => problems.push({ pointer, detail });
  const units = lot.estimatedVolumes.map((v) => v.unit);

  bid.prices.forEach((p, i) => {
    if (!units.includes(p.unit))
      add(`#/prices/${i}/unit`, `Lot ${lot.id} is not bought in "${p.unit}" (it uses ${units.join(', ')})`);
  });
  for (const unit of units) {
    if (!bid.prices.some((p) => p.unit === unit)) add('#/prices', `A unit price for "${unit}" is missing`);
  }
  for (const dup of new Set(duplicates(bid.prices.map((p) => p.unit))))
    add('#/prices', `"${dup}" is priced more than once`);

  bid.capacity.forEach((c, i) => {
    if (!units.includes(c.unit))
      add(`#/capacity/${i}/unit`, `Lot ${lot.id} is not bought in "${c.unit}" (it uses ${units.join(', ')})`);
  });
  for (const dup of new Set(duplicates(bid.capacity.map((c) => c.unit))))
    add('#/capacity', `Capacity for "${dup}" is given more than once`);

  bid.deliverySites.forEach((site, i) => {
    const pointer = `#/deliverySites/${i}/hospitalAreaId`;
    const inLot = site.hospitalAreaId !== undefined && lot.hospitalAreaIds.includes(site.hospitalAreaId);
    if (inLot) return;
    if (!lot.deliveryOutsideAreasAllowed) {
      add(
        pointer,
        site.hospitalAreaId === undefined
          ? `The delivery site ${site.place} must name one of the lot's hospital areas (${lot.hospitalAreaIds.join(', ')}); lot ${lot.id} does not allow sites outside them`
          : `The delivery site ${site.place} must lie in the lot's hospital areas (${lot.hospitalAreaIds.join(', ')}), not in "${site.hospitalAreaId}"; lot ${lot.id} does not allow sites outside them`,
      );
    } else if (site.hospitalAreaId !== undefined && !ref.isKnownHospitalArea(site.hospitalAreaId)) {
      add(
        pointer,
        `Unknown hospital area "${site.hospitalAreaId}" (see GET /reference/hospital-areas); leave it out for a site outside every hospital area`,
      );
    }
  });

  const qualityCriteria = tender.awardCriteria.filter((c) => c.kind !== 'price').map((c) => c.id);
  bid.answers.forEach((a, i) => {
    if (!qualityCriteria.includes(a.criterionId))
      add(`#/answers/${i}/criterionId`, `"${a.criterionId}" is not a quality criterion of this tender`);
  });
  for (const criterionId of qualityCriteria) {
    if (!bid.answers.some((a) => a.criterionId === criterionId))
      add('#/answers', `An answer to the criterion "${criterionId}" is missing`);
  }
  for (const dup of new Set(duplicates(bid.answers.map((a) => a.criterionId))))
    add('#/answers', `The criterion "${dup}" is answered more than once`);

  const requirements = tender.qualificationRequirements.map((r) => r.id);
  bid.confirmations.forEach((c, i) => {
    if (!requirements.includes(c.requirementId))
      add(`#/confirmations/${i}/requirementId`, `"${c.requirementId}" is not a requirement of this tender`);
  });
  for (const requirementId of requirements) {
    if (!bid.confirmations.some((c) => c.requirementId === requirementId))
      add('#/confirmations', `The requirement "${requirementId}" must be confirmed`);
  }
  return problems;
};
