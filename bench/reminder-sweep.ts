/**
 * The daily sweep against the number of agreements (issue 15): with N framework agreements of which
 * 10 have a reminder due, the sweep must read what is due, not what is held.
 *
 * How: the local product in process (DynamoDB Local, the stand-ins; its clock's ticker and stream
 * pollers stopped, so nothing else runs), and the sweep invoked as the daily rule invokes it: the
 * timer function's handler with `{ "type": "reminder.sweep" }` (functions/handlers/events/timer.ts:
 * the due reminders, the due tender steps, the due agreement ends, the renegotiation calendar and the
 * outbox's pending events). Every DynamoDB call of this process is metered (items returned, items
 * read to answer them, read capacity DynamoDB Local reports), per part of the sweep.
 *
 * The agreements are written as the product writes a registration: the domain's `registerAgreement`,
 * then what `commitWithReminders` commits with it, built by the product's own code (`agreementItem`,
 * `planFrom`, planChange's plan, with the entity's reminder settings, `endEntry`, `commitAll`), the transactions
 * captured at the SDK and sent as parallel BatchWrites. Kept: the items the sweep can see (the
 * agreement, its pending reminders in the due index, its entry in the index of ends). Left out: the
 * audit events and the first performance year (partitions no part of the sweep reads; they would
 * double the seed) and the reminders' schedules (the sweep is the safety net for lost schedules).
 * Registered on the product's clock at 2026-11-23: reminders 12, 6, 3 and 1 months before the end and
 * 3 and 1 months before an option's last day. The agreements that are not due end from mid-2028 to
 * 2031 (their first reminder after the sweep's day); before each run, 10 more agreements are
 * registered that end on 2028-03-01, so that their 12-month reminder is due at the sweep
 * (2027-03-01, after 07:00). A run delivers them (their reminders leave the due index), so at run r
 * the table holds N + 10·(r−1) agreements, 10 of them due.
 *
 * Baseline, same run: the one Query that reads exactly the 10 due reminders (the due index up to now).
 *
 *   npm run bench:sweep
 *   SWEEP_SIZES=1000,10000 SWEEP_RUNS=3 npm run bench:sweep
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { environmentOf } from '../functions/access.ts';
import { ddb } from '../functions/adapters/clients.ts';
import { resetEnvCache } from '../functions/adapters/env.ts';
import { commitAll, type Keyed, tableName as productTable } from '../functions/adapters/store.ts';
import type { Agreement } from '../functions/domain/agreement.ts';
import { type RegisterCommand, registerAgreement } from '../functions/domain/agreement-lifecycle.ts';
import { referenceLookups } from '../functions/domain/reference-lookups.ts';
import type { ReminderSettings } from '../functions/domain/reminders.ts';
import { handler as timer } from '../functions/handlers/events/timer.ts';
import { functions } from '../functions/manifest.ts';
import { planFrom } from '../functions/services/reminders.ts';
import { agreementItem, endEntry } from '../functions/services/store/agreements.ts';
import { DUE_PARTITION, getSettings } from '../functions/services/store/reminders.ts';
import { setClockOffsetMs } from '../functions/shared/clock.ts';
import { localResources, startLocalRuntime } from '../local/runtime.ts';
import { lambdaContext } from '../test/helpers/fixtures.ts';
import { batchWrite, meterDynamo, type PutRequest } from './lib/dynamo.ts';
import { count, fmt, ratio, type Summary, summarise, table, writeSection } from './lib/report.ts';

const SIZES = (process.env.SWEEP_SIZES ?? '1000,10000,100000').split(',').map(Number);
const RUNS = Number(process.env.SWEEP_RUNS ?? 5);
const DUE = 10;
const ENTITY = 'helse-sor-ost';
const WRITES_IN_FLIGHT = Number(process.env.SWEEP_WRITES_IN_FLIGHT ?? 16);
const SEED_CHUNK = 2_000;
const REGISTERED_AT = Date.parse('2026-11-23T09:00:00.000Z');
/** The sweep's moment: the due agreements' 12-month reminder was due at 07:00. */
const SWEEP_AT = Date.parse('2027-03-01T12:00:00.000Z');
const DUE_END = '2028-03-01';

const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;
const setClock = (at: number) => setClockOffsetMs(at - Date.now());

// ---- Metering (and capturing) every DynamoDB call of this process --------------------------------

/** What the calls of one part of the sweep read. */
interface Reads {
  calls: number;
  /** Items DynamoDB returned (Count, Item, Responses). */
  items: number;
  /** Items it read to answer (ScannedCount; a filter would drop some after reading). */
  scanned: number;
  /** Read capacity units DynamoDB Local reports. */
  rcu: number;
}
const emptyReads = (): Reads => ({ calls: 0, items: 0, scanned: 0, rcu: 0 });
let meter = new Map<string, Reads>();
let writes = 0;

/** Which part of the sweep a read belongs to, from what it asks for. */
const partOf = (name: string, input: Record<string, unknown>): string => {
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const key = (input.Key ?? {}) as Record<string, unknown>;
  if (name === 'QueryCommand') {
    const pk = String(values[':pk'] ?? '');
    return `Query ${input.IndexName ? `${input.IndexName} ` : ''}${pk.replace(/#[^#]*$/, (m) => (pk.split('#').length > 2 ? '#…' : m))}`;
  }
  if (name === 'GetItemCommand' || name === 'GetCommand')
    return `GetItem ${String(key.PK ?? '').split('#')[0]} ${String(key.SK ?? '').split('#')[0]}`;
  return name.replace(/Command$/, '');
};

let captured: Map<string, PutRequest> | undefined;

const installMeter = () =>
  meterDynamo(ddb(), {
    capture: () => captured,
    onWrite: () => {
      writes++;
    },
    onRead: (name, input, read) => {
      const part = partOf(name, input);
      const reads = meter.get(part) ?? emptyReads();
      reads.calls++;
      reads.items += read.returned;
      reads.scanned += read.scanned;
      reads.rcu += read.rcu;
      meter.set(part, reads);
    },
  });

const total = (m: Map<string, Reads>): Reads =>
  [...m.values()].reduce(
    (t, r) => ({
      calls: t.calls + r.calls,
      items: t.items + r.items,
      scanned: t.scanned + r.scanned,
      rcu: t.rcu + r.rcu,
    }),
    emptyReads(),
  );

/** Items written 25 to a BatchWrite, WRITES_IN_FLIGHT at once. */
const write = (raw: DynamoDBDocumentClient, table: string, requests: PutRequest[]): Promise<number> =>
  batchWrite(raw, table, requests, WRITES_IN_FLIGHT);

// ---- The agreements ------------------------------------------------------------------------------

const officer = { sub: 'officer-helse-sor-ost', name: 'Bench officer', role: 'officer' } as const;
const SUPPLIERS = [
  'falck-norge-as',
  'norsk-arbeidshelse-as',
  'unicare-steffensrud-as',
  'rehabiliteringssenteret-air-as',
];
const AREAS = ['innlandet', 'telemark-vestfold', 'ostfold', 'akershus'];

const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The i-th agreement: ends on `endDate`, two one-year options (90 days' notice). */
const registration = (i: number, endDate: string): RegisterCommand => {
  const area = AREAS[i % AREAS.length] as string;
  const unit = i % 3 === 0 ? 'liggedogn' : 'konsultasjoner';
  return {
    title: `Rammeavtale ${i}: koloskopi, ${area}`,
    supplierId: SUPPLIERS[i % SUPPLIERS.length] as string,
    serviceAreaIds: ['koloskopi'],
    lot: {
      id: `lot-${area}`,
      title: `Opptaksområdet ${area}`,
      hospitalAreaIds: [area],
      formsOfCare: ['outpatient'],
    },
    startDate: '2026-01-01',
    endDate,
    options: [{ durationMonths: 12 }, { durationMonths: 12 }],
    optionNoticeDays: 90,
    prices: [{ unit, unitPrice: unit === 'liggedogn' ? 4200 : 2000 + (i % 50) * 10 }],
    volumes: [{ unit, quantity: 500 + (i % 20) * 50 }],
    deliverySites: [{ place: 'Hamar', hospitalAreaId: area }],
  };
};

/** What registering it commits (the registration route and commitWithReminders), captured. */
const register = async (id: string, command: RegisterCommand, settings: ReminderSettings) => {
  const at = new Date(REGISTERED_AT).toISOString();
  const agreement: Omit<Agreement, 'version'> = registerAgreement(
    command,
    { id, entityId: ENTITY, supplierKnown: true, at },
    referenceLookups,
  );
  // planChange's plan for a new agreement (no reminders stored yet), the entity's settings read once.
  const plan = planFrom(agreement, settings, [], officer, 'The agreement was registered', at);
  await commitAll(
    [
      {
        aggregate: { type: 'agreement', id },
        entityId: ENTITY,
        before: undefined,
        after: agreementItem(agreement) as Keyed,
        actor: officer,
        action: 'agreement.registered',
        change: command as unknown as Record<string, unknown>,
        at,
      },
      ...plan.commits,
    ],
    [{ Put: { TableName: productTable(), Item: endEntry(agreement) } }],
  );
  return plan.commits.length;
};

const agreementId = (i: number) => `agr_bench${String(i).padStart(7, '0')}`;

/** Registers agreements `from`…`to`−1 (ending as `endOf` says) and writes what the sweep can see. */
const seed = async (
  raw: DynamoDBDocumentClient,
  table: string,
  from: number,
  to: number,
  endOf: (i: number) => string,
): Promise<{ items: number; reminders: number }> => {
  setClock(REGISTERED_AT);
  const settings = await getSettings(ENTITY);
  let reminders = 0;
  let items = 0;
  // Built in chunks, each written while the next is built.
  let writing: Promise<number> = Promise.resolve(0);
  for (let chunk = from; chunk < to; chunk += SEED_CHUNK) {
    captured = new Map();
    for (let i = chunk; i < Math.min(to, chunk + SEED_CHUNK); i++)
      reminders += await register(agreementId(i), registration(i, endOf(i)), settings);
    // The audit events are not written: no part of the sweep reads the audit partitions.
    const requests = [...captured.entries()].filter(([key]) => !key.startsWith('AUDIT#')).map(([, r]) => r);
    captured = undefined;
    items += await writing;
    writing = write(raw, table, requests);
  }
  items += await writing;
  return { items, reminders };
};

/** Not due at the sweep: ends from 2028-06-01 over three and a half years (first reminder from 2027-06-01). */
const notDueEnd = (i: number) => addDays('2028-06-01', (i * 7919) % 1300);

// ---- Measuring -----------------------------------------------------------------------------------

interface Sample {
  ms: number;
  reads: Map<string, Reads>;
  writes: number;
  outcome: string;
}

const sweep = async (): Promise<Sample> => {
  setClock(SWEEP_AT);
  meter = new Map();
  writes = 0;
  const started = process.hrtime.bigint();
  const result = (await timer({ type: 'reminder.sweep' }, lambdaContext())) as { outcome: string };
  const took = ms(started);
  return { ms: took, reads: meter, writes, outcome: result.outcome };
};

/** The baseline: one Query of the due index up to now, which reads exactly the due reminders. */
const dueQuery = async (table: string): Promise<Sample> => {
  setClock(SWEEP_AT);
  meter = new Map();
  const started = process.hrtime.bigint();
  const r = await ddb().send(
    new QueryCommand({
      TableName: table,
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :now',
      ExpressionAttributeValues: { ':pk': DUE_PARTITION, ':now': `${new Date(SWEEP_AT).toISOString()}#~` },
    }),
  );
  return { ms: ms(started), reads: meter, writes: 0, outcome: `${r.Count} due` };
};

interface SizeFigures {
  agreements: number;
  pendingReminders: number;
  itemsSeeded: number;
  seedSeconds: number;
  sweep: {
    ms: Summary;
    items: number;
    scanned: number;
    rcu: number;
    calls: number;
    writes: number;
    delivered: number;
    parts: Record<string, Reads>;
  };
  baseline: { ms: Summary; items: number; scanned: number; rcu: number; dueFound: number };
}

const main = async () => {
  const runtime = await startLocalRuntime({
    inMemory: true,
    apiPort: 0,
    quiet: true,
    startAt: new Date(REGISTERED_AT),
  });
  // Nothing but the sweep runs: no ticker (daily and hourly jobs, schedules), no stream consumers
  // (they would relay every seeded item's record).
  runtime.clock.stop();
  await Promise.all(runtime.streams.map((p) => p.stop()));
  // The timer function's environment (its schedule group, bus, workflows), as the runtime gives it.
  const { NODE_OPTIONS: _, ...environment } = environmentOf(
    'timer',
    functions.timer.access,
    localResources('silent', runtime.tableName),
  );
  Object.assign(process.env, environment);
  resetEnvCache();
  installMeter();
  const raw = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const figures: SizeFigures[] = [];
  let held = 0; // agreements not due
  let extra = 0; // due agreements registered so far (ids after the not-due range)
  let pending = 0;
  let itemsSeeded = 0;
  const DUE_IDS = 10_000_000;
  try {
    for (const size of SIZES) {
      const seedStart = process.hrtime.bigint();
      const seeded = await seed(raw, runtime.tableName, held, size - DUE, notDueEnd);
      held = size - DUE;
      pending += seeded.reminders;
      itemsSeeded += seeded.items;
      const seedSeconds = ms(seedStart) / 1000;
      console.log(
        `${count(size - DUE)} agreements not due: ${count(seeded.items)} items written (${count(seeded.reminders)} reminders) in ${seedSeconds.toFixed(1)} s`,
      );
      const sweeps: Sample[] = [];
      const queries: Sample[] = [];
      // A warm-up round (modules, connections, the renegotiation calendar), then the runs.
      for (let r = 0; r <= RUNS; r++) {
        const due = await seed(raw, runtime.tableName, DUE_IDS + extra, DUE_IDS + extra + DUE, () => DUE_END);
        extra += DUE;
        pending += due.reminders;
        itemsSeeded += due.items;
        const q = await dueQuery(runtime.tableName);
        const s = await sweep();
        if (r === 0) {
          console.log(`warm-up: ${s.outcome}; due query: ${q.outcome}`);
          continue;
        }
        queries.push(q);
        sweeps.push(s);
        console.log(
          `${count(size)} agreements, run ${r}: sweep ${s.ms.toFixed(1)} ms, ${total(s.reads).items} items read (${total(s.reads).scanned} scanned) in ${total(s.reads).calls} calls; due query ${q.ms.toFixed(1)} ms, ${q.outcome}`,
        );
      }
      const last = sweeps.at(-1) as Sample;
      const lastReads = total(last.reads);
      const lastQuery = total((queries.at(-1) as Sample).reads);
      const delivered = Number(/(\d+) reminder\(s\) delivered/.exec(last.outcome)?.[1] ?? Number.NaN);
      const figure: SizeFigures = {
        agreements: size,
        pendingReminders: pending - DUE * (RUNS + 1),
        itemsSeeded,
        seedSeconds,
        sweep: {
          ms: summarise(sweeps.map((s) => s.ms)),
          items: lastReads.items,
          scanned: lastReads.scanned,
          rcu: lastReads.rcu,
          calls: lastReads.calls,
          writes: last.writes,
          delivered,
          parts: Object.fromEntries(last.reads),
        },
        baseline: {
          ms: summarise(queries.map((s) => s.ms)),
          items: lastQuery.items,
          scanned: lastQuery.scanned,
          rcu: lastQuery.rcu,
          dueFound: Number.parseInt((queries.at(-1) as Sample).outcome, 10),
        },
      };
      console.log(JSON.stringify(figure));
      figures.push(figure);
    }
  } finally {
    raw.destroy();
    await runtime.stop();
  }
  report(figures);
};

const report = (figures: SizeFigures[]) => {
  const first = figures[0] as SizeFigures;
  const largest = figures.at(-1) as SizeFigures;
  // Proportional to the due: the same items at every size, a small multiple of the due ones, all delivered.
  const flatItems = figures.every((f) => f.sweep.scanned === first.sweep.scanned);
  const allDelivered = figures.every((f) => f.sweep.delivered === DUE && f.baseline.dueFound === DUE);
  const perDue = largest.sweep.scanned / DUE;
  const targetsMet = flatItems && allDelivered && perDue <= 5;
  const rows = figures.map((f) => [
    count(f.agreements),
    count(f.pendingReminders),
    String(f.sweep.delivered),
    `${count(f.sweep.scanned)} (${count(f.sweep.items)} returned, ${f.sweep.calls} calls, ${f.sweep.rcu.toFixed(1)} RCU)`,
    (f.sweep.scanned / DUE).toFixed(1),
    fmt(f.sweep.ms, 1, ' ms'),
    `${count(f.baseline.scanned)} (${f.baseline.rcu.toFixed(1)} RCU)`,
    fmt(f.baseline.ms, 1, ' ms'),
    ratio(f.sweep.scanned, f.baseline.scanned, 1),
    ratio(f.sweep.ms.median, f.baseline.ms.median, 0),
  ]);
  const parts = Object.entries(largest.sweep.parts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([part, r]) => [`\`${part}\``, String(r.calls), count(r.scanned), count(r.items), r.rcu.toFixed(1)]);
  const markdown = `
The daily sweep (the timer function with \`{"type":"reminder.sweep"}\`, invoked in process as the
daily rule invokes it: due reminders, due tender steps, due agreement ends, the renegotiation
calendar, the outbox's pending events) against *N* framework agreements of one entity, ${DUE} of them
with a reminder due. The agreements are registered by the product's code (\`registerAgreement\`, then
what \`commitWithReminders\` commits: \`agreementItem\`, \`planFrom\` (planChange's plan) with the
entity's reminder settings, \`endEntry\`, through \`commitAll\`, the transactions captured and written as parallel
BatchWrites); written are the items the sweep can see: each agreement, its pending reminders in the
due index (expiry 12, 6, 3 and 1 months before its end, option 3 and 1 months before the option's
last day) and its entry in the index of ends; not the audit events and first performance year (no
part of the sweep reads them) nor the schedules (the sweep is there for lost ones). The agreements
not due end from mid-2028 to 2031; before each run ${DUE} more agreements are registered whose
12-month reminder is due at the sweep (a run delivers them, so run *r* sees *N* + ${DUE}·(*r*−1)
agreements, ${DUE} due). Items read: every DynamoDB read of the process during the sweep (items
DynamoDB read to answer, ScannedCount; RCU as DynamoDB Local reports it). Baseline, same run: the one
Query that reads exactly the ${DUE} due reminders (the due index up to now). ${RUNS} runs after a
warm-up, median (min–max).

${table(
  [
    'agreements (N)',
    'pending reminders held',
    'delivered',
    'sweep: items read',
    'per due reminder',
    'sweep time',
    'baseline: items read',
    'baseline time',
    'items ÷ baseline',
    'time ÷ baseline',
  ],
  rows,
)}

What the sweep read at ${count(largest.agreements)} agreements, by call (the due reminders' own reads are
two GetItems each: the reminder, read again for its version, and its agreement, for the message):

${table(['call', 'calls', 'items read', 'returned', 'RCU'], parts)}

Target (issue 15: items read proportional to the ${DUE} due, not to the agreements): the same
${count(largest.sweep.scanned)} items at ${count(largest.agreements)} agreements as at ${count(first.agreements)}
(${(largest.sweep.scanned / DUE).toFixed(1)} per due reminder), every due reminder delivered:
**${targetsMet ? 'met' : 'missed'}**. Time: ${ratio(largest.sweep.ms.median, first.sweep.ms.median)} the smallest's.
Seeding ${count(largest.agreements)} agreements (${count(largest.itemsSeeded)} items) took ${largest.seedSeconds.toFixed(0)} s for the last step.
`;
  writeSection({
    id: 'sweep',
    title: 'Reminder sweep against the number of agreements',
    order: 50,
    command: 'npm run bench:sweep',
    markdown,
    targetsMet,
    figures: { sizes: SIZES, runs: RUNS, due: DUE, figures },
  });
};

await main();
process.exit(0);
