/**
 * The fault switch (local/faults.ts): 10% of the functions' calls to DynamoDB, Step Functions, the
 * scheduler, the bus and SNS fail (throttled, a transaction conflict, a 5xx, a timeout, a lost
 * answer), reproducibly by seed. A whole tender lifecycle, through the HTTP API with a client that
 * repeats a 503 as a well-behaved one does, still ends with its agreements, the workflow succeeded,
 * and the audit trail verifying. The figures are in docs/reliability.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    await flow.toAgreements(offers);
    expect((await flow.bids()).items).toHaveLength(4);

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
      JSON.stringify({
        calls: faults?.calls,
        injected: faults?.injected,
        total: faults?.total,
        transactionsReplayedByToken: stack.runtime.dynamoGate.replayed,
      }),
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

    await stack.runtime.eventsIdle();
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

describe(`expiry reminders with ${FAULTS.rate * 100}% of AWS calls failing (seed 11)`, () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ faults: { ...FAULTS, seed: 11 } });
  });
  afterAll(() => stack.stop());

  it('are each delivered exactly once: one inbox entry per audience, one event, none left pending', async () => {
    const officer = await stack.tokenFor({ role: 'officer', entity: 'helse-sor-ost', sub: 'kari' });
    const supplier = await stack.tokenFor({
      role: 'supplier',
      supplier: 'norsk-arbeidshelse-as',
      sub: 'ola',
    });
    const flow = renegotiationFlow(stack, { officer, supplier });
    // An agreement ending in eight months, without options: its expiry reminders all fall due ahead.
    const end = new Date(stack.runtime.clock.now().getTime() + 240 * 86_400_000).toISOString().slice(0, 10);
    const a = await flow.register({ startDate: '2025-01-01', endDate: end, options: [] });
    const planned = (
      await stack.request('GET', `/agreements/${a.id}/reminders`, { token: officer })
    ).body.items.filter((r: { status: string }) => r.status === 'pending');
    expect(planned.length).toBeGreaterThan(1);

    await stack.advanceClockTo(new Date(Date.parse(`${end}T00:00:00.000Z`) - 86_400_000));
    const after = await eventually(
      () => stack.request('GET', `/agreements/${a.id}/reminders`, { token: officer }),
      (r) => r.body.items.every((x: { status: string }) => x.status !== 'pending'),
    );
    const keys = planned.map((r: { key: string }) => r.key);
    const delivered = after.body.items.filter(
      (r: { key: string; status: string }) => keys.includes(r.key) && r.status === 'delivered',
    );
    expect(delivered.map((r: { key: string }) => r.key).sort()).toEqual([...keys].sort());
    await stack.runtime.eventsIdle();
    const inbox = (
      await stack.request('GET', '/notifications?limit=100', { token: officer })
    ).body.items.filter((n: { agreementId: string }) => n.agreementId === a.id);
    // One inbox entry per reminder and audience (an escalated one also goes to the manager).
    for (const key of keys) {
      const audiences = inbox
        .filter((n: { reminderKey: string }) => n.reminderKey === key)
        .map((n: { audience: string }) => n.audience);
      expect(audiences.length, key).toBeGreaterThanOrEqual(1);
      expect(new Set(audiences).size, key).toBe(audiences.length);
    }
    const events = stack.runtime.bus.published.filter(
      (e) =>
        e['detail-type'] === 'Agreement.ExpiryApproaching' &&
        (e.detail as { agreementId: string }).agreementId === a.id,
    );
    expect(events).toHaveLength(keys.length);
    const faults = stack.runtime.faults;
    console.log(
      'fault run (reminders)',
      JSON.stringify({
        reminders: keys.length,
        calls: faults?.calls,
        injected: faults?.injected,
        total: faults?.total,
      }),
    );
  }, 240_000);
});
