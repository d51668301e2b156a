/**
 * Sealed means sealed: before the opening, nobody but a bidder learns who bid. Every channel the
 * entity's people and the other suppliers can read is read as each of them, before the deadline
 * and after the opening: the tender, the list, the bids, the history (JSON and CSV), OCDS, the
 * inbox, and the notifications an officers' subscription receives. Before: no bidder's supplier
 * id, no bid id (derived from the supplier), nothing else that names them. After: the history
 * names them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colonoscopyBid } from '../helpers/fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { type Actors, actorsOf, TenderFlow } from '../support/tender-flow.ts';

let stack: TestStack;
let who: Actors;
beforeAll(async () => {
  stack = await startTestStack();
  who = await actorsOf(stack);
});
afterAll(() => stack.stop());

const BIDDERS = ['falck-norge-as', 'unicare-steffensrud-as'] as const;

describe('sealed bids, on every channel', () => {
  it('name no bidder to anyone else before the opening, and do after it', async () => {
    const flow = await TenderFlow.announce(stack, who);
    const secrets: string[] = [...BIDDERS];
    for (const [supplier, lot] of [
      ['falck-norge-as', 'innlandet'],
      ['unicare-steffensrud-as', 'telemark-vestfold'],
    ] as const) {
      const r = await flow.bid(supplier, lot, colonoscopyBid(lot, 2500));
      expect(r.status).toBe(201);
      secrets.push(r.body.bidId);
    }
    // The bidder reads its own bid (an audited read) and replaces it.
    const own = await stack.request('GET', `/tenders/${flow.id}/lots/innlandet/bid`, {
      token: who.suppliers['falck-norge-as'],
    });
    expect(own.status).toBe(200);

    const readers = {
      officer: who.officer,
      evaluator: who.evaluator,
      auditor: who.auditor,
      'another supplier': who.suppliers['norsk-arbeidshelse-as'] as string,
    };
    const channels = [
      `/tenders/${flow.id}`,
      '/tenders?limit=100',
      `/tenders/${flow.id}/bids`,
      `/tenders/${flow.id}/history`,
      `/tenders/${flow.id}/history?format=csv`,
      `/tenders/${flow.id}/ocds`,
      '/notifications?limit=100',
    ];
    const leaks: string[] = [];
    const read = async () => {
      const seen: Record<string, string> = {};
      for (const [reader, token] of Object.entries(readers))
        for (const path of channels) {
          const answer = await stack.request('GET', path, { token });
          expect(answer.status, `${reader} ${path}`).toBeLessThan(500);
          seen[`${reader} ${path}`] =
            typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        }
      await stack.runtime.eventsIdle();
      // What an officers' subscription (entityId + audience officers) receives.
      seen['officers subscription'] = JSON.stringify(
        stack.runtime.endpoint.sns.filter(
          (m) => m.attributes.entityId === 'helse-sor-ost' && m.attributes.audience === 'officers',
        ),
      );
      return seen;
    };

    const before = await read();
    for (const [channel, text] of Object.entries(before))
      for (const secret of secrets) if (text.includes(secret)) leaks.push(`${channel}: ${secret}`);
    expect(leaks).toEqual([]);
    // The entity still learns that bids came in, on which lot.
    expect(before[`officer /tenders/${flow.id}/bids`]).toContain('"bids":1');
    expect(before[`officer /tenders/${flow.id}/history`]).toContain('bid.submitted');

    await flow.passDeadline();
    const history = await stack.request('GET', `/tenders/${flow.id}/history`, { token: who.auditor });
    for (const bidder of BIDDERS) expect(JSON.stringify(history.body)).toContain(bidder);
  }, 120_000);
});
