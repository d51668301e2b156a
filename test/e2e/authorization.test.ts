/**
 * Authorization as a matrix: every route in the manifest × every role × own / foreign tenant,
 * through the HTTP API against the local stack. The expectations are written out here, not derived
 * from the policy they test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../functions/commons/auth.ts';
import { routes } from '../../functions/manifest.ts';
import { colonoscopyTender } from '../helpers/fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

type Caller = `${Role}` | 'foreign-officer' | 'foreign-evaluator' | 'foreign-auditor' | 'anonymous';
const callers: Caller[] = [
  'officer',
  'evaluator',
  'auditor',
  'supplier',
  'foreign-officer',
  'foreign-evaluator',
  'foreign-auditor',
  'anonymous',
];

interface Case {
  route: string;
  /** What it is called on: the tender in draft, the tender announced, or nothing. */
  on: 'draft' | 'announced' | 'none';
  expect: Record<Caller, number>;
}

const all = (status: number, except: Partial<Record<Caller, number>> = {}): Record<Caller, number> => ({
  ...(Object.fromEntries(callers.map((c) => [c, status])) as Record<Caller, number>),
  anonymous: 401,
  ...except,
});

const officerOnly = (ok: number, foreignOfficer: number) =>
  all(403, { officer: ok, 'foreign-officer': foreignOfficer });

const cases: Case[] = [
  // A Helse Vest officer may create tenders, but not with Helse Sør-Øst's hospital areas (422).
  { route: 'POST /tenders', on: 'none', expect: officerOnly(201, 422) },
  { route: 'GET /tenders', on: 'none', expect: all(200) },
  {
    route: 'GET /tenders/{tenderId}',
    on: 'draft',
    expect: all(200, {
      supplier: 404,
      'foreign-officer': 404,
      'foreign-evaluator': 404,
      'foreign-auditor': 404,
    }),
  },
  { route: 'GET /tenders/{tenderId}', on: 'announced', expect: all(200) },
  { route: 'PATCH /tenders/{tenderId}', on: 'draft', expect: officerOnly(200, 404) },
  { route: 'PATCH /tenders/{tenderId}', on: 'announced', expect: officerOnly(409, 403) },
  { route: 'POST /tenders/{tenderId}/announce', on: 'draft', expect: officerOnly(200, 404) },
  { route: 'POST /tenders/{tenderId}/announce', on: 'announced', expect: officerOnly(200, 403) },
  {
    route: 'GET /tenders/{tenderId}/workflow',
    on: 'announced',
    expect: all(403, { officer: 200, auditor: 200, 'foreign-officer': 403, 'foreign-auditor': 403 }),
  },
  { route: 'GET /reference/entities', on: 'none', expect: all(200) },
  { route: 'GET /reference/hospital-areas', on: 'none', expect: all(200) },
  { route: 'GET /reference/hospital-trusts', on: 'none', expect: all(200) },
  { route: 'GET /reference/service-areas', on: 'none', expect: all(200) },
  { route: 'GET /reference/forms-of-care', on: 'none', expect: all(200) },
  { route: 'GET /reference/volume-units', on: 'none', expect: all(200) },
  { route: 'GET /reference/suppliers', on: 'none', expect: all(200) },
  { route: 'GET /reference/suppliers/{supplierId}', on: 'none', expect: all(200) },
  { route: 'POST /reference/suppliers', on: 'none', expect: officerOnly(201, 201) },
  { route: 'PATCH /reference/suppliers/{supplierId}', on: 'none', expect: officerOnly(200, 200) },
  { route: 'GET /openapi.json', on: 'none', expect: all(200, { anonymous: 200 }) },
  { route: 'GET /docs', on: 'none', expect: all(200, { anonymous: 200 }) },
  { route: 'GET /docs/{asset}', on: 'none', expect: all(200, { anonymous: 200 }) },
];

let stack: TestStack;
const tokens = {} as Record<Caller, string | undefined>;

beforeAll(async () => {
  stack = await startTestStack();
  const entity = (c: string) => (c.startsWith('foreign-') ? 'helse-vest' : 'helse-sor-ost');
  for (const caller of callers) {
    if (caller === 'anonymous') continue;
    const role = caller.replace('foreign-', '') as Role;
    tokens[caller] =
      role === 'supplier'
        ? await stack.tokenFor({ role, supplier: 'norsk-arbeidshelse-as', sub: `matrix-${caller}` })
        : await stack.tokenFor({ role, entity: entity(caller), sub: `matrix-${caller}` });
  }
});

afterAll(async () => {
  await stack?.stop();
});

const clockNow = async () => Date.parse((await stack.request('GET', '/_local/clock')).body.now);

/** A fresh tender of the own entity, in the state the case needs. */
const freshTender = async (on: Case['on']) => {
  const created = await stack.request('POST', '/tenders', {
    token: tokens.officer,
    body: colonoscopyTender(await clockNow()),
  });
  expect(created.status).toBe(201);
  if (on === 'announced') {
    const announced = await stack.request('POST', `/tenders/${created.body.id}/announce`, {
      token: tokens.officer,
      body: { version: 1 },
    });
    expect(announced.status).toBe(200);
    return announced.body;
  }
  return created.body;
};

const supplierBody = (n: string) => ({
  name: `Matrise Helse ${n} AS`,
  country: 'NO',
  kind: 'kommersiell',
  deliverySites: [{ hospitalAreaId: 'innlandet', place: 'Hamar' }],
});

const requestFor = async (c: Case, caller: Caller, n: number) => {
  const [method, template] = c.route.split(' ') as [string, string];
  const tender = c.on === 'none' ? undefined : await freshTender(c.on);
  let path = template.replace('{tenderId}', tender?.id ?? '').replace('{asset}', 'swagger-ui.css');
  let body: unknown;
  if (c.route === 'PATCH /tenders/{tenderId}') body = { version: tender.version, standstillDays: 12 };
  if (c.route === 'POST /tenders/{tenderId}/announce') body = { version: tender.version };
  if (c.route === 'POST /tenders') body = colonoscopyTender(await clockNow());
  if (c.route === 'POST /reference/suppliers') body = supplierBody(`${caller}-${n}`);
  if (template.includes('{supplierId}')) {
    const created = await stack.request('POST', '/reference/suppliers', {
      token: tokens.officer,
      body: supplierBody(`target-${caller}-${n}`),
    });
    expect(created.status).toBe(201);
    path = template.replace('{supplierId}', created.body.id);
    if (method === 'PATCH') body = { version: created.body.version, kind: 'ideell' };
  }
  if (c.route === 'GET /reference/hospital-areas') path = `${path}?entity=helse-sor-ost`;
  return stack.request(method, path, { token: tokens[caller], ...(body === undefined ? {} : { body }) });
};

describe('authorization matrix (route × role × own/foreign tenant)', () => {
  it('covers every route of the manifest', () => {
    const covered = new Set(cases.map((c) => c.route));
    for (const r of routes)
      expect(covered, `${r.method} ${r.path} has no authorization case`).toContain(`${r.method} ${r.path}`);
  });

  for (const [i, c] of cases.entries()) {
    it(`${c.route} on ${c.on === 'none' ? 'no tender' : `a ${c.on} tender`}`, async () => {
      const got: Record<string, number> = {};
      for (const caller of callers) got[caller] = (await requestFor(c, caller, i)).status;
      expect(got).toEqual(c.expect);
    });
  }
});
