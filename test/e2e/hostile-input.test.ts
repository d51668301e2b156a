/**
 * Hostile input, finding by finding (issue 11): each case answered 500, no problem body, or was
 * accepted before its fix. Bad input is a 4xx RFC 9457 problem that says what and where, and a
 * refused request stores nothing. The property-based sweep of every route is test/e2e/fuzz.test.ts.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddb } from '../../functions/adapters/clients.ts';
import { colonoscopyBid, colonoscopyTender, DAY } from '../helpers/fixtures.ts';
import { type Answer, startTestStack, type TestStack } from '../support/local-stack.ts';
import { type Actors, actorsOf, TenderFlow } from '../support/tender-flow.ts';

let stack: TestStack;
let who: Actors;
let flow: TenderFlow;

beforeAll(async () => {
  stack = await startTestStack();
  who = await actorsOf(stack);
  flow = await TenderFlow.announce(stack, who);
});
afterAll(() => stack?.stop());

const now = () => stack.runtime.clock.now().getTime();
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Every stored item's key and version: what a refused request must leave as it was. */
const fingerprint = async (): Promise<string> => {
  const keys: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new ScanCommand({
        TableName: stack.runtime.tableName,
        ProjectionExpression: 'PK, SK, version',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const i of page.Items ?? []) keys.push(`${i.PK}|${i.SK}|${i.version ?? ''}`);
    start = page.LastEvaluatedKey;
  } while (start);
  return keys.sort().join('\n');
};

/** A 4xx RFC 9457 problem with the status, and (where given) the pointer or parameter of its first error. */
const expectProblem = (answer: Answer, status: number, where?: { pointer?: string; parameter?: string }) => {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(answer.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(typeof answer.body.detail).toBe('string');
  if (where?.pointer) expect(answer.body.errors?.[0]?.pointer).toBe(where.pointer);
  if (where?.parameter) expect(answer.body.errors?.[0]?.parameter).toBe(where.parameter);
};

/** Sends a request that must be refused with `status`, and checks that nothing was stored. */
const refused = async (
  status: number,
  method: string,
  path: string,
  options: Parameters<TestStack['request']>[2],
  where?: { pointer?: string; parameter?: string },
): Promise<Answer> => {
  const before = await fingerprint();
  const answer = await stack.request(method, path, options);
  expectProblem(answer, status, where);
  expect(await fingerprint()).toBe(before);
  return answer;
};

const agreementBody = (overrides: Record<string, unknown> = {}) => ({
  title: 'Fiendtlig input: arbeidsrettet rehabilitering',
  supplierId: 'norsk-arbeidshelse-as',
  serviceAreaId: 'helse-og-arbeid',
  lot: { id: 'rehab', title: 'Dagopphold', hospitalAreaIds: ['oslo'], formOfCare: 'day' },
  startDate: day(now() - 365 * DAY),
  endDate: day(now() + 2 * 365 * DAY),
  prices: [{ unit: 'konsultasjoner', unitPrice: 1000 }],
  volumes: [{ unit: 'konsultasjoner', quantity: 500 }],
  deliverySites: [{ place: 'Oslo', hospitalAreaId: 'oslo' }],
  ...overrides,
});

describe('numbers beyond what the domain can mean', () => {
  it('refuses a unit price beyond safe integers (it answered 500 and could not be stored)', async () => {
    const body = agreementBody({ prices: [{ unit: 'konsultasjoner', unitPrice: 1e20 }] });
    await refused(
      400,
      'POST',
      '/agreements',
      { token: who.officer, body },
      { pointer: '#/prices/0/unitPrice' },
    );
    const tiny = agreementBody({ prices: [{ unit: 'konsultasjoner', unitPrice: 1e-200 }] });
    await refused(
      400,
      'POST',
      '/agreements',
      { token: who.officer, body: tiny },
      { pointer: '#/prices/0/unitPrice' },
    );
    expect((await stack.request('GET', '/agreements', { token: who.officer })).status).toBe(200);
  });

  it('refuses a weight too small to store (500) and a volume that breaks the ranking (accepted)', async () => {
    const tender = colonoscopyTender(now());
    const weights = {
      ...tender,
      awardCriteria: [
        { id: 'pris', name: 'Pris', kind: 'price', weight: 100 },
        { id: 'kvalitet', name: 'Kvalitet', kind: 'quality', weight: 1e-200 },
      ],
    };
    await refused(
      400,
      'POST',
      '/tenders',
      { token: who.officer, body: weights },
      {
        pointer: '#/awardCriteria/1/weight',
      },
    );
    // 9e15 consultations at any price make an evaluated price the ranking cannot store: the tender
    // would wait in evaluation for good.
    const lots = tender.lots.map((l) => ({
      ...l,
      estimatedVolumes: [{ unit: 'konsultasjoner', quantity: 9_000_000_000_000_000 }],
    }));
    await refused(
      400,
      'POST',
      '/tenders',
      { token: who.officer, body: { ...tender, lots } },
      {
        pointer: '#/lots/0/estimatedVolumes/0/quantity',
      },
    );
  });

  it('refuses a bid price too small to store (it answered 500)', async () => {
    for (const unitPrice of [5e-324, 1e-200, 0.001]) {
      await refused(
        400,
        'PUT',
        `/tenders/${flow.id}/lots/innlandet/bid`,
        { token: who.suppliers['falck-norge-as'], body: colonoscopyBid('innlandet', unitPrice) },
        { pointer: '#/prices/0/unitPrice' },
      );
    }
  });
});

describe('sizes', () => {
  const bigLots = (letter: string) =>
    colonoscopyTender(now()).lots.flatMap((l) =>
      Array.from({ length: 25 }, (_, i) => ({ ...l, id: `${l.id}-${i}`, description: letter.repeat(4000) })),
    );

  it('refuses a body over 128 KiB (a 210 KB draft was stored, and its edit answered 500: the audit event passed 400 KB)', async () => {
    const answer = await refused(413, 'POST', '/tenders', {
      token: who.officer,
      body: { ...colonoscopyTender(now()), lots: bigLots('x') },
    });
    expect(answer.body.detail).toMatch(/at most 131072/);
    const created = await stack.request('POST', '/tenders', {
      token: who.officer,
      body: { ...colonoscopyTender(now()), lots: bigLots('x').slice(0, 28) },
    });
    expect(created.status, JSON.stringify(created.body).slice(0, 300)).toBe(201);
    await refused(413, 'PATCH', `/tenders/${created.body.id}`, {
      token: who.officer,
      body: { version: 1, lots: bigLots('y') },
    });
    // The largest edit that is let through is stored whole, with its event, and the chain verifies.
    const edited = await stack.request('PATCH', `/tenders/${created.body.id}`, {
      token: who.officer,
      body: { version: 1, lots: bigLots('y').slice(0, 28) },
    });
    expect(edited.status).toBe(200);
    const verified = await stack.request('GET', `/audit/verify?tenderId=${created.body.id}`, {
      token: who.auditor,
    });
    expect(verified.body).toMatchObject({ ok: true, events: 2 });
  });

});
