/**
 * Evaluation, ranking and the award decision (documented in docs/domain.md, "Evaluation").
 *
 * - Every criterion is worth 0–10 points. Quality criteria (kind quality or accessibility): the
 *   mean of the evaluators' scores. Price: the bid's evaluated price is the sum over the lot's
 *   estimated volumes of unit price × quantity; the lowest evaluated price gets 10 points, the
 *   others 10 × lowest / own (in proportion).
 * - Total = Σ weight × points / 10, so 0–100.
 * - Ranking per lot, best first; ties are broken by, in order: the lower evaluated price, the higher
 *   weighted quality points, the earlier receipt of the final submission, the bid id.
 * - Award: the best-ranked qualified bids up to the lot's maximum win; a lot with fewer qualified,
 *   fully scored bids than its minimum is unsuccessful.
 * Pure: no AWS.
 */

import type { Bid } from './bid.ts';
import type { ProblemItem } from './refusal.ts';
import type { AwardCriterion, AwardDecision, Lot, Tender } from './tender.ts';

export const SCALE_MAX = 10;

export interface EvaluatorScores {
  bidId: string;
  evaluator: { sub: string; name: string };
  scores: { criterionId: string; score: number; comment?: string }[];
  at: string;
}

export interface RankedBid {
  rank: number;
  bidId: string;
  supplierId: string;
  evaluatedPrice: number;
  points: Record<string, number>;
  qualityPoints: number;
  total: number;
  evaluators: number;
  receivedAt: string;
}

export interface LotRanking {
  lotId: string;
  status: 'ranked' | 'unsuccessful';
  reason?: string;
  ranking: RankedBid[];
}

/** Six decimals: enough to separate real differences, few enough that float noise never decides. */
const round = (n: number): number => Math.round(n * 1e6) / 1e6;

const qualityCriteria = (tender: Pick<Tender, 'awardCriteria'>): AwardCriterion[] =>
  tender.awardCriteria.filter((c) => c.kind !== 'price');

export const evaluatedPrice = (bid: Pick<Bid, 'prices'>, lot: Lot): number =>
  round(
    lot.estimatedVolumes.reduce(
      (sum, v) => sum + (bid.prices.find((p) => p.unit === v.unit)?.unitPrice ?? 0) * v.quantity,
      0,
    ),
  );

/** Problems with one evaluator's scores for one bid: every quality criterion once, 0–10. */
export const scoreProblems = (
  tender: Pick<Tender, 'awardCriteria'>,
  scores: { criterionId: string; score: number }[],
): ProblemItem[] => {
  const problems: ProblemItem[] = [];
  const wanted = qualityCriteria(tender).map((c) => c.id);
  scores.forEach((s, i) => {
    if (!wanted.includes(s.criterionId)) {
      problems.push({
        pointer: `#/scores/${i}/criterionId`,
        detail: `"${s.criterionId}" is not a quality criterion of this tender (price is scored by formula)`,
      });
    }
    if (s.score < 0 || s.score > SCALE_MAX) {
      problems.push({ pointer: `#/scores/${i}/score`, detail: `Scores run from 0 to ${SCALE_MAX}` });
    }
  });
  for (const id of wanted) {
    const count = scores.filter((s) => s.criterionId === id).length;
    if (count === 0) problems.push({ pointer: '#/scores', detail: `A score for "${id}" is missing` });
    if (count > 1) problems.push({ pointer: '#/scores', detail: `"${id}" is scored more than once` });
  }
  return problems;
};

/** The qualified bids of a lot that do not yet have scores from enough evaluators. */
export const bidsMissingScores = (
  tender: Pick<Tender, 'minEvaluators'>,
  qualified: Pick<Bid, 'id'>[],
  scores: EvaluatorScores[],
): { bidId: string; evaluators: number }[] => {
  // One pass over the scores, counting per bid (a search of every score per bid was quadratic).
  const counted = new Map<string, number>();
  for (const b of qualified) counted.set(b.id, 0);
  for (const s of scores) {
    const n = counted.get(s.bidId);
    if (n !== undefined) counted.set(s.bidId, n + 1);
  }
  return qualified
    .map((b) => ({ bidId: b.id, evaluators: counted.get(b.id) ?? 0 }))
    .filter((b) => b.evaluators < tender.minEvaluators);
};

const compare = (a: Omit<RankedBid, 'rank'>, b: Omit<RankedBid, 'rank'>): number =>
  b.total - a.total ||
  a.evaluatedPrice - b.evaluatedPrice ||
  b.qualityPoints - a.qualityPoints ||
  (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0) ||
  (a.bidId < b.bidId ? -1 : a.bidId > b.bidId ? 1 : 0);

/**
 * Ranks the qualified bids of one lot. `bids` may hold every bid of the lot; only qualified ones
 * count. Scores of bids that are not qualified are ignored.
 */
export const rankLot = (
  tender: Pick<Tender, 'awardCriteria' | 'minEvaluators'>,
  lot: Lot,
  bids: Pick<Bid, 'id' | 'supplierId' | 'status' | 'prices' | 'receivedAt' | 'lotId'>[],
  scores: EvaluatorScores[],
): LotRanking => {
  const qualified = bids.filter((b) => b.lotId === lot.id && b.status === 'qualified');
  // Each qualified bid's scores in the order they come, from one pass over the scores: the lot's
  // ranking costs the bids and scores it reads, not their product (a search per bid was quadratic).
  const own = new Map<string, EvaluatorScores[]>();
  for (const b of qualified) own.set(b.id, []);
  for (const s of scores) own.get(s.bidId)?.push(s);
  const scored = qualified.filter((b) => (own.get(b.id)?.length ?? 0) >= tender.minEvaluators);
  if (scored.length === 0) {
    return {
      lotId: lot.id,
      status: 'unsuccessful',
      reason: qualified.length === 0 ? 'No qualified bid' : 'No qualified bid has enough evaluator scores',
      ranking: [],
    };
  }
  const prices = new Map(scored.map((b) => [b.id, evaluatedPrice(b, lot)]));
  // A loop, not Math.min(...): spreading tens of thousands of arguments can overflow the stack.
  let lowest = Number.POSITIVE_INFINITY;
  for (const p of prices.values()) lowest = Math.min(lowest, p);
  const priceCriterion = tender.awardCriteria.find((c) => c.kind === 'price');
  const quality = qualityCriteria(tender);
  const weighted = (c: AwardCriterion, exact: Record<string, number>) =>
    (c.weight * (exact[c.id] ?? 0)) / SCALE_MAX;
  const rows: RankedBid[] = scored.map((bid) => {
    const mine = own.get(bid.id) ?? [];
    const exact: Record<string, number> = {};
    for (const c of quality) {
      // The mean of the evaluators' scores, summed in their order from 0.
      let sum = 0;
      for (const s of mine) sum += s.scores.find((x) => x.criterionId === c.id)?.score ?? 0;
      exact[c.id] = sum / mine.length;
    }
    const price = prices.get(bid.id) ?? 0;
    if (priceCriterion) exact[priceCriterion.id] = price > 0 ? (SCALE_MAX * lowest) / price : SCALE_MAX;
    const points: Record<string, number> = {};
    for (const [k, v] of Object.entries(exact)) points[k] = round(v);
    let qualityPoints = 0;
    for (const c of quality) qualityPoints += weighted(c, exact);
    let total = 0;
    for (const c of tender.awardCriteria) total += weighted(c, exact);
    return {
      rank: 0, // numbered once sorted (first, as the ranking has always listed it)
      bidId: bid.id,
      supplierId: bid.supplierId,
      evaluatedPrice: price,
      points,
      qualityPoints: round(qualityPoints),
      total: round(total),
      evaluators: mine.length,
      receivedAt: bid.receivedAt,
    };
  });
  rows.sort(compare);
  rows.forEach((r, i) => {
    r.rank = i + 1;
  });
  return { lotId: lot.id, status: 'ranked', ranking: rows };
};

/**
 * The rankings of `lots` from every bid and score of their tender, in one pass: each bid goes to its
 * lot and each score to its bid's lot, in the order they come, and each lot is ranked from its own
 * (`rankLot`). The same rankings as ranking each lot from everything, at the cost of reading the
 * inputs once rather than once per lot (the workflow's ranking step, and the benchmark of it).
 */
export const rankLots = (
  tender: Pick<Tender, 'awardCriteria' | 'minEvaluators'>,
  lots: Lot[],
  bids: Pick<Bid, 'id' | 'supplierId' | 'status' | 'prices' | 'receivedAt' | 'lotId'>[],
  scores: EvaluatorScores[],
): LotRanking[] => {
  const bidsOf = new Map<string, typeof bids>(lots.map((l) => [l.id, []]));
  const scoresOf = new Map<string, EvaluatorScores[]>(lots.map((l) => [l.id, []]));
  // A bid id names one bid (bidIdFor); should two lots hold the same id, a score of it counts in
  // both, as it would ranking each lot from everything.
  const lotsOfBid = new Map<string, string[]>();
  for (const b of bids) {
    const own = bidsOf.get(b.lotId);
    if (!own) continue;
    own.push(b);
    const holding = lotsOfBid.get(b.id);
    if (!holding) lotsOfBid.set(b.id, [b.lotId]);
    else if (!holding.includes(b.lotId)) holding.push(b.lotId);
  }
  for (const s of scores) for (const lotId of lotsOfBid.get(s.bidId) ?? []) scoresOf.get(lotId)?.push(s);
  return lots.map((lot) => rankLot(tender, lot, bidsOf.get(lot.id) ?? [], scoresOf.get(lot.id) ?? []));
};

/** The award of one lot from its ranking: the best up to the maximum, or unsuccessful below the minimum. */
export const awardLot = (
  lot: Pick<Lot, 'id' | 'minSuppliers' | 'maxSuppliers'>,
  ranking: LotRanking,
): { lotId: string; status: 'awarded' | 'unsuccessful'; reason?: string; winners: RankedBid[] } => {
  if (ranking.status === 'unsuccessful') {
    return { lotId: lot.id, status: 'unsuccessful', reason: ranking.reason ?? 'No ranked bid', winners: [] };
  }
  if (ranking.ranking.length < lot.minSuppliers) {
    return {
      lotId: lot.id,
      status: 'unsuccessful',
      reason: `${ranking.ranking.length} ranked bid(s), fewer than the lot's minimum of ${lot.minSuppliers}`,
      winners: [],
    };
  }
  return { lotId: lot.id, status: 'awarded', winners: ranking.ranking.slice(0, lot.maxSuppliers) };
};

/** The award decision over every open lot, from the stored rankings. */
export const buildAwardDecision = (
  tender: Pick<Tender, 'lots' | 'lotOutcomes' | 'standstillDays'> & { award?: { revision: number } },
  rankings: LotRanking[],
  approvedBy: { sub: string; name: string },
  now: Date,
): AwardDecision => ({
  revision: (tender.award?.revision ?? 0) + 1,
  approvedAt: now.toISOString(),
  approvedBy,
  standstillEndsAt: new Date(now.getTime() + tender.standstillDays * 86_400_000).toISOString(),
  lots: tender.lots
    .filter((lot) => (tender.lotOutcomes?.[lot.id]?.status ?? 'open') === 'open')
    .map((lot) => {
      const ranking = rankings.find((r) => r.lotId === lot.id) ?? {
        lotId: lot.id,
        status: 'unsuccessful' as const,
        reason: 'The lot was not ranked',
        ranking: [],
      };
      const result = awardLot(lot, ranking);
      return {
        lotId: lot.id,
        status: result.status,
        ...(result.reason ? { reason: result.reason } : {}),
        winners: result.winners.map((w) => ({
          bidId: w.bidId,
          supplierId: w.supplierId,
          rank: w.rank,
          total: w.total,
        })),
      };
    }),
});

export type BidderOutcome = 'won' | 'lost' | 'rejected' | 'lot-unsuccessful';

/** A ranked bid's standing: its rank, total and points per criterion (0–10 each). */
export interface Standing {
  rank: number;
  total: number;
  points: Record<string, number>;
}

/** What each bidder is told of the decision on its bid (a reasoned decision, begrunnet tildeling). */
export interface BidderResult {
  supplierId: string;
  lotId: string;
  bidId: string;
  outcome: BidderOutcome;
  rank?: number;
  total?: number;
  /** The bid's own points per criterion, when it was ranked. */
  points?: Record<string, number>;
  /** Beside a bid that lost: the winning bids' standings, for the comparison the rules expect. */
  winners?: (Standing & { supplierId: string })[];
  reason?: string;
}

const standingOf = (r: RankedBid): Standing => ({ rank: r.rank, total: r.total, points: r.points });

/**
 * Each bidder's own result, as every bidder receives it at the same time. A bid that lost is told
 * its points per criterion beside each winner's (the reasons Norwegian and Danish rules expect of
 * an award decision: the characteristics and relative advantages of the chosen bids).
 */
export const bidderResults = (
  decision: AwardDecision,
  rankings: LotRanking[],
  bids: Pick<Bid, 'id' | 'supplierId' | 'lotId' | 'status' | 'qualification'>[],
): BidderResult[] => {
  // Each lot's decision, ranked bids by id and winners' standings, once: looked up per bid, not
  // searched for (a search per bid made telling every bidder quadratic in the bids of a lot).
  const lots = new Map<string, LotResults | undefined>();
  const lotOf = (lotId: string): LotResults | undefined => {
    if (lots.has(lotId)) return lots.get(lotId);
    const lot = decision.lots.find((l) => l.lotId === lotId);
    const ranking = rankings.find((r) => r.lotId === lotId)?.ranking ?? [];
    const ranked = new Map<string, RankedBid>();
    for (const r of ranking) if (!ranked.has(r.bidId)) ranked.set(r.bidId, r);
    const winnerIds = new Set(lot?.winners.map((w) => w.bidId));
    const winners = (lot?.winners ?? []).flatMap((w) => {
      const won = ranked.get(w.bidId);
      return won ? [{ supplierId: won.supplierId, ...standingOf(won) }] : [];
    });
    const results = lot ? { lot, ranked, winnerIds, winners } : undefined;
    lots.set(lotId, results);
    return results;
  };
  return bids
    .filter((b) => b.status === 'qualified' || b.status === 'rejected')
    .flatMap((b): BidderResult[] => {
      const of = lotOf(b.lotId);
      if (!of) return [];
      const { lot, ranked: rankedBids, winnerIds } = of;
      const ranked = rankedBids.get(b.id);
      const base = {
        supplierId: b.supplierId,
        lotId: b.lotId,
        bidId: b.id,
        ...(ranked ? standingOf(ranked) : {}),
      };
      if (b.status === 'rejected')
        return [{ ...base, outcome: 'rejected', reason: b.qualification?.reason ?? 'Not qualified' }];
      if (lot.status === 'unsuccessful')
        return [{ ...base, outcome: 'lot-unsuccessful', reason: lot.reason ?? 'The lot was not awarded' }];
      if (winnerIds.has(b.id)) return [{ ...base, outcome: 'won' }];
      const winners = of.winners.map((w) => ({ ...w }));
      return [
        {
          ...base,
          outcome: 'lost',
          ...(winners.length ? { winners } : {}),
          reason: ranked
            ? `Rank ${ranked.rank}; the lot awards ${lot.winners.length}`
            : 'Not ranked: not enough evaluator scores',
        },
      ];
    });
};

interface LotResults {
  lot: AwardDecision['lots'][number];
  ranked: Map<string, RankedBid>;
  winnerIds: Set<string>;
  winners: (Standing & { supplierId: string })[];
}
