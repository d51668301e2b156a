/**
 * OCDS conformance: the packages and records a full contracting process produces (the demo's
 * colonoscopy tender with its agreements, a call-off, an option, a termination; a cancelled
 * tender) validate against the official OCDS 1.1.5 schemas in ../shared/ocds with the extensions
 * merged as JSON Merge Patches, with 0 errors. Skipped, and saying so, where ../shared/ocds is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv as AjvCore } from 'ajv';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  colonoscopyBid,
  colonoscopyLotValues,
  DAY,
  partnershipBid,
  partnershipTender,
} from '../helpers/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { type Actors, actorsOf, TenderFlow } from '../support/tender-flow.ts';

const OCDS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/ocds');
const present = existsSync(join(OCDS, 'schema/release-schema.json'));
const BASE = 'https://standard.open-contracting.org/schema/1__1__5';

type Json = Record<string, unknown>;
const read = (p: string): Json => JSON.parse(readFileSync(join(OCDS, p), 'utf8'));

/** RFC 7396 JSON Merge Patch. */
const mergePatch = (target: unknown, patch: unknown): unknown => {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Json =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Json) } : {};
  for (const [k, v] of Object.entries(patch as Json)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
};

// CommonJS packages: their default export, whichever way the loader hands it over.
const Ajv04 = ((Ajv04Module as unknown as { default?: unknown }).default ?? Ajv04Module) as unknown as new (
  options: Record<string, unknown>,
) => AjvCore;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: AjvCore) => AjvCore;

const validators = () => {
  let release = read('schema/release-schema.json');
  for (const ext of ['lots', 'bids', 'techniques', 'renewal', 'options'])
    release = mergePatch(release, read(`extensions/${ext}/release-schema.json`)) as Json;
  // The lots extension points at SubmissionTerms, defined by the submission terms extension, which
  // this publication does not declare or use: an open placeholder keeps the reference resolvable.
  const definitions = release.definitions as Json;
  definitions.SubmissionTerms ??= { type: 'object' };
  const ajv = new Ajv04({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(release, `${BASE}/release-schema.json`);
  ajv.addSchema(
    read('schema/versioned-release-validation-schema.json'),
    `${BASE}/versioned-release-validation-schema.json`,
  );
  return {
    releasePackage: ajv.compile(read('schema/release-package-schema.json')),
    recordPackage: ajv.compile(read('schema/record-package-schema.json')),
  };
};

let stack: TestStack;
let who: Actors;
const packages: { name: string; body: Json }[] = [];
const records: { name: string; body: Json }[] = [];

beforeAll(async () => {
  if (!present) return;
  stack = await startTestStack();
  who = await actorsOf(stack);
  // The colonoscopy tender: an extended deadline, bids, award, standstill, agreements.
  const flow = await TenderFlow.announce(stack, who, {
    lots: colonoscopyLotValues(stack.runtime.clock.now().getTime()).lots,
  });
  const t = await flow.tender();
  await stack.request('POST', `/tenders/${flow.id}/deadline`, {
    token: who.officer,
    body: {
      version: t.version,
      bidDeadline: new Date(Date.parse(t.bidDeadline) + 2 * DAY).toISOString(),
      reason: 'Flere spørsmål enn ventet',
    },
  });
  const a = await flow.bid('norsk-arbeidshelse-as', 'innlandet', colonoscopyBid('innlandet', 2400));
  const b = await flow.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2300));
  const c = await flow.bid(
    'unicare-steffensrud-as',
    'telemark-vestfold',
    colonoscopyBid('telemark-vestfold', 2600),
  );
  packages.push({
    name: 'tendering (sealed)',
    body: (await stack.request('GET', `/tenders/${flow.id}/ocds`, { token: who.suppliers['falck-norge-as'] }))
      .body,
  });
  await flow.passDeadline();
  for (const bid of [a, b, c]) {
    await flow.qualify(bid.body.bidId, true);
    await flow.score(bid.body.bidId, 8, 7);
  }
  await flow.rank();
  await flow.award();
  await flow.passStandstill();
  // One agreement: its 2028 performance agreement as a call-off, an option, then termination.
  const agreements = (
    await stack.request('GET', '/agreements?limit=100', { token: who.officer })
  ).body.items.filter((x: { tenderId: string }) => x.tenderId === flow.id);
  const agreement = agreements[0] as { id: string; version: number; supplierId: string };
  const year = new Date(stack.runtime.clock.now()).getUTCFullYear() + 1;
  const yp = `/agreements/${agreement.id}/years/${year}`;
  const v = async (token = who.officer) => (await stack.request('GET', yp, { token })).body.version;
  await stack.request('POST', `${yp}/negotiation`, { token: who.officer, body: {} });
  await stack.request('POST', `${yp}/proposal`, {
    token: who.officer,
    body: {
      version: await v(),
      lines: [{ unit: 'konsultasjoner', volume: 900, unitPrice: 2450 }],
      priceAdjustmentPercent: 2,
    },
  });
  const supplier = who.suppliers[agreement.supplierId] as string;
  await stack.request('POST', `${yp}/answer`, {
    token: supplier,
    body: { version: await v(supplier), accept: true },
  });
  await stack.request('POST', `${yp}/approval`, { token: who.officer, body: { version: await v() } });
  await eventually(
    () => stack.request('GET', yp, { token: who.officer }),
    (r) => r.body.status === 'published',
    5_000,
  );
  await stack.advanceClockTo(new Date(Date.UTC(year, 2, 1)));
  const amd = await stack.request('POST', `${yp}/amendments`, {
    token: who.officer,
    body: { unit: 'konsultasjoner', delta: 150, reason: 'Økt behov' },
  });
  await stack.request('POST', `${yp}/amendments/${amd.body.id}/confirmation`, {
    token: supplier,
    body: { version: 1 },
  });
  const other = agreements[1] as { id: string; version: number };
  const current = (await stack.request('GET', `/agreements/${other.id}`, { token: who.officer })).body;
  // Notice (a contract amendment: it runs on to its effective end), then the end (its termination).
  const notice = await stack.request('POST', `/agreements/${other.id}/termination`, {
    token: who.officer,
    body: { version: current.version, reason: 'Leverandøren avvikler', noticeMonths: 3 },
  });
  const endsOn = notice.body.agreement.termination.endsOn as string;
  await stack.advanceClockTo(new Date(Date.parse(`${endsOn}T00:00:00Z`) + 2 * DAY));
  await eventually(
    async () => (await stack.request('GET', `/agreements/${other.id}`, { token: who.officer })).body.status,
    (status) => status === 'terminated',
  );
  packages.push({
    name: 'complete',
    body: (await stack.request('GET', `/tenders/${flow.id}/ocds`, { token: who.auditor })).body,
  });
  const ocid = `ocds-hk4j9p-${flow.id}`;
  records.push({
    name: 'tender record',
    body: (await stack.request('GET', `/ocds/records/${ocid}`, { token: who.officer })).body,
  });
  records.push({
    name: 'call-off record',
    body: (
      await stack.request('GET', `/ocds/records/ocds-hk4j9p-${agreement.id}-${year}`, { token: who.officer })
    ).body,
  });
  // Region Sjælland's partnership across fifteen specialties: Danish, its value, CPV codes, and a bid
  // with a delivery site outside the region (the lot allows it).
  const sjaelland = await stack.tokenFor({ role: 'officer', entity: 'region-sjaelland', sub: 'mette' });
  const partnership = await stack.request('POST', '/tenders', {
    token: sjaelland,
    body: partnershipTender(stack.runtime.clock.now().getTime()),
  });
  await stack.request('POST', `/tenders/${partnership.body.id}/announce`, {
    token: sjaelland,
    body: { version: 1 },
  });
  await stack.request('PUT', `/tenders/${partnership.body.id}/lots/partnerskab/bid`, {
    token: await stack.tokenFor({ role: 'supplier', supplier: 'aleris-hamlet' }),
    body: partnershipBid(),
  });
  packages.push({
    name: 'partnership (Danish)',
    body: (await stack.request('GET', `/tenders/${partnership.body.id}/ocds`, { token: sjaelland })).body,
  });
  // A cancelled tender.
  const cancelled = await TenderFlow.announce(stack, who);
  await cancelled.cancel('Behovet falt bort');
  packages.push({
    name: 'cancelled',
    body: (await stack.request('GET', `/tenders/${cancelled.id}/ocds`, { token: who.officer })).body,
  });
}, 120_000);
afterAll(() => stack?.stop());

describe('OCDS conformance', () => {
  it('validates every release package and record against the official OCDS 1.1.5 schemas, with 0 errors', (ctx) => {
    if (!present) {
      console.warn(
        `SKIPPED: OCDS conformance needs the official schemas at ${OCDS} (../shared/ocds), which is absent`,
      );
      ctx.skip();
    }
    const { releasePackage, recordPackage } = validators();
    expect(
      packages.map((p) => [p.name, ((p.body.releases as unknown[] | undefined)?.length ?? 0) > 0]),
    ).toEqual(packages.map((p) => [p.name, true]));
    expect(records.every((r) => (r.body.records as Json[] | undefined)?.[0]?.compiledRelease)).toBe(true);
    for (const p of packages) {
      const ok = releasePackage(p.body);
      expect(
        releasePackage.errors ?? [],
        `${p.name}: ${JSON.stringify(releasePackage.errors?.slice(0, 5))}`,
      ).toEqual([]);
      expect(ok).toBe(true);
    }
    for (const r of records) {
      const ok = recordPackage(r.body);
      expect(
        recordPackage.errors ?? [],
        `${r.name}: ${JSON.stringify(recordPackage.errors?.slice(0, 5))}`,
      ).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('has a release for every stage change, and no bid content before the opening', (ctx) => {
    if (!present) ctx.skip();
    const complete = packages.find((p) => p.name === 'complete')?.body as { releases: Json[] };
    const tags = new Set(complete.releases.flatMap((r) => r.tag as string[]));
    for (const tag of [
      'tender',
      'tenderAmendment',
      'tenderUpdate',
      'award',
      'awardUpdate',
      'contract',
      'contractAmendment',
      'contractTermination',
    ])
      expect(tags, tag).toContain(tag);
    // Notice is an amendment of a contract that runs on to its effective end; the end terminates it.
    const contractOfRelease = (r: Json) =>
      (r.contracts as Json[])[0] as { status: string; amendments?: Json[] };
    const notice = complete.releases.find(
      (r) =>
        (r.tag as string[]).includes('contractAmendment') &&
        String(contractOfRelease(r).amendments?.[0]?.id).startsWith('notice-'),
    );
    expect(notice && contractOfRelease(notice).status).toBe('active');
    const ended = complete.releases.find((r) => (r.tag as string[]).includes('contractTermination'));
    expect(ended && contractOfRelease(ended).status).toBe('terminated');
    expect(String(ended?.date) > String(notice?.date)).toBe(true);
    const openedAt = complete.releases.find((r) => (r.tag as string[]).includes('tenderUpdate'))
      ?.date as string;
    for (const r of complete.releases) if (String(r.date) < openedAt) expect(r).not.toHaveProperty('bids');
    const sealed = packages.find((p) => p.name === 'tendering (sealed)')?.body as { releases: Json[] };
    expect(JSON.stringify(sealed)).not.toContain('2400');
    const cancelled = packages.find((p) => p.name === 'cancelled')?.body as { releases: Json[] };
    expect(cancelled.releases.flatMap((r) => r.tag as string[])).toContain('tenderCancellation');
    const callOff = records.find((r) => r.name === 'call-off record')?.body as {
      records: { compiledRelease: Json }[];
    };
    expect(callOff.records[0]?.compiledRelease.relatedProcesses).toEqual([
      expect.objectContaining({ relationship: ['framework'], scheme: 'ocid' }),
    ]);
  });

  it("publishes each tender's scope and value: values, CPV items, the entity's language, an open procedure", (ctx) => {
    if (!present) ctx.skip();
    const tenderOf = (name: string) =>
      (
        (packages.find((p) => p.name === name)?.body ?? { releases: [] }) as { releases: Json[] }
      ).releases.find((r) => (r.tag as string[]).includes('tender')) as Json & {
        tender: Json & { items: Json[]; lots: Json[] };
      };
    const colonoscopy = tenderOf('complete');
    expect(colonoscopy.language).toBe('nb');
    expect(colonoscopy.tender.value).toEqual({ amount: 11_250_000, currency: 'NOK' });
    expect(colonoscopy.tender.lots.map((l) => l.value)).toEqual([
      { amount: 5_625_000, currency: 'NOK' },
      { amount: 5_625_000, currency: 'NOK' },
    ]);
    expect(colonoscopy.tender.items[0]?.classification).toEqual({
      scheme: 'CPV',
      id: '85121251-7',
      description_en: 'Gastroenterologist services',
    });
    expect(colonoscopy.tender.procurementMethodDetails).toBe('Åpen anbudskonkurranse om rammeavtale');
    const danish = tenderOf('partnership (Danish)');
    expect(danish.language).toBe('da');
    expect(danish.tender).toMatchObject({
      value: { amount: 450_000_000, currency: 'DKK' },
      procurementMethod: 'open',
      procurementMethodDetails: 'Offentligt udbud af rammeaftale',
    });
    expect(String(danish.tender.items[0]?.description)).toContain(
      'Henvisninger (Ambulant, Dagbehandling, Indlæggelse)',
    );
    for (const p of packages) expect(String(p.body.uri)).toMatch(/^http:\/\//);
  });
});
