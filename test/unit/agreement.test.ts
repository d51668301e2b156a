/** Agreement options and termination, and the performance agreement's arithmetic: pure domain, no mocks. */
import { describe, expect, it } from 'vitest';
import {
  type Agreement,
  cannotExercise,
  nextOption,
  terminationDate,
} from '../../functions/domain/agreement.ts';
import {
  computeProposal,
  currentVolumes,
  negotiationStage,
  type PerformanceYear,
  utilisation,
} from '../../functions/domain/performance.ts';

const agreement = (overrides: Partial<Agreement> = {}) =>
  ({
    endDate: '2026-12-31',
    options: [{ durationMonths: 12 }, { durationMonths: 6 }],
    optionNoticeDays: 90,
    status: 'active',
    ...overrides,
  }) as Agreement;

describe('options', () => {
  it('extends from the day after the end by the option length, and names the last day to decide', () => {
    expect(nextOption(agreement())).toEqual({
      index: 0,
      durationMonths: 12,
      lastDay: '2026-10-02',
      newEndDate: '2027-12-31',
    });
    const once = agreement({
      endDate: '2027-12-31',
      optionsExercised: [
        { index: 0, at: 'x', by: { sub: 'k', name: 'K' }, from: '2026-12-31', to: '2027-12-31' },
      ],
    });
    expect(nextOption(once)).toMatchObject({ index: 1, newEndDate: '2028-06-30' });
  });

  it('refuses after the last day, when none is left, and for ended or open-ended agreements', () => {
    expect(cannotExercise(agreement(), '2026-10-02')).toBeUndefined();
    expect(cannotExercise(agreement(), '2026-10-03')).toContain(
      'The last day to exercise option 1 was 2026-10-02',
    );
    expect(cannotExercise(agreement({ options: [] }), '2026-01-01')).toContain('All 0 option(s)');
    expect(cannotExercise(agreement({ status: 'terminated' }), '2026-01-01')).toContain('terminated');
    expect(cannotExercise(agreement({ openEnded: true, endDate: undefined }), '2026-01-01')).toContain(
      'open-ended',
    );
  });

  it('ends a terminated agreement after the notice, never after its end date', () => {
    expect(terminationDate(agreement(), '2026-03-15', 3)).toBe('2026-06-15');
    expect(terminationDate(agreement(), '2026-11-23', 3)).toBe('2026-12-31');
    expect(terminationDate({}, '2026-11-23', 6)).toBe('2027-05-23');
  });

  it('counts a notice from the end of the month it is given in (løpende måned), at month ends and in leap years', () => {
    const open = {};
    expect(terminationDate(open, '2026-11-23', 3, 'from-end-of-month')).toBe('2027-02-28');
    expect(terminationDate(open, '2027-11-01', 3, 'from-end-of-month')).toBe('2028-02-29');
    expect(terminationDate(open, '2026-01-31', 1, 'from-end-of-month')).toBe('2026-02-28');
    expect(terminationDate(open, '2026-12-31', 6, 'from-end-of-month')).toBe('2027-06-30');
    expect(terminationDate(open, '2026-11-23', 0, 'from-end-of-month')).toBe('2026-11-30');
    expect(terminationDate(open, '2026-11-23', 3, 'from-notice')).toBe('2027-02-23');
    // Never after the agreement's own end.
    expect(terminationDate(agreement(), '2026-10-15', 3, 'from-end-of-month')).toBe('2026-12-31');
  });

  it('offers no option once notice is given, and says why it cannot be exercised', () => {
    const noticed = agreement({
      termination: {
        reason: 'r',
        noticeMonths: 3,
        givenOn: '2026-03-15',
        endsOn: '2026-06-15',
        at: '2026-03-15T09:00:00.000Z',
        by: { sub: 'kari', name: 'Kari' },
      },
    });
    expect(nextOption(agreement())).toBeDefined();
    expect(nextOption(noticed)).toBeUndefined();
    expect(cannotExercise(noticed, '2026-03-16')).toBe(
      'Notice was given on 2026-03-15: the agreement ends 2026-06-15 and its options are no longer offered',
    );
  });
});

describe('the year in numbers', () => {
  const year = {
    lines: [
      { unit: 'liggedogn', volume: 6000, unitPrice: 4000 },
      { unit: 'utredninger', volume: 800, unitPrice: 9000 },
    ],
  };
  const amendments = [
    { unit: 'liggedogn', delta: 6400, status: 'confirmed' as const },
    { unit: 'utredninger', delta: 1200, status: 'proposed' as const },
    { unit: 'liggedogn', delta: -400, status: 'confirmed' as const },
  ];

  it('counts confirmed amendments only in the current volume', () => {
    expect(currentVolumes(year, amendments)).toEqual({
      liggedogn: { agreed: 6000, amended: 6000, current: 12000 },
      utredninger: { agreed: 800, amended: 0, current: 800 },
    });
  });

  it('measures utilisation against the current volume, and what remains', () => {
    const usage = [
      {
        month: 1,
        lines: [
          { unit: 'liggedogn', quantity: 1000 },
          { unit: 'utredninger', quantity: 100 },
        ],
      },
      { month: 2, lines: [{ unit: 'liggedogn', quantity: 1400 }] },
    ];
    expect(utilisation(year, amendments, usage)).toEqual([
      {
        unit: 'liggedogn',
        agreed: 6000,
        amended: 6000,
        current: 12000,
        used: 2400,
        monthsReported: 2,
        utilisationPercent: 20,
        remaining: 9600,
        unitPrice: 4000,
        agreedValue: 24_000_000,
        currentValue: 48_000_000,
        usedValue: 9_600_000,
        remainingValue: 38_400_000,
      },
      {
        unit: 'utredninger',
        agreed: 800,
        amended: 0,
        current: 800,
        used: 100,
        monthsReported: 1,
        utilisationPercent: 12.5,
        remaining: 700,
        unitPrice: 9000,
        agreedValue: 7_200_000,
        currentValue: 7_200_000,
        usedValue: 900_000,
        remainingValue: 6_300_000,
      },
    ]);
  });

  it('proposes next year from the need where entered, else the higher of the current volume and projected usage', () => {
    const usage = [{ month: 1, lines: [{ unit: 'utredninger', quantity: 100 }] }];
    expect(
      computeProposal({
        agreementVolumes: [],
        agreementPrices: [],
        current: year,
        amendments,
        usage,
        need: [{ unit: 'liggedogn', volume: 9000 }],
      }),
    ).toEqual([
      { unit: 'liggedogn', volume: 9000, unitPrice: 4000 },
      { unit: 'utredninger', volume: 1200, unitPrice: 9000 }, // 100 a month → 1 200 a year > 800
    ]);
  });

  it('starts the first year from the agreement (the winning bid) when there is no year before', () => {
    expect(
      computeProposal({
        agreementVolumes: [{ unit: 'konsultasjoner', quantity: 800 }],
        agreementPrices: [{ unit: 'konsultasjoner', unitPrice: 2400 }],
        amendments: [],
        usage: [],
      }),
    ).toEqual([{ unit: 'konsultasjoner', volume: 800, unitPrice: 2400 }]);
  });

  it('knows whose turn it is', () => {
    const y = (s: Partial<PerformanceYear>) => ({ status: 'draft', ...s }) as PerformanceYear;
    expect(negotiationStage(y({ status: 'draft' }))).toBe('officer');
    expect(negotiationStage(y({ status: 'proposed' }))).toBe('supplier');
    expect(negotiationStage(y({ status: 'proposed', escalatedAt: 'x' }))).toBe('officer');
    expect(negotiationStage(y({ status: 'countered' }))).toBe('officer');
    expect(negotiationStage(y({ status: 'agreed' }))).toBe('officer');
    expect(negotiationStage(y({ status: 'agreed', approvedAt: 'x' }))).toBe('publish');
    expect(negotiationStage(y({ status: 'published' }))).toBe('published');
  });
});
