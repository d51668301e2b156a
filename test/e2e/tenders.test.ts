/**
 * The tender slice end to end: HTTP API → handlers → DynamoDB Local, the real workflow file on the
 * local Step Functions engine, the local scheduler's clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colonoscopyBid, colonoscopyTender, DAY } from '../helpers/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let officer: string;
let supplier: string;
let auditor: string;
let foreignOfficer: string;

beforeAll(async () => {
  stack = await startTestStack();
  officer = await stack.tokenFor({ role: 'officer', entity: 'helse-sor-ost', sub: 'kari' });
  supplier = await stack.tokenFor({ role: 'supplier', supplier: 'norsk-arbeidshelse-as', sub: 'ola' });
  auditor = await stack.tokenFor({ role: 'auditor', entity: 'helse-sor-ost', sub: 'revisor' });
  foreignOfficer = await stack.tokenFor({ role: 'officer', entity: 'helse-vest', sub: 'per' });
});

afterAll(async () => {
  await stack?.stop();
});

/** The product's clock (the local scheduler's, which tests advance). */
const now = async (): Promise<number> => Date.parse((await stack.request('GET', '/_local/clock')).body.now);

describe('a tender from draft to opening', () => {
  it('is drafted, edited, announced, waits for its deadline and opens by itself when the clock passes it', async () => {
    const draft = colonoscopyTender(await now());
    const created = await stack.request('POST', '/tenders', { token: officer, body: draft });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect(created.body).toMatchObject({ status: 'draft', version: 1, currency: 'NOK', standstillDays: 10 });

    // Sealed from the world while a draft.
    expect((await stack.request('GET', `/tenders/${id}`, { token: supplier })).status).toBe(404);
    expect((await stack.request('GET', `/tenders/${id}`, { token: foreignOfficer })).status).toBe(404);
    expect((await stack.request('GET', `/tenders/${id}`, { token: auditor })).status).toBe(200);

    const edited = await stack.request('PATCH', `/tenders/${id}`, {
      token: officer,
      body: { version: 1, standstillDays: 14 },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, standstillDays: 14 });
    expect(edited.headers.etag).toBe('"2"');

    const stale = await stack.request('PATCH', `/tenders/${id}`, {
      token: officer,
      body: { version: 1, title: 'Stale' },
    });
    expect(stale.status).toBe(409);
    expect(stale.headers['content-type']).toBe('application/problem+json');
    expect((await stack.request('GET', `/tenders/${id}`, { token: officer })).body.title).toBe(draft.title);

    const announced = await stack.request('POST', `/tenders/${id}/announce`, {
      token: officer,
      body: { version: 2 },
    });
    expect(announced.status).toBe(200);
    expect(announced.body).toMatchObject({ status: 'tendering', version: 3 });
    expect(announced.body.executionArn).toContain(id);

    // Now public, and no longer editable.
    expect((await stack.request('GET', `/tenders/${id}`, { token: supplier })).status).toBe(200);
    expect((await stack.request('GET', `/tenders/${id}`, { token: foreignOfficer })).status).toBe(200);
    const late = await stack.request('PATCH', `/tenders/${id}`, {
      token: officer,
      body: { version: 3, title: 'x' },
    });
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain('only drafts');
    expect(
      (
        await stack.request('PATCH', `/tenders/${id}`, {
          token: foreignOfficer,
          body: { version: 3, title: 'x' },
        })
      ).status,
    ).toBe(403);

    // Announcing again is harmless: same execution, no change of its own (the workflow may have
    // recorded the published announcement in the meantime).
    const again = await stack.request('POST', `/tenders/${id}/announce`, {
      token: officer,
      body: { version: 3 },
    });
    expect(again.status).toBe(200);
    expect(again.body.executionArn).toBe(announced.body.executionArn);
    expect(again.body.version).toBe(
      (await stack.request('GET', `/tenders/${id}`, { token: officer })).body.version,
    );

    // The workflow publishes the announcement and waits on its task token for the deadline.
    const waiting = await eventually(
      () => stack.request('GET', `/tenders/${id}/workflow`, { token: officer }),
      (r) =>
        r.status === 200 &&
        r.body.events.some(
          (e: { type: string; stateEnteredEventDetails?: { name: string } }) =>
            e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === 'AwaitBidDeadline',
        ),
    );
    expect(waiting.body.status).toBe('RUNNING');
    const announcedTender = await stack.request('GET', `/tenders/${id}`, { token: officer });
    expect(announcedTender.body.status).toBe('tendering');

    // A supplier bids; a day before the deadline nothing happens.
    const bid = await stack.request('PUT', `/tenders/${id}/lots/innlandet/bid`, {
      token: supplier,
      body: colonoscopyBid('innlandet', 2500),
    });
    expect(bid.status).toBe(201);
    const deadline = Date.parse(draft.bidDeadline);
    await stack.advanceClockTo(new Date(deadline - DAY));
    expect((await stack.request('GET', `/tenders/${id}`, { token: officer })).body.status).toBe('tendering');

    // Past the deadline, the schedule fires, the token completes, the tender opens and the
    // workflow waits for the evaluation.
    await stack.advanceClockTo(new Date(deadline + 60_000));
    const finished = await eventually(
      () => stack.request('GET', `/tenders/${id}/workflow`, { token: auditor }),
      (r) =>
        r.body.events.at(-1)?.type === 'TaskSubmitted' && JSON.stringify(r.body).includes('AwaitEvaluation'),
    );
    expect(finished.body.status).toBe('RUNNING');
    const entered = finished.body.events
      .filter((e: { type: string }) => e.type.endsWith('StateEntered'))
      .map((e: { stateEnteredEventDetails: { name: string } }) => e.stateEnteredEventDetails.name);
    expect(entered).toEqual([
      'LoadTender',
      'RouteByStage',
      'PublishAnnouncement',
      'AwaitBidDeadline',
      'OpenTender',
      'AfterOpening',
      'AwaitEvaluation',
    ]);
    const opened = await stack.request('GET', `/tenders/${id}`, { token: supplier });
    expect(opened.body).toMatchObject({ status: 'evaluation' });
    expect(Date.parse(opened.body.openedAt)).toBeGreaterThanOrEqual(deadline);

    // The bus carried both events, and the notifier told the entity's officers.
    const events = await eventually(
      () => stack.request('GET', '/_local/events'),
      (r) => JSON.stringify(r.body).includes('Tender.Opened'),
    );
    expect(JSON.stringify(events.body)).toContain('Tender.Announced');
    const notifications = await eventually(
      () => stack.request('GET', '/_local/notifications'),
      (r) => JSON.stringify(r.body).includes('Tender opened'),
    );
    expect(JSON.stringify(notifications.body)).toContain(id);
  });
});

describe('creating', () => {
  it('never creates twice for a retried Idempotency-Key, and refuses the key for another body', async () => {
    const body = colonoscopyTender(await now());
    const headers = { 'idempotency-key': 'e2e-retry-0001' };
    const first = await stack.request('POST', '/tenders', { token: officer, body, headers });
    const second = await stack.request('POST', '/tenders', { token: officer, body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers['idempotency-replayed']).toBe('true');
    const other = await stack.request('POST', '/tenders', {
      token: officer,
      body: { ...body, title: 'Other' },
      headers,
    });
    expect(other.status).toBe(422);
  });

  it('answers every mistake with a problem that says what and where', async () => {
    const body = colonoscopyTender(await now());
    body.awardCriteria[0]!.weight = 10;
    body.lots[0]!.hospitalAreaIds = ['bergen'];
    const res = await stack.request('POST', '/tenders', { token: officer, body });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ status: 422, title: expect.any(String), detail: expect.any(String) });
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '#/lots/0/hospitalAreaIds/0',
      '#/awardCriteria',
    ]);
    const unknownField = await stack.request('POST', '/tenders', {
      token: officer,
      body: { ...colonoscopyTender(await now()), secret: 1 },
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors[0]).toEqual({
      pointer: '#/secret',
      detail: 'Unknown field "secret" is not allowed',
    });
    const noToken = await stack.request('POST', '/tenders', { body });
    expect(noToken.status).toBe(401);
    expect(noToken.headers['content-type']).toContain('application/problem+json');
  });
});

describe('listing', () => {
  it("pages through the entity's tenders with a cursor, newest first, without duplicates", async () => {
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await stack.request('POST', '/tenders', {
        token: officer,
        body: { ...colonoscopyTender(await now()), title: `Liste ${i}` },
      });
      expect(res.status).toBe(201);
      created.push(res.body.id);
    }
    const seen: { id: string; createdAt: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await stack.request('GET', `/tenders?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        token: officer,
      });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const ids = seen.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(created));
    const times = seen.map((t) => t.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("shows suppliers only announced tenders, and refuses a cursor from another tenant's list", async () => {
    const page = await stack.request('GET', '/tenders?limit=100', { token: supplier });
    expect(page.status).toBe(200);
    expect(page.body.items.every((t: { status: string }) => t.status !== 'draft')).toBe(true);
    const tampered = Buffer.from(
      JSON.stringify({ GSI1PK: 'ENTITY#helse-sor-ost#TENDERS', GSI1SK: 'z', PK: 'x', SK: 'y' }),
    ).toString('base64url');
    const res = await stack.request('GET', `/tenders?cursor=${tampered}`, { token: foreignOfficer });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].parameter).toBe('cursor');
  });
});
