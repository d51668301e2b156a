/**
 * The fault switch (local/faults.ts): 10% of the functions' calls to DynamoDB, Step Functions, the
 * scheduler, the bus and SNS fail (throttled, a transaction conflict, a 5xx, a timeout, a lost
 * answer), reproducibly by seed. A whole tender lifecycle, through the HTTP API with a client that
 * repeats a 503 as a well-behaved one does, still ends with its agreements, the workflow succeeded,
 * and the audit trail verifying. The figures are in docs/reliability.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colonoscopyBid } from '../helpers/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { renegotiationFlow } from '../support/renegotiation-flow.ts';
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

describe(`a renegotiation year with ${FAULTS.rate * 100}% of AWS calls failing (seed 7)`, () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ faults: { ...FAULTS, seed: 7 } });
  });
  afterAll(() => stack.stop());

  it('is reminded once, escalated once, agreed and published once, the audit verifying', async () => {
    const officer = await stack.tokenFor({ role: 'officer', entity: 'helse-sor-ost', sub: 'kari' });
    const auditor = await stack.tokenFor({ role: 'auditor', entity: 'helse-sor-ost', sub: 'aud' });
    const supplier = await stack.tokenFor({
      role: 'supplier',
      supplier: 'norsk-arbeidshelse-as',
      sub: 'ola',
    });
    const flow = renegotiationFlow(stack, { officer, supplier });
    const a = await flow.register({ endDate: '2028-12-31' });
    await flow.start(a.id, 2027);
    // The supplier stays silent: reminded once, then escalated to the officer.
    const proposed = await flow.propose(a.id, 2027, 4000, { answerDays: 3 });
    await stack.advanceClockTo(new Date(Date.parse(proposed.supplierDeadline) + 60_000));
    const reminded = await eventually(
      () => flow.year(a.id, 2027),
      (r) => r.body.reminders === 1,
    );
    await flow.waitingIn(a.id, 2027, 'AwaitSupplier');
    await stack.advanceClockTo(new Date(Date.parse(reminded.body.supplierDeadline) + 60_000));
    await eventually(
      () => flow.year(a.id, 2027),
      (r) => r.body.escalatedAt !== undefined,
    );
    await flow.waitingIn(a.id, 2027, 'AwaitOfficer');
    await flow.propose(a.id, 2027, 3900);
    await flow.answer(a.id, 2027, { accept: true });
    expect((await flow.approve(a.id, 2027)).status).toBe('published');

    await stack.runtime.bus.idle();
    const count = (type: string) =>
      stack.runtime.bus.published.filter(
        (e) => e['detail-type'] === type && (e.detail as { agreementId?: string }).agreementId === a.id,
      ).length;
    expect({
      proposed: count('PerformanceAgreement.Proposed'),
      reminded: count('PerformanceAgreement.SupplierReminded'),
      escalated: count('PerformanceAgreement.Escalated'),
      agreed: count('PerformanceAgreement.Agreed'),
      published: count('PerformanceAgreement.Published'),
    }).toEqual({ proposed: 2, reminded: 1, escalated: 1, agreed: 1, published: 1 });
    const verified = await stack.request('GET', '/audit/verify', { token: auditor });
    expect(verified.body).toMatchObject({ ok: true });
    const faults = stack.runtime.faults;
    console.log(
      'fault run (renegotiation)',
      JSON.stringify({ calls: faults?.calls, injected: faults?.injected, total: faults?.total }),
    );
    expect(faults?.total ?? 0).toBeGreaterThan(5);
  }, 240_000);
});
