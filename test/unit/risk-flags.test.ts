/**
 * Risk flags for auditors (functions/domain/risk-flags.ts): for each rule a case made to trigger it
 * and a near miss at its threshold that must not. The tenders, bids, agreements, performance years
 * and amendments are made by the domain's own transitions, the audit trail from their actions and
 * changes as the store records them. Pure, no mocks.
 */
import { describe, expect, it } from 'vitest';
import { type Agreement, agreementFromAward } from '../../functions/domain/agreement.ts';
import { exerciseOption } from '../../functions/domain/agreement-lifecycle.ts';
import { confirmAmendment, proposeAmendment } from '../../functions/domain/amendment.ts';
import { type Bid, bidIdFor } from '../../functions/domain/bid.ts';
import { type EvaluatorScores, rankLot } from '../../functions/domain/evaluation.ts';
import { type Amendment, initialYear, type PerformanceYear } from '../../functions/domain/performance.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import {
  AMENDMENT_SHARE_PERCENT,
  FRAMEWORK_MAX_MONTHS,
  LATE_CHANGE_DAYS,
  monthsBetween,
  OPTIONS_EXTENSION_PERCENT,
  REPEAT_WINNER_COUNT,
  type RiskEvent,
  type RiskFlag,
  type RiskInput,
  type RiskRule,
  riskFlags,
  riskRuleIds,
  riskRules,
  SINGLE_BIDDER_BIDS,
} from '../../functions/domain/risk-flags.ts';
import { type Lot, tenderContentSchema } from '../../functions/domain/tender.ts';
import {
  announce,
  approveAward,
  changeMaterially,
  createDraft,
  extendDeadline,
  open,
  recordRanked,
  requestRanking,
  reviseAward,
  type TenderState,
  type Transition,
} from '../../functions/domain/tender-lifecycle.ts';
import { colonoscopyTender, DAY } from '../helpers/fixtures.ts';

const NOW = new Date('2026-11-23T09:00:00.000Z');
const MINUTE = 60_000;
const officer = { sub: 'officer-1', name: 'Kari Nordmann' };
const ARN = 'arn:aws:states:eu-north-1:000000000000:execution:tender-lifecycle:risk';
const daysBefore = (days: number) => new Date(NOW.getTime() - days * DAY);

type TestBid = Pick<
  Bid,
  'id' | 'tenderId' | 'lotId' | 'supplierId' | 'status' | 'receivedAt' | 'tenderRevision' | 'prices'
>;

/** A tender's life as the product records it: the tender after each step, its audit trail, its bids. */
interface Life {
  tender: TenderState;
  events: RiskEvent[];
  bids: TestBid[];
}

const record = (life: Life, t: Transition, at: Date): void => {
  life.tender = t.after;
  life.events.push({
    aggregateType: 'tender',
    aggregateId: life.tender.id,
    seq: life.events.length + 1,
    at: at.toISOString(),
    action: t.action,
    ...(t.reason ? { reason: t.reason } : {}),
    change: t.change,
  });
};

/** The colonoscopy tender drafted and announced at `start` (its deadline 30 days later, at noon). */
const announced = (
  id: string,
  start: Date,
  edit: (c: ReturnType<typeof colonoscopyTender>) => ReturnType<typeof colonoscopyTender> = (c) => c,
): Life => {
  const draft = createDraft(tenderContentSchema.parse(edit(colonoscopyTender(start.getTime()))), {
    id,
    entityId: 'helse-sor-ost',
    by: officer,
    now: start,
    ref: referenceLookups,
  });
  const life: Life = { tender: draft.after, events: [], bids: [] };
  record(life, draft, start);
  record(life, announce(life.tender, start, referenceLookups, ARN) as Transition, start);
  return life;
};

const deadlineOf = (life: Life) => new Date(life.tender.bidDeadline);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

const submit = (life: Life, lotId: string, supplierId: string, at: Date, unitPrice = 2500): void => {
  const id = bidIdFor(life.tender.id, lotId, supplierId);
  life.bids = life.bids.filter((b) => b.id !== id);
  life.bids.push({
    id,
    tenderId: life.tender.id,
    lotId,
    supplierId,
    status: 'submitted',
    receivedAt: at.toISOString(),
    tenderRevision: life.tender.contentRevision ?? 0,
    prices: [{ unit: 'konsultasjoner', unitPrice }],
  });
};

const setStatus = (life: Life, supplierId: string, status: Bid['status']): void => {
  life.bids = life.bids.map((b) => (b.supplierId === supplierId ? { ...b, status } : b));
};

/** The opening just after the deadline; bids answering an old content are invalidated with it. */
const openBids = (life: Life): Date => {
  const at = plus(deadlineOf(life), 2 * MINUTE);
  const opened = open(life.tender, life.bids, at);
  if (!opened) throw new Error('not opened');
  record(life, opened, at);
  const stale = new Set(opened.stale.map((s) => s.bid));
  life.bids = life.bids.map((b) => (stale.has(b) ? { ...b, status: 'invalidated' } : b));
  return at;
};

/** Qualifies (or rejects) every valid bid, scores the qualified ones, ranks at `at`. */
const rank = (life: Life, at: Date, rejected: string[] = []) => {
  for (const b of life.bids)
    if (b.status === 'submitted' || b.status === 'qualified' || b.status === 'rejected')
      setStatus(life, b.supplierId, rejected.includes(b.supplierId) ? 'rejected' : 'qualified');
  const scores: EvaluatorScores[] = life.bids
    .filter((b) => b.status === 'qualified')
    .map((b) => ({
      bidId: b.id,
      evaluator: officer,
      scores: [
        { criterionId: 'kvalitet', score: 7 },
        { criterionId: 'tilgjengelighet', score: 7 },
      ],
      at: at.toISOString(),
    }));
  const requested = requestRanking(life.tender, life.bids, scores, at);
  if (!requested.requested) throw new Error('ranking not requested');
  record(life, requested, at);
  record(life, recordRanked(life.tender, at) as Transition, at);
  return life.tender.lots.map((lot: Lot) => rankLot(life.tender, lot, life.bids, scores));
};

/** Ranks and approves the award at `at` (the cheapest qualified bid wins the innlandet lot). */
const decide = (life: Life, at: Date, rejected: string[] = []): void => {
  const rankings = rank(life, at, rejected);
  const approved = approveAward(life.tender, rankings, officer, at);
  if (!approved.approved) throw new Error('not approved');
  record(life, approved, at);
};

/** A tender whose innlandet lot `winner` wins against `other`; the telemark lot gets no bid. */
const awarded = (
  id: string,
  start: Date,
  winner: string,
  other = 'sup-other',
  edit?: Parameters<typeof announced>[2],
) => {
  const life = announced(id, start, edit);
  submit(life, 'innlandet', winner, plus(start, 5 * DAY), 2000);
  submit(life, 'innlandet', other, plus(start, 6 * DAY), 2600);
  const opened = openBids(life);
  decide(life, plus(opened, 3 * DAY));
  return life;
};

const input = (parts: Partial<RiskInput> & { lives?: Life[] }): RiskInput => ({
  tenders: [...(parts.tenders ?? []), ...(parts.lives ?? []).map((l) => l.tender)],
  bids: [...(parts.bids ?? []), ...(parts.lives ?? []).flatMap((l) => l.bids)],
  events: [...(parts.events ?? []), ...(parts.lives ?? []).flatMap((l) => l.events)],
  agreements: parts.agreements ?? [],
  years: parts.years ?? [],
  amendments: parts.amendments ?? [],
});

const flagsOf = (rule: RiskRule, data: RiskInput, now = NOW): RiskFlag[] =>
  riskFlags(data, now).filter((f) => f.rule === rule);

describe('the rules table', () => {
  it('documents every rule once, with its thresholds as the constants say', () => {
    expect(riskRules.map((r) => r.id)).toEqual([...riskRuleIds]);
    for (const r of riskRules) {
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.rule.length).toBeGreaterThan(40);
      expect(r.why.length).toBeGreaterThan(40);
      expect(r.reads.length).toBeGreaterThan(20);
    }
    const thresholds = Object.assign({}, ...riskRules.map((r) => r.thresholds));
    expect(thresholds).toEqual({
      SINGLE_BIDDER_BIDS: 1,
      LATE_CHANGE_DAYS: 7,
      REPEAT_WINNER_COUNT: 3,
      AMENDMENT_SHARE_PERCENT: 20,
      OPTIONS_EXTENSION_PERCENT: 50,
      FRAMEWORK_MAX_MONTHS: 48,
    });
    expect([SINGLE_BIDDER_BIDS, LATE_CHANGE_DAYS, REPEAT_WINNER_COUNT]).toEqual([1, 7, 3]);
    expect([AMENDMENT_SHARE_PERCENT, OPTIONS_EXTENSION_PERCENT, FRAMEWORK_MAX_MONTHS]).toEqual([20, 50, 48]);
  });
});

describe('single-bidder', () => {
  /** Innlandet: one valid bid (one withdrawn, one invalidated by a change); telemark: one qualified, one rejected. */
  const tender = () => {
    const start = daysBefore(120);
    const life = announced('tnd_single', start);
    submit(life, 'innlandet', 'sup-c', plus(start, 2 * DAY));
    const lots = life.tender.lots.map((l) =>
      l.id === 'innlandet' ? { ...l, estimatedVolumes: [{ unit: 'konsultasjoner', quantity: 900 }] } : l,
    );
    const changed = changeMaterially(
      life.tender,
      { lots },
      'Større volum i Innlandet',
      life.bids.map((b) => ({ ...b })),
      plus(start, 4 * DAY),
      referenceLookups,
      99,
    );
    record(life, changed, plus(start, 4 * DAY));
    for (const inv of changed.invalidated) setStatus(life, inv.bid.supplierId, 'invalidated');
    submit(life, 'innlandet', 'sup-a', plus(start, 10 * DAY));
    submit(life, 'innlandet', 'sup-b', plus(start, 11 * DAY));
    setStatus(life, 'sup-b', 'withdrawn');
    submit(life, 'telemark-vestfold', 'sup-d', plus(start, 12 * DAY));
    submit(life, 'telemark-vestfold', 'sup-e', plus(start, 13 * DAY));
    return life;
  };

  it('flags a lot with one valid bid at the opening; withdrawn and invalidated bids do not count', () => {
    const life = tender();
    const openedAt = openBids(life);
    rank(life, plus(openedAt, DAY), ['sup-e']);
    const flags = flagsOf('single-bidder', input({ lives: [life] }));
    expect(flags).toEqual([
      {
        rule: 'single-bidder',
        severity: 'warning',
        aggregate: { type: 'tender', id: 'tnd_single' },
        lotId: 'innlandet',
        supplierId: 'sup-a',
        at: openedAt.toISOString(),
        detail: expect.stringMatching(
          /had one valid bid at the opening on .* from sup-a \(1 withdrawn and 1 invalidated/,
        ),
        evidence: expect.objectContaining({ validBids: 1, withdrawnBids: 1, invalidatedBids: 1 }),
      },
    ]);
  });

  it('does not flag a lot with two valid bids (a rejected one counts), nor any lot before the opening', () => {
    const life = tender();
    submit(life, 'innlandet', 'sup-f', plus(deadlineOf(life), -DAY));
    expect(flagsOf('single-bidder', input({ lives: [life] }))).toEqual([]);
    const openedAt = openBids(life);
    rank(life, plus(openedAt, DAY), ['sup-e', 'sup-f']);
    expect(flagsOf('single-bidder', input({ lives: [life] }))).toEqual([]);
    // As of a day before the opening, the bids were sealed.
    const sealed = tender();
    openBids(sealed);
    expect(flagsOf('single-bidder', input({ lives: [sealed] }), plus(deadlineOf(sealed), -DAY))).toEqual([]);
  });
});

describe('late-change', () => {
  const start = daysBefore(150);
  const extend = (life: Life, at: Date, to: Date, reason?: string) =>
    record(life, extendDeadline(life.tender, to.toISOString(), at, referenceLookups, reason), at);
  const change = (life: Life, at: Date) => {
    const lots = life.tender.lots.map((l) => (l.id === 'telemark-vestfold' ? { ...l, maxSuppliers: 1 } : l));
    record(life, changeMaterially(life.tender, { lots }, 'Én leverandør', [], at, referenceLookups, 99), at);
  };

  it(`flags an extension recorded ${LATE_CHANGE_DAYS} days before the deadline, not one a minute earlier`, () => {
    const late = announced('tnd_late', start);
    const d0 = deadlineOf(late);
    extend(late, plus(d0, -LATE_CHANGE_DAYS * DAY), plus(d0, 7 * DAY), 'Spørsmål om volum');
    submit(late, 'innlandet', 'sup-a', plus(d0, -DAY));
    submit(late, 'innlandet', 'sup-b', plus(d0, 2 * DAY));
    openBids(late);
    const early = announced('tnd_early', start);
    extend(
      early,
      plus(deadlineOf(early), -LATE_CHANGE_DAYS * DAY - MINUTE),
      plus(deadlineOf(early), 7 * DAY),
    );
    const flags = flagsOf('late-change', input({ lives: [late, early] }));
    expect(flags).toEqual([
      expect.objectContaining({
        severity: 'info',
        aggregate: { type: 'tender', id: 'tnd_late' },
        at: plus(d0, -7 * DAY).toISOString(),
        evidence: {
          action: 'tender.deadline-extended',
          deadlineInForce: d0.toISOString(),
          extendedTo: plus(d0, 7 * DAY).toISOString(),
          daysBeforeDeadline: 7,
          reason: 'Spørsmål om volum',
          bidsAfterOldDeadline: ['sup-b'],
        },
      }),
    ]);
    expect(flags[0]?.detail).toMatch(
      /extended 7 day\(s\) before it fell due .*final bids after the old deadline came from sup-b/,
    );
  });

  it('measures a material change against the deadline in force when it was made', () => {
    // Extended early by ten days; changed 5 days before the new deadline (after the old one had passed).
    const late = announced('tnd_change', start);
    const d0 = deadlineOf(late);
    extend(late, plus(start, 5 * DAY), plus(d0, 10 * DAY));
    change(late, plus(d0, 5 * DAY));
    // The same, changed 2 days before the old deadline: 12 days before the one in force.
    const intime = announced('tnd_intime', start);
    extend(intime, plus(start, 5 * DAY), plus(deadlineOf(intime), 10 * DAY));
    change(intime, plus(deadlineOf(intime), -12 * DAY));
    const flags = flagsOf('late-change', input({ lives: [late, intime] }));
    expect(flags).toEqual([
      expect.objectContaining({
        severity: 'warning',
        aggregate: { type: 'tender', id: 'tnd_change' },
        lotId: 'telemark-vestfold',
        at: plus(d0, 5 * DAY).toISOString(),
        evidence: expect.objectContaining({
          action: 'tender.changed',
          deadlineInForce: plus(d0, 10 * DAY).toISOString(),
          daysBeforeDeadline: 5,
          daysGivenAfterChange: 5,
          affectedLotIds: ['telemark-vestfold'],
          reason: 'Én leverandør',
        }),
      }),
    ]);
  });

  it(`is information when a late change was followed by a deadline giving ${LATE_CHANGE_DAYS} days`, () => {
    const life = announced('tnd_fixed', start);
    const d0 = deadlineOf(life);
    change(life, plus(d0, -3 * DAY));
    extend(life, plus(d0, -2 * DAY), plus(d0, 4 * DAY), 'Mer tid etter endringen');
    const flags = flagsOf('late-change', input({ lives: [life] }));
    expect(flags.map((f) => [f.evidence.action, f.severity, f.evidence.daysBeforeDeadline])).toEqual([
      ['tender.deadline-extended', 'info', 2],
      ['tender.changed', 'info', 3],
    ]);
    expect(flags[1]?.evidence).toMatchObject({ deadlineInForce: d0.toISOString(), daysGivenAfterChange: 7 });
  });
});

describe('repeat-winner', () => {
  const starts = [daysBefore(330), daysBefore(220), daysBefore(110)];

  it(`flags a supplier awarded the same hospital area and specialty in ${REPEAT_WINNER_COUNT} tenders`, () => {
    const lives = starts.map((s, i) => awarded(`tnd_rep${i + 1}`, s, 'sup-a'));
    const third = lives[2] as Life;
    const flags = flagsOf('repeat-winner', input({ lives }));
    expect(flags).toEqual([
      expect.objectContaining({
        severity: 'info',
        aggregate: { type: 'tender', id: 'tnd_rep3' },
        lotId: 'innlandet',
        supplierId: 'sup-a',
        at: third.tender.award?.approvedAt,
        evidence: expect.objectContaining({
          awards: 3,
          hospitalAreaIds: ['innlandet'],
          serviceAreaIds: ['koloskopi'],
        }),
      }),
    ]);
    expect(flags[0]?.detail).toBe(
      'sup-a has won the lot covering innlandet in koloskopi in 3 tenders (tnd_rep1, tnd_rep2, tnd_rep3), the 3rd award on ' +
        `${third.tender.award?.approvedAt.slice(0, 10)}.`,
    );
  });

  it('does not flag two wins, another combination of hospital areas, or an award withdrawn for revision', () => {
    const two = starts.slice(0, 2).map((s, i) => awarded(`tnd_rep${i + 1}`, s, 'sup-a'));
    expect(flagsOf('repeat-winner', input({ lives: two }))).toEqual([]);
    const wider = awarded('tnd_rep3', starts[2] as Date, 'sup-a', 'sup-other', (c) => ({
      ...c,
      lots: c.lots.map((l) =>
        l.id === 'innlandet' ? { ...l, hospitalAreaIds: ['innlandet', 'akershus'] } : l,
      ),
    }));
    expect(flagsOf('repeat-winner', input({ lives: [...two, wider] }))).toEqual([]);
    const withdrawn = awarded('tnd_rep3', starts[2] as Date, 'sup-a');
    record(withdrawn, reviseAward(withdrawn.tender, 'Klage', plus(NOW, -DAY)), plus(NOW, -DAY));
    expect(flagsOf('repeat-winner', input({ lives: [...two, withdrawn] }))).toEqual([]);
  });
});

describe('award-revised', () => {
  const start = daysBefore(100);
  const revisedLife = () => {
    const life = awarded('tnd_rev', start, 'sup-a', 'sup-b');
    const revisedAt = plus(new Date(life.tender.award?.approvedAt as string), 2 * DAY);
    record(life, reviseAward(life.tender, 'Klage fra sup-b på prisevalueringen', revisedAt), revisedAt);
    return { life, revisedAt };
  };

  it('flags a withdrawn award as a warning when the next decision names another winner', () => {
    const { life, revisedAt } = revisedLife();
    decide(life, plus(revisedAt, 2 * DAY), ['sup-a']);
    const flags = flagsOf('award-revised', input({ lives: [life] }));
    expect(flags).toEqual([
      expect.objectContaining({
        severity: 'warning',
        aggregate: { type: 'tender', id: 'tnd_rev' },
        lotId: 'innlandet',
        at: revisedAt.toISOString(),
        evidence: expect.objectContaining({
          withdrawnRevision: 1,
          newRevision: 2,
          reason: 'Klage fra sup-b på prisevalueringen',
          changedLots: [{ lotId: 'innlandet', before: ['sup-a'], after: ['sup-b'] }],
        }),
      }),
    ]);
    expect(flags[0]?.detail).toMatch(
      /revision 1, approved .*withdrawn on .* because: Klage fra sup-b på prisevalueringen; revision 2 changed the winners of innlandet \(sup-a → sup-b\)\./,
    );
  });

  it('is information when the winners stay or no new decision is made yet', () => {
    const pending = revisedLife();
    expect(flagsOf('award-revised', input({ lives: [pending.life] })).map((f) => f.severity)).toEqual([
      'info',
    ]);
    expect(flagsOf('award-revised', input({ lives: [pending.life] }))[0]?.detail).toMatch(
      /no new decision yet\.$/,
    );
    decide(pending.life, plus(pending.revisedAt, 2 * DAY));
    const kept = flagsOf('award-revised', input({ lives: [pending.life] }));
    expect(kept.map((f) => [f.severity, f.evidence.newRevision, f.evidence.changedLots])).toEqual([
      ['info', 2, []],
    ]);
  });

  it('does not flag a ranking withdrawn before any decision, nor a first decision', () => {
    const life = announced('tnd_rank', start);
    submit(life, 'innlandet', 'sup-a', plus(start, 5 * DAY), 2000);
    submit(life, 'innlandet', 'sup-b', plus(start, 6 * DAY), 2600);
    const opened = openBids(life);
    rank(life, plus(opened, DAY));
    record(life, reviseAward(life.tender, 'Feil poeng', plus(opened, 2 * DAY)), plus(opened, 2 * DAY));
    decide(life, plus(opened, 3 * DAY));
    expect(life.tender.award?.revision).toBe(1);
    expect(flagsOf('award-revised', input({ lives: [life] }))).toEqual([]);
  });

  it('reads the standing revision when the trail is not given', () => {
    const { life, revisedAt } = revisedLife();
    decide(life, plus(revisedAt, 2 * DAY), ['sup-a']);
    const flags = flagsOf('award-revised', { ...input({ lives: [life] }), events: [] });
    expect(flags).toEqual([
      expect.objectContaining({
        severity: 'info',
        at: life.tender.award?.approvedAt,
        evidence: { revision: 2, approvedAt: life.tender.award?.approvedAt, source: 'tender' },
      }),
    ]);
  });
});

describe('amendment-share', () => {
  const base = awarded('tnd_amend', daysBefore(330), 'sup-a');
  const agreement: Agreement = {
    ...agreementFromAward(
      { ...base.tender, version: 1 },
      base.tender.lots[0] as Lot,
      {
        id: 'bid_a',
        supplierId: 'sup-a',
        prices: [{ unit: 'konsultasjoner', unitPrice: 2000 }],
        capacity: [{ unit: 'konsultasjoner', quantity: 6000 }],
        deliverySites: [{ place: 'Hamar', hospitalAreaId: 'innlandet' }],
      },
      1,
      daysBefore(300).toISOString(),
    ),
    version: 1,
  };
  const year: PerformanceYear = {
    ...initialYear(agreement, 'award', daysBefore(300).toISOString()),
    version: 1,
  };
  /** Amendments raised and (unless `proposedOnly`) confirmed at the given days before now. */
  const amendments = (changes: [delta: number, daysAgo: number, proposedOnly?: boolean][]): Amendment[] => {
    const out: Amendment[] = [];
    for (const [i, [delta, daysAgo, proposedOnly]] of changes.entries()) {
      const at = daysBefore(daysAgo).toISOString();
      const raised = {
        ...proposeAmendment(
          year,
          out,
          { unit: 'konsultasjoner', delta, reason: `Endring ${i + 1}` },
          {
            id: `amd_${i + 1}`,
            by: officer,
            at,
          },
        ),
        version: 1,
      };
      out.push(proposedOnly ? raised : confirmAmendment(raised, year, out, { by: officer, at }).after);
    }
    return out;
  };
  const data = (list: Amendment[]) => input({ agreements: [agreement], years: [year], amendments: list });

  it(`flags confirmed amendments moving ${AMENDMENT_SHARE_PERCENT}% of the agreed volume, at the one that reached it`, () => {
    expect(year.lines).toEqual([{ unit: 'konsultasjoner', volume: 6000, unitPrice: 2000 }]);
    const flags = flagsOf(
      'amendment-share',
      data(
        amendments([
          [1000, 200],
          [200, 150],
        ]),
      ),
    );
    expect(flags).toEqual([
      {
        rule: 'amendment-share',
        severity: 'warning',
        aggregate: { type: 'agreement', id: agreement.id },
        lotId: 'innlandet',
        supplierId: 'sup-a',
        at: daysBefore(150).toISOString(),
        detail: `Confirmed amendments of sup-a's ${year.year} performance agreement moved 1200 konsultasjoner (net +1200), 20% of the 6000 agreed; 20% was reached on ${daysBefore(150).toISOString().slice(0, 10)}.`,
        evidence: expect.objectContaining({
          agreedVolume: 6000,
          movedVolume: 1200,
          netChange: 1200,
          sharePercent: 20,
        }),
      },
    ]);
  });

  it('counts volume moved both ways', () => {
    const flags = flagsOf(
      'amendment-share',
      data(
        amendments([
          [-600, 200],
          [600, 150],
        ]),
      ),
    );
    expect(flags.map((f) => [f.evidence.movedVolume, f.evidence.netChange])).toEqual([[1200, 0]]);
  });

  it('does not flag 1 199 of 6 000, proposed amendments, or confirmations after now', () => {
    expect(
      flagsOf(
        'amendment-share',
        data(
          amendments([
            [1000, 200],
            [199, 150],
            [3000, 100, true],
          ]),
        ),
      ),
    ).toEqual([]);
    const later = amendments([
      [1000, 200],
      [200, 150],
    ]);
    expect(flagsOf('amendment-share', data(later), daysBefore(160))).toEqual([]);
  });
});

describe('options-past-plan', () => {
  const life = awarded('tnd_opt', daysBefore(330), 'sup-a');
  const base = (id: string, startDate: string, endDate: string, months: number[]): Agreement => ({
    ...agreementFromAward(
      { ...life.tender, version: 1 },
      life.tender.lots[0] as Lot,
      {
        id: 'bid_a',
        supplierId: 'sup-a',
        prices: [{ unit: 'konsultasjoner', unitPrice: 2000 }],
        capacity: [{ unit: 'konsultasjoner', quantity: 750 }],
        deliverySites: [{ place: 'Hamar', hospitalAreaId: 'innlandet' }],
      },
      1,
      daysBefore(300).toISOString(),
    ),
    id,
    startDate,
    endDate,
    options: months.map((durationMonths) => ({ durationMonths })),
    version: 1,
  });
  const exercise = (a: Agreement, ...days: string[]): Agreement =>
    days.reduce(
      (acc, today) => exerciseOption(acc, { today, at: `${today}T10:00:00.000Z`, by: officer }).after,
      a,
    );
  const flags = (...agreements: Agreement[]) =>
    flagsOf('options-past-plan', input({ agreements, tenders: [], lives: [] }));

  it('counts months as the calendar does', () => {
    expect(monthsBetween('2025-01-01', '2027-01-01')).toBe(24);
    expect(monthsBetween('2027-01-01', '2027-12-01')).toBe(11);
    expect(monthsBetween('2025-01-01', '2025-01-16')).toBeCloseTo(15 / 31);
  });

  it('flags the last option used: two years planned, run to three', () => {
    const a = exercise(base('agr_last', '2025-01-01', '2026-12-31', [12]), '2026-05-01');
    expect(flags(a)).toEqual([
      {
        rule: 'options-past-plan',
        severity: 'info',
        aggregate: { type: 'agreement', id: 'agr_last' },
        lotId: 'innlandet',
        supplierId: 'sup-a',
        at: '2026-05-01T10:00:00.000Z',
        detail:
          'The agreement with sup-a for "Opptaksområdet til Sykehuset Innlandet HF", planned to end 2026-12-31, will run to 2027-12-31 on 1 of 1 option(s): 12 months beyond a 24-month term (50%), 36 months in all, no option left; no successor tender names it.',
        evidence: expect.objectContaining({
          plannedEnd: '2026-12-31',
          runsUntil: '2027-12-31',
          extensionPercent: 50,
          lastOptionUsed: true,
          runningOnOptions: false,
          totalTermMonths: 36,
        }),
      },
    ]);
  });

  it(`flags an extension of ${OPTIONS_EXTENSION_PERCENT}% of the planned term with options left, not 11 of 24 months`, () => {
    const half = exercise(base('agr_half', '2025-01-01', '2026-12-31', [12, 12]), '2026-05-01');
    const less = exercise(base('agr_less', '2025-01-01', '2026-12-31', [11, 12]), '2026-05-01');
    expect(flags(half, less).map((f) => [f.aggregate.id, f.severity, f.evidence.lastOptionUsed])).toEqual([
      ['agr_half', 'info', false],
    ]);
  });

  it(`warns when options carry a framework agreement past ${FRAMEWORK_MAX_MONTHS} months, and names its successor`, () => {
    // Four years planned, two yearly options: the first is 25% (no flag), the second the last (72 months).
    const long = exercise(base('agr_long', '2021-01-01', '2024-12-31', [12, 12]), '2024-05-01', '2025-05-01');
    const successor = { ...announced('tnd_next', daysBefore(20)).tender, replacesAgreementIds: ['agr_long'] };
    const found = flagsOf('options-past-plan', input({ agreements: [long], tenders: [successor] }));
    expect(found).toEqual([
      expect.objectContaining({
        severity: 'warning',
        at: '2025-05-01T10:00:00.000Z',
        evidence: expect.objectContaining({
          extensionPercent: 50,
          totalTermMonths: 72,
          beyondFrameworkMaximum: true,
          runningOnOptions: true,
          successorTenderIds: ['tnd_next'],
        }),
      }),
    ]);
    expect(found[0]?.detail).toMatch(
      /runs to 2026-12-31 on 2 of 2 option\(s\).*successor tender\(s\) tnd_next\.$/,
    );
    // Exactly 48 months in all is within the maximum: information.
    const four = exercise(base('agr_four', '2024-01-01', '2025-12-31', [12, 12]), '2025-05-01', '2025-06-01');
    expect(flags(four).map((f) => [f.severity, f.evidence.totalTermMonths, f.at])).toEqual([
      ['info', 48, '2025-05-01T10:00:00.000Z'],
    ]);
  });

  it('does not flag an agreement without options exercised, or one exercised after now', () => {
    const first = exercise(base('agr_25', '2023-01-01', '2026-12-31', [12, 12]), '2026-05-01');
    expect(flags(base('agr_none', '2025-01-01', '2026-12-31', [12]), first)).toEqual([]);
    const a = exercise(base('agr_last', '2025-01-01', '2026-12-31', [12]), '2026-05-01');
    expect(
      flagsOf('options-past-plan', input({ agreements: [a] }), new Date('2026-04-30T00:00:00Z')),
    ).toEqual([]);
  });
});

describe('riskFlags', () => {
  it('returns every rule’s flags newest first', () => {
    const lives = [daysBefore(330), daysBefore(220), daysBefore(110)].map((s, i) =>
      awarded(`tnd_all${i + 1}`, s, 'sup-a'),
    );
    const single = announced('tnd_one', daysBefore(60));
    submit(single, 'innlandet', 'sup-z', daysBefore(50));
    openBids(single);
    const flags = riskFlags(input({ lives: [...lives, single] }), NOW);
    expect(flags.map((f) => f.rule)).toEqual(['single-bidder', 'repeat-winner']);
    const times = flags.map((f) => Date.parse(f.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});
