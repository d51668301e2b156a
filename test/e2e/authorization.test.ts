/**
 * Authorization as a matrix: every route in the manifest × every role × own / foreign tenant,
 * through the HTTP API against the local stack. The expectations are written out here, not derived
 * from the policy they test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../functions/domain/actors.ts';
import { noticeIdFor } from '../../functions/domain/eforms/publication.ts';
import { routes } from '../../functions/manifest.ts';
import { colonoscopyBid, colonoscopyTender, DAY } from '../helpers/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { actorsOf, TenderFlow } from '../support/tender-flow.ts';

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
  /** What it is called on: the tender in draft, announced, opened (with a bid), or nothing. */
  on: 'draft' | 'announced' | 'opened' | 'none';
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
  // Questions: suppliers ask, everyone reads, the entity's officers answer.
  { route: 'POST /tenders/{tenderId}/questions', on: 'announced', expect: all(403, { supplier: 201 }) },
  { route: 'GET /tenders/{tenderId}/questions', on: 'announced', expect: all(200) },
  {
    route: 'POST /tenders/{tenderId}/questions/{questionId}/answer',
    on: 'announced',
    expect: officerOnly(200, 403),
  },
  // Bids: only the supplier touches its own; the entity sees counts, then bids after opening.
  { route: 'PUT /tenders/{tenderId}/lots/{lotId}/bid', on: 'announced', expect: all(403, { supplier: 201 }) },
  { route: 'GET /tenders/{tenderId}/lots/{lotId}/bid', on: 'announced', expect: all(403, { supplier: 200 }) },
  {
    route: 'DELETE /tenders/{tenderId}/lots/{lotId}/bid',
    on: 'announced',
    expect: all(403, { supplier: 200 }),
  },
  {
    route: 'GET /tenders/{tenderId}/bids',
    on: 'announced',
    expect: all(403, { officer: 200, evaluator: 200, auditor: 200 }),
  },
  {
    route: 'GET /tenders/{tenderId}/bids/{bidId}',
    on: 'opened',
    expect: all(403, { officer: 200, evaluator: 200, auditor: 200 }),
  },
  {
    route: 'POST /tenders/{tenderId}/bids/{bidId}/qualification',
    on: 'opened',
    expect: officerOnly(200, 403),
  },
  {
    route: 'PUT /tenders/{tenderId}/bids/{bidId}/scores',
    on: 'opened',
    expect: all(403, { evaluator: 200 }),
  },
  // Changes, cancellation, ranking and award: the entity's officers decide.
  { route: 'POST /tenders/{tenderId}/deadline', on: 'announced', expect: officerOnly(200, 403) },
  { route: 'POST /tenders/{tenderId}/changes', on: 'announced', expect: officerOnly(200, 403) },
  { route: 'POST /tenders/{tenderId}/cancel', on: 'announced', expect: officerOnly(200, 403) },
  { route: 'POST /tenders/{tenderId}/ranking', on: 'opened', expect: officerOnly(422, 403) },
  {
    route: 'GET /tenders/{tenderId}/ranking',
    on: 'announced',
    expect: all(403, { officer: 200, evaluator: 200, auditor: 200 }),
  },
  { route: 'POST /tenders/{tenderId}/award', on: 'announced', expect: officerOnly(409, 403) },
  { route: 'GET /tenders/{tenderId}/award', on: 'announced', expect: all(404) },
  { route: 'POST /tenders/{tenderId}/award/revise', on: 'announced', expect: officerOnly(409, 403) },
  // Agreements: the entity's people and the supplier that holds it; for anyone else it does not exist.
  { route: 'GET /agreements', on: 'none', expect: all(200) },
  {
    route: 'GET /agreements/{agreementId}',
    on: 'none',
    expect: all(404, { officer: 200, evaluator: 200, auditor: 200, supplier: 200 }),
  },
  // Agreements over time: the entity's officers decide, the agreement's supplier answers and confirms.
  { route: 'POST /agreements', on: 'none', expect: officerOnly(201, 422) },
  { route: 'POST /agreements/{agreementId}/options/exercise', on: 'none', expect: officerOnly(200, 404) },
  { route: 'POST /agreements/{agreementId}/termination', on: 'none', expect: officerOnly(200, 404) },
  // Not under notice: the officer is told to give notice first.
  {
    route: 'PUT /agreements/{agreementId}/termination/successor',
    on: 'none',
    expect: officerOnly(409, 404),
  },
  {
    route: 'GET /agreements/{agreementId}/years/{year}',
    on: 'none',
    expect: all(404, { officer: 200, evaluator: 200, auditor: 200, supplier: 200 }),
  },
  {
    route: 'POST /agreements/{agreementId}/years/{year}/negotiation',
    on: 'none',
    expect: officerOnly(202, 404),
  },
  {
    route: 'POST /agreements/{agreementId}/years/{year}/proposal',
    on: 'none',
    expect: officerOnly(200, 404),
  },
  {
    route: 'POST /agreements/{agreementId}/years/{year}/answer',
    on: 'none',
    expect: all(403, { supplier: 200 }),
  },
  {
    route: 'POST /agreements/{agreementId}/years/{year}/approval',
    on: 'none',
    expect: officerOnly(200, 404),
  },
  {
    route: 'GET /agreements/{agreementId}/years/{year}/workflow',
    on: 'none',
    expect: all(403, { officer: 200, auditor: 200, 'foreign-officer': 404, 'foreign-auditor': 404 }),
  },
  {
    route: 'POST /agreements/{agreementId}/years/{year}/amendments',
    on: 'none',
    expect: officerOnly(201, 404),
  },
  {
    route: 'POST /agreements/{agreementId}/years/{year}/amendments/{amendmentId}/confirmation',
    on: 'none',
    expect: all(403, { supplier: 200 }),
  },
  {
    route: 'GET /agreements/{agreementId}/usage/{year}',
    on: 'none',
    expect: all(404, { officer: 200, evaluator: 200, auditor: 200, supplier: 200 }),
  },
  {
    route: 'PUT /agreements/{agreementId}/usage/{year}/{month}',
    on: 'none',
    expect: all(403, { officer: 200, supplier: 200, 'foreign-officer': 404 }),
  },
  // What needs attention: everyone reads their own deadlines (the domain decides which); the
  // entity's officers and auditors read its report; the shared supplier register's history is read
  // by the officers and auditors of every entity.
  { route: 'GET /deadlines', on: 'none', expect: all(200) },
  {
    route: 'GET /reports/agreements',
    on: 'none',
    expect: all(403, { officer: 200, auditor: 200, 'foreign-officer': 200, 'foreign-auditor': 200 }),
  },
  {
    route: 'GET /audit/suppliers/history',
    on: 'none',
    expect: all(403, { officer: 200, auditor: 200, 'foreign-officer': 200, 'foreign-auditor': 200 }),
  },
  // Reminders: the entity's officers decide and read the inbox; auditors read; settings per entity.
  { route: 'POST /agreements/{agreementId}/decision', on: 'none', expect: officerOnly(200, 404) },
  {
    route: 'GET /agreements/{agreementId}/reminders',
    on: 'none',
    expect: all(404, { officer: 200, evaluator: 200, auditor: 200 }),
  },
  {
    route: 'GET /notifications',
    on: 'none',
    expect: all(403, { officer: 200, auditor: 200, 'foreign-officer': 200, 'foreign-auditor': 200 }),
  },
  { route: 'POST /notifications/{notificationId}/read', on: 'none', expect: officerOnly(200, 404) },
  {
    route: 'GET /entities/{entityId}/reminder-settings',
    on: 'none',
    expect: all(404, { officer: 200, evaluator: 200, auditor: 200, supplier: 403, anonymous: 401 }),
  },
  { route: 'PUT /entities/{entityId}/reminder-settings', on: 'none', expect: officerOnly(200, 404) },
  // eForms notices: the entity's officers submit, its auditors read; a draft is nobody else's business.
  {
    route: 'GET /entities/{entityId}/notice-settings',
    on: 'none',
    expect: all(404, { officer: 200, evaluator: 200, auditor: 200, supplier: 403, anonymous: 401 }),
  },
  { route: 'PUT /entities/{entityId}/notice-settings', on: 'none', expect: officerOnly(200, 404) },
  ...['GET /tenders/{tenderId}/notices', 'GET /tenders/{tenderId}/notices/{noticeId}'].map((route) => ({
    route,
    on: 'draft' as const,
    expect: all(403, { officer: 200, auditor: 200, 'foreign-officer': 404, 'foreign-auditor': 404 }),
  })),
  { route: 'POST /tenders/{tenderId}/notices/{noticeId}/submit', on: 'draft', expect: officerOnly(200, 404) },
  { route: 'POST /tenders/{tenderId}/notices/{noticeId}/status', on: 'draft', expect: officerOnly(409, 404) },
  // Audit: officers and auditors of the entity read and verify; nobody else.
  {
    route: 'GET /audit/verify',
    on: 'none',
    expect: all(403, { officer: 200, auditor: 200, 'foreign-officer': 200, 'foreign-auditor': 200 }),
  },
  {
    route: 'GET /tenders/{tenderId}/history',
    on: 'announced',
    expect: all(403, { officer: 200, auditor: 200 }),
  },
  {
    route: 'GET /agreements/{agreementId}/history',
    on: 'none',
    expect: all(403, { officer: 200, auditor: 200, 'foreign-officer': 404, 'foreign-auditor': 404 }),
  },
  // OCDS: an announced contracting process is open data for everyone signed in.
  { route: 'GET /tenders/{tenderId}/ocds', on: 'announced', expect: all(200) },
  { route: 'GET /ocds/records/{ocid}', on: 'announced', expect: all(200) },
  { route: 'GET /reference/entities', on: 'none', expect: all(200) },
  { route: 'GET /reference/hospital-areas', on: 'none', expect: all(200) },
  { route: 'GET /reference/hospital-trusts', on: 'none', expect: all(200) },
  { route: 'GET /reference/service-areas', on: 'none', expect: all(200) },
  { route: 'GET /reference/forms-of-care', on: 'none', expect: all(200) },
  { route: 'GET /reference/volume-units', on: 'none', expect: all(200) },
  { route: 'GET /reference/suppliers', on: 'none', expect: all(200) },
  { route: 'GET /reference/suppliers/{supplierId}', on: 'none', expect: all(200) },
  { route: 'POST /reference/suppliers', on: 'none', expect: officerOnly(201, 201) },
  // An entity's own reference data: any officer adds to their own entity's; only its officers edit it.
  { route: 'POST /reference/service-areas', on: 'none', expect: officerOnly(201, 201) },
  { route: 'POST /reference/volume-units', on: 'none', expect: officerOnly(201, 201) },
  { route: 'POST /reference/hospital-areas', on: 'none', expect: officerOnly(201, 201) },
  { route: 'PATCH /reference/service-areas/{id}', on: 'none', expect: officerOnly(200, 403) },
  { route: 'PATCH /reference/volume-units/{id}', on: 'none', expect: officerOnly(200, 403) },
  { route: 'PATCH /reference/hospital-areas/{id}', on: 'none', expect: officerOnly(200, 403) },
  ...['GET /audit/timeline', 'GET /audit/export', 'GET /audit/risk-flags'].map((route) => ({
    route,
    on: 'none' as const,
    expect: all(403, { officer: 200, auditor: 200, 'foreign-officer': 200, 'foreign-auditor': 200 }),
  })),
  {
    route: 'GET /audit/reference/history',
    on: 'none',
    expect: all(403, { officer: 200, auditor: 200, 'foreign-officer': 200, 'foreign-auditor': 200 }),
  },
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

/** The entity's notice settings: its notices can be made, so their routes answer as they would. */
const noticeSettings = {
  contact: { email: 'innkjop@helse-sor-ost.example.org', telephone: '+47 22000000' },
  submissionUrl: 'https://anbud.helse-sor-ost.example.org/tenders/',
};
beforeAll(async () => {
  const put = await stack.request('PUT', '/entities/helse-sor-ost/notice-settings', {
    token: tokens.officer,
    body: noticeSettings,
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
});

afterAll(async () => {
  await stack?.stop();
});

const clockNow = async () => Date.parse((await stack.request('GET', '/_local/clock')).body.now);

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers freely
type Tender = any;

/**
 * `count` fresh tenders of the own entity, in the state the case needs, made side by side. Opened
 * ones are all announced and bid on before the clock passes their deadline, once for all of them.
 */
const freshTenders = async (on: Exclude<Case['on'], 'none'>, count: number): Promise<Tender[]> => {
  const now = await clockNow();
  const drafts = await Promise.all(
    Array.from({ length: count }, async () => {
      const created = await stack.request('POST', '/tenders', {
        token: tokens.officer,
        body: colonoscopyTender(now),
      });
      expect(created.status).toBe(201);
      return created.body;
    }),
  );
  if (on === 'draft') return drafts;
  const announced = await Promise.all(
    drafts.map(async (draft) => {
      const answer = await stack.request('POST', `/tenders/${draft.id}/announce`, {
        token: tokens.officer,
        body: { version: 1 },
      });
      expect(answer.status).toBe(200);
      // Settled: the workflow has recorded the announcement and waits for the deadline.
      await eventually(
        () => stack.request('GET', `/tenders/${draft.id}/workflow`, { token: tokens.officer }),
        (r) => r.status === 200 && r.body.events.at(-1)?.type === 'TaskSubmitted',
      );
      return answer.body;
    }),
  );
  if (on === 'announced') return announced;
  const bids = await Promise.all(
    announced.map(async (tender) => {
      const bid = await stack.request('PUT', `/tenders/${tender.id}/lots/innlandet/bid`, {
        token: tokens.supplier,
        body: colonoscopyBid('innlandet', 2000),
      });
      expect(bid.status).toBe(201);
      return bid.body.bidId as string;
    }),
  );
  const deadline = Math.max(...announced.map((t) => Date.parse(t.bidDeadline)));
  await stack.advanceClockTo(new Date(deadline + 60_000));
  return Promise.all(
    announced.map(async (tender, i) => {
      const opened = await eventually(
        () => stack.request('GET', `/tenders/${tender.id}`, { token: tokens.officer }),
        (r) => r.body.status === 'evaluation',
      );
      return { ...opened.body, bidId: bids[i] };
    }),
  );
};

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A registered agreement of the matrix supplier that runs a year either side of the local clock. */
const agreementBody = async () => {
  const now = await clockNow();
  return {
    title: 'Matrise: arbeidsrettet rehabilitering',
    supplierId: 'norsk-arbeidshelse-as',
    serviceAreaId: 'helse-og-arbeid',
    lot: { id: 'rehab', title: 'Dagopphold', hospitalAreaIds: ['oslo'], formOfCare: 'day' },
    startDate: day(now - 365 * DAY),
    endDate: day(now + 2 * 365 * DAY),
    options: [{ durationMonths: 12 }],
    optionNoticeDays: 30,
    prices: [{ unit: 'konsultasjoner', unitPrice: 1000 }],
    volumes: [{ unit: 'konsultasjoner', quantity: 500 }],
    deliverySites: [{ place: 'Oslo', hospitalAreaId: 'oslo' }],
  };
};

/** A fresh agreement, with its year as far along as the route needs, and the body to send. */
const agreementFor = async (route: string) => {
  const registered = await stack.request('POST', '/agreements', {
    token: tokens.officer,
    body: await agreementBody(),
  });
  expect(registered.status).toBe(201);
  const id = registered.body.id as string;
  const now = new Date(await clockNow());
  // Next year: this year has started, and its start-of-year check would flag the draft meanwhile.
  const year = route.includes('/usage/') ? now.getUTCFullYear() : now.getUTCFullYear() + 1;
  const month = now.getUTCMonth() + 1;
  const yearPath = `/agreements/${id}/years/${year}`;
  const read = async () => (await stack.request('GET', yearPath, { token: tokens.officer })).body;
  const stage = route.includes('/amendments')
    ? 'published'
    : route.endsWith('/approval')
      ? 'agreed'
      : route.endsWith('/answer')
        ? 'proposed'
        : route.includes('/years/') && !route.endsWith('/negotiation')
          ? 'draft'
          : 'none';
  if (stage !== 'none') {
    expect(
      (await stack.request('POST', `${yearPath}/negotiation`, { token: tokens.officer, body: {} })).status,
    ).toBe(202);
  }
  if (['proposed', 'agreed', 'published'].includes(stage)) {
    const proposed = await stack.request('POST', `${yearPath}/proposal`, {
      token: tokens.officer,
      body: {
        version: (await read()).version,
        lines: [{ unit: 'konsultasjoner', volume: 500, unitPrice: 1000 }],
        priceAdjustmentPercent: 0,
      },
    });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(200);
  }
  if (['agreed', 'published'].includes(stage)) {
    const accepted = await stack.request('POST', `${yearPath}/answer`, {
      token: tokens.supplier,
      body: { version: (await read()).version, accept: true },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  }
  if (stage === 'published') {
    // No need to wait for the workflow: whatever step it is in, it finds the approval and publishes.
    expect(
      (
        await stack.request('POST', `${yearPath}/approval`, {
          token: tokens.officer,
          body: { version: (await read()).version },
        })
      ).status,
    ).toBe(200);
    await eventually(read, (y) => y.status === 'published');
  }
  let amendmentId: string | undefined;
  if (route.endsWith('/confirmation')) {
    const raised = await stack.request('POST', `${yearPath}/amendments`, {
      token: tokens.officer,
      body: { unit: 'konsultasjoner', delta: 100, reason: 'Matrise' },
    });
    expect(raised.status).toBe(201);
    amendmentId = raised.body.id;
  }
  const version = stage === 'none' ? registered.body.version : (await read()).version;
  const bodies: Record<string, unknown> = {
    'POST /agreements/{agreementId}/options/exercise': { version },
    'POST /agreements/{agreementId}/decision': { version, decision: 'let-expire', reason: 'Matrise' },
    'POST /agreements/{agreementId}/termination': { version, reason: 'Matrise', noticeMonths: 1 },
    'PUT /agreements/{agreementId}/termination/successor': {
      version,
      successorTenderId: `tnd_${'0'.repeat(32)}`,
    },
    'POST /agreements/{agreementId}/years/{year}/negotiation': {},
    'POST /agreements/{agreementId}/years/{year}/proposal': {
      version,
      lines: [{ unit: 'konsultasjoner', volume: 500, unitPrice: 1000 }],
      priceAdjustmentPercent: 0,
    },
    'POST /agreements/{agreementId}/years/{year}/answer': { version, accept: true },
    'POST /agreements/{agreementId}/years/{year}/approval': { version },
    'POST /agreements/{agreementId}/years/{year}/amendments': {
      unit: 'konsultasjoner',
      delta: 50,
      reason: 'Matrise',
    },
    'POST /agreements/{agreementId}/years/{year}/amendments/{amendmentId}/confirmation': { version: 1 },
    'PUT /agreements/{agreementId}/usage/{year}/{month}': {
      lines: [{ unit: 'konsultasjoner', quantity: 40 }],
    },
  };
  return { id, year, month, amendmentId, body: bodies[route] };
};

/** One agreement of the supplier caller, made once through the whole lifecycle. */
let agreementId: Promise<string> | undefined;
const anAgreement = (): Promise<string> => {
  agreementId ??= agreementThroughLifecycle();
  return agreementId;
};
const agreementThroughLifecycle = async (): Promise<string> => {
  const who = await actorsOf(stack);
  const flow = await TenderFlow.announce(stack, who);
  const bid = await flow.bid('norsk-arbeidshelse-as', 'innlandet', colonoscopyBid('innlandet', 2000));
  await flow.passDeadline();
  await flow.qualify(bid.body.bidId, true);
  await flow.score(bid.body.bidId, 8, 8);
  await flow.rank();
  await flow.award();
  await flow.passStandstill();
  const list = await stack.request('GET', '/agreements?limit=100', { token: who.officer });
  return list.body.items.find((a: { tenderId: string }) => a.tenderId === flow.id).id as string;
};

const supplierBody = (n: string) => ({
  name: `Matrise Helse ${n} AS`,
  country: 'NO',
  kind: 'kommersiell',
  deliverySites: [{ hospitalAreaId: 'innlandet', place: 'Hamar' }],
});

interface Call {
  method: string;
  path: string;
  body?: unknown;
}

/** The request of a case, with what it needs made for it: on `tender` if the case is on one. */
const callFor = async (c: Case, tender: Tender | undefined, label: string): Promise<Call> => {
  const [method, template] = c.route.split(' ') as [string, string];
  let path = template.replace('{tenderId}', tender?.id ?? '').replace('{asset}', 'swagger-ui.css');
  let body: unknown;
  if (c.route === 'PATCH /tenders/{tenderId}') body = { version: tender.version, standstillDays: 12 };
  if (c.route === 'POST /tenders/{tenderId}/announce') body = { version: tender.version };
  if (c.route === 'POST /tenders') body = colonoscopyTender(await clockNow());
  if (c.route === 'POST /reference/suppliers') body = supplierBody(label);
  if (template.includes('{supplierId}')) {
    const created = await stack.request('POST', '/reference/suppliers', {
      token: tokens.officer,
      body: supplierBody(`target-${label}`),
    });
    expect(created.status).toBe(201);
    path = template.replace('{supplierId}', created.body.id);
    if (method === 'PATCH') body = { version: created.body.version, kind: 'ideell' };
  }
  if (c.route === 'GET /reference/hospital-areas') path = `${path}?entityId=helse-sor-ost`;
  const managed = /^(POST|PATCH) \/reference\/(service-areas|volume-units|hospital-areas)/.exec(c.route);
  if (managed) {
    const list = `/reference/${managed[2]}`;
    const draft = (name: string) => ({
      id: `matrise-${name}`.toLowerCase().replace(/[^a-z0-9-]/g, '-'),
      name: `Matrise ${name}`,
      ...(managed[2] === 'hospital-areas' ? {} : { english: `Matrix ${name}` }),
    });
    if (method === 'POST') body = draft(label);
    else {
      const created = await stack.request('POST', list, {
        token: tokens.officer,
        body: draft(`target-${label}`),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      path = `${list}/${created.body.id}`;
      body = { version: created.body.version, name: `Omdøpt ${label}` };
    }
  }
  if (c.route === 'GET /reports/agreements')
    path = `${path}?year=${new Date(await clockNow()).getUTCFullYear()}`;
  path = path.replace('{ocid}', `ocds-hk4j9p-${tender?.id ?? ''}`);
  path = path.replace('{lotId}', 'innlandet').replace('{bidId}', tender?.bidId ?? '');
  // The workflow records its own steps on the tender too: read the version the caller would see.
  const version = tender
    ? (await stack.request('GET', `/tenders/${tender.id}`, { token: tokens.officer })).body.version
    : undefined;
  if (c.route === 'POST /tenders/{tenderId}/questions') body = { text: 'Hva med parkering?' };
  if (template.includes('{questionId}')) {
    const q = await stack.request('POST', `/tenders/${tender.id}/questions`, {
      token: tokens.supplier,
      body: { text: 'Hva med parkering?' },
    });
    path = path.replace('{questionId}', q.body.id);
    body = { version: 1, text: 'Det finnes.' };
  }
  if (c.route === 'PUT /tenders/{tenderId}/lots/{lotId}/bid') body = colonoscopyBid('innlandet', 2000);
  if (
    c.route === 'GET /tenders/{tenderId}/lots/{lotId}/bid' ||
    c.route === 'DELETE /tenders/{tenderId}/lots/{lotId}/bid'
  ) {
    await stack.request('PUT', `/tenders/${tender.id}/lots/innlandet/bid`, {
      token: tokens.supplier,
      body: colonoscopyBid('innlandet', 2000),
    });
  }
  if (c.route === 'POST /tenders/{tenderId}/bids/{bidId}/qualification')
    body = { version: 1, qualified: true };
  if (c.route === 'PUT /tenders/{tenderId}/bids/{bidId}/scores') {
    await stack.request('POST', `/tenders/${tender.id}/bids/${tender.bidId}/qualification`, {
      token: tokens.officer,
      body: { version: 1, qualified: true },
    });
    body = {
      scores: [
        { criterionId: 'kvalitet', score: 7 },
        { criterionId: 'tilgjengelighet', score: 6 },
      ],
    };
  }
  if (c.route === 'POST /tenders/{tenderId}/deadline')
    body = { version, bidDeadline: new Date(Date.parse(tender.bidDeadline) + DAY).toISOString() };
  if (c.route === 'POST /tenders/{tenderId}/changes')
    body = { version, reason: 'Nytt krav', qualificationRequirements: [{ id: 'ny', text: 'Nytt krav' }] };
  if (c.route === 'POST /tenders/{tenderId}/cancel') body = { version, reason: 'Matrisetest' };
  if (['POST /tenders/{tenderId}/ranking', 'POST /tenders/{tenderId}/award'].includes(c.route))
    body = { version };
  if (c.route === 'POST /tenders/{tenderId}/award/revise') body = { version, reason: 'Matrisetest' };
  if (c.route === 'POST /agreements') body = await agreementBody();
  path = path.replace('{noticeId}', tender ? noticeIdFor(tender.id, 'contract') : '');
  if (template.includes('{entityId}')) {
    path = template.replace('{entityId}', 'helse-sor-ost');
    if (method === 'PUT' && template.endsWith('/notice-settings')) {
      const current = await stack.request('GET', path, { token: tokens.officer });
      body = { ...noticeSettings, version: current.body.version };
    } else if (method === 'PUT') {
      const current = await stack.request('GET', path, { token: tokens.officer });
      body = {
        ...(current.body.version ? { version: current.body.version } : {}),
        expiryLeadMonths: [12, 6, 3, 1],
        optionLeadMonths: [3, 1],
        escalationLeadMonths: 1,
      };
    }
  }
  if (template.includes('{notificationId}')) {
    // An agreement ending within a month has a due reminder at once: the sweep delivers it to the inbox.
    const now = await clockNow();
    const soon = await stack.request('POST', '/agreements', {
      token: tokens.officer,
      body: { ...(await agreementBody()), endDate: day(now + 20 * DAY), options: [] },
    });
    expect(soon.status).toBe(201);
    await stack.advanceClockTo(new Date(now + 2 * 60_000));
    const inbox = await eventually(
      () => stack.request('GET', '/notifications', { token: tokens.officer }),
      (r) => r.body.items.some((n: { agreementId: string }) => n.agreementId === soon.body.id),
    );
    path = template.replace(
      '{notificationId}',
      inbox.body.items.find((n: { agreementId: string }) => n.agreementId === soon.body.id).id,
    );
  }
  if (template.startsWith('/agreements/{agreementId}') && c.route !== 'GET /agreements/{agreementId}') {
    const setup = await agreementFor(c.route);
    path = template
      .replace('{agreementId}', setup.id)
      .replace('{year}', String(setup.year))
      .replace('{month}', String(setup.month))
      .replace('{amendmentId}', setup.amendmentId ?? '');
    body = setup.body;
  } else if (template.includes('{agreementId}'))
    path = template.replace('{agreementId}', await anAgreement());
  return { method, path, ...(body === undefined ? {} : { body }) };
};

const send = async ({ method, path, body }: Call, caller: Caller): Promise<number> =>
  (await stack.request(method, path, { token: tokens[caller], ...(body === undefined ? {} : { body }) }))
    .status;

/** A route that changes nothing: every caller reads one fixture, all at once. */
const readOnly = (c: Case) => c.route.startsWith('GET ');
/** Each caller's fixture moves the clock itself: one caller after the other. */
const oneByOne = (c: Case) => c.route.includes('{notificationId}');

/**
 * The row's fixtures move the local clock (past bid deadlines and the standstill, to reminders): the
 * row runs alone, as moving the clock would open the tenders other rows need announced.
 */
const movesClock = (c: Case) =>
  c.on === 'opened' || c.route.includes('{notificationId}') || c.route === 'GET /agreements/{agreementId}';

/** What each caller gets: the cells of one row of the matrix. */
const statusesOf = async (c: Case, n: number): Promise<Record<string, number>> => {
  let statuses: number[];
  if (readOnly(c)) {
    const [tender] = c.on === 'none' ? [] : await freshTenders(c.on, 1);
    const call = await callFor(c, tender, `shared-${n}`);
    statuses = await Promise.all(callers.map((caller) => send(call, caller)));
  } else {
    const tenders = c.on === 'none' ? [] : await freshTenders(c.on, callers.length);
    const cell = async (caller: Caller, i: number) =>
      send(await callFor(c, tenders[i], `${caller}-${n}`), caller);
    if (oneByOne(c)) {
      statuses = [];
      for (const [i, caller] of callers.entries()) statuses.push(await cell(caller, i));
    } else statuses = await Promise.all(callers.map(cell));
  }
  return Object.fromEntries(callers.map((caller, i) => [caller, statuses[i] as number]));
};

describe('authorization matrix (route × role × own/foreign tenant)', () => {
  it('covers every route of the manifest', () => {
    const covered = new Set(cases.map((c) => c.route));
    for (const r of routes)
      expect(covered, `${r.method} ${r.path} has no authorization case`).toContain(`${r.method} ${r.path}`);
  });

  // Rows whose fixtures move the local clock first, one after the other; then the others side by side.
  const rows = [...cases.entries()];
  for (const [i, c] of [...rows.filter(([, c]) => movesClock(c)), ...rows.filter(([, c]) => !movesClock(c))])
    (movesClock(c) ? it : it.concurrent)(
      `${c.route} on ${c.on === 'none' ? 'no tender' : `a ${c.on} tender`}`,
      async ({ expect }) => {
        expect(await statusesOf(c, i)).toEqual(c.expect);
      },
    );
});
