/**
 * What needs attention (domain/agreement-filters.ts, domain/deadlines.ts): the filters of
 * GET /agreements, "needs a decision", and every deadline across tenders and agreements with who
 * sees which. Pure, no mocks.
 */
import { describe, expect, it } from 'vitest';
import type { Agreement } from '../../functions/domain/agreement.ts';
import { matchesFilter, needsDecision, optionDeadline } from '../../functions/domain/agreement-filters.ts';
import {
  agreementDeadlines,
  type Deadline,
  deadlinePage,
  renegotiationAnswer,
  tenderDeadlines,
  visibleTo,
} from '../../functions/domain/deadlines.ts';
import { defaultReminderSettings } from '../../functions/domain/reminders.ts';

const at = '2026-05-01T10:00:00.000Z';
const by = { sub: 'kari', name: 'Kari' };

const agreement = (overrides: Partial<Agreement> = {}): Agreement => ({
  id: 'agr_1',
  entityId: 'helse-sor-ost',
  tenderTitle: 'Helse og arbeid',
  lotId: 'lot-1',
  lotTitle: 'Oslo',
  supplierId: 'norsk-arbeidshelse-as',
  serviceAreaId: 'helse-og-arbeid',
  formOfCare: 'outpatient',
  hospitalAreaIds: ['oslo', 'innlandet'],
  currency: 'NOK',
  startDate: '2023-01-01',
  endDate: '2026-12-31',
  options: [{ durationMonths: 12 }],
  optionNoticeDays: 30,
  prices: [],
  volumes: [],
  deliverySites: [],
  nonExclusive: true,
  minimumPurchase: 'none',
  status: 'active',
  createdAt: at,
  version: 1,
  ...overrides,
});

const settings = defaultReminderSettings; // expiry leads 12, 6, 3, 1 months; option leads 3, 1
const context = { today: '2026-11-23', settings };

describe('needs a decision', () => {
  it('from the day the first expiry reminder is due (12 months before the end) until a decision answers the end date', () => {
    const a = agreement({ endDate: '2027-11-30', options: [] });
    expect(needsDecision(a, settings, '2026-11-29')).toBe(false);
    expect(needsDecision(a, settings, '2026-11-30')).toBe(true);
    const decided = agreement({
      endDate: '2027-11-30',
      renewalDecision: { decision: 'let-expire', deadline: '2027-11-30', by, at },
    });
    expect(needsDecision(decided, settings, '2026-12-01')).toBe(false);
  });

  it('asks again once an option moved the end date past the decision', () => {
    const a = agreement({
      status: 'extended',
      endDate: '2027-12-31',
      renewalDecision: { decision: 'exercise-option', deadline: '2026-12-31', by, at },
    });
    expect(needsDecision(a, settings, '2027-01-01')).toBe(true);
  });

  it('from the first option reminder (3 months before its last day) when the end is further away', () => {
    // Ends 2028-06-30, option's last day 2028-03-01 (120 days' notice); the expiry lead is 6 months here.
    const a = agreement({ endDate: '2028-06-30', optionNoticeDays: 121 });
    const short = { ...settings, expiryLeadMonths: [6] };
    expect(optionDeadline(a)).toBe('2028-03-01');
    expect(needsDecision(a, short, '2027-11-30')).toBe(false);
    expect(needsDecision(a, short, '2027-12-01')).toBe(true);
  });

  it('never for open-ended, terminated or expired agreements', () => {
    expect(
      needsDecision(agreement({ openEnded: true, endDate: undefined, options: [] }), settings, '2026-12-01'),
    ).toBe(false);
    expect(needsDecision(agreement({ status: 'terminated' }), settings, '2026-12-01')).toBe(false);
    expect(needsDecision(agreement({ status: 'expired' }), settings, '2026-12-01')).toBe(false);
  });
});

describe('the filters of GET /agreements', () => {
  it('match on status, supplier, service area and any of the hospital areas', () => {
    const a = agreement();
    expect(matchesFilter(a, { status: 'active', hospitalAreaId: 'innlandet' }, context)).toBe(true);
    expect(matchesFilter(a, { status: 'extended' }, context)).toBe(false);
    expect(matchesFilter(a, { supplierId: 'falck-norge-as' }, context)).toBe(false);
    expect(matchesFilter(a, { serviceAreaId: 'helse-og-arbeid' }, context)).toBe(true);
    expect(matchesFilter(a, { hospitalAreaId: 'telemark-vestfold' }, context)).toBe(false);
  });

  it('end date before: the end after notice once terminated; never an open-ended agreement', () => {
    const terminated = agreement({
      status: 'terminated',
      termination: { reason: 'r', noticeMonths: 3, endsOn: '2026-08-01', at, by },
    });
    expect(matchesFilter(terminated, { endDateBefore: '2026-09-01' }, context)).toBe(true);
    expect(matchesFilter(agreement(), { endDateBefore: '2026-12-31' }, context)).toBe(false);
    expect(matchesFilter(agreement(), { endDateBefore: '2027-01-01' }, context)).toBe(true);
    const open = agreement({ openEnded: true, endDate: undefined, options: [] });
    expect(matchesFilter(open, { endDateBefore: '2100-01-01' }, context)).toBe(false);
  });

  it('under notice: notice given and still running to its effective end; an open-ended one too', () => {
    const notice = { reason: 'r', noticeMonths: 3, endsOn: '2026-08-01', at, by };
    const underNotice = agreement({ termination: notice });
    const openUnderNotice = agreement({
      openEnded: true,
      endDate: undefined,
      options: [],
      termination: notice,
    });
    const ended = agreement({ status: 'terminated', termination: notice });
    expect(matchesFilter(underNotice, { underNotice: true }, context)).toBe(true);
    expect(matchesFilter(openUnderNotice, { underNotice: true }, context)).toBe(true);
    expect(matchesFilter(ended, { underNotice: true }, context)).toBe(false);
    expect(matchesFilter(agreement(), { underNotice: true }, context)).toBe(false);
    expect(matchesFilter(agreement(), { underNotice: false }, context)).toBe(true);
    expect(matchesFilter(underNotice, { underNotice: false }, context)).toBe(false);
  });

  it("option deadline before: the next option's last day, while one is left and the agreement runs", () => {
    expect(matchesFilter(agreement(), { optionDeadlineBefore: '2026-12-02' }, context)).toBe(true); // 2026-12-01
    expect(matchesFilter(agreement(), { optionDeadlineBefore: '2026-12-01' }, context)).toBe(false);
    expect(matchesFilter(agreement({ options: [] }), { optionDeadlineBefore: '2100-01-01' }, context)).toBe(
      false,
    );
    expect(
      matchesFilter(agreement({ status: 'terminated' }), { optionDeadlineBefore: '2100-01-01' }, context),
    ).toBe(false);
  });

  it('needs a decision: true and false select the two halves', () => {
    const soon = agreement();
    const later = agreement({ endDate: '2029-12-31', options: [] });
    expect(matchesFilter(soon, { needsDecision: true }, context)).toBe(true);
    expect(matchesFilter(later, { needsDecision: true }, context)).toBe(false);
    expect(matchesFilter(later, { needsDecision: false }, context)).toBe(true);
  });
});

describe('deadlines', () => {
  const waits = { evaluationSeconds: 120 * 86_400, awardDecisionSeconds: 60 * 86_400 };
  const tender = {
    id: 'tnd_1',
    entityId: 'helse-sor-ost',
    title: 'Koloskopi',
    bidDeadline: '2026-12-10T12:00:00.000Z',
  };

  it("a tender's: the bid deadline while open, the ranking request 120 days after the opening, the award decision 60 days after the ranking, the standstill's end", () => {
    expect(tenderDeadlines({ ...tender, status: 'tendering' }, waits)).toMatchObject([
      { kind: 'bid-deadline', due: '2026-12-10T12:00:00.000Z', link: '/tenders/tnd_1' },
    ]);
    expect(tenderDeadlines({ ...tender, status: 'evaluation' }, waits)).toEqual([]);
    const opened = { ...tender, status: 'evaluation' as const, openedAt: '2026-12-10T12:01:00.000Z' };
    expect(tenderDeadlines(opened, waits)).toMatchObject([
      { kind: 'ranking-request', due: '2027-04-09T12:01:00.000Z', party: 'officer' },
    ]);
    // Asked for: the ranking runs; the next deadline comes with it.
    expect(tenderDeadlines({ ...opened, rankingRequestedAt: at }, waits)).toEqual([]);
    expect(
      tenderDeadlines({ ...tender, status: 'evaluation', rankedAt: '2026-12-20T08:00:00.000Z' }, waits),
    ).toMatchObject([{ kind: 'award-decision', due: '2027-02-18T08:00:00.000Z', party: 'officer' }]);
    const award = {
      revision: 1,
      approvedAt: at,
      approvedBy: by,
      standstillEndsAt: '2027-01-05T12:00:00.000Z',
      lots: [],
    };
    expect(tenderDeadlines({ ...tender, status: 'standstill', award }, waits)).toMatchObject([
      { kind: 'standstill-end', due: '2027-01-05T12:00:00.000Z' },
    ]);
    expect(tenderDeadlines({ ...tender, status: 'complete', award }, waits)).toEqual([]);
  });

  it("an agreement's: its end, the option's last day (both awaiting a decision), and whose renegotiation move is due", () => {
    const list = agreementDeadlines(
      agreement(),
      [
        {
          year: 2027,
          status: 'proposed',
          supplierDeadline: '2026-12-05T07:00:00.000Z',
          reminders: 0,
        } as never,
        { year: 2028, status: 'draft', reminders: 0 } as never,
      ],
      '2026-11-23',
    );
    expect(list.map((d) => [d.kind, d.due, d.party ?? null, d.needsDecision ?? null])).toEqual([
      ['agreement-end', '2026-12-31T23:59:59.999Z', null, true],
      ['option-deadline', '2026-12-01T23:59:59.999Z', 'officer', true],
      ['renegotiation-answer', '2026-12-05T07:00:00.000Z', 'supplier', null],
      ['renegotiation-answer', '2027-12-01T07:00:00.000Z', 'officer', null],
    ]);
    expect(list[2]?.link).toBe('/agreements/agr_1/years/2027');
  });

  it('an open-ended agreement is reviewed yearly; a terminated one ends after notice; an expired one has none', () => {
    const open = agreementDeadlines(
      agreement({ openEnded: true, endDate: undefined, options: [], startDate: '2020-03-01' }),
      [],
      '2026-11-23',
    );
    expect(open).toMatchObject([{ kind: 'review', due: '2027-03-01T23:59:59.999Z' }]);
    const terminated = agreementDeadlines(
      agreement({
        status: 'terminated',
        termination: { reason: 'r', noticeMonths: 3, endsOn: '2027-02-23', at, by },
      }),
      [],
      '2026-11-23',
    );
    expect(terminated).toMatchObject([
      { kind: 'agreement-end', due: '2027-02-23T23:59:59.999Z', afterNotice: true },
    ]);
    expect(agreementDeadlines(agreement({ status: 'expired' }), [], '2026-11-23')).toEqual([]);
  });

  it('renegotiation: nobody waits once approved or published; an escalated proposal is back with the officer', () => {
    expect(renegotiationAnswer({ year: 2027, status: 'published' })).toBeUndefined();
    expect(renegotiationAnswer({ year: 2027, status: 'agreed', approvedAt: at })).toBeUndefined();
    expect(renegotiationAnswer({ year: 2027, status: 'agreed' })).toEqual({
      party: 'officer',
      due: '2026-12-01T07:00:00.000Z',
    });
    expect(
      renegotiationAnswer({ year: 2027, status: 'proposed', supplierDeadline: 'x', escalatedAt: at }),
    ).toMatchObject({ party: 'officer' });
  });

  const d = (over: Partial<Deadline>): Deadline => ({
    due: '2026-12-01T00:00:00.000Z',
    kind: 'agreement-end',
    title: 't',
    aggregate: { type: 'agreement', id: 'agr_1' },
    entityId: 'helse-sor-ost',
    link: '/agreements/agr_1',
    supplierId: 'norsk-arbeidshelse-as',
    ...over,
  });

  it("who sees which: the entity all of its own; a supplier its own agreements' and answers, and every bid deadline", () => {
    const supplier = { supplierId: 'norsk-arbeidshelse-as' };
    expect(visibleTo({ entityId: 'helse-sor-ost' }, d({}))).toBe(true);
    expect(visibleTo({ entityId: 'helse-vest' }, d({}))).toBe(false);
    expect(visibleTo(supplier, d({}))).toBe(true);
    expect(visibleTo({ supplierId: 'falck-norge-as' }, d({}))).toBe(false);
    expect(visibleTo(supplier, d({ kind: 'renegotiation-answer', party: 'officer' }))).toBe(false);
    expect(visibleTo(supplier, d({ kind: 'renegotiation-answer', party: 'supplier' }))).toBe(true);
    expect(
      visibleTo(supplier, d({ kind: 'bid-deadline', entityId: 'helse-vest', supplierId: undefined })),
    ).toBe(true);
    expect(visibleTo(supplier, d({ kind: 'award-decision', supplierId: undefined }))).toBe(false);
  });

  it('pages soonest first within the window; the cursor continues after the last one; a supplier never sees needsDecision', () => {
    const all = [
      d({ due: '2026-12-03T00:00:00.000Z', aggregate: { type: 'agreement', id: 'agr_3' } }),
      d({
        due: '2026-12-01T00:00:00.000Z',
        aggregate: { type: 'agreement', id: 'agr_1' },
        needsDecision: true,
      }),
      d({ due: '2026-12-02T00:00:00.000Z', aggregate: { type: 'agreement', id: 'agr_2' } }),
      d({ due: '2027-12-02T00:00:00.000Z', aggregate: { type: 'agreement', id: 'agr_4' } }),
    ];
    const window = { from: '2026-11-23T00:00:00.000Z', before: '2027-01-01T00:00:00.000Z' };
    const first = deadlinePage(all, { entityId: 'helse-sor-ost' }, window, { limit: 2 });
    expect(first.items.map((x) => x.aggregate.id)).toEqual(['agr_1', 'agr_2']);
    expect(first.items[0]?.needsDecision).toBe(true);
    const second = deadlinePage(all, { entityId: 'helse-sor-ost' }, window, {
      limit: 2,
      after: first.nextKey,
    });
    expect(second.items.map((x) => x.aggregate.id)).toEqual(['agr_3']);
    expect(second.nextKey).toBeUndefined();
    const supplier = deadlinePage(all, { supplierId: 'norsk-arbeidshelse-as' }, window, { limit: 10 });
    expect(supplier.items[0]).not.toHaveProperty('needsDecision');
  });
});
