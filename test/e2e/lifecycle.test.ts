/**
 * The tender lifecycle end to end through the HTTP API against the local stack: the real workflow
 * file on the local engine, DynamoDB Local, the local scheduler and bus, weeks passing on the local
 * clock. One stack for the file; each scenario has its own tender.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openingDue } from '../../functions/domain/opening.ts';
import { colonoscopyBid, colonoscopyTender, DAY } from '../helpers/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { type Actors, actorsOf, stateNames, TenderFlow } from '../support/tender-flow.ts';

let stack: TestStack;
let who: Actors;

beforeAll(async () => {
  stack = await startTestStack();
  who = await actorsOf(stack);
});
afterAll(() => stack?.stop());

const published = () => stack.runtime.bus.published.map((e) => e['detail-type']);

describe('a tender from announcement to framework agreements', () => {
  it('takes questions, sealed bids (one late), opening, qualification, scores, ranking, award and standstill', async () => {
    const flow = await TenderFlow.announce(stack, who);
    const [nah, falck, steff, air] = [
      'norsk-arbeidshelse-as',
      'falck-norge-as',
      'unicare-steffensrud-as',
      'rehabiliteringssenteret-air-as',
    ];

    // Questions: asked by a supplier, answered by the officer, visible to all without the asker.
    const asked = await stack.request('POST', `/tenders/${flow.id}/questions`, {
      token: who.suppliers[falck],
      body: { lotId: 'innlandet', text: 'Kan vi levere fra to steder i Innlandet?' },
    });
    expect(asked.status).toBe(201);
    const answered = await stack.request('POST', `/tenders/${flow.id}/questions/${asked.body.id}/answer`, {
      token: who.officer,
      body: { version: 1, text: 'Ja, så lenge begge ligger i sykehusområdet.' },
    });
    expect(answered.status).toBe(200);
    const seenByOther = await stack.request('GET', `/tenders/${flow.id}/questions`, {
      token: who.suppliers[nah],
    });
    expect(seenByOther.body.items).toEqual([
      expect.objectContaining({
        text: 'Kan vi levere fra to steder i Innlandet?',
        askedByYou: false,
        answer: expect.objectContaining({ text: expect.stringContaining('Ja') }),
      }),
    ]);
    expect(JSON.stringify(seenByOther.body)).not.toContain(falck);
    const seenByAsker = await stack.request('GET', `/tenders/${flow.id}/questions`, {
      token: who.suppliers[falck],
    });
    expect(seenByAsker.body.items[0].askedByYou).toBe(true);

    // Bids with receipts; one supplier replaces its bid.
    const receipts: Record<
      string,
      { bidId: string; version: number; contentSha256: string; receivedAt: string }
    > = {};
    for (const [supplier, lot, price] of [
      [nah, 'innlandet', 2500],
      [falck, 'innlandet', 2300],
      [steff, 'telemark-vestfold', 2600],
      [air, 'telemark-vestfold', 2900],
      [nah, 'telemark-vestfold', 2700],
    ] as const) {
      const r = await flow.bid(supplier, lot, colonoscopyBid(lot, price));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({
        version: 1,
        status: 'submitted',
        contentSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      receipts[`${supplier}/${lot}`] = r.body;
    }
    const replaced = await flow.bid(nah, 'innlandet', { ...colonoscopyBid('innlandet', 2400), version: 1 });
    expect(replaced.status).toBe(200);
    expect(replaced.body.version).toBe(2);
    expect(replaced.body.contentSha256).not.toBe(receipts[`${nah}/innlandet`]?.contentSha256);
    const stale = await flow.bid(nah, 'innlandet', colonoscopyBid('innlandet', 2200));
    expect(stale.status).toBe(409);

    // Sealed: officers see counts only.
    expect(await flow.bids()).toEqual({
      sealed: true,
      lots: [
        { lotId: 'innlandet', bids: 2 },
        { lotId: 'telemark-vestfold', bids: 3 },
      ],
    });

    // The deadline passes on the local clock; a late bid is refused and never stored.
    await flow.passDeadline();
    const late = await flow.bid('unicare-steffensrud-as', 'innlandet', colonoscopyBid('innlandet', 1000));
    expect(late.status).toBe(422);
    expect(late.body.type).toContain('bid-deadline-passed');
    const opened = await flow.tender();
    expect(opened.status).toBe('evaluation');
    const all = await flow.bids();
    expect(all.sealed).toBe(false);
    expect(all.items).toHaveLength(5);
    expect(
      all.items.some(
        (b: { supplierId: string; lotId: string }) => b.supplierId === steff && b.lotId === 'innlandet',
      ),
    ).toBe(false);

    // Qualification: AiR rejected with a reason; scores from the evaluator.
    const byKey = (supplier: string, lot: string) =>
      all.items.find(
        (b: { supplierId: string; lotId: string }) => b.supplierId === supplier && b.lotId === lot,
      ).id as string;
    for (const [supplier, lot] of [
      [nah, 'innlandet'],
      [falck, 'innlandet'],
      [steff, 'telemark-vestfold'],
      [nah, 'telemark-vestfold'],
    ])
      await flow.qualify(byKey(supplier as string, lot as string), true);
    await flow.qualify(byKey(air, 'telemark-vestfold'), false, 'Mangler dokumentasjon av autorisasjon');
    const tooEarly = await stack.request('POST', `/tenders/${flow.id}/ranking`, {
      token: who.officer,
      body: { version: await flow.version() },
    });
    expect(tooEarly.status).toBe(422);
    expect(tooEarly.body.detail).toContain('lack scores');
    await flow.score(byKey(nah, 'innlandet'), 9, 8);
    await flow.score(byKey(falck, 'innlandet'), 6, 6);
    await flow.score(byKey(steff, 'telemark-vestfold'), 7, 7);
    await flow.score(byKey(nah, 'telemark-vestfold'), 8, 9);

    // The workflow ranks every open lot in one step (RankLots).
    const ranking = await flow.rank();
    const innlandet = ranking.lots.find((l: { lotId: string }) => l.lotId === 'innlandet');
    // NAH: price 2400 → 10 × 2300/2400 = 9.583333… × 40% + quality 9 × 40% + access 8 × 20% = 90.333333
    // Falck: price 10 × 40%, quality 6 × 40%, access 6 × 20% = 76
    expect(
      innlandet.ranking.map((r: { supplierId: string; total: number }) => [r.supplierId, r.total]),
    ).toEqual([
      [nah, 90.333333],
      [falck, 76],
    ]);
    const workflow = await flow.workflow();
    expect(stateNames(workflow.body.events)).toEqual(
      expect.arrayContaining(['RankLots', 'RankingsComputed']),
    );

    // The award: every bidder receives the decision at the same time.
    const award = await flow.award();
    expect(award.lots).toEqual([
      expect.objectContaining({
        lotId: 'innlandet',
        status: 'awarded',
        winners: [expect.objectContaining({ supplierId: nah, rank: 1 })],
      }),
      expect.objectContaining({
        lotId: 'telemark-vestfold',
        status: 'awarded',
        winners: [
          expect.objectContaining({ supplierId: nah }),
          expect.objectContaining({ supplierId: steff }),
        ],
      }),
    ]);
    await flow.waitingIn('AwaitStandstillEnd');
    await stack.runtime.eventsIdle();
    const awarded = stack.runtime.bus.published.filter(
      (e) => e['detail-type'] === 'Tender.Awarded' && (e.detail as { tenderId: string }).tenderId === flow.id,
    );
    expect(awarded).toHaveLength(1);
    const bidders = (awarded[0] as { detail: { bidders: unknown[] } }).detail.bidders;
    expect(bidders).toHaveLength(5);
    const forAir = await stack.request('GET', `/tenders/${flow.id}/award`, { token: who.suppliers[air] });
    expect(forAir.body.yourResults).toEqual([
      expect.objectContaining({
        lotId: 'telemark-vestfold',
        outcome: 'rejected',
        reason: 'Mangler dokumentasjon av autorisasjon',
      }),
    ]);
    const forFalck = await stack.request('GET', `/tenders/${flow.id}/award`, { token: who.suppliers[falck] });
    expect(forFalck.body.yourResults).toEqual([
      expect.objectContaining({ outcome: 'lost', rank: 2, total: 76 }),
    ]);
    // A reasoned decision: the bid that lost reads its points per criterion beside the winner's.
    const lost = forFalck.body.yourResults[0];
    const criteria = ((await flow.tender()).awardCriteria as { id: string }[]).map((c) => c.id).sort();
    expect(Object.keys(lost.points).sort()).toEqual(criteria);
    expect(lost.winners).toEqual([
      expect.objectContaining({ supplierId: nah, rank: 1, points: expect.any(Object) }),
    ]);
    expect(Object.keys(lost.winners[0].points).sort()).toEqual(Object.keys(lost.points).sort());
    const falckInEvent = (
      bidders as { supplierId: string; winners?: { supplierId: string; points: Record<string, number> }[] }[]
    ).find((b) => b.supplierId === falck);
    expect(falckInEvent?.winners?.[0]?.points).toEqual(lost.winners[0].points);
    expect((await flow.tender()).status).toBe('standstill');

    // The standstill ends on the clock; one agreement per winner and lot.
    await flow.passStandstill();
    expect((await flow.finished()).body.status).toBe('SUCCEEDED');
    const done = await flow.tender();
    expect(done.status).toBe('complete');
    const agreements = await stack.request('GET', '/agreements?limit=50', { token: who.officer });
    const mine = agreements.body.items.filter((a: { tenderId: string }) => a.tenderId === flow.id);
    expect(
      mine.map((a: { lotId: string; supplierId: string }) => `${a.lotId}/${a.supplierId}`).sort(),
    ).toEqual([`innlandet/${nah}`, `telemark-vestfold/${nah}`, `telemark-vestfold/${steff}`]);
    expect(mine[0]).toMatchObject({
      nonExclusive: true,
      minimumPurchase: 'none',
      status: 'active',
      startDate: done.agreement.startDate,
    });
    // Each agreement's first year is the awarded bid's terms, published with it: usage can be
    // reported from day one, and the year is never flagged "not agreed in time".
    const first = mine[0] as { id: string; startDate: string; prices: { unit: string; unitPrice: number }[] };
    const firstYear = Number(first.startDate.slice(0, 4));
    const year = await stack.request('GET', `/agreements/${first.id}/years/${firstYear}`, {
      token: who.officer,
    });
    expect(year.status).toBe(200);
    expect(year.body).toMatchObject({ status: 'published', basis: 'award' });
    expect(year.body.lines.map((l: { unitPrice: number }) => l.unitPrice)).toEqual(
      first.prices.map((p) => p.unitPrice),
    );
    const supplierView = await stack.request('GET', '/agreements', { token: who.suppliers[steff] });
    expect(supplierView.body.items.every((a: { supplierId: string }) => a.supplierId === steff)).toBe(true);
    const foreign = await stack.request('GET', `/agreements/${mine[0].id}`, { token: who.suppliers[air] });
    expect(foreign.status).toBe(404);
    await stack.runtime.eventsIdle();
    expect(published()).toEqual(
      expect.arrayContaining([
        'Tender.Announced',
        'Tender.QuestionAnswered',
        'Tender.BidReceived',
        'Tender.Opened',
        'Tender.Awarded',
        'Tender.StandstillEnded',
        'Agreement.Created',
      ]),
    );
  });
});

describe('sealed bids', () => {
  it('cannot be read by an officer or another supplier before the opening', async () => {
    const flow = await TenderFlow.announce(stack, who);
    const r = await flow.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2000));
    const officerReadsBid = await stack.request('GET', `/tenders/${flow.id}/bids/${r.body.bidId}`, {
      token: who.officer,
    });
    expect(officerReadsBid.status).toBe(403);
    expect(officerReadsBid.body.detail).toContain('sealed');
    const officerUsesSupplierRoute = await stack.request('GET', `/tenders/${flow.id}/lots/innlandet/bid`, {
      token: who.officer,
    });
    expect(officerUsesSupplierRoute.status).toBe(403);
    const otherSupplier = await stack.request('GET', `/tenders/${flow.id}/lots/innlandet/bid`, {
      token: who.suppliers['norsk-arbeidshelse-as'],
    });
    expect(otherSupplier.status).toBe(404);
    const otherSupplierById = await stack.request('GET', `/tenders/${flow.id}/bids/${r.body.bidId}`, {
      token: who.suppliers['norsk-arbeidshelse-as'],
    });
    expect(otherSupplierById.status).toBe(403);
    const own = await stack.request('GET', `/tenders/${flow.id}/lots/innlandet/bid`, {
      token: who.suppliers['falck-norge-as'],
    });
    expect(own.status).toBe(200);
    expect(own.body.receipt).toEqual(r.body);
    await flow.cancel('Testen er ferdig');
  });

  it('refuses a delivery site outside the lot, pointing at it', async () => {
    const flow = await TenderFlow.announce(stack, who);
    const body = colonoscopyBid('innlandet', 2000);
    body.deliverySites = [{ place: 'Oslo', hospitalAreaId: 'oslo' }];
    const r = await flow.bid('falck-norge-as', 'innlandet', body);
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([expect.objectContaining({ pointer: '#/deliverySites/0/hospitalAreaId' })]);
    await flow.cancel('Testen er ferdig');
  });
});

describe('changes while the tender is open', () => {
  it('extends the deadline: the tender does not open at the old one, and does at the new one', async () => {
    const flow = await TenderFlow.announce(stack, who);
    await flow.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2000));
    const before = await flow.tender();
    const newDeadline = new Date(Date.parse(before.bidDeadline) + 7 * DAY).toISOString();
    const extended = await stack.request('POST', `/tenders/${flow.id}/deadline`, {
      token: who.officer,
      body: { version: before.version, bidDeadline: newDeadline, reason: 'Spørsmål fra leverandørene' },
    });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    const earlier = await stack.request('POST', `/tenders/${flow.id}/deadline`, {
      token: who.officer,
      body: { version: extended.body.version, bidDeadline: before.bidDeadline },
    });
    expect(earlier.status).toBe(422);
    await stack.advanceClockTo(openingDue(before));
    expect((await flow.tender()).status).toBe('tendering');
    // Still open: a bid in the extra week is accepted.
    expect(
      (await flow.bid('norsk-arbeidshelse-as', 'innlandet', colonoscopyBid('innlandet', 2100))).status,
    ).toBe(201);
    await flow.passDeadline();
    const opened = await flow.tender();
    expect(opened.status).toBe('evaluation');
    expect(opened.openedAt >= newDeadline).toBe(true);
    await flow.cancel('Testen er ferdig');
  });

  it('invalidates the bids of the lots a material change affects, tells their suppliers, and takes new ones', async () => {
    const flow = await TenderFlow.announce(stack, who);
    await flow.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2000));
    await flow.bid('unicare-steffensrud-as', 'telemark-vestfold', colonoscopyBid('telemark-vestfold', 2000));
    const t = await flow.tender();
    const lots = structuredClone(t.lots);
    lots[0].estimatedVolumes = [{ unit: 'konsultasjoner', quantity: 900 }];
    const noReason = await stack.request('POST', `/tenders/${flow.id}/changes`, {
      token: who.officer,
      body: { version: t.version, lots },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ pointer: '#/reason' })]);
    const changed = await stack.request('POST', `/tenders/${flow.id}/changes`, {
      token: who.officer,
      body: { version: t.version, lots, reason: 'Økt volum i Innlandet' },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ invalidatedBids: 1, affectedLotIds: ['innlandet'] });
    const falck = await stack.request('GET', `/tenders/${flow.id}/lots/innlandet/bid`, {
      token: who.suppliers['falck-norge-as'],
    });
    expect(falck.body.bid).toMatchObject({
      status: 'invalidated',
      invalidatedReason: expect.stringContaining('Økt volum'),
    });
    const steff = await stack.request('GET', `/tenders/${flow.id}/lots/telemark-vestfold/bid`, {
      token: who.suppliers['unicare-steffensrud-as'],
    });
    expect(steff.body.bid.status).toBe('submitted');
    expect(await flow.bids()).toMatchObject({
      lots: [
        { lotId: 'innlandet', bids: 0 },
        { lotId: 'telemark-vestfold', bids: 1 },
      ],
    });
    await stack.runtime.eventsIdle();
    const told = stack.runtime.bus.published.find(
      (e) =>
        e['detail-type'] === 'Tender.BidsInvalidated' &&
        (e.detail as { tenderId: string }).tenderId === flow.id,
    );
    expect(told?.detail).toMatchObject({ lotIds: ['innlandet'], supplierIds: ['falck-norge-as'] });
    const again = await flow.bid('falck-norge-as', 'innlandet', {
      ...colonoscopyBid('innlandet', 2100),
      version: falck.body.bid.version,
    });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('submitted');
    // The opening counts the bid on the unchanged lot (it answers that lot's content) beside the
    // new one on the changed lot: both lots are evaluated, nobody else is told of an invalidation.
    await flow.passDeadline();
    const opened = await flow.tender();
    expect(opened.status).toBe('evaluation');
    expect(opened.lotOutcomes?.['telemark-vestfold']).toBeUndefined();
    expect(opened.lotOutcomes?.innlandet).toBeUndefined();
    const steffOpened = await stack.request('GET', `/tenders/${flow.id}/lots/telemark-vestfold/bid`, {
      token: who.suppliers['unicare-steffensrud-as'],
    });
    expect(steffOpened.body.bid.status).toBe('submitted');
    await stack.runtime.eventsIdle();
    const invalidations = stack.runtime.bus.published.filter(
      (e) =>
        e['detail-type'] === 'Tender.BidsInvalidated' &&
        (e.detail as { tenderId: string }).tenderId === flow.id,
    );
    expect(invalidations.map((e) => e.detail)).toEqual([
      expect.objectContaining({ lotIds: ['innlandet'], supplierIds: ['falck-norge-as'] }),
    ]);
    await flow.cancel('Testen er ferdig');
  });
});

describe('tenders that end without agreements', () => {
  it('ends unsuccessful when no bid arrives', async () => {
    const flow = await TenderFlow.announce(stack, who);
    await flow.passDeadline();
    const workflow = await flow.finished();
    expect(workflow.body.status).toBe('SUCCEEDED');
    expect(stateNames(workflow.body.events).at(-1)).toBe('Unsuccessful');
    const t = await flow.tender();
    expect(t).toMatchObject({
      status: 'unsuccessful',
      unsuccessfulReason: expect.stringContaining('No valid bid'),
    });
    expect(t.lotOutcomes.innlandet.status).toBe('unsuccessful');
  });

  it('ends unsuccessful, everyone told, when the award decision is not taken within its 60 days', async () => {
    const flow = await TenderFlow.announce(stack, who);
    const r = await flow.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2000));
    await flow.passDeadline();
    await flow.qualify(r.body.bidId, true);
    await flow.score(r.body.bidId, 7, 7);
    await flow.rank();
    await stack.advanceClockTo(new Date(stack.runtime.clock.now().getTime() + 61 * DAY));
    const workflow = await flow.finished();
    expect(workflow.body.events.map((e: { type: string }) => e.type)).toContain('TaskTimedOut');
    expect(stateNames(workflow.body.events).slice(-2)).toEqual(['DecisionExpired', 'Unsuccessful']);
    expect(await flow.tender()).toMatchObject({
      status: 'unsuccessful',
      unsuccessfulReason: expect.stringContaining('No award decision'),
    });
    await stack.runtime.eventsIdle();
    const told = stack.runtime.bus.published.find(
      (e) =>
        e['detail-type'] === 'Tender.Unsuccessful' && (e.detail as { tenderId: string }).tenderId === flow.id,
    );
    expect(told?.detail).toMatchObject({ supplierIds: ['falck-norge-as'] });
  });

  it('makes a lot with fewer qualified bids than its minimum unsuccessful, and awards the other', async () => {
    const base = colonoscopyTender(stack.runtime.clock.now().getTime());
    const lots = base.lots.map((l) =>
      l.id === 'telemark-vestfold' ? { ...l, minSuppliers: 2, maxSuppliers: 2 } : l,
    );
    const flow = await TenderFlow.announce(stack, who, { lots });
    const a = await flow.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2000));
    const b = await flow.bid(
      'unicare-steffensrud-as',
      'telemark-vestfold',
      colonoscopyBid('telemark-vestfold', 2000),
    );
    await flow.passDeadline();
    for (const id of [a.body.bidId, b.body.bidId]) {
      await flow.qualify(id, true);
      await flow.score(id, 5, 5);
    }
    await flow.rank();
    const award = await flow.award();
    expect(award.lots).toEqual([
      expect.objectContaining({ lotId: 'innlandet', status: 'awarded' }),
      expect.objectContaining({
        lotId: 'telemark-vestfold',
        status: 'unsuccessful',
        reason: expect.stringContaining('minimum of 2'),
      }),
    ]);
    await flow.passStandstill();
    const t = await flow.tender();
    expect(t.status).toBe('complete');
    expect(t.lotOutcomes).toMatchObject({
      innlandet: { status: 'awarded' },
      'telemark-vestfold': { status: 'unsuccessful' },
    });
  });
});

describe('cancellation', () => {
  const cancelledAt = async (flow: TenderFlow) => {
    const r = await flow.cancel('Behovet er endret');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'cancelled', cancellation: { reason: 'Behovet er endret' } });
    const workflow = await flow.finished();
    expect(workflow.body.status).toBe('SUCCEEDED');
    expect(stateNames(workflow.body.events).at(-1)).toBe('Cancelled');
  };

  it('cancels a draft, which never had a workflow', async () => {
    const created = await stack.request('POST', '/tenders', {
      token: who.officer,
      body: colonoscopyTender(stack.runtime.clock.now().getTime()),
    });
    const r = await stack.request('POST', `/tenders/${created.body.id}/cancel`, {
      token: who.officer,
      body: { version: 1, reason: 'Feil oppsett' },
    });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('cancelled');
  });

  it('cancels while tendering', async () => {
    const flow = await TenderFlow.announce(stack, who);
    await flow.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2000));
    await cancelledAt(flow);
    await stack.runtime.eventsIdle();
    const told = stack.runtime.bus.published.find(
      (e) =>
        e['detail-type'] === 'Tender.Cancelled' && (e.detail as { tenderId: string }).tenderId === flow.id,
    );
    expect(told?.detail).toMatchObject({ wholeTender: true, supplierIds: ['falck-norge-as'] });
  });

  it('cancels during evaluation, and one lot alone', async () => {
    const flow = await TenderFlow.announce(stack, who);
    await flow.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2000));
    await flow.bid('unicare-steffensrud-as', 'telemark-vestfold', colonoscopyBid('telemark-vestfold', 2000));
    await flow.passDeadline();
    const one = await flow.cancel('Innlandet dekkes av egne sykehus', ['innlandet']);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      status: 'evaluation',
      lotOutcomes: { innlandet: { status: 'cancelled' } },
    });
    await cancelledAt(flow);
  });

  it('cancels during the standstill period, and not once agreements exist', async () => {
    const flow = await TenderFlow.announce(stack, who);
    const r = await flow.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2000));
    await flow.passDeadline();
    await flow.qualify(r.body.bidId, true);
    await flow.score(r.body.bidId, 7, 7);
    await flow.rank();
    await flow.award();
    await flow.waitingIn('AwaitStandstillEnd');
    await cancelledAt(flow);
    expect(
      (await stack.request('GET', '/agreements?limit=100', { token: who.officer })).body.items.some(
        (a: { tenderId: string }) => a.tenderId === flow.id,
      ),
    ).toBe(false);

    const completed = await TenderFlow.announce(stack, who);
    const c = await completed.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2000));
    await completed.passDeadline();
    await completed.qualify(c.body.bidId, true);
    await completed.score(c.body.bidId, 7, 7);
    await completed.rank();
    await completed.award();
    await completed.passStandstill();
    const tooLate = await completed.cancel('For sent');
    expect(tooLate.status).toBe(409);
  });

  it('revises an award during the standstill: back to evaluation, a new decision, a new standstill', async () => {
    const flow = await TenderFlow.announce(stack, who);
    const a = await flow.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2000));
    const b = await flow.bid('norsk-arbeidshelse-as', 'innlandet', colonoscopyBid('innlandet', 2100));
    await flow.passDeadline();
    for (const id of [a.body.bidId, b.body.bidId]) {
      await flow.qualify(id, true);
      await flow.score(id, 7, 7);
    }
    await flow.rank();
    const first = await flow.award();
    expect(first.lots[0].winners[0].supplierId).toBe('falck-norge-as');
    await flow.waitingIn('AwaitStandstillEnd');
    const revised = await stack.request('POST', `/tenders/${flow.id}/award/revise`, {
      token: who.officer,
      body: { version: await flow.version(), reason: 'Klage: Falck mangler autorisasjon' },
    });
    expect(revised.status, JSON.stringify(revised.body)).toBe(200);
    await flow.waitingIn('AwaitEvaluation');
    await flow.qualify(a.body.bidId, false, 'Mangler autorisasjon');
    await flow.rank();
    // Withdrawing only this ranking withdraws no decision: revision 1 was withdrawn already.
    const rankingOnly = await stack.request('POST', `/tenders/${flow.id}/award/revise`, {
      token: who.officer,
      body: { version: await flow.version(), reason: 'Feil i poengene' },
    });
    expect(rankingOnly.status, JSON.stringify(rankingOnly.body)).toBe(200);
    await flow.waitingIn('AwaitEvaluation');
    await flow.rank();
    const second = await flow.award();
    expect(second).toMatchObject({
      revision: 2,
      lots: [
        expect.objectContaining({
          winners: [expect.objectContaining({ supplierId: 'norsk-arbeidshelse-as' })],
        }),
      ],
    });
    await flow.passStandstill();
    expect((await flow.tender()).status).toBe('complete');
    await stack.runtime.eventsIdle();
    const told = stack.runtime.bus.published.filter(
      (e) =>
        e['detail-type'] === 'Tender.AwardRevised' && (e.detail as { tenderId: string }).tenderId === flow.id,
    );
    expect(told.map((e) => (e.detail as { revision: number }).revision)).toEqual([1]);
    const ocds = await stack.request('GET', `/tenders/${flow.id}/ocds`, { token: who.officer });
    expect(ocds.status).toBe(200);
    // The tender's own process (the agreement's call-offs are processes of their own).
    const awardReleases = (
      ocds.body.releases as {
        ocid: string;
        tag: string[];
        awards?: { status: string; date: string; suppliers: { id: string }[] }[];
      }[]
    ).filter((r) => r.ocid === `ocds-hk4j9p-${flow.id}` && r.awards);
    expect(awardReleases.map((r) => r.tag[0])).toEqual(['award', 'awardUpdate', 'award', 'awardUpdate']);
    // Each release shows the decision of its event: revision 1 (Falck) approved and withdrawn,
    // revision 2 (Norsk Arbeidshelse) approved and final.
    expect(awardReleases.map((r) => r.awards?.map((a) => [a.suppliers[0]?.id, a.status, a.date]))).toEqual([
      [['falck-norge-as', 'pending', first.approvedAt]],
      [['falck-norge-as', 'cancelled', first.approvedAt]],
      [['norsk-arbeidshelse-as', 'pending', second.approvedAt]],
      [['norsk-arbeidshelse-as', 'active', second.approvedAt]],
    ]);
  });
});

describe('the workflow and the API agree', () => {
  it('keeps the tender status readable and consistent with the workflow stage', async () => {
    const flow = await TenderFlow.announce(stack, who);
    expect((await flow.tender()).status).toBe('tendering');
    await eventually(flow.workflow, (r) => r.body.status === 'RUNNING');
    await flow.cancel('Ryddejobb');
  });
});
