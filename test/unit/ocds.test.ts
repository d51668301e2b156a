/** The OCDS publication's own texts and fields (functions/domain/ocds/): pure, no mocks. */
import { describe, expect, it } from 'vitest';
import { publicationBaseUrl, releasePackage } from '../../functions/domain/ocds/packages.ts';
import { processReleases } from '../../functions/domain/ocds/process.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import { type Tender, tenderContentSchema } from '../../functions/domain/tender.ts';
import { announce, createDraft } from '../../functions/domain/tender-lifecycle.ts';
import { colonoscopyLotValues, colonoscopyTender, partnershipTender } from '../helpers/fixtures.ts';

const NOW = new Date('2026-11-23T09:00:00.000Z');
type Json = Record<string, unknown>;

const announced = (body: unknown, entityId: string): Tender => {
  const draft = createDraft(tenderContentSchema.parse(body), {
    id: 'tnd_1',
    entityId,
    by: { sub: 'o', name: 'Officer' },
    now: NOW,
    ref: referenceLookups,
  }).after;
  return { ...(announce(draft, NOW, referenceLookups, 'arn')?.after as Tender), version: 2 };
};

const tenderRelease = (t: Tender) => {
  const [release] = processReleases({
    tender: t,
    entityName: 'X',
    events: [
      {
        at: NOW.toISOString(),
        seq: 2,
        action: 'tender.announced',
        aggregateType: 'tender',
        aggregateId: t.id,
      },
    ],
    bids: [],
    supplierNames: {},
    agreements: [],
    years: [],
    baseUrl: 'https://x',
  });
  return release as Json & { tender: Json & { items: Json[]; lots: Json[] } };
};

describe('OCDS releases of a tender', () => {
  it('publish a Danish entity in Danish: language, method details, units and forms of care', () => {
    const r = tenderRelease(announced(partnershipTender(NOW.getTime()), 'region-sjaelland'));
    expect(r.language).toBe('da');
    expect(r.tender.procurementMethod).toBe('open');
    expect(r.tender.procurementMethodDetails).toBe('Offentligt udbud af rammeaftale');
    expect(r.tender.items[0]?.description).toBe(
      'Ortopædkirurgi, Rygkirurgi, Kirurgi, Øre-næse-hals, Endokrinologi, Non-malign smertebehandling, Gastromedicin, Neurologi og neurofysiologi, Demens, Kardiologi, Urologi, Reumatologi, Plastikkirurgi, Lungemedicin, Radiologi: Henvisninger (Ambulant, Dagbehandling, Indlæggelse)',
    );
    expect(r.tender.items[0]?.unit).toEqual({ name: 'Henvisninger' });
    expect((r.tender.lots[0] as Json).renewal).toMatchObject({ description: 'Optioner på forlængelse' });
    expect((r.tender.lots[0] as Json).options).toEqual({ description: 'Én option: 12 måneder' });
  });

  it('publish a Norwegian entity in bokmål, with method details that say an open procedure', () => {
    const r = tenderRelease(announced(colonoscopyTender(NOW.getTime()), 'helse-sor-ost'));
    expect(r.language).toBe('nb');
    expect(r.tender.procurementMethodDetails).toBe('Åpen anbudskonkurranse om rammeavtale');
    expect(r.tender.items[0]?.description).toBe('Koloskopi: Konsultasjoner (Poliklinisk)');
  });

  it('classify the items by CPV (main code, then the others), labelled where the code is known', () => {
    const body = colonoscopyTender(NOW.getTime());
    (body.lots[1] as { cpvCodes?: string[] }).cpvCodes = ['85121200-5'];
    const r = tenderRelease(announced(body, 'helse-sor-ost'));
    expect(r.tender.items[0]).toMatchObject({
      classification: { scheme: 'CPV', id: '85121251-7', description_en: 'Gastroenterologist services' },
      additionalClassifications: [
        { scheme: 'CPV', id: '85121200-5', description_en: 'Medical specialist services' },
      ],
    });
    expect(r.tender.items[1]).toMatchObject({
      classification: { scheme: 'CPV', id: '85121200-5' },
    });
    expect(r.tender.items[1]).not.toHaveProperty('additionalClassifications');
  });

  it('show the estimated values of the tender and of each lot in its currency', () => {
    const r = tenderRelease(announced(colonoscopyLotValues(NOW.getTime()), 'helse-sor-ost'));
    expect(r.tender.value).toEqual({ amount: 11_250_000, currency: 'NOK' });
    expect(r.tender.lots.map((l) => l.value)).toEqual([
      { amount: 5_625_000, currency: 'NOK' },
      { amount: 5_625_000, currency: 'NOK' },
    ]);
    const { estimatedValue: _v, ...bare } = colonoscopyTender(NOW.getTime());
    const plain = tenderRelease(announced(bare, 'helse-sor-ost'));
    expect(plain.tender).not.toHaveProperty('value');
    expect(plain.tender.lots[0]).not.toHaveProperty('value');
  });
});

describe('the package URI', () => {
  it("takes the scheme the request came with, the local product's http, and https elsewhere", () => {
    expect(publicationBaseUrl({ host: 'api.example.no', 'x-forwarded-proto': 'https' })).toBe(
      'https://api.example.no',
    );
    expect(publicationBaseUrl({ host: 'localhost:3000' })).toBe('http://localhost:3000');
    expect(publicationBaseUrl({ host: '127.0.0.1:3000' })).toBe('http://127.0.0.1:3000');
    expect(publicationBaseUrl({ host: 'api.example.no' })).toBe('https://api.example.no');
    expect(publicationBaseUrl({ host: 'localhost:3000', 'x-forwarded-proto': 'https' })).toBe(
      'https://localhost:3000',
    );
    expect(publicationBaseUrl({ host: 'x.no', forwarded: 'for=1.2.3.4;proto=http' })).toBe('http://x.no');
    expect(publicationBaseUrl({ host: 'x.no', 'x-forwarded-proto': 'gopher' })).toBe('https://x.no');
    expect(
      releasePackage([], `${publicationBaseUrl({ host: 'localhost:3000' })}/tenders/t/ocds`, 'now').uri,
    ).toBe('http://localhost:3000/tenders/t/ocds');
  });
});
