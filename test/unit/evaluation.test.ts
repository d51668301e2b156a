/** Evaluation, ranking and award rules (functions/domain/evaluation.ts), without mocks. */
import { describe, expect, it } from 'vitest';
import { type Bid, bidProblems } from '../../functions/domain/bid.ts';
import {
  awardLot,
  bidsMissingScores,
  buildAwardDecision,
  type EvaluatorScores,
  evaluatedPrice,
  rankLot,
  scoreProblems,
} from '../../functions/domain/evaluation.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import type { Lot, Tender } from '../../functions/domain/tender.ts';
import { colonoscopyBid, colonoscopyTender } from '../helpers/fixtures.ts';

const content = colonoscopyTender(Date.parse('2026-11-01T00:00:00Z'));
const tender = {
  ...content,
  currency: 'NOK',
  minEvaluators: 1,
  questionsCloseHours: 72,
} as unknown as Tender;
const lot = content.lots[1] as Lot; // telemark-vestfold: 750 konsultasjoner, 1–2 suppliers

const bid = (
  id: string,
  price: number,
  receivedAt = '2026-11-20T10:00:00.000Z',
  status: Bid['status'] = 'qualified',
) => ({
  id,
  supplierId: `supplier-${id}`,
  lotId: lot.id,
  status,
  receivedAt,
  ...colonoscopyBid('telemark-vestfold', price),
});

const scored = (bidId: string, kvalitet: number, tilgjengelighet: number, sub = 'eva'): EvaluatorScores => ({
  bidId,
  evaluator: { sub, name: sub },
  scores: [
    { criterionId: 'kvalitet', score: kvalitet },
    { criterionId: 'tilgjengelighet', score: tilgjengelighet },
  ],
  at: '2026-12-01T10:00:00.000Z',
});

describe('scoring and ranking', () => {
  it('prices the lot at its estimated volumes, and gives the lowest price full points, others in proportion', () => {
    expect(evaluatedPrice(bid('a', 2000), lot)).toBe(1_500_000);
    const r = rankLot(tender, lot, [bid('a', 2000), bid('b', 2500)], [scored('a', 5, 5), scored('b', 5, 5)]);
    expect(r.ranking.map((x) => [x.bidId, x.points.pris, x.total])).toEqual([
      ['a', 10, 70], // 40 × 10/10 + 40 × 5/10 + 20 × 5/10
      ['b', 8, 62], // price points 10 × 2000/2500 = 8
    ]);
  });

  it('combines several evaluators by the mean of their scores per criterion', () => {
    const r = rankLot(
      { ...tender, minEvaluators: 2 },
      lot,
      [bid('a', 2000)],
      [scored('a', 6, 4, 'eva'), scored('a', 9, 8, 'erik')],
    );
    expect(r.ranking[0]?.points).toMatchObject({ kvalitet: 7.5, tilgjengelighet: 6 });
    expect(r.ranking[0]?.evaluators).toBe(2);
  });

  it('breaks ties deterministically: lower price, then higher quality, then earlier receipt, then bid id', () => {
    // Same total 70: a is cheaper (full price points) but weaker on quality than b.
    const a = bid('a', 2000);
    const b = bid('b', 2500);
    const scores = [scored('a', 5, 5), scored('b', 7, 5)]; // b: 40×8/10 + 40×7/10 + 10 = 70
    expect(rankLot(tender, lot, [b, a], scores).ranking.map((x) => [x.bidId, x.total])).toEqual([
      ['a', 70],
      ['b', 70],
    ]);
    // Same price and points: the earlier final submission ranks first, whatever the input order.
    const early = bid('z', 2000, '2026-11-20T09:00:00.000Z');
    const late = bid('y', 2000, '2026-11-20T11:00:00.000Z');
    const tie = [scored('z', 5, 5), scored('y', 5, 5)];
    expect(rankLot(tender, lot, [late, early], tie).ranking.map((x) => x.bidId)).toEqual(['z', 'y']);
    expect(rankLot(tender, lot, [early, late], tie).ranking.map((x) => x.bidId)).toEqual(['z', 'y']);
    // Everything equal: the bid id decides.
    const same = [bid('m', 2000), bid('k', 2000)];
    expect(
      rankLot(tender, lot, same, [scored('m', 5, 5), scored('k', 5, 5)]).ranking.map((x) => x.bidId),
    ).toEqual(['k', 'm']);
  });

  it('ranks only qualified bids with enough evaluator scores', () => {
    const r = rankLot(
      { ...tender, minEvaluators: 2 },
      lot,
      [bid('a', 2000), bid('b', 2100), bid('c', 1000, undefined, 'rejected')],
      [
        scored('a', 5, 5, 'eva'),
        scored('a', 5, 5, 'erik'),
        scored('b', 9, 9, 'eva'),
        scored('c', 9, 9, 'eva'),
      ],
    );
    expect(r.ranking.map((x) => x.bidId)).toEqual(['a']);
    expect(
      bidsMissingScores(
        { minEvaluators: 2 },
        [{ id: 'a' }, { id: 'b' }],
        [scored('a', 1, 1, 'e1'), scored('a', 1, 1, 'e2'), scored('b', 1, 1)],
      ),
    ).toEqual([{ bidId: 'b', evaluators: 1 }]);
  });

  it('checks an evaluator gives every quality criterion one score on the 0–10 scale, and never price', () => {
    expect(
      scoreProblems(tender, [
        { criterionId: 'kvalitet', score: 11 },
        { criterionId: 'pris', score: 5 },
      ]),
    ).toEqual([
      expect.objectContaining({ pointer: '#/scores/0/score' }),
      expect.objectContaining({ pointer: '#/scores/1/criterionId' }),
      expect.objectContaining({ detail: expect.stringContaining('"tilgjengelighet" is missing') }),
    ]);
  });
});

describe('award', () => {
  const ranking = rankLot(
    tender,
    lot,
    [bid('a', 2000), bid('b', 2100), bid('c', 2200)],
    [scored('a', 5, 5), scored('b', 5, 5), scored('c', 5, 5)],
  );

  it('awards the best-ranked bids up to the lot maximum', () => {
    expect(awardLot(lot, ranking).winners.map((w) => w.bidId)).toEqual(['a', 'b']);
  });

  it('makes a lot with fewer ranked bids than its minimum unsuccessful, with the reason', () => {
    const one = rankLot(tender, lot, [bid('a', 2000)], [scored('a', 5, 5)]);
    expect(awardLot({ ...lot, minSuppliers: 2 }, one)).toMatchObject({
      status: 'unsuccessful',
      reason: "1 ranked bid(s), fewer than the lot's minimum of 2",
      winners: [],
    });
  });

  it('decides every open lot, counts revisions and dates the end of the standstill', () => {
    const decision = buildAwardDecision(
      { ...tender, lotOutcomes: { innlandet: { status: 'cancelled', at: 'x' } }, award: undefined },
      [ranking],
      { sub: 'kari', name: 'Kari' },
      new Date('2027-01-10T12:00:00.000Z'),
    );
    expect(decision).toMatchObject({ revision: 1, standstillEndsAt: '2027-01-20T12:00:00.000Z' });
    expect(decision.lots.map((l) => [l.lotId, l.status, l.winners.length])).toEqual([
      ['telemark-vestfold', 'awarded', 2],
    ]);
  });
});

describe('bid rules', () => {
  it('accepts a complete bid for the lot', () => {
    expect(bidProblems(colonoscopyBid('telemark-vestfold', 2000), tender, lot, referenceLookups)).toEqual([]);
  });

  it('points at each problem: a site outside the lot, a missing price, an answer and a confirmation missing', () => {
    const b = colonoscopyBid('telemark-vestfold', 2000);
    const problems = bidProblems(
      {
        ...b,
        prices: [{ unit: 'liggedogn', unitPrice: 10 }],
        deliverySites: [{ place: 'Oslo', hospitalAreaId: 'oslo' }],
        answers: b.answers.slice(0, 1),
        confirmations: [],
      },
      tender,
      lot,
      referenceLookups,
    );
    expect(problems.map((p) => p.pointer)).toEqual([
      '#/prices/0/unit',
      '#/prices',
      '#/deliverySites/0/hospitalAreaId',
      '#/answers',
      '#/confirmations',
    ]);
  });
});
