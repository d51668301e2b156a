/**
 * Concurrency through the HTTP API, with DynamoDB's transaction conflicts as on AWS (the local
 * DynamoDB gate cancels a transaction that meets one in flight): conflicting updates of one
 * aggregate have one winner and 409 problems for the rest; creating POSTs retried with one
 * Idempotency-Key, one after the other and all at once, create one thing and replay one answer.
 * The figures are in docs/reliability.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colonoscopyTender } from '../helpers/fixtures.ts';
import type { Answer, TestStack } from '../support/local-stack.ts';
import { startTestStack } from '../support/local-stack.ts';
import { type Actors, actorsOf, TenderFlow } from '../support/tender-flow.ts';

let stack: TestStack;
let who: Actors;

beforeAll(async () => {
  stack = await startTestStack();
  who = await actorsOf(stack);
});
afterAll(() => stack.stop());

const tally = (answers: Answer[]) => {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
};

describe('100 concurrent conflicting updates of one tender', () => {
  it('have exactly one winner; the 99 others get 409 problems and change nothing', async () => {
    const now = stack.runtime.clock.now().getTime();
    const created = await stack.request('POST', '/tenders', {
      token: who.officer,
      body: colonoscopyTender(now),
    });
    expect(created.status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        stack.request('PATCH', `/tenders/${created.body.id}`, {
          token: who.officer,
          body: { version: created.body.version, title: `Koloskopi, utgave ${i}` },
        }),
      ),
    );
    console.log('conflicting updates', JSON.stringify(tally(answers)));
    expect(tally(answers)).toEqual({ 200: 1, 409: 99 });
    for (const a of answers.filter((a) => a.status === 409)) {
      expect(a.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(a.body).toMatchObject({ status: 409, type: expect.stringMatching(/conflict/) });
    }
    const winner = answers.find((a) => a.status === 200);
    const stored = await stack.request('GET', `/tenders/${created.body.id}`, { token: who.officer });
    expect(stored.body).toMatchObject({ version: created.body.version + 1, title: winner?.body.title });
    const history = await stack.request('GET', `/tenders/${created.body.id}/history`, { token: who.auditor });
    expect(history.status).toBe(200);
    const verified = await stack.request('GET', '/audit/verify', { token: who.auditor });
    expect(verified.body).toMatchObject({ ok: true });
  });
});

describe('creating POSTs retried with one Idempotency-Key', () => {
  const supplierBody = (name: string) => ({ name, country: 'NO', kind: 'kommersiell' });

  it('1 000 retries one after the other, then 50 at once: one supplier, one answer replayed', async () => {
    const headers = { 'idempotency-key': 'retry-storm-supplier-0001' };
    const body = supplierBody('Stormfull Retry Klinikk AS');
    const first = await stack.request('POST', '/reference/suppliers', { token: who.officer, body, headers });
    expect(first.status).toBe(201);
    const answers: Answer[] = [];
    for (let batch = 0; batch < 100; batch++)
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, () =>
            stack.request('POST', '/reference/suppliers', { token: who.officer, body, headers }),
          ),
        )),
      );
    answers.push(
      ...(await Promise.all(
        Array.from({ length: 50 }, () =>
          stack.request('POST', '/reference/suppliers', { token: who.officer, body, headers }),
        ),
      )),
    );
    console.log('idempotent retries', JSON.stringify(tally(answers)));
    expect(tally(answers)).toEqual({ 201: 1050 });
    expect(answers.every((a) => a.headers['idempotency-replayed'] === 'true')).toBe(true);
    for (const a of answers) expect(a.body).toEqual(first.body);
    const listed = await stack.request('GET', '/reference/suppliers?limit=100', { token: who.officer });
    expect(listed.body.items.filter((s: { id: string }) => s.id === first.body.id)).toHaveLength(1);
  }, 120_000);

  it('50 at once, the first included, replay the first answer on every creating route', async () => {
    const now = stack.runtime.clock.now().getTime();
    const flow = await TenderFlow.announce(stack, who);
    const supplier = who.suppliers['falck-norge-as'] as string;
    const routes: { path: string; token: string; body: unknown }[] = [
      { path: '/reference/suppliers', token: who.officer, body: supplierBody('Samtidig Klinikk AS') },
      { path: '/tenders', token: who.officer, body: colonoscopyTender(now) },
      {
        path: `/tenders/${flow.id}/questions`,
        token: supplier,
        body: { text: 'Kan vi levere fra to steder i samme opptaksområde?' },
      },
    ];
    for (const [i, route] of routes.entries()) {
      const headers = { 'idempotency-key': `concurrent-create-${i}-0001` };
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          stack.request('POST', route.path, { token: route.token, body: route.body, headers }),
        ),
      );
      console.log('concurrent creates', route.path, JSON.stringify(tally(answers)));
      expect(tally(answers), route.path).toEqual({ 201: 50 });
      expect(new Set(answers.map((a) => a.body.id)).size, route.path).toBe(1);
      expect(
        answers.filter((a) => a.headers['idempotency-replayed'] !== 'true'),
        route.path,
      ).toHaveLength(1);
    }
  }, 120_000);
});
