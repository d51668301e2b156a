/**
 * The fault switch (local/faults.ts): 10% of the functions' calls to DynamoDB, Step Functions, the
 * scheduler, the bus and SNS fail (throttled, a transaction conflict, a 5xx, a timeout, a lost
 * answer), reproducibly by seed. A whole tender lifecycle, through the HTTP API with a client that
 * repeats a 503 as a well-behaved one does, still ends with its agreements, the workflow succeeded,
 * and the audit trail verifying. The figures are in docs/reliability.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colonoscopyBid } from '../helpers/fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { type Actors, actorsOf, TenderFlow } from '../support/tender-flow.ts';

const FAULTS = { rate: 0.1, seed: 42 };

describe(`a tender lifecycle with ${FAULTS.rate * 100}% of AWS calls failing (seed ${FAULTS.seed})`, () => {
  let stack: TestStack;
  let who: Actors;
  beforeAll(async () => {
    stack = await startTestStack({ faults: FAULTS });
    who = await actorsOf(stack);
  });
  afterAll(() => stack.stop());

  it('ends with its agreements, the workflow succeeded, nothing half-written, the audit verifying', async () => {
    const flow = await TenderFlow.announce(stack, who);
    const offers = [
      ['norsk-arbeidshelse-as', 'innlandet', 2500],
      ['falck-norge-as', 'innlandet', 2300],
      ['unicare-steffensrud-as', 'telemark-vestfold', 2600],
      ['norsk-arbeidshelse-as', 'telemark-vestfold', 2700],
    ] as const;
    for (const [supplier, lot, price] of offers) {
      const r = await flow.bid(supplier, lot, colonoscopyBid(lot, price));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    await flow.passDeadline();
    const all = await flow.bids();
    expect(all.items).toHaveLength(4);
    for (const bid of all.items as { id: string }[]) {
      await flow.qualify(bid.id, true);
      await flow.score(bid.id, 8, 7);
    }
    await flow.rank();
    await flow.award();
    await flow.waitingIn('AwaitStandstillEnd');
    await flow.passStandstill();

    const workflow = await flow.workflow();
    expect(workflow.body.status).toBe('SUCCEEDED');
    const tender = await flow.tender();
    expect(tender.status).toBe('complete');
    const agreements = await stack.request('GET', '/agreements?limit=50', { token: who.officer });
    const made = agreements.body.items.filter((a: { tenderId?: string }) => a.tenderId === flow.id);
    // One per winner: the innlandet lot takes one supplier, telemark-vestfold two.
    expect(made).toHaveLength(3);
    const verified = await stack.request('GET', '/audit/verify', { token: who.auditor });
    expect(verified.body).toMatchObject({ ok: true });

    const faults = stack.runtime.faults;
    console.log(
      'fault run',
      JSON.stringify({ calls: faults?.calls, injected: faults?.injected, total: faults?.total }),
    );
    // The switch really was on, on more than one service.
    expect(faults?.total ?? 0).toBeGreaterThan(10);
    expect(Object.keys(faults?.injected ?? {}).length).toBeGreaterThan(3);
  }, 240_000);
});
