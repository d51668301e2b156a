/**
 * The tender slice end to end: HTTP API → handlers → DynamoDB Local, the real workflow file on the
 * local Step Functions engine, the local scheduler's clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  colonoscopyBid,
  colonoscopyLotValues,
  colonoscopyTender,
  DAY,
  partnershipBid,
  partnershipTender,
} from '../helpers/fixtures.ts';
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

describe('scope and value', () => {
  const pointersOf = (body: { errors?: { pointer: string }[] }) => (body.errors ?? []).map((e) => e.pointer);

  it('drafts a partnership across fifteen specialties as one tender, and publishes it in Danish with its value and CPV codes', async () => {
    const sjaelland = await stack.tokenFor({ role: 'officer', entity: 'region-sjaelland', sub: 'mette' });
    const aleris = await stack.tokenFor({ role: 'supplier', supplier: 'aleris-hamlet', sub: 'nis' });
    const body = partnershipTender(await now());
    const created = await stack.request('POST', '/tenders', { token: sjaelland, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      serviceAreaIds: body.serviceAreaIds,
      cpvCodes: body.cpvCodes,
      estimatedValue: { amount: 450_000_000, currency: 'DKK' },
      currency: 'DKK',
    });
    expect(created.body.serviceAreaIds).toHaveLength(15);
    expect(created.body.lots[0]).toMatchObject({
      formsOfCare: ['outpatient', 'day', 'inpatient'],
      deliveryOutsideAreasAllowed: true,
      estimatedValue: { amount: 450_000_000, currency: 'DKK' },
    });
    const id: string = created.body.id;
    const announced = await stack.request('POST', `/tenders/${id}/announce`, {
      token: sjaelland,
      body: { version: 1 },
    });
    expect(announced.status).toBe(200);

    // Ringsted lies in the region; Søborg outside it, which this lot allows.
    const bid = await stack.request('PUT', `/tenders/${id}/lots/partnerskab/bid`, {
      token: aleris,
      body: partnershipBid(),
    });
    expect(bid.status).toBe(201);

    const ocds = await stack.request('GET', `/tenders/${id}/ocds`, { token: sjaelland });
    expect(ocds.status).toBe(200);
    // The local product answers over http: the package says so.
    expect(ocds.body.uri).toMatch(new RegExp(`^http://[^/]+/tenders/${id}/ocds$`));
    const release = ocds.body.releases.find((r: { tag: string[] }) => r.tag.includes('tender'));
    expect(release.language).toBe('da');
    expect(release.tender).toMatchObject({
      value: { amount: 450_000_000, currency: 'DKK' },
      procurementMethod: 'open',
      procurementMethodDetails: 'Offentligt udbud af rammeaftale',
      lots: [expect.objectContaining({ value: { amount: 450_000_000, currency: 'DKK' } })],
      items: [
        expect.objectContaining({
          classification: { scheme: 'CPV', id: '85100000-0', description_en: 'Health services' },
          unit: { name: 'Henvisninger' },
        }),
      ],
    });
    expect(release.tender.items[0].additionalClassifications).toHaveLength(3);

    // The announcement event names every specialty, and the main one as before.
    const events = await eventually(
      () => stack.request('GET', '/_local/events'),
      (r) =>
        (r.body.published as { 'detail-type': string; detail: { tenderId?: string } }[]).some(
          (e) => e['detail-type'] === 'Tender.Announced' && e.detail.tenderId === id,
        ),
    );
    const published = events.body.published as { 'detail-type': string; detail: { tenderId?: string } }[];
    const announcedEvent = published.find(
      (e) => e['detail-type'] === 'Tender.Announced' && e.detail.tenderId === id,
    );
    expect(announcedEvent?.detail).toMatchObject({
      serviceAreaId: 'ortopaedkirurgi',
      serviceAreaIds: body.serviceAreaIds,
    });
  });

  it('refuses what an officer gets wrong about scope, classification and value, each with a pointer', async () => {
    const body = colonoscopyLotValues(await now());
    body.serviceAreaIds = ['koloskopi', 'astrologi', 'koloskopi'];
    body.cpvCodes = ['85121200-4'];
    (body.lots[0] as { serviceAreaIds?: string[] }).serviceAreaIds = ['hjerte'];
    body.estimatedValue.amount = 1_000_000;
    const res = await stack.request('POST', '/tenders', { token: officer, body });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(pointersOf(res.body)).toEqual([
      '#/serviceAreaIds/1',
      '#/serviceAreaIds',
      '#/cpvCodes/0',
      '#/estimatedValue/amount',
      '#/lots/0/serviceAreaIds/0',
    ]);
    expect(res.body.errors[2].detail).toBe('The CPV code 85121200 has the check digit 5 (85121200-5), not 4');

    const malformed = await stack.request('POST', '/tenders', {
      token: officer,
      body: { ...colonoscopyTender(await now()), cpvCodes: ['8512120-5'] },
    });
    expect(malformed.status).toBe(400);
    expect(pointersOf(malformed.body)).toEqual(['#/cpvCodes/0']);

    const otherCurrency = await stack.request('POST', '/tenders', {
      token: officer,
      body: { ...colonoscopyTender(await now()), estimatedValue: { amount: 1, currency: 'DKK' } },
    });
    expect(otherCurrency.status).toBe(422);
    expect(pointersOf(otherCurrency.body)).toEqual(['#/estimatedValue/currency']);

    // The older spelling (one service area, one form of care) still works; both at once do not.
    const { serviceAreaIds: _s, lots, ...rest } = colonoscopyTender(await now());
    const older = await stack.request('POST', '/tenders', {
      token: officer,
      body: {
        ...rest,
        serviceAreaId: 'koloskopi',
        lots: lots.map(({ formsOfCare: _f, ...l }) => ({ ...l, formOfCare: 'outpatient' })),
      },
    });
    expect(older.status).toBe(201);
    expect(older.body.serviceAreaIds).toEqual(['koloskopi']);
    expect(older.body).not.toHaveProperty('serviceAreaId');
    expect(older.body.lots[0].formsOfCare).toEqual(['outpatient']);
    const both = await stack.request('PATCH', `/tenders/${older.body.id}`, {
      token: officer,
      body: { version: 1, serviceAreaId: 'hjerte', serviceAreaIds: ['hjerte'] },
    });
    expect(both.status).toBe(422);
    expect(pointersOf(both.body)).toEqual(['#/serviceAreaIds']);
    const edited = await stack.request('PATCH', `/tenders/${older.body.id}`, {
      token: officer,
      body: { version: 1, serviceAreaId: 'hjerte' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.serviceAreaIds).toEqual(['hjerte']);
    // The audit trail records the change of the list.
    const history = await stack.request('GET', `/tenders/${older.body.id}/history`, { token: auditor });
    expect(JSON.stringify(history.body)).toContain('serviceAreaIds');
  });

  it('keeps a competition reserved for non-profit suppliers to those registered as ideell', async () => {
    const created = await stack.request('POST', '/tenders', {
      token: officer,
      body: { ...colonoscopyTender(await now()), reservedForNonProfit: true },
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect(
      (await stack.request('POST', `/tenders/${id}/announce`, { token: officer, body: { version: 1 } }))
        .status,
    ).toBe(200);
    const refused = await stack.request('PUT', `/tenders/${id}/lots/innlandet/bid`, {
      token: supplier,
      body: colonoscopyBid('innlandet', 2400),
    });
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(refused.body.detail).toContain('reserved for non-profit (ideelle) suppliers');
    expect((await stack.request('GET', `/tenders/${id}/bids`, { token: officer })).body.lots[0].bids).toBe(0);

    const registered = await stack.request('POST', '/reference/suppliers', {
      token: officer,
      body: {
        name: 'Stiftelsen Ideell Koloskopi',
        country: 'NO',
        kind: 'ideell',
        deliverySites: [{ hospitalAreaId: 'innlandet', place: 'Gjøvik' }],
      },
    });
    expect(registered.status).toBe(201);
    const ideell = await stack.tokenFor({ role: 'supplier', supplier: registered.body.id });
    const accepted = await stack.request('PUT', `/tenders/${id}/lots/innlandet/bid`, {
      token: ideell,
      body: {
        ...colonoscopyBid('innlandet', 2400),
        deliverySites: [{ place: 'Gjøvik', hospitalAreaId: 'innlandet' }],
      },
    });
    expect(accepted.status).toBe(201);
    // The lot does not allow sites outside its areas.
    const outside = await stack.request('PUT', `/tenders/${id}/lots/innlandet/bid`, {
      token: ideell,
      body: {
        ...colonoscopyBid('innlandet', 2400),
        version: 1,
        deliverySites: [{ place: 'Bergen', hospitalAreaId: 'helse-vest-region' }],
      },
    });
    expect(outside.status).toBe(422);
    expect(pointersOf(outside.body)).toEqual(['#/deliverySites/0/hospitalAreaId']);
  });
});
