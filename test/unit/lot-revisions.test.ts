/**
 * A material change invalidates the bids of the lots it affects, and only those: the opening and the
 * submission's second read (functions/domain/opening.ts, bidding-rules.ts) compare a bid with the
 * revision of its own lot. The colonoscopy tender is drafted, announced, bid on, changed and opened
 * by the domain's own transitions. Pure, no mocks.
 */
import { describe, expect, it } from 'vitest';
import type { Bid } from '../../functions/domain/bid.ts';
import { bidIdFor } from '../../functions/domain/bid.ts';
import { changedWhileStored, submitBid } from '../../functions/domain/bidding-rules.ts';
import { answersOldContent, lotRevisionOf } from '../../functions/domain/opening.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import { tenderContentSchema } from '../../functions/domain/tender.ts';
import {
  announce,
  changeMaterially,
  createDraft,
  open,
  type TenderState,
  type Transition,
} from '../../functions/domain/tender-lifecycle.ts';
import { colonoscopyBid, colonoscopyTender, DAY } from '../helpers/fixtures.ts';

const T0 = new Date('2026-11-23T09:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const officer = { sub: 'officer-1', name: 'Kari Nordmann' };
type LotId = 'innlandet' | 'telemark-vestfold';

const announced = (): TenderState => {
  const draft = createDraft(tenderContentSchema.parse(colonoscopyTender(T0.getTime())), {
    id: 'tnd_rev',
    entityId: 'helse-sor-ost',
    by: officer,
    now: T0,
    ref: referenceLookups,
  }).after;
  return (announce(draft, T0, referenceLookups, 'arn') as Transition).after;
};

/** A supplier's bid for a lot, checked against `tender` as its request read it. */
const bid = (tender: TenderState, lotId: LotId, supplierId: string, now: Date): Omit<Bid, 'version'> =>
  submitBid(
    tender,
    lotId,
    colonoscopyBid(lotId, 2000),
    {
      id: bidIdFor(tender.id, lotId, supplierId),
      supplierId,
      by: { sub: supplierId, name: supplierId },
      existing: undefined,
      version: undefined,
      ref: referenceLookups,
    },
    now,
  ).after;

/** The tender with one lot's volumes changed; the bids it invalidated come back invalidated. */
const changeLot = (tender: TenderState, lotId: LotId, bids: Omit<Bid, 'version'>[], now: Date) => {
  const lots = tender.lots.map((l) =>
    l.id === lotId ? { ...l, estimatedVolumes: [{ unit: 'konsultasjoner', quantity: 900 }] } : l,
  );
  const changed = changeMaterially(
    tender,
    { lots },
    `Nytt volum i ${lotId}`,
    bids,
    now,
    referenceLookups,
    99,
  );
  const invalidated = new Map(changed.invalidated.map((i) => [i.bid, i.after]));
  return { changed, bids: bids.map((b) => invalidated.get(b) ?? b) };
};

const openAt = (tender: TenderState, bids: Omit<Bid, 'version'>[]) => {
  const opened = open(tender, bids, new Date(Date.parse(tender.bidDeadline) + 2 * 60_000));
  if (!opened) throw new Error('not opened');
  return opened;
};

describe('a material change of one lot', () => {
  it('leaves a bid already in for another lot valid at the opening', () => {
    const t0 = announced();
    const innlandet = bid(t0, 'innlandet', 'sup-a', at(2));
    const { changed, bids } = changeLot(t0, 'telemark-vestfold', [innlandet], at(4));
    expect(changed.invalidated).toEqual([]);
    expect(changed.event).toBeUndefined();
    const opened = openAt(changed.after, bids);
    expect(opened.stale).toEqual([]);
    expect(opened.lots).toEqual([
      { lotId: 'innlandet', validBids: 1, status: 'open' },
      { lotId: 'telemark-vestfold', validBids: 0, status: 'unsuccessful' },
    ]);
    expect(opened.after.status).toBe('evaluation');
  });

  it('records the revision each lot last changed at, the unchanged lots keeping theirs', () => {
    const t0 = announced();
    expect(lotRevisionOf(t0, 'innlandet')).toBe(0);
    const first = changeLot(t0, 'telemark-vestfold', [], at(3)).changed.after;
    expect(first.contentRevision).toBe(1);
    expect(first.lotRevisions).toEqual({ innlandet: 0, 'telemark-vestfold': 1 });
    const second = changeLot(first, 'innlandet', [], at(4)).changed.after;
    expect(second.contentRevision).toBe(2);
    expect(second.lotRevisions).toEqual({ innlandet: 2, 'telemark-vestfold': 1 });
  });

  it('makes stale at the opening a bid for the changed lot stored while it changed (the change missed it)', () => {
    const t0 = announced();
    const racing = bid(t0, 'telemark-vestfold', 'sup-b', at(4));
    const other = bid(t0, 'innlandet', 'sup-a', at(4));
    // The change read the bids before `racing` was stored: it invalidated none.
    const { changed } = changeLot(t0, 'telemark-vestfold', [], at(4));
    const after = bid(changed.after, 'telemark-vestfold', 'sup-c', at(5));
    const opened = openAt(changed.after, [racing, other, after]);
    expect(opened.stale.map((s) => s.bid.supplierId)).toEqual(['sup-b']);
    expect(opened.lots).toEqual([
      { lotId: 'innlandet', validBids: 1, status: 'open' },
      { lotId: 'telemark-vestfold', validBids: 1, status: 'open' },
    ]);
  });

  it('keeps the revision of a lot it removes: a bid for it stored meanwhile is stale', () => {
    const t0 = announced();
    const racing = bid(t0, 'telemark-vestfold', 'sup-b', at(4));
    const lots = t0.lots.filter((l) => l.id === 'innlandet');
    const changed = changeMaterially(t0, { lots }, 'Ett område', [], at(4), referenceLookups, 99);
    expect(changed.after.lotRevisions).toEqual({ innlandet: 0, 'telemark-vestfold': 1 });
    expect(openAt(changed.after, [racing]).stale.map((s) => s.bid.supplierId)).toEqual(['sup-b']);
  });

  it('a change of the criteria or requirements concerns every lot', () => {
    const t0 = announced();
    const old = [bid(t0, 'innlandet', 'sup-a', at(2)), bid(t0, 'telemark-vestfold', 'sup-b', at(2))];
    const awardCriteria = t0.awardCriteria.map((c) =>
      c.id === 'pris' ? { ...c, weight: 50 } : c.id === 'kvalitet' ? { ...c, weight: 30 } : c,
    );
    const changed = changeMaterially(t0, { awardCriteria }, 'Vekter', [], at(3), referenceLookups, 99);
    expect(changed.after.lotRevisions).toEqual({ innlandet: 1, 'telemark-vestfold': 1 });
    expect(old.map((b) => answersOldContent(b, changed.after))).toEqual([true, true]);
  });

  it('refuses a bid stored while the tender changed only when its own lot changed', () => {
    const t0 = announced();
    const telemark = changeLot(t0, 'telemark-vestfold', [], at(3)).changed.after;
    expect(changedWhileStored(t0, telemark, 'innlandet')).toBeUndefined();
    expect(changedWhileStored(t0, telemark, 'telemark-vestfold')?.kind).toBe('conflict');
    expect(changedWhileStored(telemark, telemark, 'telemark-vestfold')).toBeUndefined();
  });

  it('reads a tender changed before the lots had revisions as before: every lot changed at its revision', () => {
    const { lotRevisions: _l, ...legacy } = changeLot(announced(), 'telemark-vestfold', [], at(3)).changed
      .after;
    expect(legacy.contentRevision).toBe(1);
    expect(lotRevisionOf(legacy, 'innlandet')).toBe(1);
    expect(lotRevisionOf(legacy, 'telemark-vestfold')).toBe(1);
    const old = { status: 'submitted' as const, lotId: 'innlandet', tenderRevision: 0 };
    expect(answersOldContent(old, legacy)).toBe(true);
    expect(answersOldContent({ ...old, tenderRevision: 1 }, legacy)).toBe(false);
    expect(changedWhileStored({ contentRevision: 0 }, legacy, 'innlandet')?.kind).toBe('conflict');
    // Its next change records every lot: the unchanged one at the revision it read as, the changed one at the new.
    const next = changeLot(legacy, 'innlandet', [], at(4)).changed.after;
    expect(next.lotRevisions).toEqual({ innlandet: 2, 'telemark-vestfold': 1 });
  });
});
