/**
 * Framework agreements as an award creates them: one per winning supplier and lot, with the
 * tender's planned period and options and the winning bid's prices and capacity. Non-exclusive,
 * no minimum purchase (the seeds: the authority may buy elsewhere and need not buy at all).
 */
import { sha256 } from '../commons/canonical.ts';
import type { Bid } from './bid.ts';
import type { Lot, Tender } from './tender.ts';

export const agreementStatuses = ['active', 'extended', 'expired', 'terminated'] as const;
export type AgreementStatus = (typeof agreementStatuses)[number];

export interface Agreement {
  id: string;
  entityId: string;
  tenderId: string;
  tenderTitle: string;
  lotId: string;
  lotTitle: string;
  supplierId: string;
  bidId: string;
  rank: number;
  serviceAreaId: string;
  formOfCare: string;
  hospitalAreaIds: string[];
  currency: string;
  startDate: string;
  endDate: string;
  options: { durationMonths: number }[];
  optionNoticeDays: number;
  prices: { unit: string; unitPrice: number }[];
  volumes: { unit: string; quantity: number }[];
  deliverySites: { place: string; hospitalAreaId: string; address?: string }[];
  nonExclusive: true;
  minimumPurchase: 'none';
  status: AgreementStatus;
  createdAt: string;
  version: number;
}

/** Deterministic, so a retried creation finds the agreement it made before. */
export const agreementIdFor = (tenderId: string, lotId: string, supplierId: string): string =>
  `agr_${sha256(`agreement\n${tenderId}\n${lotId}\n${supplierId}`).slice(0, 32)}`;

export const agreementFromAward = (
  tender: Tender,
  lot: Lot,
  bid: Pick<Bid, 'id' | 'supplierId' | 'prices' | 'capacity' | 'deliverySites'>,
  rank: number,
  at: string,
): Omit<Agreement, 'version'> => ({
  id: agreementIdFor(tender.id, lot.id, bid.supplierId),
  entityId: tender.entityId,
  tenderId: tender.id,
  tenderTitle: tender.title,
  lotId: lot.id,
  lotTitle: lot.title,
  supplierId: bid.supplierId,
  bidId: bid.id,
  rank,
  serviceAreaId: tender.serviceAreaId,
  formOfCare: lot.formOfCare,
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
