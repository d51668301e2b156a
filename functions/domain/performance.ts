/**
 * The annual performance agreement (ytelsesavtale): per agreement and year, the volumes and unit
 * prices, negotiated every year; amendments during the year; reported usage and utilisation.
 * Pure: no AWS. The arithmetic is documented in docs/domain.md ("Annual performance agreements").
 */
import * as z from 'zod/mini';
import type { ModificationReason } from './eforms/legal-basis.ts';
import { percentSchema, quantitySchema, unitPriceSchema } from './limits.ts';

export const performanceStatuses = ['draft', 'proposed', 'countered', 'agreed', 'published'] as const;
export type PerformanceStatus = (typeof performanceStatuses)[number];

const unit = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'A volume unit id'));

export const lineSchema = z.strictObject({
  /** What is delivered, e.g. "dagopphold" or "poliklinisk behandling" (free text). */
  service: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  unit,
  volume: quantitySchema,
  unitPrice: unitPriceSchema,
});
export type Line = z.infer<typeof lineSchema>;

export const offerShape = {
  lines: z.array(lineSchema).check(z.minLength(1), z.maxLength(50)),
  /** Price adjustment (prisjustering) in percent applied to the unit prices for the year. */
  priceAdjustmentPercent: percentSchema(-50, 50),
  comment: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(4000))),
};

export interface Round {
  by: 'officer' | 'supplier';
  kind: 'proposal' | 'counter' | 'acceptance';
  actor: { sub: string; name: string };
  at: string;
  lines: Line[];
  priceAdjustmentPercent: number;
  comment?: string;
}

export interface PerformanceYear {
  agreementId: string;
  entityId: string;
  supplierId: string;
  year: number;
  status: PerformanceStatus;
  /** The terms on the table: the latest proposal or counter, and once agreed the agreed ones. */
  lines: Line[];
  priceAdjustmentPercent: number;
  rounds: Round[];
  /** What the authority needs next year, where the officer entered it. */
  need?: { unit: string; volume: number }[];
  /** The supplier must answer the current proposal by then. */
  supplierDeadline?: string;
  reminders: number;
  escalatedAt?: string;
  agreedAt?: string;
  approvedAt?: string;
  approvedBy?: { sub: string; name: string };
  publishedAt?: string;
  /** Set when the year started without an agreed result. */
  notAgreedInTimeAt?: string;
  /** Where an unnegotiated year's terms came from: the awarded bid, or the registered agreement. */
  basis?: 'award' | 'registration';
  executionArn?: string;
  version: number;
}

export interface Amendment {
  id: string;
  agreementId: string;
  year: number;
  unit: string;
  /** Positive raises, negative lowers the year's volume. */
  delta: number;
  reason: string;
  /**
   * Its legal basis by article 72 of directive 2014/24/EU (eForms BT-200-Contract): whether a
   * modification notice is owed (72(1)(b), (c)). Absent on amendments raised before it was asked.
   */
  legalBasis?: ModificationReason;
  status: 'proposed' | 'confirmed';
  raisedBy: { sub: string; name: string };
  raisedAt: string;
  confirmedBy?: { sub: string; name: string };
  confirmedAt?: string;
  version: number;
}

export interface UsageReport {
  agreementId: string;
  year: number;
  month: number;
  lines: { unit: string; quantity: number }[];
  reportedBy: { sub: string; name: string; role: string };
  reportedAt: string;
  version: number;
}

/** The year's volume per unit: the agreed volume plus every confirmed amendment. */
export const currentVolumes = (
  year: Pick<PerformanceYear, 'lines'>,
  amendments: Pick<Amendment, 'unit' | 'delta' | 'status'>[],
): Record<string, { agreed: number; amended: number; current: number }> => {
  const out: Record<string, { agreed: number; amended: number; current: number }> = {};
  for (const l of year.lines) {
    const entry = out[l.unit] ?? { agreed: 0, amended: 0, current: 0 };
    entry.agreed += l.volume;
    out[l.unit] = entry;
  }
  for (const a of amendments.filter((x) => x.status === 'confirmed')) {
    const entry = out[a.unit] ?? { agreed: 0, amended: 0, current: 0 };
    entry.amended += a.delta;
    out[a.unit] = entry;
  }
  for (const entry of Object.values(out)) entry.current = entry.agreed + entry.amended;
  return out;
};

/** Money to the øre (cent): volumes × prices in the agreement's currency. */
const money = (n: number): number => Math.round(n * 100) / 100;

/**
 * Utilisation per unit: used so far against the current volume (agreed + confirmed amendments),
 * and the money beside every volume, in the agreement's currency: the unit's price is the year's
 * (the volume-weighted mean where several lines share a unit), amendments and usage valued at it.
 */
export const utilisation = (
  year: Pick<PerformanceYear, 'lines'>,
  amendments: Pick<Amendment, 'unit' | 'delta' | 'status'>[],
  usage: Pick<UsageReport, 'month' | 'lines'>[],
) => {
  const volumes = currentVolumes(year, amendments);
  const units = new Set([...Object.keys(volumes), ...usage.flatMap((u) => u.lines.map((l) => l.unit))]);
  return [...units].sort().map((unit) => {
    const v = volumes[unit] ?? { agreed: 0, amended: 0, current: 0 };
    const used = usage.reduce((sum, u) => sum + (u.lines.find((l) => l.unit === unit)?.quantity ?? 0), 0);
    const months = new Set(usage.filter((u) => u.lines.some((l) => l.unit === unit)).map((u) => u.month))
      .size;
    const lines = year.lines.filter((l) => l.unit === unit);
    const agreedValue = lines.reduce((sum, l) => sum + l.volume * l.unitPrice, 0);
    const unitPrice = v.agreed > 0 ? agreedValue / v.agreed : (lines[0]?.unitPrice ?? 0);
    return {
      unit,
      ...v,
      used,
      monthsReported: months,
      utilisationPercent: v.current > 0 ? Math.round((used / v.current) * 1000) / 10 : null,
      remaining: v.current - used,
      unitPrice: money(unitPrice),
      agreedValue: money(agreedValue),
      currentValue: money(agreedValue + v.amended * unitPrice),
      usedValue: money(used * unitPrice),
      remainingValue: money((v.current - used) * unitPrice),
    };
  });
};

/**
 * The starting proposal for next year, per unit: the authority's need where the officer entered
 * it; otherwise this year's current volume, or the usage projected to twelve months when that is
 * higher. Prices: this year's, or the agreement's (the winning bid's) in its first year.
 */
export const computeProposal = (input: {
  agreementVolumes: { unit: string; quantity: number }[];
  agreementPrices: { unit: string; unitPrice: number }[];
  current?: Pick<PerformanceYear, 'lines'>;
  amendments: Pick<Amendment, 'unit' | 'delta' | 'status'>[];
  usage: Pick<UsageReport, 'month' | 'lines'>[];
  need?: { unit: string; volume: number }[];
}): Line[] => {
  const base: Line[] = input.current?.lines.length
    ? input.current.lines
    : input.agreementVolumes.map((v) => ({
        unit: v.unit,
        volume: v.quantity,
        unitPrice: input.agreementPrices.find((p) => p.unit === v.unit)?.unitPrice ?? 0,
      }));
  const rows = utilisation({ lines: base }, input.amendments, input.usage);
  return base.map((line) => {
    const row = rows.find((r) => r.unit === line.unit);
    const projected = row && row.monthsReported > 0 ? Math.ceil((row.used / row.monthsReported) * 12) : 0;
    const needed = input.need?.find((n) => n.unit === line.unit)?.volume;
    return {
      ...(line.service ? { service: line.service } : {}),
      unit: line.unit,
      volume: needed ?? Math.max(row?.current ?? line.volume, projected),
      unitPrice: line.unitPrice,
    };
  });
};

/**
 * The first year of a new framework agreement: its terms are the awarded bid's (or the registered
 * agreement's) prices and volumes, agreed and published with the agreement itself, so usage and
 * utilisation can be read from its first day and the year is never flagged "not agreed in time".
 * The year is the agreement's start date's; the years after it are negotiated.
 */
export const initialYear = (
  agreement: {
    id: string;
    entityId: string;
    supplierId: string;
    startDate: string;
    volumes: { unit: string; quantity: number }[];
    prices: { unit: string; unitPrice: number }[];
  },
  basis: 'award' | 'registration',
  at: string,
): Omit<PerformanceYear, 'version'> => ({
  agreementId: agreement.id,
  entityId: agreement.entityId,
  supplierId: agreement.supplierId,
  year: Number(agreement.startDate.slice(0, 4)),
  status: 'published',
  lines: computeProposal({
    agreementVolumes: agreement.volumes,
    agreementPrices: agreement.prices,
    amendments: [],
    usage: [],
  }),
  priceAdjustmentPercent: 0,
  rounds: [],
  reminders: 0,
  agreedAt: at,
  publishedAt: at,
  basis,
});

/** What the officer must do next, or the supplier, or nobody: the stage the workflow routes on. */
export type NegotiationStage = 'officer' | 'supplier' | 'publish' | 'published';

export const negotiationStage = (y: PerformanceYear): NegotiationStage => {
  switch (y.status) {
    case 'draft':
    case 'countered':
      return 'officer';
    case 'proposed':
      return y.escalatedAt ? 'officer' : 'supplier';
    case 'agreed':
      return y.approvedAt ? 'publish' : 'officer';
    case 'published':
      return 'published';
  }
};

/** The officer's moves are due a month before the year begins, so it can be published in time. */
export const officerDeadline = (year: number): string => `${year - 1}-12-01T07:00:00.000Z`;

/** How long before an answer deadline the one whose turn it is gets reminded. */
export const ANSWER_REMINDER_LEAD_MS = { supplier: 3 * 86_400_000, officer: 14 * 86_400_000 } as const;
