/**
 * "On AWS, on paper" (issue 15): which DynamoDB partitions the bid burst and the daily reminder
 * sweep touch, with what units per second, against DynamoDB's per-partition limits (1 000 WCU and
 * 3 000 RCU a second for one partition key value, on the table and on each index).
 *
 * Nothing is assumed about the key design: the product's own code runs, in process, against the
 * local product, and every DynamoDB call it makes is recorded at the SDK (the key or key condition,
 * the index, the items written or returned). One bid goes through the bidding handler, then its
 * stream records through the audit watcher and the outbox relay as the event source mappings
 * would hand them over; one agreement registered with reminders due at once is swept by the daily
 * timer. Sizes are DynamoDB's (attribute names plus values), units are DynamoDB's rounding: a write
 * 1 WCU per KB (2 in a transaction), each index whose keys the item carries the same again (an
 * index entry leaving is a write too); a read 1 RCU per 4 KB strongly consistent, half eventually,
 * a Query over the sum of what it returns. The burst's rate comes from docs/bench/burst.json when
 * it is there (else the issue's 2 000 bids in a minute).
 *
 *   npm run bench:partitions
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context } from 'aws-lambda';
import {
  apiEvent,
  colonoscopyBid,
  colonoscopyTender,
  helseOgArbeidAgreement,
  helseOgArbeidLots,
} from '../test/helpers/fixtures.ts';
import { count, root, table, writeSection } from './lib/report.ts';

process.env.LOG_LEVEL ??= 'silent';
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'Helsekjop';
const { ddb } = await import('../functions/adapters/clients.ts');
const { resetEnvCache } = await import('../functions/adapters/env.ts');
const { environmentOf } = await import('../functions/access.ts');
const { functions } = await import('../functions/manifest.ts');
const { tableShape } = await import('../functions/contracts/table.ts');
const { localResources, startLocalRuntime } = await import('../local/runtime.ts');

const BIDS = 2_000;
const SUPPLIERS = 200;
const LOTS = 10;
const AGREEMENTS = 100_000;
const DUE = 10;
const LIMITS = { wcu: 1_000, rcu: 3_000 };

// ---- DynamoDB's item size and units ------------------------------------------------------------

type Value = Record<string, unknown>;
/** DynamoDB's size of an attribute value (its docs: strings UTF-8, numbers ~1 byte per two digits + 1, maps and lists 3 + 1 per element). */
const valueSize = (v: unknown): number => {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (typeof v === 'number')
    return (
      Math.ceil(
        String(Math.abs(v))
          .replace(/[.-]|e.*$/g, '')
          .replace(/^0+/, '').length / 2,
      ) + 1
    );
  if (v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) return 3 + v.reduce((n: number, e) => n + valueSize(e) + 1, 0);
  if (v instanceof Set) return [...v].reduce((n: number, e) => n + valueSize(e), 0);
  return 3 + Object.entries(v as Value).reduce((n, [k, e]) => n + Buffer.byteLength(k) + valueSize(e) + 1, 0);
};
const itemSize = (item: Value) =>
  Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + valueSize(v), 0);
const wcu = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const rcu = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / 4096)) / (consistent ? 1 : 2);

// ---- Recording every call --------------------------------------------------------------------------

/** One partition touched by one call: where (table or index, key value) and the units. */
interface Touch {
  where: string;
  key: string;
  /** The table's sort key of a write (the stream record's key). */
  sk?: string;
  op: string;
  bytes: number;
  wcu: number;
  rcu: number;
}
let touches: Touch[] | undefined;

const indexKeys = (item: Value) =>
  tableShape.globalIndexes.filter((g) => typeof item[g.partitionKey] === 'string');

/** A write of `item` (the table and every index whose keys it carries), `before` what it replaced. */
const write = (op: string, item: Value, transactional: boolean, before?: Value) => {
  const bytes = itemSize(item);
  touches?.push({
    where: 'table',
    key: String(item.PK),
    ...(item.SK ? { sk: String(item.SK) } : {}),
    op,
    bytes,
    wcu: wcu(bytes) * (transactional ? 2 : 1),
    rcu: 0,
  });
  const gsis = new Set([...indexKeys(item), ...(before ? indexKeys(before) : [])]);
  for (const g of gsis) {
    const now = item[g.partitionKey];
    const was = before?.[g.partitionKey];
    if (typeof was === 'string' && was !== now)
      touches?.push({
        where: g.name,
        key: was,
        op: `${op} (leaves)`,
        bytes: itemSize(before as Value),
        wcu: wcu(itemSize(before as Value)),
        rcu: 0,
      });
    if (typeof now === 'string')
      touches?.push({ where: g.name, key: now, op, bytes, wcu: wcu(bytes), rcu: 0 });
  }
};

const install = (tableName: string) => {
  ddb().middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName).replace(/Command$/, '');
      const input = args.input as Value;
      if (!touches) return next(args);
      // What a write replaces (its index entries leave): read first, unrecorded.
      const recording = touches;
      const keyOf = (k: Value) => ({ PK: k.PK, SK: k.SK });
      const readBack = async (key: Value) => {
        touches = undefined;
        try {
          return (
            await ddb().send(
              new (
                await import('@aws-sdk/lib-dynamodb')
              ).GetCommand({ TableName: tableName, Key: keyOf(key) }),
            )
          ).Item;
        } finally {
          touches = recording;
        }
      };
      if (name === 'PutItem') {
        const before = await readBack(input.Item as Value);
        try {
          return await next(args);
        } finally {
          // A write refused by its condition consumes its units too.
          write('PutItem', input.Item as Value, false, before);
        }
      }
      if (name === 'TransactWriteItems') {
        const items = input.TransactItems as {
          Put?: { Item: Value };
          Update?: { Key: Value };
          ConditionCheck?: { Key: Value };
          Delete?: { Key: Value };
        }[];
        const befores = await Promise.all(
          items.map((t) =>
            readBack((t.Put?.Item ?? t.Update?.Key ?? t.ConditionCheck?.Key ?? t.Delete?.Key) as Value),
          ),
        );
        const result = await next(args);
        for (const [i, t] of items.entries()) {
          if (t.Put) write('TransactWrite Put', t.Put.Item, true, befores[i]);
          else if (t.Update)
            write('TransactWrite Update', (await readBack(t.Update.Key)) ?? t.Update.Key, true, befores[i]);
          else if (t.Delete && befores[i])
            write('TransactWrite Delete', { PK: t.Delete.Key.PK }, true, befores[i]);
          else if (t.ConditionCheck)
            touches?.push({
              where: 'table',
              key: String(t.ConditionCheck.Key.PK),
              op: 'ConditionCheck',
              bytes: 0,
              wcu: 0,
              rcu: rcu(itemSize(befores[i] ?? {}), true) * 2,
            });
        }
        return result;
      }
      if (name === 'UpdateItem' || name === 'DeleteItem') {
        const before = await readBack(input.Key as Value);
        const result = await next(args);
        const after = name === 'UpdateItem' ? await readBack(input.Key as Value) : undefined;
        if (after) write(name, after, false, before);
        else if (before) write(name, { PK: (input.Key as Value).PK }, false, before);
        return result;
      }
      const result = await next(args);
      const out = result.output as { Item?: Value; Items?: Value[]; Responses?: Record<string, Value[]> };
      const consistent = input.ConsistentRead === true;
      if (name === 'GetItem') {
        const bytes = out.Item ? itemSize(out.Item) : 0;
        touches?.push({
          where: 'table',
          key: String((input.Key as Value).PK),
          op: `GetItem${consistent ? ' (consistent)' : ''}`,
          bytes,
          wcu: 0,
          rcu: rcu(bytes, consistent),
        });
      } else if (name === 'Query') {
        const values = input.ExpressionAttributeValues as Value;
        const bytes = (out.Items ?? []).reduce((n, i) => n + itemSize(i), 0);
        touches?.push({
          where: String(input.IndexName ?? 'table'),
          key: String(values[':pk']),
          op: `Query (${(out.Items ?? []).length} items)`,
          bytes,
          wcu: 0,
          rcu: rcu(bytes, consistent),
        });
      } else if (name === 'BatchGetItem') {
        for (const items of Object.values(out.Responses ?? {}))
          for (const i of items)
            touches?.push({
              where: 'table',
              key: String(i.PK),
              op: 'BatchGetItem',
              bytes: itemSize(i),
              wcu: 0,
              rcu: rcu(itemSize(i), consistent),
            });
      }
      return result;
    },
    // Before the document client marshals: the items as the product builds them.
    { step: 'initialize', priority: 'low', name: 'benchPartitions' },
  );
};

/** Runs `work` as function `key` would (its environment), recording what it touches. */
const recorded = async (
  key: keyof typeof functions,
  resources: ReturnType<typeof localResources>,
  work: () => Promise<unknown>,
) => {
  const env = environmentOf(key, functions[key].access, resources) as Record<string, string>;
  const saved = { ...process.env };
  Object.assign(process.env, env);
  resetEnvCache();
  touches = [];
  try {
    await work();
    return touches;
  } finally {
    const got = touches;
    touches = undefined;
    process.env = saved;
    resetEnvCache();
    void got;
  }
};

const context = {
  awsRequestId: 'bench',
  functionName: 'bench',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

/** The stream record of an item just inserted, as the event source mapping hands it over (NEW_IMAGE). */
const insertRecord = async (tableName: string, key: { PK: string; SK: string }) => {
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const item = (await ddb().send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true })))
    .Item;
  if (!item) throw new Error(`no item ${key.PK} ${key.SK}`);
  return {
    eventID: '1',
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: marshall(key),
      NewImage: marshall(item, { removeUndefinedValues: true }),
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      SequenceNumber: '1',
      StreamViewType: 'NEW_IMAGE',
    },
  };
};

// ---- The scenarios -----------------------------------------------------------------------------

const main = async () => {
  const runtime = await startLocalRuntime({
    inMemory: true,
    apiPort: 0,
    quiet: true,
    startAt: new Date('2026-11-23T09:00:05Z'),
  });
  const resources = localResources('silent', runtime.tableName);
  install(runtime.tableName);
  const { apiClient } = await import('../test/support/api-client.ts');
  const client = apiClient(runtime.apiUrl);
  const token = async (r: Parameters<typeof runtime.issuer.mint>[0]) => (await runtime.issuer.mint(r)).token;
  const officer = await token({ role: 'officer', entity: 'helse-sor-ost', sub: 'kari' });
  try {
    // A tender open for bids, through the API.
    const created = await client.call('POST', '/tenders', officer, colonoscopyTender());
    if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
    const tenderId = String(created.body.id);
    const announced = await client.call('POST', `/tenders/${tenderId}/announce`, officer, { version: 1 });
    if (announced.status !== 200)
      throw new Error(`announce: ${announced.status} ${JSON.stringify(announced.body)}`);
    await runtime.eventsIdle();

    // One bid through the bidding handler, in process.
    const { handler: bidding } = await import('../functions/handlers/api/bidding.ts');
    const bid = await recorded('biddingApi', resources, async () => {
      const r = (await bidding(
        apiEvent('PUT /tenders/{tenderId}/lots/{lotId}/bid', {
          who: { role: 'supplier', supplier: 'falck-norge-as' },
          pathParameters: { tenderId, lotId: 'innlandet' },
          body: colonoscopyBid('innlandet', 2000),
        }),
        context,
      )) as { statusCode: number; body: string };
      if (r.statusCode !== 201) throw new Error(`bid: ${r.statusCode} ${r.body}`);
    });
    // Its stream records, through the audit watcher and the outbox relay.
    const inserted = (prefix: string) => {
      const t = bid.find((x) => x.where === 'table' && x.key.startsWith(prefix));
      if (!t?.sk) throw new Error(`the bid wrote no ${prefix} item`);
      return { PK: t.key, SK: t.sk };
    };
    const { handler: watcher } = await import('../functions/handlers/events/audit-watcher.ts');
    const auditRecord = await insertRecord(runtime.tableName, inserted('AUDIT#'));
    const watched = await recorded('auditWatcher', resources, () =>
      watcher({ Records: [auditRecord] } as never, context),
    );
    const { handler: relay } = await import('../functions/handlers/events/outbox-relay.ts');
    const outboxRecord = await insertRecord(runtime.tableName, inserted('OUTBOX#'));
    const relayed = await recorded('outboxRelay', resources, () =>
      relay({ Records: [outboxRecord] } as never, context),
    );

    // The daily sweep, with one agreement registered whose reminders are due at once (the demo's).
    const lot = helseOgArbeidLots[0] as (typeof helseOgArbeidLots)[number];
    const supplierId = lot.supplierIds[0] as string;
    const supplier = await client.call('GET', `/reference/suppliers/${supplierId}`, officer);
    const areas = (
      await client.call('GET', '/reference/hospital-areas?entityId=helse-sor-ost', officer)
    ).body.items.map((a: { id: string }) => a.id);
    const hospitalAreaIds = lot.hospitalAreaIds ?? areas;
    const sites = (supplier.body.deliverySites as { place: string; hospitalAreaId: string }[])
      .filter((d) => hospitalAreaIds.includes(d.hospitalAreaId))
      .map((d) => ({ place: d.place, hospitalAreaId: d.hospitalAreaId }));
    const registered = await client.call(
      'POST',
      '/agreements',
      officer,
      helseOgArbeidAgreement(lot, supplierId, hospitalAreaIds, sites),
    );
    if (registered.status !== 201)
      throw new Error(`agreement: ${registered.status} ${JSON.stringify(registered.body)}`);
    await runtime.eventsIdle();
    // Its reminders' schedules would deliver them first: the sweep is what delivers a lost one.
    const { handler: timer } = await import('../functions/handlers/events/timer.ts');
    let outcome = '';
    const swept = await recorded('timer', resources, async () => {
      outcome = String(((await timer({ type: 'reminder.sweep' }, context)) as { outcome: string }).outcome);
    });
    const delivered = Number(outcome.match(/(\d+) reminder\(s\) delivered/)?.[1] ?? 0);
    report({
      tenderId,
      bidId: String(inserted('AUDIT#').PK.split('#').at(-1)),
      bid,
      watched,
      relayed,
      swept,
      delivered,
      outcome,
    });
  } finally {
    await runtime.stop();
  }
};

/** The burst's rate: the bid-burst section's, if it ran (its accepted bids a second), else the issue's 2 000 in a minute. */
const burstRate = (): { perSecond: number; from: string } => {
  const file = join(root, 'docs', 'bench', 'burst.json');
  if (existsSync(file)) {
    const found: number[] = [];
    const walk = (v: unknown, key = ''): void => {
      if (typeof v === 'number' && /^(acceptedPerSecond|perSecond|bidsPerSecond)$/.test(key) && v > 0)
        found.push(v);
      else if (v && typeof v === 'object') for (const [k, e] of Object.entries(v)) walk(e, k);
    };
    walk(JSON.parse(readFileSync(file, 'utf8')).figures);
    if (found.length)
      return { perSecond: Math.max(...found), from: 'the bid-burst section, docs/bench/burst.json' };
  }
  return { perSecond: BIDS / 60, from: `the issue's ${count(BIDS)} bids in a minute` };
};

interface Group {
  where: string;
  key: string;
  ops: string[];
  calls: number;
  bytes: number;
  wcu: number;
  rcu: number;
}
const group = (touches: Touch[], pattern: (key: string) => string): Group[] => {
  const groups = new Map<string, Group>();
  for (const t of touches) {
    const key = pattern(t.key);
    const id = `${t.where}|${key}`;
    const g = groups.get(id) ?? { where: t.where, key, ops: [], calls: 0, bytes: 0, wcu: 0, rcu: 0 };
    groups.set(id, g);
    const op = t.op.replace(/ \(\d+ items\)/, '');
    if (!g.ops.includes(op)) g.ops.push(op);
    g.calls++;
    g.bytes = Math.max(g.bytes, t.bytes);
    g.wcu += t.wcu;
    g.rcu += t.rcu;
  }
  return [...groups.values()];
};

const n1 = (x: number) => (Number.isInteger(x) ? count(x) : x.toFixed(1));

const report = (r: {
  tenderId: string;
  bidId: string;
  bid: Touch[];
  watched: Touch[];
  relayed: Touch[];
  swept: Touch[];
  delivered: number;
  outcome: string;
}) => {
  const rate = burstRate();
  const pattern = (key: string) =>
    key
      .replaceAll(r.tenderId, '<tender>')
      .replaceAll(r.bidId, '<bid>')
      .replace(/agr_[0-9a-f]+(:[^#]+#[^#]+#[^#]+)?/g, (_m, rem) =>
        rem ? '<agreement>:<reminder>' : '<agreement>',
      )
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z#ntf_[0-9a-f]+/g, '<time>#<notification>');
  // Shared by every bid of the burst (or by everything the entity or the product writes), or one per bid.
  const spreadOf = (key: string) =>
    key.includes('<bid>')
      ? { shared: false, note: `one per bid: ${count(BIDS)} partitions` }
      : key.includes('<tender>')
        ? { shared: true, note: 'the tender: every bid of the burst' }
        : /ENTITY#/.test(key)
          ? { shared: true, note: 'the entity: every audited change of all its tenders and agreements' }
          : { shared: true, note: 'the whole product: every change of every entity' };
  const burst = group([...r.bid, ...r.watched, ...r.relayed], pattern).map((g) => {
    const spread = spreadOf(g.key);
    const wps = spread.shared ? g.wcu * rate.perSecond : g.wcu;
    const rps = spread.shared ? g.rcu * rate.perSecond : g.rcu;
    return {
      ...g,
      ...spread,
      wcuPerSecond: wps,
      rcuPerSecond: rps,
      share: Math.max(wps / LIMITS.wcu, rps / LIMITS.rcu),
    };
  });
  const perBid = burst.reduce((n, g) => ({ wcu: n.wcu + g.wcu, rcu: n.rcu + g.rcu }), { wcu: 0, rcu: 0 });
  const hottest = [...burst].sort((a, b) => b.share - a.share)[0] as (typeof burst)[number];
  const maxRate = LIMITS.wcu / Math.max(...burst.filter((g) => g.shared).map((g) => g.wcu));

  // What each delivery does (its writes, its agreement's reads) scales to the due reminders; the sweep's own reads do not.
  const perDelivery = (t: Touch) => (t.wcu > 0 && !t.key.startsWith('CALENDAR#')) || t.key.includes('agr_');
  const weight = (t: Touch) => (perDelivery(t) && r.delivered ? DUE / r.delivered : 1);
  const sweep = group(r.swept, pattern).map((g) => {
    const mine = r.swept.filter((t) => t.where === g.where && pattern(t.key) === g.key);
    return {
      ...g,
      perItem: mine.some(perDelivery),
      wcuSweep: mine.reduce((n, t) => n + t.wcu * weight(t), 0),
      rcuSweep: mine.reduce((n, t) => n + t.rcu * weight(t), 0),
      callsSweep: Math.round(mine.reduce((n, t) => n + weight(t), 0)),
    };
  });
  const sweepTotal = sweep.reduce((n, g) => ({ wcu: n.wcu + g.wcuSweep, rcu: n.rcu + g.rcuSweep }), {
    wcu: 0,
    rcu: 0,
  });

  const markdown = `
What a deadline's burst and the daily sweep would ask of DynamoDB on AWS, computed from the product's
own code: the bench runs it in process against the local product and records every DynamoDB call at
the SDK — one bid through the bidding handler, its stream records through the audit watcher and the
outbox relay, then the daily sweep over an agreement whose reminders are due — with each item's
DynamoDB size (attribute names plus values) and DynamoDB's units: a write 1 WCU per KB, **2 in a
transaction**, and the same again on **every index whose keys the item carries** (an entry leaving an
index is a write there too); a read 1 RCU per 4 KB consistent, half eventual. Per partition key value
DynamoDB allows 1 000 WCU and 3 000 RCU a second, on the table and on each index. Burst rate:
**${rate.perSecond.toFixed(1)} bids a second** (${rate.from}); ${count(BIDS)} bids of ${count(SUPPLIERS)} suppliers on one tender of ${LOTS} lots.

**The bid burst**, per partition (one bid's calls; a partition shared by the burst takes them at the burst's rate):

${table(
  [
    'index',
    'partition key',
    'calls per bid',
    'item (bytes)',
    'WCU / RCU per bid',
    'who shares it',
    'WCU/s · RCU/s at the burst',
    'of the limit',
  ],
  burst.map((g) => [
    g.where,
    `\`${g.key}\``,
    `${g.calls} (${g.ops.join(', ')})`,
    count(g.bytes),
    `${n1(g.wcu)} / ${n1(g.rcu)}`,
    g.note,
    g.shared ? `${n1(g.wcuPerSecond)} · ${n1(g.rcuPerSecond)}` : `${n1(g.wcu)} · ${n1(g.rcu)} once`,
    `${(g.share * 100).toFixed(1)}%`,
  ]),
)}

One bid costs ${n1(perBid.wcu)} WCU and ${n1(perBid.rcu)} RCU in all. The hottest partition is
${hottest.where} \`${hottest.key}\` at ${(hottest.share * 100).toFixed(1)}% of its limit; the burst could run
about ${count(maxRate)} bids a second (${count(maxRate * 60)} a minute) before its busiest shared partition
reached 1 000 WCU/s. How the design spreads it: a bid never writes the tender item (docs/reliability.md),
so the tender partition takes only the bid items (one sort key each) and reads of the tender; each
bid's audit chain and outbox event live under the bid's own key (\`AUDIT#bid#<bid>\`, \`OUTBOX#bid#<bid>\`),
a partition per bid. What is shared beyond the tender is the indexes and queues that are one key by
design: the entity's audit index (\`ENTITY#<entity>#AUDIT\`, GSI1), the outbox's pending index
(\`OUTBOX#PENDING\`, GSI1) and the watcher's \`DIGEST#PENDING\` — each of them one partition for every
change of the entity or of the whole product, not only this burst. At a few WCU per change they hold
some 300–1 000 changes a second product-wide; past that they would need write sharding (a suffix
\`#0\`…\`#n\` on the key, read by n queries: the outbox sweep and the digest read every shard; the
entity's timeline merges them), and their sort keys begin with the time, so DynamoDB's split for heat
cannot spread a busy key's writes (they all land at the newest end).

**The reminder sweep** (${count(AGREEMENTS)} agreements, ${DUE} reminders due; measured with ${r.delivered} due and
scaled per reminder; the sweep said: "${r.outcome}"):

${table(
  [
    'index',
    'partition key',
    'calls per sweep',
    'item (bytes)',
    'WCU per sweep',
    'RCU per sweep',
    'grows with',
  ],
  sweep.map((g) => [
    g.where,
    `\`${g.key}\``,
    `${count(g.callsSweep)} (${g.ops.join(', ')})`,
    count(g.bytes),
    n1(g.wcuSweep),
    n1(g.rcuSweep),
    g.perItem ? `the ${DUE} due` : 'nothing (one call)',
  ]),
)}

The sweep reads the due index (\`REMINDERS#DUE\` on GSI2, sort key \`<dueAt>#…\` up to now) and nothing
of the ${count(AGREEMENTS)} agreements that are not due: ${n1(sweepTotal.wcu)} WCU and ${n1(sweepTotal.rcu)} RCU per daily
run, spread over the due agreements' own partitions; the one shared partition it reads,
\`REMINDERS#DUE\`, holds every pending reminder of every agreement (some 3 per agreement: about
${count(3 * AGREEMENTS)} entries, about ${count((3 * AGREEMENTS * 520) / 1024 / 1024)} MB), but a Query reads only the due end of it. The deliveries'
writes go to the agreements' partitions, their audit chains, the entity's inbox (\`INBOX#<entity>\`) and
the shared audit and outbox indexes: far from any limit once a day. A burst of reminders (every
agreement due the same day) would meet the same shared keys as the bid burst does.
`;
  writeSection({
    id: 'partitions',
    title: 'On AWS, on paper: partitions and units',
    order: 70,
    command: 'npm run bench:partitions',
    markdown,
    targetsMet: burst.every((g) => g.share < 1),
    figures: {
      rate,
      limits: LIMITS,
      perBid,
      burst,
      sweep,
      sweepTotal,
      delivered: r.delivered,
      outcome: r.outcome,
    },
  });
};

await main();
process.exit(0);
