/**
 * Hostile input, finding by finding (issue 11): each case answered 500, no problem body, or was
 * accepted before its fix. Bad input is a 4xx RFC 9457 problem that says what and where, and a
 * refused request stores nothing. The property-based sweep of every route is test/e2e/fuzz.test.ts.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddb } from '../../functions/adapters/clients.ts';
import { MAX_UNIT_PRICE, MAX_VOLUME } from '../../functions/domain/limits.ts';
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

/**
 * Every stored item's key and version: what a refused request must leave as it was. Read once the
 * events of earlier requests are relayed and notified (their records are written meanwhile).
 */
const fingerprint = async (): Promise<string> => {
  await stack.runtime.eventsIdle();
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

  it('answers oversized headers with a 431 problem (Node answered a bare 431), at the size API Gateway allows', async () => {
    for (const size of [20_000, 11_000]) {
      const answer = await stack.request('GET', '/tenders', {
        token: who.officer,
        headers: { 'x-padding': 'a'.repeat(size) },
      });
      expectProblem(answer, 431);
    }
    const fits = await stack.request('GET', '/tenders', {
      token: who.officer,
      headers: { 'x-padding': 'a'.repeat(8_000) },
    });
    expect(fits.status).toBe(200);
  });
});

describe('paths', () => {
  it('refuses malformed percent-encoding in a path parameter with a 400 naming it (it answered 500)', async () => {
    for (const id of ['%E0%A4%A', '%', '%ZZ', 'tnd_%C0']) {
      await refused(400, 'GET', `/tenders/${id}`, { token: who.officer }, { parameter: 'tenderId' });
    }
    await refused(
      400,
      'POST',
      `/tenders/${flow.id}/questions/%FF/answer`,
      {
        token: who.officer,
        body: { version: 1, text: 'Svar' },
      },
      { parameter: 'questionId' },
    );
  });

  it('refuses a request target the URL parser cannot read', async () => {
    const answer = await fetch(`${stack.apiUrl}//[`);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('tokens naming an entity or a supplier that does not exist', () => {
  it('refuses an entity that does not exist (the token was accepted)', async () => {
    const ghost = await stack.tokenFor({ role: 'officer', entity: 'nowhere', sub: 'ghost' });
    const answer = await refused(403, 'GET', '/tenders', { token: ghost });
    expect(answer.body.detail).toMatch(/"nowhere", which does not exist/);
    await refused(403, 'POST', '/tenders', { token: ghost, body: colonoscopyTender(now()) });
  });

  it('refuses a supplier that is not registered where it acts (its bid and question were stored)', async () => {
    const ghost = await stack.tokenFor({ role: 'supplier', supplier: 'ghost-as', sub: 'ghost' });
    const bid = await refused(403, 'PUT', `/tenders/${flow.id}/lots/innlandet/bid`, {
      token: ghost,
      body: colonoscopyBid('innlandet', 2000),
    });
    expect(bid.body.detail).toMatch(/"ghost-as", which is not registered/);
    await refused(403, 'POST', `/tenders/${flow.id}/questions`, {
      token: ghost,
      body: { text: 'Hvem er vi?' },
    });
    await refused(403, 'GET', '/agreements', { token: ghost });
    await refused(403, 'GET', '/tenders', { token: ghost });
    // A registered one passes.
    expect((await stack.request('GET', '/tenders', { token: who.suppliers['falck-norge-as'] })).status).toBe(
      200,
    );
  });

  it('has the dev issuer refuse to mint them, and refuse a request it cannot read (500 for a numeric sub)', async () => {
    const mint = (body: unknown) => stack.request('POST', '/_local/token', { body });
    expectProblem(await mint({ role: 'officer', entity: 'nowhere' }), 400);
    expectProblem(await mint({ role: 'supplier', supplier: 'ghost-as' }), 400);
    expectProblem(await mint({ role: 'officer', entity: 'helse-sor-ost', sub: 123 }), 400);
    expectProblem(await mint({ role: 'officer', entity: 'helse-sor-ost', name: { x: 1 } }), 400);
    expectProblem(await mint({ role: 'officer', entity: 'helse-sor-ost', hours: 'many' }), 400);
    expectProblem(await mint('null'), 400);
    expectProblem(await mint('[1]'), 400);
    expect((await mint({ role: 'supplier', supplier: 'falck-norge-as' })).status).toBe(200);
    expect((await mint({ role: 'auditor', entity: 'region-sjaelland', sub: 'revisor' })).status).toBe(200);
  });

  it('has the local clock refuse what it cannot read (500 for a body that is not an object)', async () => {
    const advance = (body: unknown) => stack.request('POST', '/_local/clock/advance', { body });
    expectProblem(await advance('null'), 400);
    expectProblem(await advance({ days: 1e12 }), 400);
    expectProblem(await advance({ days: '1' }), 400);
    expectProblem(await advance({ to: 12 }), 400);
  });
});

describe('CSV exports', () => {
  it('neutralises cells that a spreadsheet would run as a formula', async () => {
    const formulaist = await stack.tokenFor({ role: 'officer', entity: 'helse-sor-ost', sub: '@evil' });
    const created = await stack.request('POST', '/tenders', {
      token: formulaist,
      body: colonoscopyTender(now()),
    });
    expect(created.status).toBe(201);
    const cancelled = await stack.request('POST', `/tenders/${created.body.id}/cancel`, {
      token: formulaist,
      body: { version: 1, reason: '=1+2+HYPERLINK("http://evil.example")' },
    });
    expect(cancelled.status).toBe(200);
    const csv = await stack.request('GET', `/tenders/${created.body.id}/history?format=csv&kind=audit`, {
      token: who.auditor,
    });
    expect(csv.status).toBe(200);
    const text = String(csv.body);
    expect(text).toContain(`"'=1+2+HYPERLINK(""http://evil.example"")"`);
    expect(text).toContain(",'@evil,officer,");
    for (const line of text.trim().split('\n'))
      for (const cell of line.split(',')) expect(cell).not.toMatch(/^"?[=+@\t\r]/);
  });
});

describe('existence', () => {
  const NO_AGREEMENT = `agr_${'0'.repeat(32)}`;
  const NO_TENDER = `tnd_${'0'.repeat(32)}`;

  /** The answer with the ids it names replaced: what tells a foreign resource from a missing one. */
  const shape = (answer: Answer, ids: string[]) => {
    let text = JSON.stringify(answer.body);
    for (const id of ids) text = text.replaceAll(id, '<id>');
    return { status: answer.status, body: JSON.parse(text) };
  };

  it('answers a foreign agreement year and a nonexistent one alike (they differed), and every nested route', async () => {
    const foreignOfficer = await stack.tokenFor({ role: 'officer', entity: 'helse-vest', sub: 'vest' });
    const registered = await stack.request('POST', '/agreements', {
      token: who.officer,
      body: agreementBody(),
    });
    expect(registered.status).toBe(201);
    const id = registered.body.id as string;
    const year = new Date(now()).getUTCFullYear() + 1;
    const month = new Date(now()).getUTCMonth() + 1;
    const started = await stack.request('POST', `/agreements/${id}/years/${year}/negotiation`, {
      token: who.officer,
      body: {},
    });
    expect(started.status).toBe(202);
    const draft = await stack.request('POST', '/tenders', {
      token: who.officer,
      body: colonoscopyTender(now()),
    });
    expect(draft.status).toBe(201);
    const paths = (agreementId: string, tenderId: string) => [
      ['GET', `/agreements/${agreementId}`],
      ['GET', `/agreements/${agreementId}/reminders`],
      ['GET', `/agreements/${agreementId}/years/${year}`],
      ['GET', `/agreements/${agreementId}/years/${year}/workflow`],
      ['GET', `/agreements/${agreementId}/history`],
      ['GET', `/audit/verify?agreementId=${agreementId}`],
      ['PUT', `/agreements/${agreementId}/usage/${year}/${month}`],
      ['POST', `/agreements/${agreementId}/years/${year}/proposal`],
      ['GET', `/tenders/${tenderId}`],
      ['GET', `/tenders/${tenderId}/workflow`],
      ['GET', `/tenders/${tenderId}/history`],
      ['GET', `/tenders/${tenderId}/questions`],
      ['GET', `/tenders/${tenderId}/bids`],
      ['GET', `/tenders/${tenderId}/ranking`],
      ['GET', `/tenders/${tenderId}/award`],
      ['GET', `/tenders/${tenderId}/ocds`],
      ['GET', `/audit/verify?tenderId=${tenderId}`],
    ];
    const bodies: Record<string, unknown> = {
      PUT: { lines: [{ unit: 'konsultasjoner', quantity: 1 }] },
      POST: {
        version: 1,
        lines: [{ unit: 'konsultasjoner', volume: 1, unitPrice: 1 }],
        priceAdjustmentPercent: 0,
      },
    };
    const existing = paths(id, draft.body.id);
    const missing = paths(NO_AGREEMENT, NO_TENDER);
    for (const [i, [method, path]] of existing.entries()) {
      const [, otherPath] = missing[i] as [string, string];
      const options = {
        token: foreignOfficer,
        ...(bodies[method as string] ? { body: bodies[method as string] } : {}),
      };
      const foreign = await stack.request(method as string, path as string, options);
      const nonexistent = await stack.request(method as string, otherPath, options);
      expect(foreign.status, `${method} ${path}`).toBe(404);
      expect(shape(foreign, [id, draft.body.id]), `${method} ${path}`).toEqual(
        shape(nonexistent, [NO_AGREEMENT, NO_TENDER]),
      );
    }
    // Reminder settings of another entity and of no entity read the same too.
    const settings = await stack.request('GET', '/entities/helse-sor-ost/reminder-settings', {
      token: foreignOfficer,
    });
    const none = await stack.request('GET', '/entities/nowhere/reminder-settings', { token: foreignOfficer });
    expect(shape(settings, ['helse-sor-ost'])).toEqual(shape(none, ['nowhere']));
  });
});

describe('the ranking at the bounds', () => {
  // Last: it moves the clock past the bid deadline.
  it('ranks and awards a lot at the largest volume and unit price (beyond them, the ranking step could not store its result)', async () => {
    const tender = colonoscopyTender(now());
    const lots = tender.lots.map((l) => ({
      ...l,
      estimatedVolumes: [{ unit: 'konsultasjoner', quantity: MAX_VOLUME }],
      maxSuppliers: 2,
    }));
    const bounded = await TenderFlow.announce(stack, who, { lots });
    const dear = await bounded.bid(
      'falck-norge-as',
      'innlandet',
      colonoscopyBid('innlandet', MAX_UNIT_PRICE, MAX_VOLUME),
    );
    const cheap = await bounded.bid('norsk-arbeidshelse-as', 'innlandet', colonoscopyBid('innlandet', 0.01));
    expect([dear.status, cheap.status]).toEqual([201, 201]);
    await bounded.passDeadline();
    for (const bid of [dear, cheap]) {
      await bounded.qualify(bid.body.bidId, true);
      await bounded.score(bid.body.bidId, 10, 0.01);
    }
    const ranking = await bounded.rank();
    const lot = ranking.lots.find((l: { lotId: string }) => l.lotId === 'innlandet');
    expect(lot.ranking.map((r: { evaluatedPrice: number }) => r.evaluatedPrice)).toEqual([
      0.01 * MAX_VOLUME,
      MAX_UNIT_PRICE * MAX_VOLUME,
    ]);
    await bounded.award();
    const verified = await stack.request('GET', `/audit/verify?tenderId=${bounded.id}`, {
      token: who.auditor,
    });
    expect(verified.body).toMatchObject({ ok: true });
  });
});
