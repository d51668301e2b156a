/**
 * The annual performance agreement's transitions: the yearly negotiation (domain/negotiation.ts),
 * usage reports (domain/usage.ts) and amendments (domain/amendment.ts). Pure, no mocks.
 */
import { describe, expect, it } from 'vitest';
import { confirmAmendment, findAmendment, proposeAmendment } from '../../functions/domain/amendment.ts';
import {
  abandonReason,
  answerYear,
  approveYear,
  checkNegotiable,
  checkNotPublished,
  proposeYear,
  publishYear,
  supplierLate,
  unitsOf,
} from '../../functions/domain/negotiation.ts';
import {
  type Amendment,
  initialYear,
  negotiationStage,
  type PerformanceYear,
  utilisation,
} from '../../functions/domain/performance.ts';
import { Refusal } from '../../functions/domain/refusal.ts';
import { recordUsage, usageOfYear } from '../../functions/domain/usage.ts';

const by = { sub: 'kari', name: 'Kari' };
const at = '2026-09-01T06:00:00.000Z';
const now = new Date(at);

const year = (overrides: Partial<PerformanceYear> = {}): PerformanceYear => ({
  agreementId: 'agr_1',
  entityId: 'helse-sor-ost',
  supplierId: 'sup_1',
  year: 2027,
  status: 'draft',
  lines: [{ unit: 'opphold', volume: 100, unitPrice: 5000 }],
  priceAdjustmentPercent: 0,
  rounds: [],
  reminders: 0,
  version: 1,
  ...overrides,
});

const agreement = {
  id: 'agr_1',
  status: 'active' as const,
  startDate: '2025-01-01',
  endDate: '2027-12-31',
  volumes: [{ unit: 'opphold', quantity: 100 }],
};
const units = unitsOf(agreement);

const refusalOf = (call: () => unknown): Refusal => {
  try {
    call();
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

const offer = { lines: [{ unit: 'opphold', volume: 120, unitPrice: 5100 }], priceAdjustmentPercent: 2 };

describe('starting a negotiation', () => {
  it('refuses an ended agreement, a year after its end and a need in a unit it does not have', () => {
    expect(refusalOf(() => checkNegotiable({ ...agreement, status: 'expired' }, 2027))).toMatchObject({
      kind: 'state',
      detail: 'Agreement agr_1 is expired; there is nothing to negotiate',
    });
    expect(refusalOf(() => checkNegotiable(agreement, 2028)).detail).toBe(
      'Agreement agr_1 ends 2027-12-31, before 2028',
    );
    expect(refusalOf(() => checkNegotiable(agreement, 2027, [{ unit: 'timer' }]))).toMatchObject({
      kind: 'rule',
      detail: 'The agreement has no volume in "timer"',
      items: [{ pointer: '#/need/0/unit', detail: 'Units: opphold' }],
    });
    expect(() => checkNegotiable(agreement, 2027, [{ unit: 'opphold' }])).not.toThrow();
    expect(refusalOf(() => checkNotPublished(year({ status: 'published' }))).kind).toBe('state');
  });
});

describe('the rounds', () => {
  it('the officer proposes: the supplier must answer by the deadline, escalation and reminders reset', () => {
    const { after, round, supplierDeadline } = proposeYear(
      year({ escalatedAt: at, reminders: 1, status: 'proposed' }),
      units,
      { ...offer, answerDays: 14 },
      { by, now },
    );
    expect(supplierDeadline).toBe('2026-09-15T06:00:00.000Z');
    expect(after).toMatchObject({ status: 'proposed', lines: offer.lines, reminders: 0, supplierDeadline });
    expect(after).not.toHaveProperty('escalatedAt');
    expect(after.rounds).toEqual([round]);
    expect(round).toMatchObject({ by: 'officer', kind: 'proposal', actor: by, at });
  });

  it("refuses a proposal when it is the supplier's turn, or in a unit the agreement does not have", () => {
    expect(
      refusalOf(() =>
        proposeYear(year({ status: 'proposed' }), units, { ...offer, answerDays: 14 }, { by, now }),
      ).detail,
    ).toBe("The 2027 performance agreement is proposed; it is not the officer's turn to propose");
    const wrong = { lines: [{ unit: 'timer', volume: 1, unitPrice: 1 }], priceAdjustmentPercent: 0 };
    expect(
      refusalOf(() => proposeYear(year(), units, { ...wrong, answerDays: 14 }, { by, now })).items,
    ).toEqual([{ pointer: '#/lines/0/unit', detail: 'Units: opphold' }]);
  });

  it('the supplier accepts (agreed) or counters (countered); the deadline goes', () => {
    const proposed = year({ status: 'proposed', supplierDeadline: at, lines: offer.lines });
    const accepted = answerYear(proposed, units, { accept: true }, { by, at });
    expect(accepted.action).toBe('performance.accepted');
    expect(accepted.after).toMatchObject({ status: 'agreed', agreedAt: at, lines: offer.lines });
    expect(accepted.after).not.toHaveProperty('supplierDeadline');
    const countered = answerYear(
      proposed,
      units,
      { accept: false, ...offer, comment: 'Høyere pris' },
      { by, at },
    );
    expect(countered.action).toBe('performance.countered');
    expect(countered.after).toMatchObject({ status: 'countered', priceAdjustmentPercent: 2 });
    expect(countered.round).toMatchObject({ kind: 'counter', comment: 'Høyere pris' });
    expect(refusalOf(() => answerYear(year(), units, { accept: true }, { by, at })).detail).toBe(
      'The 2027 performance agreement is draft; there is no proposal to answer',
    );
  });

  it('the officer approves agreed terms, or accepts and approves a counter-offer', () => {
    expect(approveYear(year({ status: 'agreed' }), { by, at })).toEqual({
      changes: { status: 'agreed', approvedAt: at, approvedBy: by },
      acceptsCounter: false,
      action: 'performance.approved',
    });
    expect(approveYear(year({ status: 'countered' }), { by, at })).toMatchObject({
      changes: { agreedAt: at },
      acceptsCounter: true,
      action: 'performance.counter-accepted-and-approved',
    });
    expect(refusalOf(() => approveYear(year({ status: 'agreed', approvedAt: at }), { by, at })).detail).toBe(
      'The 2027 performance agreement is agreed and approved; only agreed terms or a counter-offer can be approved',
    );
  });
});

describe('a late supplier, publication, abandonment', () => {
  const waiting = year({ status: 'proposed', supplierDeadline: '2026-08-31T06:00:00.000Z' });

  it('reminds once with more days, then escalates; nothing before the deadline', () => {
    expect(supplierLate({ ...waiting, supplierDeadline: '2026-09-02T00:00:00.000Z' }, now, 7).outcome).toBe(
      'none',
    );
    expect(supplierLate(waiting, now, 7)).toEqual({
      outcome: 'reminded',
      changes: { reminders: 1, supplierDeadline: '2026-09-08T06:00:00.000Z' },
    });
    expect(supplierLate({ ...waiting, reminders: 1 }, now, 7)).toEqual({
      outcome: 'escalated',
      changes: { escalatedAt: at },
      reason: 'The supplier did not answer by 2026-08-31T06:00:00.000Z, after a reminder',
    });
    expect(supplierLate({ ...waiting, escalatedAt: at, reminders: 1 }, now, 7).outcome).toBe('none');
  });

  it('publishes approved terms once; refuses before approval', () => {
    expect(publishYear(year({ status: 'agreed', approvedAt: at }), at)).toEqual({
      changes: { status: 'published', publishedAt: at },
    });
    expect(publishYear(year({ status: 'published' }), at)).toBeUndefined();
    expect(refusalOf(() => publishYear(year({ status: 'agreed' }), at)).detail).toBe(
      'agr_1 2027 is not approved',
    );
  });

  it('says why the workflow gave up', () => {
    expect(abandonReason({ Error: 'WaitOutlivesExecution' })).toBe(
      "the next wait would outlive the workflow execution's year",
    );
    expect(abandonReason({ Error: 'States.Timeout' })).toBe('nobody acted for 180 days');
  });
});

describe('usage', () => {
  const context = { today: '2026-09-01', at, by: { ...by, role: 'officer' } };

  it('records a past or current month, and says whether it corrects an earlier report', () => {
    const lines = [{ unit: 'opphold', quantity: 8 }];
    expect(recordUsage(agreement, units, { year: 2026, month: 9, lines }, context)).toMatchObject({
      action: 'usage.reported',
      report: { agreementId: 'agr_1', year: 2026, month: 9, lines, reportedAt: at },
    });
    expect(
      recordUsage(agreement, units, { year: 2026, month: 8, lines }, { ...context, earlier: {} }).action,
    ).toBe('usage.corrected');
  });

  it('refuses a month not begun, outside the period, or in another unit', () => {
    const lines = [{ unit: 'opphold', quantity: 1 }];
    expect(
      refusalOf(() => recordUsage(agreement, units, { year: 2026, month: 10, lines }, context)),
    ).toMatchObject({
      kind: 'rule',
      detail: '2026-10 has not begun; usage is reported for past and current months',
      items: [],
    });
    expect(
      refusalOf(() => recordUsage(agreement, units, { year: 2024, month: 12, lines }, context)).detail,
    ).toBe("2024-12 is outside the agreement's period");
    expect(
      refusalOf(() =>
        recordUsage(
          agreement,
          units,
          { year: 2026, month: 1, lines: [{ unit: 'timer', quantity: 1 }] },
          context,
        ),
      ).items[0]?.pointer,
    ).toBe('#/lines/0/unit');
  });

  it('refuses a report that gives one unit twice, pointing at the second line', () => {
    const refusal = refusalOf(() =>
      recordUsage(
        agreement,
        units,
        {
          year: 2026,
          month: 8,
          lines: [
            { unit: 'opphold', quantity: 3 },
            { unit: 'opphold', quantity: 5 },
          ],
        },
        context,
      ),
    );
    expect(refusal).toMatchObject({
      kind: 'rule',
      detail: '"opphold" is reported twice in one report: give one line per unit',
      items: [{ pointer: '#/lines/1/unit', detail: 'The same unit as #/lines/0/unit' }],
    });
  });

  it("reads a year back month by month, each line and month valued at the year's price, with totals", () => {
    const by = { sub: 's', name: 'Ola', role: 'supplier' };
    const read = usageOfYear(
      { lines: [{ unit: 'opphold', volume: 100, unitPrice: 2000 }] },
      [],
      [
        { month: 2, lines: [{ unit: 'opphold', quantity: 25 }], reportedBy: by, reportedAt: at, version: 1 },
        { month: 1, lines: [{ unit: 'opphold', quantity: 30 }], reportedBy: by, reportedAt: at, version: 2 },
      ],
    );
    expect(read.months.map((m) => [m.month, m.value])).toEqual([
      [1, 60_000],
      [2, 50_000],
    ]);
    expect(read.months[0]?.lines).toEqual([
      { unit: 'opphold', quantity: 30, unitPrice: 2000, value: 60_000 },
    ]);
    expect(read.totals).toEqual([{ unit: 'opphold', quantity: 55, value: 110_000 }]);
  });

  it("values every volume at the year's price: agreed, current, used and remaining, in money", () => {
    const [row] = utilisation(
      {
        lines: [
          { unit: 'opphold', volume: 100, unitPrice: 2000 },
          { service: 'korttid', unit: 'opphold', volume: 100, unitPrice: 3000 },
        ],
      },
      [{ unit: 'opphold', delta: 20, status: 'confirmed' }],
      [
        { month: 1, lines: [{ unit: 'opphold', quantity: 30 }] },
        { month: 2, lines: [{ unit: 'opphold', quantity: 25 }] },
      ],
    );
    expect(row).toEqual({
      unit: 'opphold',
      agreed: 200,
      amended: 20,
      current: 220,
      used: 55,
      monthsReported: 2,
      utilisationPercent: 25,
      remaining: 165,
      // The volume-weighted mean of the two lines' prices.
      unitPrice: 2500,
      agreedValue: 500_000,
      currentValue: 550_000,
      usedValue: 137_500,
      remainingValue: 412_500,
    });
  });
});

describe('amendments', () => {
  const published = year({ status: 'published' });
  const confirmed: Amendment = {
    id: 'amd_0',
    agreementId: 'agr_1',
    year: 2027,
    unit: 'opphold',
    delta: -30,
    reason: 'Lavere behov',
    status: 'confirmed',
    raisedBy: by,
    raisedAt: at,
    version: 2,
  };

  it('proposes a change of a published year within its current volume', () => {
    const amendment = proposeAmendment(
      published,
      [confirmed],
      { unit: 'opphold', delta: -70, reason: 'Mindre' },
      { id: 'amd_1', by, at },
    );
    expect(amendment).toMatchObject({ id: 'amd_1', status: 'proposed', delta: -70, raisedBy: by });
    expect(
      refusalOf(() =>
        proposeAmendment(
          published,
          [confirmed],
          { unit: 'opphold', delta: -71, reason: 'x' },
          { id: 'a', by, at },
        ),
      ),
    ).toMatchObject({
      kind: 'rule',
      detail: 'The volume cannot go below zero (it is 70)',
      items: [{ pointer: '#/delta', detail: 'At least -70' }],
    });
    expect(
      refusalOf(() =>
        proposeAmendment(published, [], { unit: 'timer', delta: 1, reason: 'x' }, { id: 'a', by, at }),
      ).items,
    ).toEqual([{ pointer: '#/unit', detail: 'Units: opphold' }]);
    expect(
      refusalOf(() =>
        proposeAmendment(year(), [], { unit: 'opphold', delta: 1, reason: 'x' }, { id: 'a', by, at }),
      ).detail,
    ).toBe('The 2027 performance agreement is draft; amendments change a published year');
  });

  it('confirms a proposed amendment once, with the volume it makes current', () => {
    const proposed: Amendment = { ...confirmed, id: 'amd_1', delta: 20, status: 'proposed' };
    const { after, currentVolume } = confirmAmendment(proposed, published, [confirmed, proposed], { by, at });
    expect(after).toMatchObject({ status: 'confirmed', confirmedBy: by, confirmedAt: at });
    expect(currentVolume).toBe(90);
    expect(refusalOf(() => confirmAmendment(confirmed, published, [confirmed], { by, at }))).toMatchObject({
      kind: 'state',
      detail: 'Amendment amd_0 is already confirmed',
    });
    expect(refusalOf(() => findAmendment([confirmed], 'amd_9'))).toMatchObject({
      kind: 'not-found',
      detail: 'Amendment amd_9 does not exist or is not visible to you',
    });
  });
});

describe("a new agreement's first year", () => {
  const agreement = {
    id: 'agr_1',
    entityId: 'helse-sor-ost',
    supplierId: 'falck-norge-as',
    startDate: '2027-03-01',
    volumes: [
      { unit: 'konsultasjoner', quantity: 750 },
      { unit: 'skopier', quantity: 120 },
    ],
    prices: [
      { unit: 'konsultasjoner', unitPrice: 2450 },
      { unit: 'skopier', unitPrice: 5200 },
    ],
  };

  it("is the awarded bid's volumes and prices, agreed and published with the agreement, in its start year", () => {
    const year = initialYear(agreement, 'award', '2027-01-20T10:00:00.000Z');
    expect(year).toMatchObject({
      agreementId: 'agr_1',
      year: 2027,
      status: 'published',
      basis: 'award',
      agreedAt: '2027-01-20T10:00:00.000Z',
      publishedAt: '2027-01-20T10:00:00.000Z',
      lines: [
        { unit: 'konsultasjoner', volume: 750, unitPrice: 2450 },
        { unit: 'skopier', volume: 120, unitPrice: 5200 },
      ],
    });
    // Nothing left to negotiate, nothing to flag when the year starts.
    expect(negotiationStage({ ...year, version: 1 })).toBe('published');
    expect(year.notAgreedInTimeAt).toBeUndefined();
  });
});
