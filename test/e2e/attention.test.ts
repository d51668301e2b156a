/**
 * What needs attention, end to end through the HTTP API against the local stack: the filters of
 * GET /agreements (with their cursor), every deadline across tenders and agreements per reader,
 * the yearly report of volume, spend and utilisation (JSON and CSV), and the supplier register's
 * history for auditors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colonoscopyBid } from '../helpers/fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { renegotiationFlow } from '../support/renegotiation-flow.ts';
import { actorsOf, TenderFlow } from '../support/tender-flow.ts';

let stack: TestStack;
let officer: string;
let auditor: string;
let evaluator: string;
let foreignOfficer: string;
let nah: string;
let falck: string;
let flow: ReturnType<typeof renegotiationFlow>;

beforeAll(async () => {
  stack = await startTestStack();
  officer = await stack.tokenFor({ role: 'officer', entity: 'helse-sor-ost', sub: 'kari' });
  auditor = await stack.tokenFor({ role: 'auditor', entity: 'helse-sor-ost', sub: 'aud' });
  evaluator = await stack.tokenFor({ role: 'evaluator', entity: 'helse-sor-ost', sub: 'eva' });
  foreignOfficer = await stack.tokenFor({ role: 'officer', entity: 'helse-vest', sub: 'per' });
  nah = await stack.tokenFor({ role: 'supplier', supplier: 'norsk-arbeidshelse-as', sub: 'ola' });
  falck = await stack.tokenFor({ role: 'supplier', supplier: 'falck-norge-as', sub: 'fred' });
  flow = renegotiationFlow(stack, { officer, supplier: nah });
});
afterAll(() => stack?.stop());

const get = (path: string, token = officer) => stack.request('GET', path, { token });
const clock = () => stack.runtime.clock.now();

/** Every page of a list, following nextCursor; the ids in the order given. */
const allPages = async (path: string, token = officer): Promise<string[]> => {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await get(`${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`, token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    ids.push(
      ...r.body.items.map((i: { id?: string; aggregate?: { id: string } }) => i.id ?? i.aggregate?.id),
    );
    cursor = r.body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('more than 50 pages');
};

const sorted = (ids: string[]) => [...ids].sort();

describe('filters of GET /agreements and the deadlines view', () => {
  // A: the seed's Helse og arbeid agreement: ends 31.12.2026, option's last day 01.12.2026, undecided.
  // B: Falck, colonoscopy in Telemark og Vestfold until 2029, no options.
  // C: like A, with the renewal decision "let it expire".
  // D: like A, with a month's notice given (active until its effective end).
  // E: ends mid-2028 with an option.
  const ids = {} as Record<'A' | 'B' | 'C' | 'D' | 'E', string>;
  let tenderId: string;

  beforeAll(async () => {
    ids.A = (await flow.register()).id;
    ids.B = (
      await flow.register({
        supplierId: 'falck-norge-as',
        serviceAreaId: 'koloskopi',
        lot: {
          id: 'tv',
          title: 'Telemark og Vestfold',
          hospitalAreaIds: ['telemark-vestfold'],
          formOfCare: 'outpatient',
        },
        endDate: '2029-12-31',
        options: [],
        deliverySites: [{ place: 'Skien', hospitalAreaId: 'telemark-vestfold' }],
      })
    ).id;
    const c = await flow.register();
    ids.C = c.id;
    const decided = await stack.request('POST', `/agreements/${c.id}/decision`, {
      token: officer,
      body: { version: c.version, decision: 'let-expire', reason: 'Tjenesten anskaffes på nytt' },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const d = await flow.register();
    ids.D = d.id;
    const terminated = await stack.request('POST', `/agreements/${d.id}/termination`, {
      token: officer,
      body: { version: d.version, reason: 'Oppsagt', noticeMonths: 1 },
    });
    expect(terminated.status, JSON.stringify(terminated.body)).toBe(200);
    ids.E = (await flow.register({ endDate: '2028-06-30', options: [{ durationMonths: 12 }] })).id;
    const who = await actorsOf(stack);
    tenderId = (await TenderFlow.announce(stack, who)).id;
  });

  const list = (query: string, token = officer) => allPages(`/agreements?limit=2&${query}`, token);

  it('filters on the server by status, supplier, service area and hospital area', async () => {
    // D is under notice: active until its effective end.
    expect(await list('status=terminated')).toEqual([]);
    expect(await list('supplierId=falck-norge-as')).toEqual([ids.B]);
    expect(await list('serviceAreaId=koloskopi')).toEqual([ids.B]);
    expect(sorted(await list('hospitalAreaId=innlandet'))).toEqual(sorted([ids.A, ids.C, ids.D, ids.E]));
    expect(await list('hospitalAreaId=telemark-vestfold')).toEqual([ids.B]);
    expect(sorted(await list('status=active&supplierId=norsk-arbeidshelse-as'))).toEqual(
      sorted([ids.A, ids.C, ids.D, ids.E]),
    );
    // Another entity's officer finds none of them.
    expect(await list('hospitalAreaId=innlandet', foreignOfficer)).toEqual([]);
  });

  it('by end date (after notice when terminated), option deadline and "needs a decision"', async () => {
    expect(await list('endDateBefore=2026-12-24')).toEqual([ids.D]);
    expect(sorted(await list('endDateBefore=2027-01-01'))).toEqual(sorted([ids.A, ids.C, ids.D]));
    expect(sorted(await list('optionDeadlineBefore=2027-01-01'))).toEqual(sorted([ids.A, ids.C]));
    expect(await list('needsDecision=true')).toEqual([ids.A]);
    expect(await list('needsDecision=true&hospitalAreaId=oslo')).toEqual([ids.A]);
    expect(sorted(await list('needsDecision=false'))).toEqual(sorted([ids.B, ids.C, ids.D, ids.E]));
    // Under notice: D alone, until its effective end.
    expect(await list('underNotice=true')).toEqual([ids.D]);
    expect(sorted(await list('underNotice=false&hospitalAreaId=innlandet'))).toEqual(
      sorted([ids.A, ids.C, ids.E]),
    );
  });

  it('keeps the cursor right: one at a time, newest first, every match once', async () => {
    const one = await allPages('/agreements?limit=1&needsDecision=false');
    expect(one).toEqual([ids.E, ids.D, ids.C, ids.B]);
    const unfiltered = await allPages('/agreements?limit=100');
    expect(unfiltered.filter((id) => one.includes(id))).toEqual(one);
  });

  it('a supplier filters its own agreements; another supplier is none of its business; needsDecision is not its to ask', async () => {
    expect(sorted(await list('hospitalAreaId=innlandet', nah))).toEqual(sorted([ids.A, ids.C, ids.D, ids.E]));
    expect(await list('status=active&endDateBefore=2026-12-24', nah)).toEqual([ids.D]);
    expect(await list('supplierId=falck-norge-as', nah)).toEqual([]);
    const asked = await get('/agreements?needsDecision=true', nah);
    expect(asked.status).toBe(400);
    expect(asked.body.errors).toEqual([expect.objectContaining({ parameter: 'needsDecision' })]);
  });

  it('answers bad filters with a 400 problem naming the parameter', async () => {
    for (const [query, parameter] of [
      ['status=bogus', 'status'],
      ['endDateBefore=31.12.2026', 'endDateBefore'],
      ['optionDeadlineBefore=2026-13-01', 'optionDeadlineBefore'],
      ['needsDecision=yes', 'needsDecision'],
      ['hospitalAreaId=Oslo%20sentrum', 'hospitalAreaId'],
      ['colour=red', 'colour'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ]) {
      const r = await get(`/agreements?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.body.errors?.[0]?.parameter, query).toBe(parameter);
    }
  });

  it("lists the entity's deadlines soonest first, each with what, which and a link", async () => {
    const r = await get('/deadlines');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const items = r.body.items as { due: string; kind: string; aggregate: { id: string }; link: string }[];
    expect(items.map((d) => d.due)).toEqual([...items.map((d) => d.due)].sort());
    const now = clock().getTime();
    for (const d of items) {
      expect(Date.parse(d.due)).toBeGreaterThanOrEqual(now - 60_000);
      expect(Date.parse(d.due)).toBeLessThan(now + 367 * 86_400_000);
    }
    expect(items).toContainEqual(
      expect.objectContaining({
        kind: 'option-deadline',
        due: '2026-12-01T23:59:59.999Z',
        aggregate: { type: 'agreement', id: ids.A },
        link: `/agreements/${ids.A}`,
        needsDecision: true,
      }),
    );
    expect(items).toContainEqual(
      expect.objectContaining({
        kind: 'agreement-end',
        aggregate: { type: 'agreement', id: ids.C },
        needsDecision: false,
      }),
    );
    expect(items).toContainEqual(
      expect.objectContaining({
        kind: 'agreement-end',
        aggregate: { type: 'agreement', id: ids.D },
        afterNotice: true,
      }),
    );
    expect(items).toContainEqual(
      expect.objectContaining({
        kind: 'bid-deadline',
        aggregate: { type: 'tender', id: tenderId },
        link: `/tenders/${tenderId}`,
      }),
    );
    // B ends in 2029: beyond the default year, inside a window that reaches it.
    expect(items.some((d) => d.aggregate.id === ids.B)).toBe(false);
    const later = await get('/deadlines?before=2030-01-01&kind=agreement-end');
    expect(later.body.items.map((d: { aggregate: { id: string } }) => d.aggregate.id)).toContain(ids.B);
    expect(new Set(later.body.items.map((d: { kind: string }) => d.kind))).toEqual(
      new Set(['agreement-end']),
    );
    // Page by page, the same list.
    expect(await allPages('/deadlines?limit=2')).toEqual(items.map((d) => d.aggregate.id));
    // Auditors and evaluators read the entity's view too.
    expect((await get('/deadlines', auditor)).body.items).toEqual(items);
    expect((await get('/deadlines', evaluator)).status).toBe(200);
  });

  it('keeps deadlines to their readers: another entity sees none of these; a supplier its own and the public bid deadlines', async () => {
    const foreign = (await get('/deadlines?before=2030-01-01', foreignOfficer)).body.items as {
      aggregate: { id: string };
      entityId: string;
    }[];
    expect(foreign.filter((d) => d.entityId === 'helse-sor-ost')).toEqual([]);
    const mine = (await get('/deadlines?before=2030-01-01', nah)).body.items as Record<string, unknown>[];
    const agreementsSeen = new Set(
      mine.filter((d) => d.supplierId).map((d) => (d.aggregate as { id: string }).id),
    );
    expect(agreementsSeen).toEqual(new Set([ids.A, ids.C, ids.D, ids.E]));
    expect(
      mine.some((d) => d.kind === 'bid-deadline' && (d.aggregate as { id: string }).id === tenderId),
    ).toBe(true);
    expect(mine.some((d) => 'needsDecision' in d)).toBe(false);
    const theirs = (await get('/deadlines?before=2030-01-01', falck)).body.items as {
      aggregate: { id: string };
    }[];
    expect(new Set(theirs.map((d) => d.aggregate.id))).toEqual(new Set([ids.B, tenderId]));
  });

  it('answers a bad window or cursor with a 400 problem naming the parameter', async () => {
    for (const [query, parameter] of [
      ['from=2027-01-01&before=2026-12-01', 'before'],
      ['from=tomorrow', 'from'],
      ['kind=holiday', 'kind'],
      ['limit=501', 'limit'],
      ['cursor=bm9wZQ', 'cursor'],
    ]) {
      const r = await get(`/deadlines?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body.errors?.[0]?.parameter, query).toBe(parameter);
    }
  });
});

describe('reporting for the authority', () => {
  it("reports the year's volume, spend and utilisation per hospital area, supplier and service area, as JSON and CSV", async () => {
    const y = clock().getUTCFullYear();
    const month = clock().getUTCMonth() + 1;
    const a = await flow.register({
      startDate: `${y - 1}-01-01`,
      endDate: `${y + 1}-12-31`,
      lot: { id: 'vv', title: 'Vestre Viken', hospitalAreaIds: ['vestre-viken'], formOfCare: 'outpatient' },
      deliverySites: [{ place: 'Drammen', hospitalAreaId: 'vestre-viken' }],
    });
    await flow.start(a.id, y);
    await flow.propose(a.id, y, 1200); // at 1 250 NOK a consultation
    await flow.answer(a.id, y, { accept: true });
    await flow.approve(a.id, y);
    // 300 consultations used: over the last two months (in January, all in January).
    const usage: [number, number][] =
      month > 1
        ? [
            [month - 1, 100],
            [month, 200],
          ]
        : [[month, 300]];
    for (const [m, quantity] of usage) {
      const r = await stack.request('PUT', `/agreements/${a.id}/usage/${y}/${m}`, {
        token: nah,
        body: { lines: [{ unit: 'konsultasjoner', quantity }] },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const r = await get(`/reports/agreements?year=${y}&groupBy=hospitalArea`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ entityId: 'helse-sor-ost', year: y, groupBy: 'hospitalArea' });
    const vv = r.body.groups.find((g: { key: string }) => g.key === 'vestre-viken');
    expect(vv).toEqual({
      key: 'vestre-viken',
      name: 'Sykehusområde Vestre Viken',
      currency: 'NOK',
      agreements: 1,
      withoutAgreedYear: 0,
      units: [
        {
          unit: 'konsultasjoner',
          agreedVolume: 1200,
          currentVolume: 1200,
          usedVolume: 300,
          utilisationPercent: 25,
          agreedValue: 1_500_000,
          spend: 375_000,
        },
      ],
      agreedValue: 1_500_000,
      spend: 375_000,
      utilisationPercent: 25,
    });
    const bySupplier = await get(`/reports/agreements?year=${y}&groupBy=supplier`, auditor);
    expect(bySupplier.status).toBe(200);
    expect(bySupplier.body.groups).toContainEqual(
      expect.objectContaining({ key: 'norsk-arbeidshelse-as', name: 'Norsk Arbeidshelse AS' }),
    );
    const csv = await get(`/reports/agreements?year=${y}&groupBy=hospitalArea&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain(`agreements-helse-sor-ost-${y}-by-hospitalArea.csv`);
    const lines = String(csv.body).trim().split('\n');
    expect(lines[0]).toBe(
      'year,groupBy,group,name,currency,agreements,withoutAgreedYear,unit,agreedVolume,currentVolume,usedVolume,utilisationPercent,agreedValue,spend',
    );
    expect(lines).toContain(
      `${y},hospitalArea,vestre-viken,Sykehusområde Vestre Viken,NOK,1,0,konsultasjoner,1200,1200,300,25,1500000,375000`,
    );
    // Another entity's report holds none of it; suppliers and evaluators do not read reports.
    const foreign = await get(`/reports/agreements?year=${y}`, foreignOfficer);
    expect(foreign.body.groups).toEqual([]);
    expect((await get(`/reports/agreements?year=${y}`, nah)).status).toBe(403);
    expect((await get(`/reports/agreements?year=${y}`, evaluator)).status).toBe(403);
    for (const [query, parameter] of [
      ['', 'year'],
      ['year=20x7', 'year'],
      [`year=${y}&groupBy=colour`, 'groupBy'],
      [`year=${y}&format=xlsx`, 'format'],
    ]) {
      const bad = await get(`/reports/agreements?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.errors?.[0]?.parameter, query).toBe(parameter);
    }
  });
});

describe("the supplier register's history", () => {
  it('is read by auditors (JSON and CSV, one supplier or all), changed by nobody there', async () => {
    const created = await stack.request('POST', '/reference/suppliers', {
      token: officer,
      body: {
        name: 'Register Helse AS',
        country: 'NO',
        kind: 'kommersiell',
        deliverySites: [{ hospitalAreaId: 'innlandet', place: 'Hamar' }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const patched = await stack.request('PATCH', `/reference/suppliers/${id}`, {
      token: officer,
      body: { version: created.body.version, kind: 'ideell' },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const all = await get('/audit/suppliers/history', auditor);
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.scope).toBe('supplier register');
    const actions = all.body.items.map(
      (r: { action: string; aggregate: string }) => `${r.aggregate} ${r.action}`,
    );
    expect(actions).toContain(`supplier ${id} supplier.created`);
    expect(actions).toContain(`supplier ${id} supplier.updated`);
    // The seeded register is there too, by the system.
    expect(all.body.items.some((r: { actor: string; aggregate: string }) => r.actor === 'system')).toBe(true);
    const one = await get(`/audit/suppliers/history?supplierId=${id}`, auditor);
    expect(one.body.items.map((r: { action: string }) => r.action)).toEqual([
      'supplier.created',
      'supplier.updated',
    ]);
    expect(one.body.items[1]).toMatchObject({ actor: 'kari', role: 'officer', seq: 2 });
    expect(one.body.items[1].detail.change).toEqual({ kind: 'ideell' });
    const byActor = await get(`/audit/suppliers/history?supplierId=${id}&actor=system`, auditor);
    expect(byActor.body.items).toEqual([]);
    const csv = await get(`/audit/suppliers/history?supplierId=${id}&format=csv`, auditor);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(String(csv.body).split('\n')[0]).toBe(
      'at,kind,actor,role,action,aggregate,seq,reason,executionArn,detail',
    );
    expect(String(csv.body)).toContain('supplier.updated');
    // Auditors of any entity read the shared register; they change nothing, suppliers read none of it.
    const foreignAuditor = await stack.tokenFor({ role: 'auditor', entity: 'helse-vest', sub: 'aud2' });
    expect((await get(`/audit/suppliers/history?supplierId=${id}`, foreignAuditor)).body.items).toHaveLength(
      2,
    );
    const change = await stack.request('PATCH', `/reference/suppliers/${id}`, {
      token: auditor,
      body: { version: 2, kind: 'kommersiell' },
    });
    expect(change.status).toBe(403);
    expect((await get('/audit/suppliers/history', nah)).status).toBe(403);
    // The register's chains verify like an entity's: every supplier at its last event.
    const verified = await get('/audit/verify?register=suppliers', auditor);
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toMatchObject({ scope: 'supplier register', ok: true, findings: [] });
    expect(verified.body.aggregates).toBeGreaterThan(1);
    expect(verified.body.events).toBe(all.body.items.length);
    expect((await get('/audit/verify?register=customers', auditor)).body.errors?.[0]?.parameter).toBe(
      'register',
    );
    expect((await get('/audit/suppliers/history?supplierId=Not%20an%20id', auditor)).status).toBe(400);
  });
});

describe("a tender's deadlines as it moves on (moves the local clock: last)", () => {
  it('lists the ranking request after the opening, the award decision after the ranking, the standstill end after the award', async () => {
    const who = await actorsOf(stack);
    const tender = await TenderFlow.announce(stack, who);
    const deadlinesOf = async () =>
      (
        (await get('/deadlines?before=2100-01-01', officer)).body.items as {
          kind: string;
          aggregate: { id: string };
          due: string;
        }[]
      )
        .filter((d) => d.aggregate.id === tender.id)
        .map((d) => [d.kind, d.due]);
    const bid = await tender.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2000));
    expect(bid.status, JSON.stringify(bid.body)).toBe(201);
    await tender.passDeadline();
    const opened = await tender.tender();
    expect(await deadlinesOf()).toEqual([
      ['ranking-request', new Date(Date.parse(opened.openedAt) + 120 * 86_400_000).toISOString()],
    ]);
    await tender.qualify(bid.body.bidId, true);
    await tender.score(bid.body.bidId, 8, 8);
    await tender.rank();
    const ranked = await tender.tender();
    expect(await deadlinesOf()).toEqual([
      ['award-decision', new Date(Date.parse(ranked.rankedAt) + 60 * 86_400_000).toISOString()],
    ]);
    await tender.award();
    const decision = await get(`/tenders/${tender.id}/award`);
    expect(await deadlinesOf()).toEqual([['standstill-end', decision.body.standstillEndsAt]]);
    // The supplier sees only public bid deadlines of tenders: none of these.
    const supplierView = (await get('/deadlines?before=2100-01-01', falck)).body.items as {
      aggregate: { id: string };
    }[];
    expect(supplierView.some((d) => d.aggregate.id === tender.id)).toBe(false);
    await tender.passStandstill();
    expect(await deadlinesOf()).toEqual([]);
  }, 120_000);
});
