/**
 * Award decisions revised: what `reviseAward` records of what it withdrew, and the OCDS award
 * releases (functions/domain/ocds/process.ts) each showing the decision as it was at its event.
 * The colonoscopy tender is announced, bid on, opened, qualified, scored, ranked, decided, revised
 * and completed by the domain's own transitions; the audit trail is their actions and changes as
 * the store records them. Pure, no mocks.
 */
import { describe, expect, it } from 'vitest';
import { type Bid, bidIdFor } from '../../functions/domain/bid.ts';
import { qualifyBid, scoreBid, submitBid } from '../../functions/domain/bidding-rules.ts';
import { type EvaluatorScores, rankLot } from '../../functions/domain/evaluation.ts';
import { type AuditLike, processReleases } from '../../functions/domain/ocds/process.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import { type AwardDecision, type Tender, tenderContentSchema } from '../../functions/domain/tender.ts';
import {
  announce,
  approveAward,
  completeStandstill,
  createDraft,
  open,
  recordRanked,
  requestRanking,
  reviseAward,
  type TenderState,
  type Transition,
} from '../../functions/domain/tender-lifecycle.ts';
import { colonoscopyBid, colonoscopyTender, DAY } from '../helpers/fixtures.ts';

const T0 = new Date('2026-11-23T09:00:00.000Z');
const officer = { sub: 'officer-1', name: 'Kari Nordmann' };
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
type Json = Record<string, unknown>;

/** A tender's life as the product stores it: the tender, its audit trail, its bids, its scores. */
interface Life {
  tender: TenderState;
  events: AuditLike[];
  bids: Bid[];
  scores: EvaluatorScores[];
  at: Date;
}

const record = (life: Life, t: Transition, days = 1): Transition => {
  life.at = plus(life.at, days * DAY);
  life.tender = t.after;
  life.events.push({
    aggregateType: 'tender',
    aggregateId: life.tender.id,
    seq: life.events.length + 1,
    at: life.at.toISOString(),
    action: t.action,
    ...(t.reason ? { reason: t.reason } : {}),
    change: t.change,
  });
  return t;
};

/** Announced, sup-a (2000) and sup-b (2600) bid on innlandet, opened, both qualified and scored. */
const opened = (): Life => {
  const draft = createDraft(tenderContentSchema.parse(colonoscopyTender(T0.getTime())), {
    id: 'tnd_award',
    entityId: 'helse-sor-ost',
    by: officer,
    now: T0,
    ref: referenceLookups,
  });
  const life: Life = { tender: draft.after, events: [], bids: [], scores: [], at: T0 };
  record(life, draft, 0);
  record(life, announce(life.tender, life.at, referenceLookups, 'arn') as Transition, 0);
  for (const [supplierId, price] of [
    ['sup-a', 2000],
    ['sup-b', 2600],
  ] as const) {
    const submitted = submitBid(
      life.tender,
      'innlandet',
      colonoscopyBid('innlandet', price),
      {
        id: bidIdFor(life.tender.id, 'innlandet', supplierId),
        supplierId,
        by: { sub: supplierId, name: supplierId },
        existing: undefined,
        version: undefined,
        ref: referenceLookups,
      },
      plus(T0, 2 * DAY),
    );
    life.bids.push({ ...submitted.after, version: 1 });
  }
  const openedAt = plus(new Date(life.tender.bidDeadline), 2 * 60_000);
  life.at = openedAt;
  record(life, open(life.tender, life.bids, openedAt) as Transition, 0);
  life.bids = life.bids.map((b) => ({
    ...qualifyBid(life.tender, b, { qualified: true, by: officer }, life.at).after,
  }));
  life.scores = life.bids.map((b) =>
    scoreBid(
      life.tender,
      b,
      [
        { criterionId: 'kvalitet', score: 7 },
        { criterionId: 'tilgjengelighet', score: 7 },
      ],
      officer,
      life.at,
    ),
  );
  return life;
};

/** The ranking asked for and recorded by the workflow. */
const rank = (life: Life) => {
  const requested = requestRanking(life.tender, life.bids, life.scores, life.at);
  if (!requested.requested) throw new Error('ranking not requested');
  record(life, requested);
  record(life, recordRanked(life.tender, life.at) as Transition, 0);
};

/** The officer approves the award on the ranking; the publication task publishes it. */
const decide = (life: Life): AwardDecision => {
  const rankings = life.tender.lots.map((lot) => rankLot(life.tender, lot, life.bids, life.scores));
  const approved = approveAward(life.tender, rankings, officer, plus(life.at, DAY));
  if (!approved.approved) throw new Error('not approved');
  record(life, approved);
  life.tender = { ...life.tender, awardPublishedRevision: approved.revision };
  return approved.after.award as AwardDecision;
};

const revise = (life: Life, reason: string) =>
  record(life, reviseAward(life.tender, reason, plus(life.at, DAY)));

/** sup-a rejected during the revision: back to evaluation, the rejection is recorded on the bid. */
const rejectSupA = (life: Life) => {
  life.bids = life.bids.map((b) =>
    b.supplierId === 'sup-a'
      ? qualifyBid(life.tender, b, { qualified: false, reason: 'Mangler autorisasjon', by: officer }, life.at)
          .after
      : b,
  );
  life.scores = life.scores.filter((s) =>
    life.bids.some((b) => b.id === s.bidId && b.status === 'qualified'),
  );
};

/**
 * Revision 1 (sup-a wins innlandet) approved and withdrawn; sup-a rejected, ranked again and that
 * ranking withdrawn before any decision; revision 2 (sup-b wins) approved; standstill over.
 */
const revisedLife = () => {
  const life = opened();
  rank(life);
  const first = decide(life);
  const withdrawn = revise(life, 'Klage fra sup-b');
  rejectSupA(life);
  rank(life);
  const rankingOnly = revise(life, 'Feil i poengene') as Transition & { notifyBidders: boolean };
  rank(life);
  const second = decide(life);
  const done = plus(new Date(second.standstillEndsAt), 60_000);
  life.at = done;
  record(life, completeStandstill(life.tender, ['agr_1'], done), 0);
  return { life, first, second, withdrawn, rankingOnly };
};

const releasesOf = (life: Life) =>
  processReleases({
    tender: { ...life.tender, version: 9 } as Tender,
    entityName: 'Helse Sør-Øst',
    events: life.events,
    bids: life.bids,
    supplierNames: { 'sup-a': 'Leverandør A', 'sup-b': 'Leverandør B' },
    agreements: [],
    years: [],
    baseUrl: 'https://x',
  }) as (Json & { tag: string[]; date: string; awards?: Json[] })[];

const awardReleases = (life: Life) =>
  releasesOf(life)
    .filter((r) => r.awards)
    .map((r) => ({
      tag: r.tag[0],
      date: r.date,
      awards: (r.awards ?? []).map((a) => ({
        id: a.id,
        status: a.status,
        date: a.date,
        suppliers: (a.suppliers as { id: string }[]).map((s) => s.id),
      })),
    }));

describe('reviseAward records what it withdrew', () => {
  it('withdraws a standing decision: its revision, and the bidders told once it was published', () => {
    const { withdrawn, first } = revisedLife();
    expect(withdrawn.change).toEqual({
      status: { from: 'standstill', to: 'evaluation' },
      withdrawnRevision: first.revision,
    });
    expect((withdrawn as Transition & { notifyBidders: boolean }).notifyBidders).toBe(true);
  });

  it('withdraws only a ranking after an earlier revision: no withdrawn revision, nobody told', () => {
    const { rankingOnly } = revisedLife();
    expect(rankingOnly.change).toEqual({ status: { from: 'evaluation', to: 'evaluation' } });
    expect(rankingOnly.notifyBidders).toBe(false);
  });

  it('withdraws only a ranking before any decision: no withdrawn revision', () => {
    const life = opened();
    rank(life);
    const t = revise(life, 'Feil i poengene');
    expect(t.change).toEqual({ status: { from: 'evaluation', to: 'evaluation' } });
  });
});

describe('OCDS award releases', () => {
  it('publish no awardUpdate for a ranking withdrawn before a decision', () => {
    const { life } = revisedLife();
    expect(awardReleases(life).map((r) => r.tag)).toEqual(['award', 'awardUpdate', 'award', 'awardUpdate']);
  });

  it('show each decision as it was at its event, not the one standing now', () => {
    const { life, first, second } = revisedLife();
    expect(first.lots[0]?.winners.map((w) => w.supplierId)).toEqual(['sup-a']);
    expect(second.lots[0]?.winners.map((w) => w.supplierId)).toEqual(['sup-b']);
    const at = (action: string, n = 0) => life.events.filter((e) => e.action === action)[n]?.at;
    expect(awardReleases(life)).toEqual([
      {
        tag: 'award',
        date: at('tender.award-approved'),
        awards: [{ id: 'innlandet-sup-a', status: 'pending', date: first.approvedAt, suppliers: ['sup-a'] }],
      },
      {
        tag: 'awardUpdate',
        date: at('tender.award-revised'),
        awards: [
          { id: 'innlandet-sup-a', status: 'cancelled', date: first.approvedAt, suppliers: ['sup-a'] },
        ],
      },
      {
        tag: 'award',
        date: at('tender.award-approved', 1),
        awards: [{ id: 'innlandet-sup-b', status: 'pending', date: second.approvedAt, suppliers: ['sup-b'] }],
      },
      {
        tag: 'awardUpdate',
        date: at('tender.completed'),
        awards: [{ id: 'innlandet-sup-b', status: 'active', date: second.approvedAt, suppliers: ['sup-b'] }],
      },
    ]);
  });

  it('name as suppliers in the parties the winners of the decision at the event', () => {
    const { life } = revisedLife();
    const first = releasesOf(life).find((r) => r.tag[0] === 'award') as unknown as {
      parties: { id: string; roles: string[] }[];
    };
    expect(first.parties.filter((p) => p.roles.includes('supplier')).map((p) => p.id)).toEqual(['sup-a']);
  });

  it('read the trails stored before the fix: a ranking-only withdrawal that named a withdrawn revision publishes nothing', () => {
    const { life } = revisedLife();
    const legacy = life.events.map((e) =>
      e.action === 'tender.award-revised' &&
      (e.change as { status: { from: string } }).status.from === 'evaluation'
        ? { ...e, change: { ...(e.change as Json), withdrawnRevision: 1 } }
        : e,
    );
    expect(awardReleases({ ...life, events: legacy }).map((r) => r.tag)).toEqual([
      'award',
      'awardUpdate',
      'award',
      'awardUpdate',
    ]);
  });
});
