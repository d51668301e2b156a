/**
 * The product killed for real (issue 11, "Restarts and long jumps"): `local/start.ts` runs as a
 * separate OS process with its own DynamoDB Local on a data dir (test/support/product-process.ts),
 * driven over HTTP only. A tender or an agreement waits at every kind of waiting point — the bid
 * deadline, evaluation, the award decision, the standstill, the supplier's answer, the officer's
 * answer, a scheduled reminder — while a burst of bids is on its way; the product is killed with
 * SIGKILL (`kill -9`) in the middle of the burst, started again on the same data dir, and every
 * aggregate must reach its next stage when the clock moves or its user acts. Then the same again
 * with Ctrl-C (SIGINT to the process group, as a terminal sends it), each aggregate one stage
 * further on. Every bid with a 2xx receipt must be stored with the receipt's hash, nothing
 * half-written, nothing done twice (agreements, reminders, audit events), no execution failed, and
 * `/audit/verify` ok. The figures are in docs/reliability.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { openingDue } from '../../functions/domain/opening.ts';
import { stateMachineArnOf } from '../../local/stepfunctions.ts';
import { failedExecutions, localConnection } from '../../scripts/redrive.ts';
import { colonoscopyBid, DAY, deadlineIn } from '../helpers/fixtures.ts';
import { type Answer, type ApiClient, expectStatus } from '../support/api-client.ts';
import { eventually } from '../support/eventually.ts';
import {
  dynamoGone,
  dynamoProcessesOf,
  type ProductProcess,
  startProduct,
  stopAllProducts,
} from '../support/product-process.ts';
import { renegotiationFlow } from '../support/renegotiation-flow.ts';
import { type FlowActors, SUPPLIERS, TenderFlow } from '../support/tender-flow.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'helsekjop-crash-'));
let product: ProductProcess;
afterAll(async () => {
  await stopAllProducts([dataDir]);
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

/** The API of whichever product process runs now: the flows keep it across restarts. */
const client: ApiClient = {
  get baseUrl() {
    return product.client.baseUrl;
  },
  call: (...args) => product.client.call(...args),
  token: (request) => product.client.token(request),
  now: () => product.client.now(),
  advanceClock: (by) => product.client.advanceClock(by),
};
const on = { client };
const request = (
  method: string,
  path: string,
  { token, body, headers }: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) => client.call(method, path, token, body, headers);

/** Bids in flight at once in a burst, and how many receipts arrive before the product is stopped. */
const BURST = { suppliers: 10, lots: 10, concurrency: 12, stopAfterReceipts: 35 };
const ENTITY = 'helse-sor-ost';
const AREAS = ['ostfold', 'akershus', 'innlandet', 'oslo', 'vestre-viken'];
const FORMS = ['outpatient', 'day'];
const burstLots = AREAS.flatMap((area) => FORMS.map((form) => ({ area, form, id: `${area}-${form}` }))).slice(
  0,
  BURST.lots,
);

let who: FlowActors & { auditor: string };
const burstSuppliers: { id: string; token: string }[] = [];

const started: number[] = [];
const figures: Record<string, unknown> = {};

interface Receipt {
  bidId: string;
  lotId: string;
  version: number;
  contentSha256: string;
  receivedAt: string;
}

interface Burst {
  tenderId: string;
  bidDeadline: string;
  receipts: Receipt[];
  answers: Record<string, number>;
  unanswered: number;
  unsent: number;
}

/** A tender of ten lots for the burst: every burst supplier bids on every lot. */
const announceBurstTender = async (title: string): Promise<{ id: string; bidDeadline: string }> => {
  const now = (await client.now()).getTime();
  const start = new Date(now + 120 * DAY);
  start.setUTCDate(1);
  const end = new Date(start);
  end.setUTCFullYear(end.getUTCFullYear() + 2);
  end.setUTCDate(end.getUTCDate() - 1);
  const tender = expectStatus(
    await request('POST', '/tenders', {
      token: who.officer,
      body: {
        title,
        serviceAreaId: 'koloskopi',
        lots: burstLots.map((l) => ({
          id: l.id,
          title: `${l.area} (${l.form})`,
          hospitalAreaIds: [l.area],
          formOfCare: l.form,
          estimatedVolumes: [{ unit: 'konsultasjoner', quantity: 500 }],
          minSuppliers: 1,
          maxSuppliers: 3,
        })),
        awardCriteria: [
          { id: 'pris', name: 'Pris', kind: 'price', weight: 40 },
          { id: 'kvalitet', name: 'Kvalitet', kind: 'quality', weight: 40 },
          { id: 'tilgjengelighet', name: 'Tilgjengelighet', kind: 'accessibility', weight: 20 },
        ],
        qualificationRequirements: [{ id: 'autorisasjon', text: 'Helsepersonell med norsk autorisasjon' }],
        bidDeadline: deadlineIn(4, now),
        agreement: {
          startDate: start.toISOString().slice(0, 10),
          endDate: end.toISOString().slice(0, 10),
          options: [],
        },
        standstillDays: 10,
      },
    }),
    201,
    'create the burst tender',
  );
  expectStatus(
    await request('POST', `/tenders/${tender.id}/announce`, { token: who.officer, body: { version: 1 } }),
    200,
    'announce the burst tender',
  );
  return { id: tender.id, bidDeadline: tender.bidDeadline };
};

/**
 * Every burst supplier bids on every lot, `concurrency` at once; once `stopAfterReceipts` receipts
 * are in, `stop` ends the product while the rest are in flight. No bid is sent after the stop began.
 */
const bidBurst = async (
  tender: { id: string; bidDeadline: string },
  stop: () => Promise<unknown>,
): Promise<Burst> => {
  const api = product.client;
  const pairs = burstSuppliers.flatMap((s) => burstLots.map((lot) => ({ s, lot })));
  const outcome: Burst = {
    tenderId: tender.id,
    bidDeadline: tender.bidDeadline,
    receipts: [],
    answers: {},
    unanswered: 0,
    unsent: 0,
  };
  let stopping: Promise<unknown> | undefined;
  let next = 0;
  await Promise.all(
    Array.from({ length: BURST.concurrency }, async () => {
      while (next < pairs.length) {
        const { s, lot } = pairs[next++] as (typeof pairs)[number];
        if (stopping) {
          outcome.unsent++;
          continue;
        }
        let answer: Answer;
        try {
          answer = await api.call('PUT', `/tenders/${tender.id}/lots/${lot.id}/bid`, s.token, {
            prices: [{ unit: 'konsultasjoner', unitPrice: 1000 + next }],
            capacity: [{ unit: 'konsultasjoner', quantity: 600 }],
            deliverySites: [{ place: 'Klinikk', hospitalAreaId: lot.area }],
            answers: [
              { criterionId: 'kvalitet', text: 'Spesialister med lang erfaring.' },
              { criterionId: 'tilgjengelighet', text: 'Time innen 14 dager.' },
            ],
            confirmations: [{ requirementId: 'autorisasjon', confirmed: true }],
          });
        } catch {
          outcome.unanswered++;
          continue;
        }
        outcome.answers[answer.status] = (outcome.answers[answer.status] ?? 0) + 1;
        if (answer.status === 201) outcome.receipts.push(answer.body);
        if (!stopping && outcome.receipts.length >= BURST.stopAfterReceipts) stopping = stop();
      }
    }),
  );
  await stopping;
  return outcome;
};

/** After the opening: every receipt's bid is stored as the receipt says, and every stored bid counted. */
const checkBurst = async (burst: Burst) => {
  const bids = expectStatus(
    await request('GET', `/tenders/${burst.tenderId}/bids`, { token: who.officer }),
    200,
    'the burst tender bids',
  ) as {
    lots: { lotId: string; bids: number }[];
    items: { id: string; lotId: string; version: number; contentSha256: string }[];
  };
  const stored = new Map(bids.items.map((b) => [b.id, b]));
  const lost = burst.receipts.filter((r) => {
    const bid = stored.get(r.bidId);
    return !bid || bid.version !== r.version || bid.contentSha256 !== r.contentSha256;
  });
  for (const lot of bids.lots)
    expect(lot.bids, `the count of lot ${lot.lotId}`).toBe(
      bids.items.filter((b) => b.lotId === lot.lotId).length,
    );
  // Each bid stored has its audit event; none has two.
  const history = expectStatus(
    await request('GET', `/tenders/${burst.tenderId}/history?kind=audit`, { token: who.auditor }),
    200,
    'the burst tender history',
  );
  const submitted = (history.items as { action: string }[]).filter((i) => i.action === 'bid.submitted');
  expect(submitted.length, 'an audit event for every bid stored').toBe(bids.items.length);
  return {
    sent: Object.values(burst.answers).reduce((a, b) => a + b, 0) + burst.unanswered,
    answers: burst.answers,
    receipts: burst.receipts.length,
    unanswered: burst.unanswered,
    unsent: burst.unsent,
    stored: bids.items.length,
    storedWithoutReceipt: bids.items.filter((b) => !burst.receipts.some((r) => r.bidId === b.id)).length,
    lost: lost.length,
    auditedBids: submitted.length,
  };
};

/** The operator's view of the workflows (as `npm run redrive -- --local` sees them). */
const operator = () => {
  const local = localConnection(dataDir);
  return new SFNClient({
    endpoint: local.awsEndpoint,
    region: local.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
};
const failedInAll = async () => {
  const sfn = operator();
  try {
    const failed = [];
    for (const key of ['tenderLifecycle', 'annualRenegotiation'])
      failed.push(...(await failedExecutions(sfn, stateMachineArnOf(key))));
    return failed.map((e) => `${e.status} ${e.executionArn}`);
  } finally {
    sfn.destroy();
  }
};

/**
 * Starts the product again on the data dir once no DynamoDB Local of the one before runs any more,
 * and waits until every aggregate waits again where it waited (`expected`); none may have failed.
 */
const restart = async (label: string, expected: Record<string, string>) => {
  const since = Date.now();
  expect(await dynamoGone(dataDir, 10_000), `DynamoDB Local of the data dir after ${label}`).toEqual([]);
  const javaGoneSeconds = (Date.now() - since) / 1000;
  product = await startProduct({ dataDir });
  started.push(product.startSeconds);
  expect(dynamoProcessesOf(dataDir)).toHaveLength(process.platform === 'linux' ? 1 : 0);
  const resuming = Date.now();
  const same = JSON.stringify(expected);
  await eventually(waitingPoints, (w) => JSON.stringify(w) === same, 30_000);
  expect(await waitingPoints()).toEqual(expected);
  expect(await failedInAll()).toEqual([]);
  figures[`restart after ${label}`] = {
    javaGoneSeconds,
    startSeconds: product.startSeconds,
    waitingAgainSeconds: (Date.now() - resuming) / 1000,
  };
};

/** What the bus and the topic carried in this product's life (the local operator views). */
const operatorViews = async () => {
  const events = (await request('GET', '/_local/events')).body.published as {
    'detail-type': string;
    detail: unknown;
  }[];
  const notifications = (await request('GET', '/_local/notifications')).body.items as {
    subject?: string;
    message: string;
  }[];
  return {
    events: events.map((e) => `${e['detail-type']} ${JSON.stringify(e.detail)}`),
    // What a person receives: the subject and the text (not when the topic took it).
    notifications: notifications.map((n) => `${n.subject} ${n.message}`),
  };
};

// The aggregates at their waiting points.
let tA: TenderFlow; // bid deadline, then evaluation, then the award decision
let tB: TenderFlow; // evaluation, then the award decision, then the standstill
let tC: TenderFlow; // the award decision, then the standstill, then complete
let tD: TenderFlow; // the standstill, then complete
let tE: TenderFlow | undefined; // bid deadline (second round)
let burstTender1: { id: string; bidDeadline: string };
let burst1: Burst;
let burst2: Burst;
let flow: ReturnType<typeof renegotiationFlow>;
let year: number;
let aA: string; // the supplier's answer, reminded, then escalated to the officer
let aB: string; // the officer's answer (a counter-offer), then published
let aC: string | undefined; // the officer's answer (second round), then published
type Reminded = { id: string; key: string; dueAt: number };
let rA: Reminded; // a scheduled reminder
let rB: Reminded;

const bidOn = async (t: TenderFlow) => {
  expectStatus(await t.bid(SUPPLIERS[0], 'innlandet', colonoscopyBid('innlandet', 2400)), 201, 'bid');
  expectStatus(
    await t.bid(SUPPLIERS[2], 'telemark-vestfold', colonoscopyBid('telemark-vestfold', 2600)),
    201,
    'bid',
  );
};
const scoreAndRank = async (t: TenderFlow) => {
  for (const bid of (await t.bids()).items as { id: string }[]) {
    await t.qualify(bid.id, true);
    await t.score(bid.id, 8, 7);
  }
  await t.rank();
};
const award = async (t: TenderFlow) => {
  await t.award();
  await t.waitingIn('AwaitStandstillEnd');
};
const standstillEnd = async (t: TenderFlow) =>
  Date.parse(
    expectStatus(await request('GET', `/tenders/${t.id}/award`, { token: who.officer }), 200, 'award')
      .standstillEndsAt,
  );

/** An agreement whose first expiry reminder (a year before its end) is due in `days` days. */
const remindedAgreement = async (days: number, lot: string) => {
  const now = (await client.now()).getTime();
  const end = new Date(now + days * DAY);
  end.setUTCFullYear(end.getUTCFullYear() + 1);
  const a = await flow.register({
    title: `Påminnelse ${lot}`,
    lot: { id: lot, title: lot, hospitalAreaIds: ['oslo', 'innlandet'], formOfCare: 'outpatient' },
    endDate: end.toISOString().slice(0, 10),
    options: [],
  });
  const reminders = expectStatus(
    await request('GET', `/agreements/${a.id}/reminders`, { token: who.officer }),
    200,
    'reminders',
  ).items as { key: string; status: string; dueAt: string }[];
  const pending = reminders.filter((r) => r.status === 'pending');
  const first = pending.sort((x, y) => x.dueAt.localeCompare(y.dueAt))[0];
  if (!first || Date.parse(first.dueAt) < now)
    throw new Error(`no future reminder: ${JSON.stringify(pending)}`);
  return { id: a.id, key: first.key, dueAt: Date.parse(first.dueAt) };
};
const reminderOf = async (r: { id: string; key: string }) => {
  const items = expectStatus(
    await request('GET', `/agreements/${r.id}/reminders`, { token: who.officer }),
    200,
    'reminders',
  ).items as { key: string; status: string }[];
  const inbox = expectStatus(
    await request('GET', '/notifications?limit=100', { token: who.officer }),
    200,
    'inbox',
  ).items as { agreementId: string; reminderKey?: string }[];
  return {
    status: items.find((i) => i.key === r.key)?.status,
    delivered: inbox.filter((n) => n.agreementId === r.id && n.reminderKey === r.key).length,
  };
};

/** Where every aggregate waits: the same after a restart as before it. */
const waitingPoints = async () => {
  const last = (events: { type: string; stateEnteredEventDetails?: { name: string } }[]) =>
    `${events.filter((e) => e.type.endsWith('StateEntered')).at(-1)?.stateEnteredEventDetails?.name}/${events.at(-1)?.type}`;
  const tenders = { tA, tB, tC, tD, tE };
  const out: Record<string, string> = {};
  for (const [name, t] of Object.entries(tenders)) {
    if (!t) continue;
    const w = await t.workflow();
    out[name] = w.body.status === 'RUNNING' ? last(w.body.events) : w.body.status;
  }
  for (const [name, id] of Object.entries({ aA, aB, aC })) {
    if (!id) continue;
    const w = await flow.workflow(id, year);
    out[name] = w.body.status === 'RUNNING' ? last(w.body.events) : w.body.status;
  }
  return out;
};

describe('the product as a process, killed and interrupted at every waiting point', () => {
  it('runs as a process of its own and holds an aggregate at every waiting point', async () => {
    product = await startProduct({ dataDir });
    started.push(product.startSeconds);
    const token = (r: Parameters<ApiClient['token']>[0]) => client.token(r);
    who = {
      officer: await token({ role: 'officer', entity: ENTITY, sub: 'kari' }),
      evaluator: await token({ role: 'evaluator', entity: ENTITY, sub: 'eva' }),
      auditor: await token({ role: 'auditor', entity: ENTITY, sub: 'aud' }),
      suppliers: Object.fromEntries(
        await Promise.all(SUPPLIERS.map(async (s) => [s, await token({ role: 'supplier', supplier: s })])),
      ),
    };
    const nah = who.suppliers[SUPPLIERS[0]] as string;
    flow = renegotiationFlow(
      {
        request: (method, path, o = {}) => client.call(method, path, o.token, o.body, o.headers),
      },
      { officer: who.officer, supplier: nah },
    );
    year = new Date(await client.now()).getUTCFullYear() + 1;
    const agreementYears = { endDate: `${year + 1}-12-31` };
    const now = (await client.now()).getTime();
    await Promise.all([
      // A second start on the same data dir is refused: it would resume the same workflows twice.
      // (Before, it started beside the first, with a second DynamoDB Local on the same database.)
      expect(startProduct({ dataDir })).rejects.toThrow(/runs already on|still runs/),
      // The suppliers of the burst.
      ...Array.from({ length: BURST.suppliers }, async (_, i) => {
        const s = expectStatus(
          await request('POST', '/reference/suppliers', {
            token: who.officer,
            body: { name: `Krasj leverandør ${i} AS`, country: 'NO', kind: 'kommersiell' },
            headers: { 'idempotency-key': `crash-supplier-${i}` },
          }),
          201,
          'register a supplier',
        );
        burstSuppliers[i] = { id: s.id, token: await token({ role: 'supplier', supplier: s.id }) };
      }),
      (async () => {
        // Three tenders through their deadline: one stays in evaluation, one is ranked, one awarded.
        const announce = async () => {
          const t = await TenderFlow.announce(on, who, { bidDeadline: deadlineIn(2, now) });
          await bidOn(t);
          return t;
        };
        [tB, tC, tD] = await Promise.all([announce(), announce(), announce()]);
        await client.advanceClock({ to: openingDue(await tB.tender()) });
        await Promise.all([tB, tC, tD].map((t) => t.waitingIn('AwaitEvaluation')));
        await Promise.all([scoreAndRank(tC), scoreAndRank(tD).then(() => award(tD))]);
        // One at its bid deadline.
        tA = await TenderFlow.announce(on, who, {
          bidDeadline: deadlineIn(4, (await client.now()).getTime()),
        });
        await bidOn(tA);
      })(),
      (async () => {
        // The renegotiations: one waits for the supplier, one (countered) for the officer.
        aA = (await flow.register(agreementYears)).id;
        await flow.start(aA, year);
        await flow.propose(aA, year, 4000, { answerDays: 7 });
      })(),
      (async () => {
        aB = (await flow.register(agreementYears)).id;
        await flow.start(aB, year);
        await flow.propose(aB, year, 3800);
        await flow.answer(aB, year, {
          accept: false,
          lines: [{ unit: 'konsultasjoner', volume: 4200, unitPrice: 1300 }],
          priceAdjustmentPercent: 5,
          comment: 'Økt etterspørsel',
        });
        await flow.waitingIn(aB, year, 'AwaitOfficer');
      })(),
      (async () => {
        rA = await remindedAgreement(8, 'paaminnelse-1');
      })(),
      (async () => {
        burstTender1 = await announceBurstTender('Krasj: kill -9');
      })(),
    ]);
    // The first product still runs and answers.
    expect(product.running()).toBe(true);
    expect(await waitingPoints()).toEqual({
      tA: 'AwaitBidDeadline/TaskSubmitted',
      tB: 'AwaitEvaluation/TaskSubmitted',
      tC: 'AwaitAwardDecision/TaskSubmitted',
      tD: 'AwaitStandstillEnd/TaskSubmitted',
      aA: 'AwaitSupplier/TaskSubmitted',
      aB: 'AwaitOfficer/TaskSubmitted',
    });
    expect(await reminderOf(rA)).toEqual({ status: 'pending', delivered: 0 });
  }, 120_000);

  it('kill -9 in the middle of a bid burst: DynamoDB Local ends with it, and the product starts again', async () => {
    const tender = burstTender1;
    const java = dynamoProcessesOf(dataDir);
    const killed = product;
    const before = await operatorViews();
    burst1 = await bidBurst(tender, () => killed.kill());
    expect(killed.running()).toBe(false);
    expect(burst1.receipts.length).toBeGreaterThanOrEqual(BURST.stopAfterReceipts);
    // Every answer before the kill was a receipt: the rest had none.
    expect(Object.keys(burst1.answers)).toEqual(['201']);
    // Every aggregate waits again where it waited, none failed.
    await restart('kill -9', {
      tA: 'AwaitBidDeadline/TaskSubmitted',
      tB: 'AwaitEvaluation/TaskSubmitted',
      tC: 'AwaitAwardDecision/TaskSubmitted',
      tD: 'AwaitStandstillEnd/TaskSubmitted',
      aA: 'AwaitSupplier/TaskSubmitted',
      aB: 'AwaitOfficer/TaskSubmitted',
    });
    if (java.length) expect(dynamoProcessesOf(dataDir)).not.toContain(java[0]);
    // Nothing the bus or the topic carried before the kill is carried again after it.
    const after = await operatorViews();
    expect(after.events.filter((e) => before.events.includes(e))).toEqual([]);
    expect(after.notifications.filter((n) => before.notifications.includes(n))).toEqual([]);
    // The tokens issued before still hold: the dev issuer's key is in the data dir.
    expect((await request('GET', '/tenders?limit=1', { token: who.officer })).status).toBe(200);
  }, 120_000);

  it('after kill -9 every aggregate reaches its next stage when the clock moves or its user acts', async () => {
    const supplierDeadline = Date.parse((await flow.year(aA, year)).body.supplierDeadline);
    const dues = [
      openingDue(await tA.tender()).getTime(),
      openingDue({ bidDeadline: burst1.bidDeadline }).getTime(),
      await standstillEnd(tD),
      supplierDeadline,
      rA.dueAt,
    ];
    const to = Math.max(...dues) + 60_000;
    await client.advanceClock({ to: new Date(to) });
    // The clock: the tender at its deadline opens, the standstill ends in agreements, the silent
    // supplier is reminded (and waits again), the reminder is delivered.
    await tA.waitingIn('AwaitEvaluation');
    await tD.finished();
    expect((await tD.workflow()).body.status).toBe('SUCCEEDED');
    expect((await tD.tender()).status).toBe('complete');
    const reminded = await eventually(
      () => flow.year(aA, year),
      (r) => r.body.reminders === 1,
    );
    expect(Date.parse(reminded.body.supplierDeadline)).toBeGreaterThan(to);
    await flow.waitingIn(aA, year, 'AwaitSupplier');
    expect(
      await eventually(
        () => reminderOf(rA),
        (r) => r.delivered > 0,
      ),
    ).toEqual({
      status: 'delivered',
      delivered: 1,
    });
    // The burst: every receipt stored as it says.
    const opened = await eventually(
      () => request('GET', `/tenders/${burst1.tenderId}`, { token: who.officer }),
      (r) => r.body.status === 'evaluation',
    );
    expect(opened.body.status).toBe('evaluation');
    figures.kill = await checkBurst(burst1);
    expect(figures.kill).toMatchObject({ lost: 0 });
    // The users: an evaluation ends in a ranking, an award decision in the standstill, the officer approves.
    await scoreAndRank(tB);
    await award(tC);
    expect((await flow.approve(aB, year)).status).toBe('published');
    expect(await failedInAll()).toEqual([]);
  }, 120_000);

  it('Ctrl-C in the middle of a bid burst: the product stops in order and starts again', async () => {
    // The next waiting points: each aggregate one stage further on, and new ones where it moved on.
    let tender: { id: string; bidDeadline: string } | undefined;
    await Promise.all([
      (async () => {
        tE = await TenderFlow.announce(on, who, {
          bidDeadline: deadlineIn(4, (await client.now()).getTime()),
        });
        await bidOn(tE);
      })(),
      (async () => {
        aC = (await flow.register({ endDate: `${year + 1}-12-31` })).id;
        await flow.start(aC, year);
        await flow.propose(aC, year, 3600);
        await flow.answer(aC, year, {
          accept: false,
          lines: [{ unit: 'konsultasjoner', volume: 3900, unitPrice: 1280 }],
          priceAdjustmentPercent: 3,
        });
        await flow.waitingIn(aC, year, 'AwaitOfficer');
      })(),
      (async () => {
        rB = await remindedAgreement(5, 'paaminnelse-2');
      })(),
      (async () => {
        tender = await announceBurstTender('Krasj: Ctrl-C');
      })(),
    ]);
    const waiting = {
      tA: 'AwaitEvaluation/TaskSubmitted',
      tB: 'AwaitAwardDecision/TaskSubmitted',
      tC: 'AwaitStandstillEnd/TaskSubmitted',
      tD: 'SUCCEEDED',
      tE: 'AwaitBidDeadline/TaskSubmitted',
      aA: 'AwaitSupplier/TaskSubmitted',
      aB: 'SUCCEEDED',
      aC: 'AwaitOfficer/TaskSubmitted',
    };
    expect(await waitingPoints()).toEqual(waiting);
    const interrupted = product;
    const before = await operatorViews();
    let stopped: Awaited<ReturnType<ProductProcess['interrupt']>> | undefined;
    burst2 = await bidBurst(tender as { id: string; bidDeadline: string }, async () => {
      stopped = await interrupted.interrupt();
    });
    // Stopped by itself, and soon: exit code 0, "Stopping…" and no error on the way.
    expect(stopped?.code, interrupted.output()).toBe(0);
    expect(interrupted.output()).toContain('Stopping…');
    figures.interruptStopSeconds = stopped?.seconds;
    expect(burst2.receipts.length).toBeGreaterThanOrEqual(BURST.stopAfterReceipts);
    expect(Object.keys(burst2.answers)).toEqual(['201']);
    await restart('Ctrl-C', waiting);
    const after = await operatorViews();
    expect(after.events.filter((e) => before.events.includes(e))).toEqual([]);
    expect(after.notifications.filter((n) => before.notifications.includes(n))).toEqual([]);
  }, 120_000);

  it('after Ctrl-C every aggregate reaches its next stage when the clock moves or its user acts', async () => {
    const supplierDeadline = Date.parse((await flow.year(aA, year)).body.supplierDeadline);
    const next = tE as TenderFlow;
    const dues = [
      openingDue(await next.tender()).getTime(),
      openingDue({ bidDeadline: burst2.bidDeadline }).getTime(),
      await standstillEnd(tC),
      supplierDeadline,
      rB.dueAt,
    ];
    await client.advanceClock({ to: new Date(Math.max(...dues) + 60_000) });
    await next.waitingIn('AwaitEvaluation');
    await tC.finished();
    expect((await tC.workflow()).body.status).toBe('SUCCEEDED');
    expect((await tC.tender()).status).toBe('complete');
    // The supplier stayed silent after the reminder: escalated to the officer.
    await eventually(
      () => flow.year(aA, year),
      (r) => r.body.escalatedAt !== undefined,
    );
    await flow.waitingIn(aA, year, 'AwaitOfficer');
    expect(
      await eventually(
        () => reminderOf(rB),
        (r) => r.delivered > 0,
      ),
    ).toEqual({ status: 'delivered', delivered: 1 });
    await eventually(
      () => request('GET', `/tenders/${burst2.tenderId}`, { token: who.officer }),
      (r) => r.body.status === 'evaluation',
    );
    figures.interrupt = await checkBurst(burst2);
    // Ctrl-C stops taking requests and answers those it took: every bid stored has its receipt.
    // (Before, the API dropped its connections at once: 11 of 12 bids in flight were stored and
    // their suppliers never got a receipt.)
    expect(figures.interrupt).toMatchObject({ lost: 0, storedWithoutReceipt: 0 });
    await scoreAndRank(tA);
    await award(tB);
    expect((await flow.approve(aC as string, year)).status).toBe('published');
    expect(await failedInAll()).toEqual([]);
  }, 120_000);

  it('did nothing twice, failed no execution, and the audit verifies', async () => {
    // Agreements: one per winning bid, made once, though a standstill ended across each restart.
    const agreements = expectStatus(
      await request('GET', '/agreements?limit=100', { token: who.officer }),
      200,
      'agreements',
    ).items as { id: string; tenderId?: string; lotId: string; supplierId: string }[];
    const made = agreements.filter((a) => a.tenderId === tC.id || a.tenderId === tD.id);
    expect(made).toHaveLength(4);
    expect(new Set(made.map((a) => `${a.tenderId}/${a.lotId}/${a.supplierId}`)).size).toBe(4);
    // Reminders: each delivered once; the silent supplier reminded once and escalated once.
    expect(await reminderOf(rA)).toEqual({ status: 'delivered', delivered: 1 });
    expect(await reminderOf(rB)).toEqual({ status: 'delivered', delivered: 1 });
    const silent = (await flow.year(aA, year)).body;
    expect(silent.reminders).toBe(1);
    // The audit trail: no step recorded twice on any tender or agreement, every chain verifies.
    const once = ['tender.opened', 'tender.ranked', 'tender.award-approved', 'tender.completed'];
    for (const t of [tA, tB, tC, tD, tE as TenderFlow]) {
      const history = expectStatus(
        await request('GET', `/tenders/${t.id}/history?kind=audit`, { token: who.auditor }),
        200,
        'history',
      ).items as { action: string }[];
      for (const action of once)
        expect(history.filter((i) => i.action === action).length, `${action} of ${t.id}`).toBeLessThanOrEqual(
          1,
        );
    }
    // The renegotiations: the silent supplier reminded once and escalated once; no event of any
    // year recorded twice with the same change (the answer-due notices differ by their deadline).
    const agreementAudit = async (id: string) =>
      expectStatus(
        await request('GET', `/agreements/${id}/history?kind=audit`, { token: who.auditor }),
        200,
        'history',
      ).items as { action: string; aggregate: string; detail: { change?: unknown } }[];
    const aAHistory = await agreementAudit(aA);
    expect(aAHistory.filter((i) => i.action === 'performance.supplier-reminded')).toHaveLength(1);
    expect(aAHistory.filter((i) => i.action === 'performance.escalated')).toHaveLength(1);
    for (const id of [aA, aB, aC as string]) {
      const rows = (await agreementAudit(id)).map(
        (i) => `${i.aggregate} ${i.action} ${JSON.stringify(i.detail.change)}`,
      );
      expect(rows.filter((row, n) => rows.indexOf(row) !== n)).toEqual([]);
    }
    const verified = expectStatus(
      await request('GET', '/audit/verify', { token: who.auditor }),
      200,
      'verify the audit trail',
    );
    expect(verified).toMatchObject({ ok: true });
    expect(await failedInAll()).toEqual([]);
    // And Ctrl-C once more, waiting for nothing: the product and its DynamoDB Local end.
    const last = await product.interrupt();
    expect(last.code).toBe(0);
    expect(await dynamoGone(dataDir, 10_000)).toEqual([]);
    figures.startSeconds = started;
    figures.lastStopSeconds = last.seconds;
    console.log('crash figures', JSON.stringify(figures));
  }, 120_000);
});
