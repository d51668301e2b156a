/**
 * Reference data an entity's officers manage themselves (issue 12), end to end through the HTTP API
 * against the local stack: a volume unit for outpatient laboratory services, a service area, and
 * Helse Vest's own hospital areas; read by everyone, used by tenders, bids and suppliers, named in
 * OCDS, edited only by their entity's officers, every change audited and verifiable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colonoscopyBid, colonoscopyTender } from '../helpers/fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { actorsOf, type FlowActors, TenderFlow } from '../support/tender-flow.ts';

let stack: TestStack;
let officer: string;
let auditor: string;
let vestOfficer: string;
let vestAuditor: string;
let supplier: string;
let who: FlowActors;

beforeAll(async () => {
  stack = await startTestStack();
  who = await actorsOf(stack);
  officer = who.officer;
  auditor = await stack.tokenFor({ role: 'auditor', entity: 'helse-sor-ost', sub: 'revisor' });
  vestOfficer = await stack.tokenFor({ role: 'officer', entity: 'helse-vest', sub: 'per' });
  vestAuditor = await stack.tokenFor({ role: 'auditor', entity: 'helse-vest', sub: 'vest-revisor' });
  supplier = await stack.tokenFor({ role: 'supplier', supplier: 'norsk-arbeidshelse-as', sub: 'ola' });
});
afterAll(() => stack?.stop());

const call = (method: string, path: string, token: string, body?: unknown) =>
  stack.request(method, path, { token, ...(body === undefined ? {} : { body }) });

/** The laboratory tender of the seed texts: analyses, not consultations, in two specialties. */
const laboratoryTender = (now: number) => {
  const t = colonoscopyTender(now);
  return {
    ...t,
    title: 'Poliklinisk laboratorievirksomhet i Innlandet',
    serviceAreaIds: ['poliklinisk-laboratorievirksomhet', 'klinisk-mikrobiologi'],
    cpvCodes: ['85145000-7'],
    lots: t.lots.map((l) => ({
      ...l,
      estimatedVolumes: [{ unit: 'laboratorieanalyser', quantity: 120_000 }],
    })),
  };
};
const now = async () => (await stack.runtime.clock.now()).getTime();

describe("an entity's own reference data", () => {
  it('is refused in a tender until an officer adds it; then any tender names it and everyone reads it', async () => {
    const before = await call('POST', '/tenders', officer, laboratoryTender(await now()));
    expect(before.status).toBe(422);
    expect(before.body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '#/serviceAreaIds/1', detail: expect.stringContaining('"klinisk-mikrobiologi"') },
        {
          pointer: '#/lots/0/estimatedVolumes/0/unit',
          detail: expect.stringContaining('"laboratorieanalyser"'),
        },
      ]),
    );

    const unit = await call('POST', '/reference/volume-units', officer, {
      name: 'Laboratorieanalyser',
      english: 'Laboratory analyses',
      danish: 'Laboratorieanalyser',
    });
    expect(unit.status, JSON.stringify(unit.body)).toBe(201);
    expect(unit.headers.location).toBe('/reference/volume-units/laboratorieanalyser');
    expect(unit.body).toMatchObject({
      id: 'laboratorieanalyser',
      name: 'Laboratorieanalyser',
      english: 'Laboratory analyses',
      managed: true,
      entityId: 'helse-sor-ost',
      version: 1,
    });
    const area = await call('POST', '/reference/service-areas', officer, {
      id: 'klinisk-mikrobiologi',
      name: 'Klinisk mikrobiologi',
      english: 'Clinical microbiology',
    });
    expect(area.status, JSON.stringify(area.body)).toBe(201);
    expect(area.body).toMatchObject({ language: 'nb', entityId: 'helse-sor-ost', managed: true });

    // Everyone reads them, the release's own first.
    for (const token of [supplier, vestOfficer, auditor]) {
      const units = await call('GET', '/reference/volume-units', token);
      expect(units.body.items[0].id).toBe('liggedogn');
      expect(units.body.items.at(-1)).toMatchObject({ id: 'laboratorieanalyser', managed: true });
      const areas = await call('GET', '/reference/service-areas', token);
      expect(areas.body.items.map((a: { id: string }) => a.id)).toContain('klinisk-mikrobiologi');
    }

    // The next request uses them: a tender of this entity, and one of another entity.
    const created = await call('POST', '/tenders', officer, laboratoryTender(await now()));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const vest = await call('POST', '/tenders', vestOfficer, {
      ...laboratoryTender(await now()),
      lots: laboratoryTender(await now()).lots.map((l) => ({ ...l, hospitalAreaIds: ['helse-vest-region'] })),
    });
    expect(vest.status, JSON.stringify(vest.body)).toBe(201);
  });

  it('refuses an id that means something already, a missing English name, a bad id, and stores nothing refused', async () => {
    const again = await call('POST', '/reference/volume-units', vestOfficer, {
      id: 'laboratorieanalyser',
      name: 'Laboratorieanalyser',
      english: 'Lab analyses',
    });
    expect(again.status).toBe(422);
    expect(again.body.errors).toEqual([
      {
        pointer: '#/id',
        detail: expect.stringContaining('There is a volume unit "laboratorieanalyser" already'),
      },
    ]);
    const release = await call('POST', '/reference/volume-units', officer, {
      name: 'Konsultasjoner',
      english: 'Consultations',
    });
    expect(release.status).toBe(422);
    expect(release.body.errors[0]).toEqual({
      pointer: '#/name',
      detail: expect.stringContaining('one that comes with the product'),
    });
    const noEnglish = await call('POST', '/reference/service-areas', officer, { name: 'Audiologi' });
    expect(noEnglish.status).toBe(400);
    expect(JSON.stringify(noEnglish.body.errors)).toContain('#/english');
    const badId = await call('POST', '/reference/hospital-areas', officer, { id: 'Øst!', name: 'Øst' });
    expect(badId.status).toBe(400);
    const translated = await call('POST', '/reference/hospital-areas', officer, {
      name: 'Sykehusområde Hedmarken',
      english: 'Hedmarken',
    });
    expect(translated.status).toBe(400);
    // Nothing refused was stored.
    const units = await call('GET', '/reference/volume-units', officer);
    expect(units.body.items.filter((u: { id: string }) => u.id === 'laboratorieanalyser')).toHaveLength(1);
    const areas = await call('GET', '/reference/hospital-areas?entityId=helse-sor-ost', officer);
    expect(areas.body.items.some((a: { id: string }) => a.id.includes('hedmarken') || a.id === 'Øst!')).toBe(
      false,
    );
  });

  it("gives an entity hospital areas of its own: its lots are cut by them, bids and suppliers' sites lie in them", async () => {
    const bergen = await call('POST', '/reference/hospital-areas', vestOfficer, {
      name: 'Sykehusområde Bergen',
    });
    expect(bergen.status, JSON.stringify(bergen.body)).toBe(201);
    expect(bergen.body).toMatchObject({ id: 'sykehusomrade-bergen', entityId: 'helse-vest', managed: true });
    const vestAreas = await call('GET', '/reference/hospital-areas?entityId=helse-vest', supplier);
    expect(vestAreas.body.items.map((a: { id: string }) => a.id)).toEqual([
      'helse-vest-region',
      'sykehusomrade-bergen',
    ]);

    // Another entity's lots may not be cut by it.
    const t = colonoscopyTender(await now());
    const foreign = await call('POST', '/tenders', officer, {
      ...t,
      lots: [{ ...t.lots[0], hospitalAreaIds: ['sykehusomrade-bergen'] }],
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].pointer).toBe('#/lots/0/hospitalAreaIds/0');

    // A supplier's delivery site may lie in it.
    const registered = await call('GET', '/reference/suppliers/norsk-arbeidshelse-as', officer);
    const sites = [
      ...registered.body.deliverySites,
      { hospitalAreaId: 'sykehusomrade-bergen', place: 'Bergen' },
    ];
    const moved = await call('PATCH', '/reference/suppliers/norsk-arbeidshelse-as', vestOfficer, {
      version: registered.body.version,
      deliverySites: sites,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);

    // A bid's site outside the lot, where the lot allows it (fritt behandlingsvalg), may name it too.
    const flow = await TenderFlow.announce(stack, who, {
      lots: t.lots.map((l) => ({ ...l, deliveryOutsideAreasAllowed: true })),
    });
    const bid = colonoscopyBid('innlandet', 1800);
    const outside = await flow.bid('norsk-arbeidshelse-as', 'innlandet', {
      ...bid,
      deliverySites: [...bid.deliverySites, { place: 'Bergen', hospitalAreaId: 'sykehusomrade-bergen' }],
    });
    expect(outside.status, JSON.stringify(outside.body)).toBe(201);
    const nowhere = await flow.bid('norsk-arbeidshelse-as', 'telemark-vestfold', {
      ...colonoscopyBid('telemark-vestfold', 1800),
      deliverySites: [{ place: 'Atlantis', hospitalAreaId: 'atlantis' }],
    });
    expect(nowhere.status).toBe(422);
  });

  it('is renamed by its own officers only, with the version they read; the release’s own is not theirs to edit', async () => {
    const renamed = await call('PATCH', '/reference/volume-units/laboratorieanalyser', officer, {
      version: 1,
      english: 'Laboratory tests',
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({
      english: 'Laboratory tests',
      name: 'Laboratorieanalyser',
      version: 2,
    });
    expect(renamed.headers.etag).toBe('"2"');
    const stale = await call('PATCH', '/reference/volume-units/laboratorieanalyser', officer, {
      version: 1,
      english: 'Lab tests',
    });
    expect(stale.status).toBe(409);
    const foreign = await call('PATCH', '/reference/volume-units/laboratorieanalyser', vestOfficer, {
      version: 2,
      name: 'Analyser',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.detail).toContain('belongs to another procuring entity');
    const byAuditor = await call('PATCH', '/reference/volume-units/laboratorieanalyser', auditor, {
      version: 2,
      name: 'Analyser',
    });
    expect(byAuditor.status).toBe(403);
    const releaseOwn = await call('PATCH', '/reference/volume-units/konsultasjoner', officer, {
      version: 1,
      name: 'Besøk',
    });
    expect(releaseOwn.status).toBe(404);
    const units = await call('GET', '/reference/volume-units', supplier);
    expect(units.body.items.find((u: { id: string }) => u.id === 'laboratorieanalyser')).toMatchObject({
      english: 'Laboratory tests',
      version: 2,
    });
  });

  it("is named in the tender's OCDS release, and every change is in the entity's audit for its auditors", async () => {
    const flow = await TenderFlow.announce(stack, who, laboratoryTender(await now()));
    const ocds = await call('GET', `/tenders/${flow.id}/ocds`, supplier);
    expect(ocds.status).toBe(200);
    const items = ocds.body.releases[0].tender.items;
    expect(items[0].unit.name).toBe('Laboratorieanalyser');
    expect(items[0].description).toContain('Klinisk mikrobiologi');

    const history = await call('GET', '/audit/reference/history', auditor);
    expect(history.status).toBe(200);
    expect(
      history.body.items.map((i: { action: string; aggregate: string; actor: string }) => [
        i.action,
        i.aggregate,
        i.actor,
      ]),
    ).toEqual([
      ['reference.volume-unit.created', 'reference volume-unit:laboratorieanalyser', 'kari'],
      ['reference.service-area.created', 'reference service-area:klinisk-mikrobiologi', 'kari'],
      ['reference.volume-unit.updated', 'reference volume-unit:laboratorieanalyser', 'kari'],
    ]);
    expect(history.body.items[2].detail.change).toEqual({ english: 'Laboratory tests' });
    const vest = await call('GET', '/audit/reference/history', vestAuditor);
    expect(vest.body.items.map((i: { aggregate: string }) => i.aggregate)).toEqual([
      'reference hospital-area:sykehusomrade-bergen',
    ]);
    const csv = await call('GET', '/audit/reference/history?format=csv', auditor);
    expect(String(csv.body)).toContain('reference.volume-unit.updated');
    const verified = await call('GET', '/audit/verify', auditor);
    expect(verified.body).toMatchObject({ ok: true });
  });
});
