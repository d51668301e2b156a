/**
 * A reasoned award decision: each bidder learns its own result, and a bid that lost its points per
 * criterion beside each winner's (before, only its rank and total).
 */
import { describe, expect, it } from 'vitest';
import { bidderResults, type LotRanking, type RankedBid } from '../../functions/domain/evaluation.ts';
import type { AwardDecision } from '../../functions/domain/tender.ts';

const ranked = (
  rank: number,
  bidId: string,
  supplierId: string,
  points: Record<string, number>,
): RankedBid => ({
  rank,
  bidId,
  supplierId,
  evaluatedPrice: 1_000_000,
  points,
  qualityPoints: 0,
  total: Object.values(points).reduce((a, b) => a + b, 0) * 5,
  evaluators: 2,
  receivedAt: '2027-01-01T10:00:00.000Z',
});

const rankings: LotRanking[] = [
  {
    lotId: 'innlandet',
    status: 'ranked',
    ranking: [
      ranked(1, 'b1', 'falck-norge-as', { price: 10, quality: 8 }),
      ranked(2, 'b2', 'norsk-arbeidshelse-as', { price: 9.2, quality: 7 }),
      ranked(3, 'b3', 'unicare-steffensrud-as', { price: 8, quality: 6.5 }),
    ],
  },
];

const decision: AwardDecision = {
  revision: 1,
  approvedAt: '2027-02-01T10:00:00.000Z',
  approvedBy: { sub: 'o', name: 'Kari' },
  standstillEndsAt: '2027-02-11T10:00:00.000Z',
  lots: [
    {
      lotId: 'innlandet',
      status: 'awarded',
      winners: [{ bidId: 'b1', supplierId: 'falck-norge-as', rank: 1, total: 90 }],
    },
  ],
};

const bids = [
  { id: 'b1', supplierId: 'falck-norge-as', lotId: 'innlandet', status: 'qualified' as const },
  { id: 'b2', supplierId: 'norsk-arbeidshelse-as', lotId: 'innlandet', status: 'qualified' as const },
  { id: 'b3', supplierId: 'unicare-steffensrud-as', lotId: 'innlandet', status: 'qualified' as const },
  {
    id: 'b4',
    supplierId: 'aleris',
    lotId: 'innlandet',
    status: 'rejected' as const,
    qualification: {
      qualified: false,
      reason: 'No certified endoscopy unit',
      at: '2027-01-20T10:00:00.000Z',
    },
  },
];

describe('the award decision each bidder reads', () => {
  const results = bidderResults(decision, rankings, bids as never);
  const of = (bidId: string) => results.find((r) => r.bidId === bidId);

  it("tells a bid that lost its points per criterion beside the winner's", () => {
    expect(of('b2')).toMatchObject({
      outcome: 'lost',
      rank: 2,
      points: { price: 9.2, quality: 7 },
      winners: [{ supplierId: 'falck-norge-as', rank: 1, points: { price: 10, quality: 8 } }],
    });
    expect(of('b3')?.winners?.[0]?.points).toEqual({ price: 10, quality: 8 });
  });

  it('tells the winner its own points, and no one else the points of a bid that did not win', () => {
    expect(of('b1')).toMatchObject({ outcome: 'won', points: { price: 10, quality: 8 } });
    expect(of('b1')).not.toHaveProperty('winners');
    for (const r of results) for (const w of r.winners ?? []) expect(w.supplierId).toBe('falck-norge-as');
  });

  it('tells a rejected bid why, without a ranking', () => {
    expect(of('b4')).toEqual({
      supplierId: 'aleris',
      lotId: 'innlandet',
      bidId: 'b4',
      outcome: 'rejected',
      reason: 'No certified endoscopy unit',
    });
  });
});
