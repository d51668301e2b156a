/**
 * Scoring and ranking, in process, from 100 to 100 000 bids over 10 to 1 000 lots (issue 15).
 *
 * What runs is the product's own code path, called as the product calls it, per tender:
 *
 * 1. the officer asks for the ranking (`POST /tenders/{id}/ranking`): `requestRanking` checks that
 *    every valid bid is qualified or rejected and every qualified one has its evaluators' scores;
 * 2. the workflow ranks the open lots (its `RankLots` task): `rankLots`, given, as the task gives it,
 *    every bid and every score of the tender (`listBids`, `listScores`, read once), then `recordRanked`;
 * 3. the officer decides the award (`POST /tenders/{id}/award`): `approveAward` on the rankings;
 * 4. the workflow publishes it (`PublishAward`): `bidderResults`, each bidder's outcome for
 *    `Tender.Awarded` (a losing bid told its points beside each winner's).
 *
 * A tender has at most 50 lots (lotSchema), so 100 lots are two tenders and 1 000 lots twenty.
 * Bids and scores as the domain models them: one bid per supplier and lot (its id `bidIdFor`), unit
 * prices for each of the lot's one to three volume units, most bids qualified, some rejected with a
 * reason, some withdrawn or invalidated; three evaluators score each qualified bid on the two quality
 * criteria (0–10), price points by formula. The lists are ordered as DynamoDB returns them (by sort
 * key: bid id; bid id and evaluator).
 *
 * Baselines, same run, same n: sorting n plain numbers (`Float64Array.sort`: the floor of any ranking,
 * and the n log n curve the ranking should follow), and one pass over the inputs that groups the bids
 * and the scores by lot and bid (a Map each: the linear floor of touching every input once, which
 * every ranking must do).
 *
 *   npm run bench:ranking
 *   RANKING_BIDS=100,1000 RANKING_LOTS=10 RANKING_RUNS=3 npm run bench:ranking
 *   RANKING_NO_WRITE=1 … (print only, keep docs/bench/ranking.json)
 */
import { type Bid, bidIdFor } from '../functions/domain/bid.ts';
import {
  bidderResults,
  type EvaluatorScores,
  type LotRanking,
  rankLots,
} from '../functions/domain/evaluation.ts';
import type { Lot } from '../functions/domain/tender.ts';
import { openLotIds } from '../functions/domain/tender.ts';
import {
  approveAward,
  recordRanked,
  requestRanking,
  type TenderState,
} from '../functions/domain/tender-lifecycle.ts';
import { count, fmt, ratio, type Summary, summarise, table, writeSection } from './lib/report.ts';

const list = (name: string, fallback: string) => (process.env[name] ?? fallback).split(',').map(Number);
const BIDS = list('RANKING_BIDS', '100,1000,10000,100000');
const LOTS = list('RANKING_LOTS', '10,100,1000');
const RUNS = Number(process.env.RANKING_RUNS ?? 7);
/** A case whose time, projected from the one before it at the observed growth, is above this is not run. */
const BUDGET_MS = Number(process.env.RANKING_BUDGET_MS ?? 60_000);
const TARGET_MS = 1_000;
const LOTS_PER_TENDER = 50;
const EVALUATORS = 3;

// ---- Inputs ------------------------------------------------------------------------------------

/** mulberry32: the same inputs every run. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const UNITS = [
  { unit: 'konsultasjoner', quantity: 750, price: 2_000 },
  { unit: 'dagbehandlinger', quantity: 300, price: 6_500 },
  { unit: 'liggedogn', quantity: 120, price: 9_800 },
];
const CRITERIA = [
  { id: 'pris', name: 'Pris', kind: 'price' as const, weight: 40 },
  { id: 'kvalitet', name: 'Kvalitet', kind: 'quality' as const, weight: 40 },
  { id: 'tilgjengelighet', name: 'Tilgjengelighet', kind: 'accessibility' as const, weight: 20 },
];
const DEADLINE = Date.parse('2026-12-01T12:00:00.000Z');
const officer = { sub: 'officer-helse-sor-ost', name: 'Bench officer' };

type RankBid = Bid;
interface TenderCase {
  tender: TenderState;
  bids: RankBid[];
  scores: EvaluatorScores[];
}

const makeTender = (t: number, lots: number): TenderState =>
  ({
    id: `tnd_bench${String(t).padStart(3, '0')}`,
    entityId: 'helse-sor-ost',
    status: 'evaluation',
    title: `Koloskopi og dagkirurgi ${t}`,
    serviceAreaIds: ['koloskopi'],
    cpvCodes: ['85121251-7'],
    currency: 'NOK',
    lots: Array.from(
      { length: lots },
      (_, l): Lot => ({
        id: `lot-${String(l).padStart(2, '0')}`,
        title: `Delkontrakt ${l}`,
        hospitalAreaIds: ['innlandet'],
        formsOfCare: ['outpatient', 'day'],
        estimatedVolumes: UNITS.slice(0, 1 + (l % 3)).map(({ unit, quantity }) => ({ unit, quantity })),
        minSuppliers: 1,
        maxSuppliers: 1 + (l % 5),
      }),
    ),
    awardCriteria: CRITERIA,
    qualificationRequirements: [{ id: 'autorisasjon', text: 'Helsepersonell med norsk autorisasjon' }],
    bidDeadline: new Date(DEADLINE).toISOString(),
    standstillDays: 10,
    minEvaluators: EVALUATORS,
    questionsCloseHours: 72,
    createdAt: '2026-09-01T08:00:00.000Z',
    createdBy: officer,
    updatedAt: '2026-12-01T12:01:00.000Z',
    openedAt: '2026-12-01T12:01:00.000Z',
  }) as unknown as TenderState;

/** `bids` bids over `lots` lots (`LOTS_PER_TENDER` a tender), with their evaluators' scores. */
const makeCase = (bids: number, lots: number): TenderCase[] => {
  const next = random(bids * 7919 + lots);
  const tenders = Math.ceil(lots / LOTS_PER_TENDER);
  const cases: TenderCase[] = [];
  let lotIndex = 0;
  for (let t = 0; t < tenders; t++) {
    const tender = makeTender(t, Math.min(LOTS_PER_TENDER, lots - t * LOTS_PER_TENDER));
    const tenderBids: RankBid[] = [];
    const scores: EvaluatorScores[] = [];
    for (const lot of tender.lots) {
      // Bids spread evenly over the lots (the first lots take the remainder).
      const here = Math.floor(bids / lots) + (lotIndex < bids % lots ? 1 : 0);
      lotIndex++;
      for (let k = 0; k < here; k++) {
        const supplierId = `leverandor-${String(k).padStart(6, '0')}`;
        const id = bidIdFor(tender.id, lot.id, supplierId);
        const roll = next();
        const status: Bid['status'] =
          roll < 0.9 ? 'qualified' : roll < 0.95 ? 'rejected' : roll < 0.98 ? 'withdrawn' : 'invalidated';
        const units = lot.estimatedVolumes.map(
          (v) => UNITS.find((u) => u.unit === v.unit) ?? (UNITS[0] as (typeof UNITS)[number]),
        );
        // Prices to the 10 NOK, ±30% around the unit's: equal prices (ties) happen at every size.
        const prices = units.map((u) => ({
          unit: u.unit,
          unitPrice: Math.round((u.price * (0.7 + 0.6 * next())) / 10) * 10,
        }));
        tenderBids.push({
          id,
          tenderId: tender.id,
          entityId: tender.entityId,
          lotId: lot.id,
          supplierId,
          status,
          submittedBy: { sub: `${supplierId}-user`, name: 'Tilbudsansvarlig' },
          receivedAt: new Date(DEADLINE - Math.floor(next() * 14 * 86_400_000)).toISOString(),
          contentSha256: id.slice(4).padEnd(64, '0'),
          tenderRevision: 1,
          prices,
          capacity: units.map((u) => ({ unit: u.unit, quantity: Math.ceil(u.quantity * (0.5 + next())) })),
          deliverySites: [{ place: 'Hamar', hospitalAreaId: 'innlandet' }],
          answers: [
            { criterionId: 'kvalitet', text: 'Gastroenterologer med lang erfaring.' },
            { criterionId: 'tilgjengelighet', text: 'Time innen 14 dager.' },
          ],
          confirmations: [{ requirementId: 'autorisasjon', confirmed: true }],
          ...(status === 'qualified' || status === 'rejected'
            ? {
                qualification: {
                  qualified: status === 'qualified',
                  ...(status === 'rejected' ? { reason: 'Mangler autorisasjon for anestesi' } : {}),
                  by: officer,
                  at: '2026-12-03T10:00:00.000Z',
                },
              }
            : {}),
          version: 1 + Math.floor(next() * 3),
        });
        // Evaluators score each qualified bid (a rejected one sometimes, before its rejection).
        if (status === 'qualified' || (status === 'rejected' && next() < 0.3)) {
          const quality = 3 + next() * 6;
          for (let e = 0; e < EVALUATORS; e++)
            scores.push({
              bidId: id,
              evaluator: { sub: `evaluator-${e}`, name: `Fagevaluator ${e}` },
              scores: CRITERIA.filter((c) => c.kind !== 'price').map((c) => ({
                criterionId: c.id,
                score: Math.max(0, Math.min(10, Math.round(quality + (next() - 0.5) * 4))),
              })),
              at: new Date(DEADLINE + (3 + e) * 86_400_000).toISOString(),
            });
        }
      }
    }
    // As listBids and listScores return them: by sort key.
    tenderBids.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const scoreKey = (s: EvaluatorScores) => `${s.bidId}#${s.evaluator.sub}`;
    scores.sort((a, b) => (scoreKey(a) < scoreKey(b) ? -1 : scoreKey(a) > scoreKey(b) ? 1 : 0));
    cases.push({ tender, bids: tenderBids, scores });
  }
  return cases;
};

// ---- The product's path ------------------------------------------------------------------------

interface Steps {
  request: number;
  rank: number;
  award: number;
  results: number;
}

const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

/** Every tender through the officer's request, the ranking of each lot, the award and its publication. */
const rankAndAward = (cases: TenderCase[]): { steps: Steps; check: string } => {
  const steps: Steps = { request: 0, rank: 0, award: 0, results: 0 };
  const now = new Date(DEADLINE + 10 * 86_400_000);
  let winners = 0;
  let results = 0;
  for (const { tender, bids, scores } of cases) {
    let t = process.hrtime.bigint();
    const requested = requestRanking(tender, bids, scores, now);
    if (!requested.requested) throw new Error('the ranking was not requested');
    steps.request += ms(t);

    t = process.hrtime.bigint();
    const open = new Set(openLotIds(requested.after));
    const rankings: LotRanking[] = rankLots(
      requested.after,
      requested.after.lots.filter((l) => open.has(l.id)),
      bids,
      scores,
    );
    const ranked = recordRanked(requested.after, now);
    if (!ranked) throw new Error('the ranking was not recorded');
    steps.rank += ms(t);

    t = process.hrtime.bigint();
    const approved = approveAward(ranked.after, rankings, officer, now);
    if (!approved.approved) throw new Error('the award was not approved');
    steps.award += ms(t);

    t = process.hrtime.bigint();
    const told = bidderResults(approved.after.award as NonNullable<TenderState['award']>, rankings, bids);
    steps.results += ms(t);

    winners += (approved.after.award?.lots ?? []).reduce((n, l) => n + l.winners.length, 0);
    results += told.length;
  }
  return { steps, check: `${winners} winners, ${results} bidders told` };
};

// ---- Baselines ---------------------------------------------------------------------------------

/** n plain numbers, sorted: the floor of any ranking of n bids. */
const sortNumbers = (values: Float64Array): number => {
  const started = process.hrtime.bigint();
  values.slice().sort();
  return ms(started);
};

/** One pass over the inputs: bids grouped by lot, scores by bid (what every ranking must touch). */
const groupInputs = (cases: TenderCase[]): number => {
  const started = process.hrtime.bigint();
  let groups = 0;
  for (const { bids, scores } of cases) {
    const byLot = new Map<string, RankBid[]>();
    for (const b of bids) {
      const l = byLot.get(b.lotId);
      if (l) l.push(b);
      else byLot.set(b.lotId, [b]);
    }
    const byBid = new Map<string, EvaluatorScores[]>();
    for (const s of scores) {
      const l = byBid.get(s.bidId);
      if (l) l.push(s);
      else byBid.set(s.bidId, [s]);
    }
    groups += byLot.size + byBid.size;
  }
  if (groups < 0) throw new Error('unreachable');
  return ms(started);
};

// ---- Measuring ---------------------------------------------------------------------------------

interface CaseFigures {
  bids: number;
  lots: number;
  tenders: number;
  scores: number;
  check: string;
  total: Summary;
  perBidUs: number;
  steps: Record<keyof Steps, number>;
  sort: Summary;
  group: Summary;
}
interface Skipped {
  bids: number;
  lots: number;
  projectedMs: number;
}

const measure = (bids: number, lots: number): CaseFigures => {
  const cases = makeCase(bids, lots);
  const numbers = new Float64Array(bids).map(random(bids));
  const totals: number[] = [];
  const sorts: number[] = [];
  const groups: number[] = [];
  const stepRuns: Steps[] = [];
  let check = '';
  // One warm-up (compiles the code paths), then the runs, the baselines interleaved with them.
  rankAndAward(cases);
  sortNumbers(numbers);
  groupInputs(cases);
  for (let r = 0; r < RUNS; r++) {
    const started = process.hrtime.bigint();
    const run = rankAndAward(cases);
    totals.push(ms(started));
    stepRuns.push(run.steps);
    check = run.check;
    sorts.push(sortNumbers(numbers));
    groups.push(groupInputs(cases));
  }
  const total = summarise(totals);
  const stepMedian = (k: keyof Steps) => summarise(stepRuns.map((s) => s[k])).median;
  return {
    bids,
    lots,
    tenders: cases.length,
    scores: cases.reduce((n, c) => n + c.scores.length, 0),
    check,
    total,
    perBidUs: (total.median * 1000) / bids,
    steps: {
      request: stepMedian('request'),
      rank: stepMedian('rank'),
      award: stepMedian('award'),
      results: stepMedian('results'),
    },
    sort: summarise(sorts),
    group: summarise(groups),
  };
};

const main = () => {
  const figures: CaseFigures[] = [];
  const skipped: Skipped[] = [];
  for (const lots of LOTS) {
    let before: CaseFigures | undefined;
    for (const bids of BIDS) {
      if (bids < lots) continue;
      // Growth seen so far (at least linear), projected: a quadratic path is not run at 100 000.
      const growth = before && figures.length > 0 ? growthOf(figures, lots) : 1;
      const projected = before ? before.total.median * (bids / before.bids) ** Math.max(1, growth) : 0;
      if (projected > BUDGET_MS) {
        console.log(
          `${count(bids)} bids over ${count(lots)} lots: not run (projected ${(projected / 1000).toFixed(0)} s)`,
        );
        skipped.push({ bids, lots, projectedMs: projected });
        continue;
      }
      const f = measure(bids, lots);
      console.log(
        `${count(bids)} bids over ${count(lots)} lots (${f.tenders} tender(s), ${count(f.scores)} scores): ${fmt(f.total, 1, ' ms')}` +
          ` = request ${f.steps.request.toFixed(1)} + rank ${f.steps.rank.toFixed(1)} + award ${f.steps.award.toFixed(1)} + results ${f.steps.results.toFixed(1)};` +
          ` sort ${fmt(f.sort, 2, ' ms')}, group ${fmt(f.group, 2, ' ms')}; ${f.check}`,
      );
      figures.push(f);
      before = f;
    }
  }
  if (!process.env.RANKING_NO_WRITE) report(figures, skipped);
};

/** The exponent k of time ∝ n^k between the last two sizes measured with `lots` lots. */
const growthOf = (figures: CaseFigures[], lots: number): number => {
  const line = figures.filter((f) => f.lots === lots);
  const [a, b] = line.slice(-2);
  if (!a || !b) return 1;
  return Math.log(b.total.median / a.total.median) / Math.log(b.bids / a.bids);
};

const report = (figures: CaseFigures[], skipped: Skipped[]) => {
  const at = (bids: number) => figures.filter((f) => f.bids === bids);
  const largest = Math.max(...BIDS);
  const biggest = at(largest);
  const underTarget = biggest.length > 0 && biggest.every((f) => f.total.median < TARGET_MS);
  const missedLargest = skipped.some((s) => s.bids === largest) || biggest.length === 0;
  // Growth no worse than n log n, from 1 000 bids (below, fixed costs dominate) to the largest, on
  // each lot line. Against the linear floor measured in the same run (group the inputs): reading
  // more items costs more than linearly on this machine too (memory, the garbage collector), so the
  // ranking's time may grow by the floor's growth times n log n's over n, no more.
  const growthRows: string[][] = [];
  let worstGrowth = 0;
  let worstOverFloor = 0;
  for (const lots of LOTS) {
    const line = figures.filter((f) => f.lots === lots);
    for (let i = 1; i < line.length; i++) {
      const a = line[i - 1] as CaseFigures;
      const b = line[i] as CaseFigures;
      const k = Math.log(b.total.median / a.total.median) / Math.log(b.bids / a.bids);
      const nlogn = (b.bids * Math.log2(b.bids)) / (a.bids * Math.log2(a.bids));
      const overFloor = b.total.median / a.total.median / (b.group.median / a.group.median);
      const allowed = nlogn / (b.bids / a.bids);
      if (a.bids >= 1_000) {
        worstGrowth = Math.max(worstGrowth, k);
        worstOverFloor = Math.max(worstOverFloor, overFloor / allowed);
      }
      growthRows.push([
        count(lots),
        `${count(a.bids)} → ${count(b.bids)}`,
        ratio(b.total.median, a.total.median, 1),
        `${ratio(b.bids, a.bids, 0)} (n log n: ${nlogn.toFixed(1)}×)`,
        ratio(b.sort.median, a.sort.median, 1),
        ratio(b.group.median, a.group.median, 1),
        k.toFixed(2),
        `${overFloor.toFixed(2)} (n log n: ${allowed.toFixed(2)})`,
      ]);
    }
  }
  const growthOk = worstOverFloor > 0 && worstOverFloor <= 1;
  const targetsMet = underTarget && !missedLargest && growthOk;
  const rows = figures.map((f) => [
    count(f.bids),
    count(f.lots),
    String(f.tenders),
    count(f.scores),
    fmt(f.total, 1, ' ms'),
    `${f.perBidUs.toFixed(2)} µs`,
    `${f.steps.request.toFixed(1)} / ${f.steps.rank.toFixed(1)} / ${f.steps.award.toFixed(1)} / ${f.steps.results.toFixed(1)}`,
    fmt(f.sort, 2, ' ms'),
    ratio(f.total.median, f.sort.median, 0),
    fmt(f.group, 2, ' ms'),
    ratio(f.total.median, f.group.median, 0),
  ]);
  const skippedText = skipped.length
    ? `\n\nNot run (projected from the size before at the growth seen, above ${count(BUDGET_MS / 1000)} s): ${skipped
        .map((s) => `${count(s.bids)} bids over ${count(s.lots)} lots (~${count(s.projectedMs / 1000)} s)`)
        .join('; ')}.`
    : '';
  const markdown = `
The product's own scoring and ranking, in process, called as the product calls it for each tender:
the officer's request for the ranking (\`requestRanking\`: every valid bid qualified or rejected,
every qualified one scored by enough evaluators), the workflow's \`RankLots\` task (\`rankLots\`,
given every bid and score of the tender as the task reads them, then \`recordRanked\`),
the award decision (\`approveAward\`) and its publication to every bidder (\`bidderResults\`, what
\`Tender.Awarded\` carries: a losing bid's points beside each winner's). A tender holds at most 50
lots, so 100 lots are 2 tenders and 1 000 lots 20. Bids as the domain models them: one per supplier
and lot, unit prices for one to three volume units (±30%, to the 10 NOK: equal prices happen), 90%
qualified, 5% rejected with a reason, 5% withdrawn or invalidated; ${EVALUATORS} evaluators score
every qualified bid on two quality criteria (0–10; \`minEvaluators\` ${EVALUATORS}); price 40, quality
40, accessibility 20. Inputs ordered as DynamoDB returns them, the same every run (seeded).
${RUNS} runs after a warm-up, median (min–max).

Baselines, same run, same n: **sort n numbers** (a \`Float64Array\` of n values: no ranking can do
less, and it grows as n log n, the curve the ranking should follow) and **group the inputs** (one
pass putting each bid under its lot and each score under its bid, in Maps: the linear floor of
reading every input once).

${table(
  [
    'bids',
    'lots',
    'tenders',
    'scores',
    'request → award → told, ms',
    'per bid',
    'request / rank / award / told, ms',
    'sort n numbers',
    '× sort',
    'group inputs',
    '× group',
  ],
  rows,
)}${skippedText}

**Before** (commit 11e5ae1, 2026-11-24 04:17 UTC, the same script; ratios to its own baselines):
the workflow ranked each open lot in a task of its own (\`PrepareRanking\`, then a Map of
\`RankLot\`), and each lot's task read and passed over every bid and score of the tender, so a
tender's ranking cost its lots times its inputs. 100 000 bids took 923 ms (890–1220) over 10 lots,
1525 ms (1307–2047) over 100 lots and 713 ms (703–746) over 1 000 lots, of which ranking 585, 1298
and 571 ms; worst *k* 1.34. Now one task reads the tender's bids and scores once and \`rankLots\`
puts each under its lot in one pass before ranking each lot from its own (the same rankings:
test/unit/evaluation-oracle.test.ts); executions started before keep calling the two retired tasks.

Growth between sizes (time ratio against the ratio of bids; *k* is the exponent of time ∝ nᵏ: 1 is
linear, n log n gives about 1.1 over these steps, 2 is quadratic). The linear floor itself (group ×)
grows faster than the bids on this machine from 10 000 to 100 000 (maps of hundreds of thousands of
entries, the garbage collector), so the growth is also read against it: *time × over group ×* is
how much faster than reading the inputs once the ranking grew, and n log n allows its ratio to n
(1.33 from 1 000 to 10 000, 1.25 from 10 000 to 100 000):

${table(['lots', 'bids', 'time', 'bids ×', 'sort ×', 'group ×', 'k', 'time × over group ×'], growthRows)}

Targets (issue 15): ${count(largest)} bids under ${count(TARGET_MS)} ms at every lot count; growth no worse
than n log n over the linear floor from 1 000 bids on: **${targetsMet ? 'met' : 'missed'}**${
    biggest.length
      ? ` (${biggest.map((f) => `${fmt(f.total, 0, ' ms')} over ${count(f.lots)} lots`).join(', ')}; worst k ${worstGrowth.toFixed(2)}, worst growth over the floor ${worstOverFloor.toFixed(2)} of what n log n allows)`
      : ''
  }.
`;
  writeSection({
    id: 'ranking',
    title: 'Scoring and ranking: from 100 to 100 000 bids',
    order: 30,
    command: 'npm run bench:ranking',
    markdown,
    targetsMet,
    figures: { runs: RUNS, evaluators: EVALUATORS, lotsPerTender: LOTS_PER_TENDER, cases: figures, skipped },
  });
};

main();
