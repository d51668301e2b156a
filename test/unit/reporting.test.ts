/** Reporting for the authority (domain/reporting.ts): volume, spend and utilisation per year and group. Pure, no mocks. */
import { describe, expect, it } from 'vitest';
import {
  agreementReport,
  groupKey,
  nameGroups,
  type ReportInput,
  reportColumns,
  reportRows,
  runsIn,
} from '../../functions/domain/reporting.ts';
import { csvDocument } from '../../functions/shared/csv.ts';

const agreement = (over: Partial<ReportInput['agreement']> = {}): ReportInput['agreement'] => ({
  id: 'agr_1',
  supplierId: 'norsk-arbeidshelse-as',
  serviceAreaId: 'helse-og-arbeid',
  hospitalAreaIds: ['oslo', 'innlandet'],
  currency: 'NOK',
  startDate: '2023-01-01',
  endDate: '2027-12-31',
  status: 'active',
  prices: [{ unit: 'konsultasjoner', unitPrice: 1200 }],
  ...over,
});

const published = (lines: { unit: string; volume: number; unitPrice: number }[]) => ({
  status: 'published' as const,
  lines,
});

describe('agreement report', () => {
  const nah: ReportInput = {
    agreement: agreement(),
    year: published([
      { unit: 'konsultasjoner', volume: 4000, unitPrice: 1250 },
      { unit: 'utredninger', volume: 100, unitPrice: 9000 },
    ]),
    amendments: [
      { unit: 'konsultasjoner', delta: 1000, status: 'confirmed' },
      { unit: 'konsultasjoner', delta: 500, status: 'proposed' },
    ],
    usage: [
      { month: 1, lines: [{ unit: 'konsultasjoner', quantity: 400 }] },
      {
        month: 2,
        lines: [
          { unit: 'konsultasjoner', quantity: 600 },
          { unit: 'utredninger', quantity: 10 },
        ],
      },
    ],
  };
  const falck: ReportInput = {
    agreement: agreement({ id: 'agr_2', supplierId: 'falck-norge-as', hospitalAreaIds: ['oslo'] }),
    year: { status: 'proposed', lines: [{ unit: 'konsultasjoner', volume: 999, unitPrice: 1 }] },
    amendments: [],
    usage: [{ month: 3, lines: [{ unit: 'konsultasjoner', quantity: 50 }] }],
  };

  it("per supplier: current volume (agreed + confirmed amendments) × the year's price, spend = used × price, utilisation", () => {
    const report = agreementReport([nah, falck], 2027, 'supplier');
    expect(report.groups.map((g) => g.key)).toEqual(['falck-norge-as', 'norsk-arbeidshelse-as']);
    const [f, n] = report.groups;
    expect(n).toMatchObject({
      currency: 'NOK',
      agreements: 1,
      withoutAgreedYear: 0,
      units: [
        {
          unit: 'konsultasjoner',
          agreedVolume: 4000,
          currentVolume: 5000,
          usedVolume: 1000,
          utilisationPercent: 20,
          agreedValue: 6_250_000,
          spend: 1_250_000,
        },
        {
          unit: 'utredninger',
          agreedVolume: 100,
          currentVolume: 100,
          usedVolume: 10,
          agreedValue: 900_000,
          spend: 90_000,
        },
      ],
      agreedValue: 7_150_000,
      spend: 1_340_000,
      utilisationPercent: 18.7,
    });
    // A year not agreed counts no volume; its usage is valued at the agreement's price.
    expect(f).toMatchObject({
      withoutAgreedYear: 1,
      units: [
        { unit: 'konsultasjoner', currentVolume: 0, usedVolume: 50, utilisationPercent: null, spend: 60_000 },
      ],
      agreedValue: 0,
      utilisationPercent: null,
    });
    expect(report.totals).toEqual([
      { currency: 'NOK', agreements: 2, agreedValue: 7_150_000, spend: 1_400_000, utilisationPercent: 19.6 },
    ]);
  });

  it('per hospital area: a lot over several areas counts once, under their combination', () => {
    const report = agreementReport([nah, falck], 2027, 'hospitalArea');
    expect(report.groups.map((g) => [g.key, g.agreements])).toEqual([
      ['innlandet+oslo', 1],
      ['oslo', 1],
    ]);
    expect(groupKey(agreement({ hospitalAreaIds: ['oslo', 'akershus'] }), 'hospitalArea')).toBe(
      'akershus+oslo',
    );
  });

  it('per service area: an agreement over several specialties counts once, under their combination, named by each', () => {
    const partnership = agreement({ serviceAreaId: 'urologi', serviceAreaIds: ['urologi', 'kirurgi'] });
    expect(groupKey(partnership, 'serviceArea')).toBe('kirurgi+urologi');
    // Stored before specialties were a list: its one.
    expect(groupKey(agreement(), 'serviceArea')).toBe('helse-og-arbeid');
    const report = agreementReport([{ ...nah, agreement: partnership }], 2027, 'serviceArea');
    const names: Record<string, string> = { kirurgi: 'Kirurgi', urologi: 'Urologi' };
    expect(nameGroups(report, (id) => names[id]).groups.map((g) => [g.key, g.name])).toEqual([
      ['kirurgi+urologi', 'Kirurgi + Urologi'],
    ]);
  });

  it('per service area, money per currency: NOK and DKK never add up', () => {
    const dk: ReportInput = {
      agreement: agreement({ id: 'agr_3', currency: 'DKK', serviceAreaId: 'helse-og-arbeid' }),
      year: published([{ unit: 'konsultasjoner', volume: 10, unitPrice: 100 }]),
      amendments: [],
      usage: [],
    };
    const report = agreementReport([nah, dk], 2027, 'serviceArea');
    expect(report.groups.map((g) => [g.key, g.currency, g.agreedValue])).toEqual([
      ['helse-og-arbeid', 'DKK', 1000],
      ['helse-og-arbeid', 'NOK', 7_150_000],
    ]);
    expect(report.totals.map((t) => t.currency)).toEqual(['DKK', 'NOK']);
  });

  it('only agreements that run in the year: started by its end, not ended (after notice) before it began', () => {
    expect(runsIn(agreement(), 2027)).toBe(true);
    expect(runsIn(agreement(), 2028)).toBe(false);
    expect(runsIn(agreement({ startDate: '2028-01-01' }), 2027)).toBe(false);
    expect(runsIn(agreement({ openEnded: true, endDate: undefined }), 2040)).toBe(true);
    const terminated = agreement({
      status: 'terminated',
      termination: {
        reason: 'r',
        noticeMonths: 3,
        endsOn: '2026-06-30',
        at: 'x',
        by: { sub: 'k', name: 'K' },
      },
    });
    expect(runsIn(terminated, 2027)).toBe(false);
    expect(agreementReport([{ ...nah, agreement: terminated }], 2027, 'supplier').groups).toEqual([]);
  });

  it('as CSV: a row per group and unit and a total row per group; a supplier named like a formula is neutralised', () => {
    const report = agreementReport(
      [{ ...nah, agreement: agreement({ supplierId: '=cmd' }) }],
      2027,
      'supplier',
    );
    const csv = csvDocument(reportColumns, reportRows(report));
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'year,groupBy,group,name,currency,agreements,withoutAgreedYear,unit,agreedVolume,currentVolume,usedVolume,utilisationPercent,agreedValue,spend',
    );
    expect(lines[1]).toBe("2027,supplier,'=cmd,,NOK,1,0,konsultasjoner,4000,5000,1000,20,6250000,1250000");
    expect(lines[3]).toBe("2027,supplier,'=cmd,,NOK,1,0,,,,,18.7,7150000,1340000");
    // A name that starts like a formula is neutralised too.
    const named = nameGroups(report, () => '@SUM(A1)');
    expect(csvDocument(reportColumns, reportRows(named)).split('\n')[1]).toContain(",'@SUM(A1),NOK,");
  });
});
