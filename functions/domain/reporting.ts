/**
 * Reporting for the authority: per year, the volume agreed, the volume used, utilisation and money
 * (volume × unit price, in the agreement's currency), grouped by supplier, service area or hospital
 * area. Pure: the agreements with their year's performance agreement, amendments and usage in; the
 * report out. Volumes are added per volume unit only (bed-days and consultations do not add up);
 * money is added per currency.
 */
import { type Agreement, agreementScope } from './agreement.ts';
import { endsOn } from './agreement-lifecycle.ts';
import { type Amendment, currentVolumes, type PerformanceYear, type UsageReport } from './performance.ts';

export const reportGroupings = ['supplier', 'serviceArea', 'hospitalArea'] as const;
export type ReportGrouping = (typeof reportGroupings)[number];

export interface ReportInput {
  agreement: Pick<
    Agreement,
    | 'id'
    | 'supplierId'
    | 'serviceAreaId'
    | 'serviceAreaIds'
    | 'hospitalAreaIds'
    | 'currency'
    | 'startDate'
    | 'endDate'
    | 'openEnded'
    | 'status'
    | 'termination'
    | 'prices'
  >;
  /** The year's performance agreement, if there is one. */
  year?: Pick<PerformanceYear, 'status' | 'lines'> | undefined;
  amendments: Pick<Amendment, 'unit' | 'delta' | 'status'>[];
  usage: Pick<UsageReport, 'month' | 'lines'>[];
}

export interface ReportUnitRow {
  unit: string;
  /** Agreed in the year's performance agreement (agreed or published), before amendments. */
  agreedVolume: number;
  /** Agreed plus confirmed amendments. */
  currentVolume: number;
  /** Reported as delivered in the year. */
  usedVolume: number;
  /** Used ÷ current volume, in percent with one decimal; null without an agreed volume. */
  utilisationPercent: number | null;
  /** Current volume × the year's unit price. */
  agreedValue: number;
  /** Used volume × the year's unit price (the agreement's price where the year names none). */
  spend: number;
}

export interface ReportGroup {
  /** The supplier id, the service area id, or the hospital areas of a lot joined with "+". */
  key: string;
  /** What the key names, in words (the supplier's name, the service area's, the hospital areas'). */
  name?: string;
  currency: string;
  agreements: number;
  /** Agreements running in the year without agreed terms for it. */
  withoutAgreedYear: number;
  units: ReportUnitRow[];
  agreedValue: number;
  spend: number;
  /** Spend ÷ agreed value, in percent with one decimal; null when nothing was agreed. */
  utilisationPercent: number | null;
}

export interface AgreementReport {
  year: number;
  groupBy: ReportGrouping;
  groups: ReportGroup[];
  /** Per currency, over every group. */
  totals: {
    currency: string;
    agreements: number;
    agreedValue: number;
    spend: number;
    utilisationPercent: number | null;
  }[];
}

const money = (n: number) => Math.round(n * 100) / 100;
const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);

/** Whether the agreement runs at some time in `year` (its start, and its end after notice). */
export const runsIn = (a: ReportInput['agreement'], year: number): boolean => {
  if (a.startDate > `${year}-12-31`) return false;
  const ends = endsOn(a);
  return a.openEnded || !ends || ends >= `${year}-01-01`;
};

/**
 * The group an agreement counts in. A lot that covers several hospital areas counts once, under
 * their combination ("akershus+innlandet"): its volumes are not split by area, and counting them in
 * each area would add them up twice. Several specialties count the same way ("kirurgi+urologi").
 */
export const groupKey = (a: ReportInput['agreement'], groupBy: ReportGrouping): string =>
  groupBy === 'supplier'
    ? a.supplierId
    : groupBy === 'serviceArea'
      ? [...agreementScope(a).serviceAreaIds].sort().join('+')
      : [...a.hospitalAreaIds].sort().join('+');

/** One agreement's rows for the year: per unit, agreed, current and used volume with their value. */
export const agreementRows = (input: ReportInput): { agreed: boolean; rows: ReportUnitRow[] } => {
  const agreed = input.year?.status === 'agreed' || input.year?.status === 'published';
  const lines = agreed ? (input.year?.lines ?? []) : [];
  const volumes = currentVolumes({ lines }, agreed ? input.amendments : []);
  const priceOf = (unit: string) =>
    lines.find((l) => l.unit === unit)?.unitPrice ??
    input.agreement.prices.find((p) => p.unit === unit)?.unitPrice ??
    0;
  const used: Record<string, number> = {};
  for (const report of input.usage)
    for (const l of report.lines) used[l.unit] = (used[l.unit] ?? 0) + l.quantity;
  const units = [...new Set([...Object.keys(volumes), ...Object.keys(used)])].sort();
  return {
    agreed,
    rows: units.map((unit) => {
      const v = volumes[unit] ?? { agreed: 0, current: 0 };
      const u = used[unit] ?? 0;
      return {
        unit,
        agreedVolume: v.agreed,
        currentVolume: v.current,
        usedVolume: u,
        utilisationPercent: percent(u, v.current),
        agreedValue: v.current * priceOf(unit),
        spend: u * priceOf(unit),
      };
    }),
  };
};

/** The report of `year` over the agreements that run in it, grouped by `groupBy`, groups by key. */
export const agreementReport = (
  inputs: ReportInput[],
  year: number,
  groupBy: ReportGrouping,
): AgreementReport => {
  const groups = new Map<string, ReportGroup & { byUnit: Map<string, ReportUnitRow> }>();
  for (const input of inputs.filter((i) => runsIn(i.agreement, year))) {
    const key = groupKey(input.agreement, groupBy);
    const currency = input.agreement.currency;
    const id = `${key}\n${currency}`;
    const group = groups.get(id) ?? {
      key,
      currency,
      agreements: 0,
      withoutAgreedYear: 0,
      units: [],
      agreedValue: 0,
      spend: 0,
      utilisationPercent: null,
      byUnit: new Map<string, ReportUnitRow>(),
    };
    groups.set(id, group);
    const { agreed, rows } = agreementRows(input);
    group.agreements += 1;
    if (!agreed) group.withoutAgreedYear += 1;
    for (const row of rows) {
      const sum = group.byUnit.get(row.unit) ?? {
        unit: row.unit,
        agreedVolume: 0,
        currentVolume: 0,
        usedVolume: 0,
        utilisationPercent: null,
        agreedValue: 0,
        spend: 0,
      };
      sum.agreedVolume += row.agreedVolume;
      sum.currentVolume += row.currentVolume;
      sum.usedVolume += row.usedVolume;
      sum.agreedValue += row.agreedValue;
      sum.spend += row.spend;
      group.byUnit.set(row.unit, sum);
    }
  }
  const out: ReportGroup[] = [...groups.values()]
    .sort((x, y) => x.key.localeCompare(y.key) || x.currency.localeCompare(y.currency))
    .map(({ byUnit, ...g }) => {
      const units = [...byUnit.values()]
        .sort((x, y) => x.unit.localeCompare(y.unit))
        .map((r) => ({
          ...r,
          utilisationPercent: percent(r.usedVolume, r.currentVolume),
          agreedValue: money(r.agreedValue),
          spend: money(r.spend),
        }));
      const agreedValue = money(units.reduce((s, r) => s + r.agreedValue, 0));
      const spend = money(units.reduce((s, r) => s + r.spend, 0));
      return { ...g, units, agreedValue, spend, utilisationPercent: percent(spend, agreedValue) };
    });
  const totals = new Map<
    string,
    { currency: string; agreements: number; agreedValue: number; spend: number }
  >();
  for (const g of out) {
    const t = totals.get(g.currency) ?? { currency: g.currency, agreements: 0, agreedValue: 0, spend: 0 };
    t.agreements += g.agreements;
    t.agreedValue = money(t.agreedValue + g.agreedValue);
    t.spend = money(t.spend + g.spend);
    totals.set(g.currency, t);
  }
  return {
    year,
    groupBy,
    groups: out,
    totals: [...totals.values()]
      .sort((x, y) => x.currency.localeCompare(y.currency))
      .map((t) => ({ ...t, utilisationPercent: percent(t.spend, t.agreedValue) })),
  };
};

/** Names the groups: `nameOf` answers the name of one id (a supplier, a service area, a hospital area). */
export const nameGroups = (
  report: AgreementReport,
  nameOf: (id: string) => string | undefined,
): AgreementReport => ({
  ...report,
  groups: report.groups.map((g) => {
    const ids = report.groupBy === 'supplier' ? [g.key] : g.key.split('+');
    const names = ids.map((id) => nameOf(id) ?? id);
    return { ...g, name: names.join(' + ') };
  }),
});

export const reportColumns = [
  'year',
  'groupBy',
  'group',
  'name',
  'currency',
  'agreements',
  'withoutAgreedYear',
  'unit',
  'agreedVolume',
  'currentVolume',
  'usedVolume',
  'utilisationPercent',
  'agreedValue',
  'spend',
] as const;

/** The report as rows for a CSV export: one per group and unit, and a row per group with its totals (unit empty). */
export const reportRows = (report: AgreementReport): Record<(typeof reportColumns)[number], unknown>[] =>
  report.groups.flatMap((g) => {
    const common = {
      year: report.year,
      groupBy: report.groupBy,
      group: g.key,
      name: g.name,
      currency: g.currency,
      agreements: g.agreements,
      withoutAgreedYear: g.withoutAgreedYear,
    };
    return [
      ...g.units.map((u) => ({ ...common, ...u })),
      {
        ...common,
        unit: '',
        agreedVolume: null,
        currentVolume: null,
        usedVolume: null,
        utilisationPercent: g.utilisationPercent,
        agreedValue: g.agreedValue,
        spend: g.spend,
      },
    ];
  });
