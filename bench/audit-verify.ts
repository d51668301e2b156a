/**
 * Audit verification against the size of old history (issue 15): `GET /audit/verify?since=N`
 * (docs/audit.md) must cost what changed since digest N, not what was sealed before it.
 *
 * How: the local product in process (its DynamoDB Local, the S3 and KMS stand-ins), its stream
 * pollers stopped so that the bench writes what the stream watcher would. For each size, the old
 * history grows to that many aggregates (framework agreements, one audit event each: registered),
 * every item built by the product's own `commit()` and `notePendingHead()` (their
 * writes captured at the SDK and sent as parallel BatchWrites, far faster than one transaction
 * each), then sealed by the product's hourly digest (`sealAll`, signed by the local KMS key, written
 * to the local locked bucket). Then NEW_EVENTS new events on NEW_AGGREGATES of the old aggregates go
 * through the real `commit()` (pending, as the watcher notes them), and the auditor's incremental
 * verification runs through the route's handler, in process, `since` the digest that sealed the
 * old history. Every DynamoDB call the process makes is metered (items returned, items scanned,
 * read capacity DynamoDB Local reports).
 *
 * Baseline, same run: reading just the new events, one Query per moved chain. For contrast, the
 * full verification (no `since`) at the sizes up to FULL_UP_TO.
 *
 *   npm run bench:audit
 *   AUDIT_SIZES=1000,10000 AUDIT_RUNS=5 npm run bench:audit
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { Versioned } from '../functions/adapters/store.ts';
import type { AuditEvent } from '../functions/domain/audit.ts';
import { apiEvent } from '../test/helpers/fixtures.ts';
import { batchWrite, meterDynamo, type PutRequest } from './lib/dynamo.ts';
import { count, fmt, ratio, type Summary, summarise, table, writeSection } from './lib/report.ts';

// The product's modules read these once, when they load: quiet logs, the metrics' namespace.
process.env.LOG_LEVEL ??= 'silent';
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'Helsekjop';
const { ddb } = await import('../functions/adapters/clients.ts');
const { resetEnvCache } = await import('../functions/adapters/env.ts');
const { commit } = await import('../functions/adapters/store.ts');
const { digestKey, getDigestObject, putDigestObject, signDigestHash, signingPublicKey } = await import(
  '../functions/adapters/audit-archive.ts'
);
const { aggregateOf, digestHash, nextDigest, SIGNING_ALGORITHM, verifySignedDigest } = await import(
  '../functions/domain/audit-digest.ts'
);
const { MAX_HEADS_PER_DIGEST } = await import('../functions/handlers/events/audit-digest.ts');
const { FULL_VERIFY_MAX_EVENTS, handler: auditApi } = await import('../functions/handlers/api/audit.ts');
const { advanceDigestState, clearPendingHead, digestState, notePendingHead, pendingHeadsOf } = await import(
  '../functions/services/store/digests.ts'
);
const { nowIso } = await import('../functions/shared/clock.ts');
const { localResources, startLocalRuntime } = await import('../local/runtime.ts');

const SIZES = (process.env.AUDIT_SIZES ?? '1000,10000,100000').split(',').map(Number);
const RUNS = Number(process.env.AUDIT_RUNS ?? 7);
const NEW_AGGREGATES = Number(process.env.AUDIT_NEW_AGGREGATES ?? 20);
const NEW_EVENTS = Number(process.env.AUDIT_NEW_EVENTS ?? 100);
const FULL_UP_TO = Number(process.env.AUDIT_FULL_UP_TO ?? 100_000);
const ENTITY = 'helse-sor-ost';
const WRITES_IN_FLIGHT = Number(process.env.AUDIT_WRITES_IN_FLIGHT ?? 8);

const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

// ---- Metering (and capturing) every DynamoDB call of this process --------------------------------

interface Meter {
  calls: number;
  /** Items DynamoDB returned (Count, Item, Responses). */
  items: number;
  /** Items it read to answer (ScannedCount; a filter drops some after reading). */
  scanned: number;
  /** Read capacity units DynamoDB Local reports for the calls. */
  rcu: number;
}
const meter: Meter = { calls: 0, items: 0, scanned: 0, rcu: 0 };
const resetMeter = () => Object.assign(meter, { calls: 0, items: 0, scanned: 0, rcu: 0 });

/**
 * While set, transactions and puts are captured here instead of sent (the seed builds its items with
 * the product's code): the document client's input, before it marshals it; a later write of a key wins.
 */
let captured: Map<string, PutRequest> | undefined;

const installMeter = () =>
  meterDynamo(ddb(), {
    capture: () => captured,
    onRead: (_name, _input, read) => {
      meter.calls++;
      meter.items += read.returned;
      meter.scanned += read.scanned;
      meter.rcu += read.rcu;
    },
  });

/** The captured items, written 25 to a BatchWrite, WRITES_IN_FLIGHT at once. */
const flush = async (raw: DynamoDBDocumentClient, tableName: string) => {
  const requests = [...(captured?.values() ?? [])];
  captured = new Map();
  await batchWrite(raw, tableName, requests, WRITES_IN_FLIGHT);
  return requests.length;
};

// ---- The history -------------------------------------------------------------------------------

const officer = { sub: 'officer-helse-sor-ost', name: 'Bench officer', role: 'officer' } as const;
const agreementId = (i: number) => `bench-${String(i).padStart(7, '0')}`;
const agreementItem = (id: string, status: string) => ({
  PK: `AGREEMENT#${id}`,
  SK: 'AGREEMENT',
  id,
  entityId: ENTITY,
  title: `Rammeavtale ${id}: koloskopi, Innlandet`,
  supplierId: 'falck-norge-as',
  status,
});

/** An agreement of the old history: registered (its first audit event), through the product's commit. */
const register = (id: string) =>
  commit({
    aggregate: { type: 'agreement', id },
    entityId: ENTITY,
    before: undefined,
    after: agreementItem(id, 'active'),
    actor: officer,
    action: 'agreement.registered',
    change: { after: agreementItem(id, 'active') },
  });

/**
 * The hourly digest's steps for one scope (functions/handlers/events/audit-digest.ts `sealAll`): the
 * heads that moved, in digests of at most MAX_HEADS_PER_DIGEST heads in order of aggregate, each
 * signed by the (local) KMS key, written to the (local) locked bucket and the scope's state moved on;
 * what was pending cleared. The seeded heads come from memory rather than from 100 000 pending items
 * the watcher would have written (and the digest cleared one by one): minutes of seeding that measure
 * nothing here; what was pending is sealed with them.
 */
const seal = async (seeded: AuditEvent[]) => {
  const pending = await pendingHeadsOf(ENTITY);
  const latest = new Map<string, AuditEvent | (typeof pending)[number]>();
  for (const e of [...seeded, ...pending]) {
    const before = latest.get(aggregateOf(e));
    if (!before || e.seq > before.seq) latest.set(aggregateOf(e), e);
  }
  const heads = [...latest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
  let state = await digestState(ENTITY);
  const digests: { number: number; heads: number; bytes: number }[] = [];
  for (let i = 0; i < heads.length; i += MAX_HEADS_PER_DIGEST) {
    const digest = nextDigest(
      ENTITY,
      state && {
        scope: ENTITY,
        number: state.number,
        digestHash: state.digestHash,
        createdAt: state.createdAt,
      },
      heads.slice(i, i + MAX_HEADS_PER_DIGEST),
      [],
      nowIso(),
    );
    if (!digest) throw new Error('nothing to seal');
    const hash = digestHash(digest);
    const { signature, keyId } = await signDigestHash(hash);
    const body = `${JSON.stringify({ digest, digestHash: hash, signature, keyId, algorithm: SIGNING_ALGORITHM }, null, 2)}\n`;
    await putDigestObject(digestKey(ENTITY, digest.number), body);
    const next = { number: digest.number, digestHash: hash, createdAt: digest.createdAt };
    await advanceDigestState(ENTITY, state?.number ?? 0, next);
    state = { PK: '', SK: ENTITY, scope: ENTITY, ...next };
    digests.push({ number: digest.number, heads: digest.heads.length, bytes: Buffer.byteLength(body) });
  }
  for (const p of pending) await clearPendingHead(p);
  return digests;
};

/** Reading one digest and checking it as a verification does: the object, its JSON, hash and signature. */
const readDigest = async (number: number) => {
  const started = process.hrtime.bigint();
  const body = await getDigestObject(digestKey(ENTITY, number));
  if (!body || !verifySignedDigest(JSON.parse(body), await signingPublicKey()))
    throw new Error(`digest ${number} does not verify`);
  return ms(started);
};

/** The watcher's note of a new head, as it makes it from the stream. */
const noteHead = (event: AuditEvent) => notePendingHead(ENTITY, event);

/** The API's Lambda context: the audit function's timeout (29 s) is the API Gateway's. */
const context = (): Context =>
  ({
    awsRequestId: 'bench',
    functionName: 'auditApi',
    getRemainingTimeInMillis: () => 600_000,
  }) as unknown as Context;

// ---- Measuring ---------------------------------------------------------------------------------

interface Sample {
  ms: number;
  meter: Meter;
  body: {
    ok: boolean;
    aggregates: number;
    events: number;
    digests: { checked: number };
    findings: unknown[];
  };
}

const verify = async (
  query: Record<string, string>,
  refusable = false,
): Promise<Sample & { status: number }> => {
  resetMeter();
  const started = process.hrtime.bigint();
  const result = (await auditApi(
    apiEvent('GET /audit/verify', { who: { role: 'auditor', entity: ENTITY }, query }),
    context(),
  )) as APIGatewayProxyResultV2 & { statusCode: number; body: string };
  const took = ms(started);
  if (result.statusCode !== 200 && !(refusable && result.statusCode === 422))
    throw new Error(`verify answered ${result.statusCode}: ${result.body}`);
  const body = JSON.parse(result.body);
  return {
    status: result.statusCode,
    ms: took,
    meter: { ...meter },
    body:
      result.statusCode === 200
        ? body
        : { ok: false, aggregates: 0, events: 0, digests: { checked: 0 }, findings: [] },
  };
};

/** The baseline: the new events alone, one Query per moved chain (16 at once, as the verification reads chains). */
const readNewEvents = async (ids: string[], tableName: string): Promise<Sample> => {
  resetMeter();
  const started = process.hrtime.bigint();
  let events = 0;
  for (let i = 0; i < ids.length; i += 16)
    for (const r of await Promise.all(
      ids.slice(i, i + 16).map((id) =>
        ddb().send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk AND SK > :sk',
            ExpressionAttributeValues: { ':pk': `AUDIT#agreement#${id}`, ':sk': 'SEQ#0000000001' },
            ConsistentRead: true,
          }),
        ),
      ),
    ))
      events += r.Count ?? 0;
  return {
    ms: ms(started),
    meter: { ...meter },
    body: { ok: true, aggregates: ids.length, events, digests: { checked: 0 }, findings: [] },
  };
};

interface SizeFigures {
  aggregates: number;
  events: number;
  seedSeconds: number;
  sealSeconds: number;
  /** The digests that sealed this size's new history (at most MAX_HEADS_PER_DIGEST heads each). */
  sealedDigests: number;
  /** Digest N, the last of them: what the incremental verification reads whole. */
  digestHeads: number;
  digestKb: number;
  since: number;
  /** Reading and checking the largest digest of the seal (its object, JSON, hash, signature). */
  largestDigest: { heads: number; kb: number; ms: Summary };
  incremental: {
    ms: Summary;
    items: number;
    scanned: number;
    rcu: number;
    calls: number;
    digests: number;
    ok: boolean;
  };
  baseline: { ms: Summary; items: number; rcu: number; calls: number };
  full?: {
    /** Refused (422): more events than FULL_VERIFY_MAX_EVENTS. */
    refused: boolean;
    ms: Summary;
    items: number;
    scanned: number;
    rcu: number;
    events: number;
    ok: boolean;
    findings: number;
  };
}

const main = async () => {
  const runtime = await startLocalRuntime({
    inMemory: true,
    apiPort: 0,
    quiet: true,
    startAt: new Date('2026-11-23T09:00:05Z'),
  });
  // The bench writes what the stream watcher would (noteHead): the pollers would read every seeded record.
  await Promise.all(runtime.streams.map((p) => p.stop()));
  const resources = localResources('silent', runtime.tableName);
  process.env.DIGEST_BUCKET = resources.digestBucketName;
  process.env.SIGNING_KEY_ID = resources.signingKeyArn;
  resetEnvCache();
  installMeter();
  const raw = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const figures: SizeFigures[] = [];
  let seeded = 0;
  let events = 0;
  try {
    for (const size of SIZES) {
      // Old history up to `size` aggregates, sealed: the digest the auditor verified last.
      const seedStart = process.hrtime.bigint();
      captured = new Map();
      const old: AuditEvent[] = [];
      for (let i = seeded; i < size; i++) old.push((await register(agreementId(i))).event);
      const written = await flush(raw, runtime.tableName);
      captured = undefined;
      const seedSeconds = ms(seedStart) / 1000;
      const sealStart = process.hrtime.bigint();
      const digests = await seal(old);
      const sealSeconds = ms(sealStart) / 1000;
      const sealed = digests.at(-1) as (typeof digests)[number];
      const largest = digests.reduce((a, d) => (d.heads > a.heads ? d : a));
      console.log(
        `${count(size)} aggregates: ${count(written)} items written in ${seedSeconds.toFixed(1)} s; ${digests.length} digest(s) up to ${sealed.number} (the last ${count(sealed.heads)} heads, ${count(sealed.bytes / 1024)} KB; the largest ${count(largest.heads)} heads) in ${sealSeconds.toFixed(1)} s`,
      );
      // New events since: NEW_EVENTS on NEW_AGGREGATES of the agreements just sealed, pending for the next digest.
      const moved = Array.from({ length: NEW_AGGREGATES }, (_, k) =>
        agreementId(seeded + Math.floor(((k + 0.5) * (size - seeded)) / NEW_AGGREGATES)),
      );
      events += size - seeded;
      seeded = size;
      const heads = new Map<string, Versioned>();
      for (let n = 0; n < NEW_EVENTS; n++) {
        const id = moved[n % moved.length] as string;
        const before =
          heads.get(id) ??
          ((
            await ddb().send(
              new QueryCommand({
                TableName: runtime.tableName,
                KeyConditionExpression: 'PK = :pk AND SK = :sk',
                ExpressionAttributeValues: { ':pk': `AGREEMENT#${id}`, ':sk': 'AGREEMENT' },
                ConsistentRead: true,
              }),
            )
          ).Items?.[0] as Versioned);
        const r = await commit({
          aggregate: { type: 'agreement', id },
          entityId: ENTITY,
          before,
          after: agreementItem(id, 'active'),
          actor: officer,
          action: 'agreement.usage-reported',
          change: { month: `2026-${String((n % 12) + 1).padStart(2, '0')}`, consultations: 100 + n },
        });
        await noteHead(r.event);
        heads.set(id, r.item);
      }
      events += NEW_EVENTS;

      // Measured: incremental since the digest, the baseline, the full verification (small sizes).
      const since = String(sealed.number);
      await verify({ since }); // warm: modules, the public key, connections
      const inc: Sample[] = [];
      const base: Sample[] = [];
      const reads: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        inc.push(await verify({ since }));
        base.push(await readNewEvents(moved, runtime.tableName));
        reads.push(await readDigest(largest.number));
      }
      const last = inc.at(-1) as Sample;
      if (!last.body.ok) console.error(JSON.stringify(last.body.findings.slice(0, 5)));
      const figure: SizeFigures = {
        aggregates: size,
        events,
        seedSeconds,
        sealSeconds,
        sealedDigests: digests.length,
        largestDigest: { heads: largest.heads, kb: largest.bytes / 1024, ms: summarise(reads) },
        digestHeads: sealed.heads,
        digestKb: sealed.bytes / 1024,
        since: sealed.number,
        incremental: {
          ms: summarise(inc.map((s) => s.ms)),
          items: last.meter.items,
          scanned: last.meter.scanned,
          rcu: last.meter.rcu,
          calls: last.meter.calls,
          digests: last.body.digests.checked,
          ok: last.body.ok,
        },
        baseline: {
          ms: summarise(base.map((s) => s.ms)),
          items: (base.at(-1) as Sample).meter.items,
          rcu: (base.at(-1) as Sample).meter.rcu,
          calls: (base.at(-1) as Sample).meter.calls,
        },
      };
      if (size <= FULL_UP_TO) {
        const full: (Sample & { status: number })[] = [];
        for (let r = 0; r < (size <= 1000 ? Math.min(3, RUNS) : 1); r++) full.push(await verify({}, true));
        const f = full.at(-1) as Sample & { status: number };
        figure.full = {
          refused: f.status === 422,
          ms: summarise(full.map((s) => s.ms)),
          items: f.meter.items,
          scanned: f.meter.scanned,
          rcu: f.meter.rcu,
          events: f.body.events,
          ok: f.body.ok,
          findings: f.body.findings.length,
        };
      }
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
  const flatTime = largest.incremental.ms.median <= 1.5 * first.incremental.ms.median;
  const flatItems = largest.incremental.items <= first.incremental.items * 1.1 + 5;
  const allOk = figures.every(
    (f) =>
      f.incremental.ok &&
      (f.full
        ? f.full.refused
          ? f.full.events === 0 && f.events > FULL_VERIFY_MAX_EVENTS
          : f.full.ok
        : true),
  );
  const rows = figures.map((f) => [
    count(f.aggregates),
    count(f.events),
    `${f.sealedDigests} (≤ ${count(MAX_HEADS_PER_DIGEST)} heads each)`,
    `${f.since} (${count(f.digestHeads)} heads, ${count(f.digestKb)} KB)`,
    fmt(f.incremental.ms, 1, ' ms'),
    `${count(f.incremental.items)} (${count(f.incremental.calls)} calls, ${f.incremental.rcu.toFixed(1)} RCU)`,
    fmt(f.baseline.ms, 1, ' ms'),
    ratio(f.incremental.ms.median, f.baseline.ms.median, 1),
    `${fmt(f.largestDigest.ms, 1, ' ms')} (${count(f.largestDigest.heads)} heads)`,
    f.full
      ? f.full.refused
        ? `refused (422) in ${fmt(f.full.ms, 0, ' ms')}`
        : `${fmt(f.full.ms, 0, ' ms')}, ${count(f.full.items)} items${f.full.ok ? '' : `, **${f.full.findings} findings**`}`
      : '—',
  ]);
  const timeRatio = largest.incremental.ms.median / first.incremental.ms.median;
  const fullAt = figures.filter((f) => f.full && !f.full.refused).at(-1);
  const markdown = `
\`GET /audit/verify?since=N\` (docs/audit.md) checks only the chains that moved after the entity's
digest *N* and the digests from *N* on. Here the old history is *A* framework agreements of one entity,
one audit event each (registered), written with the product's own \`commit()\` and sealed as the hourly
digest seals a busy hour (\`sealAll\`: at most ${count(MAX_HEADS_PER_DIGEST)} heads a digest, signed by the local KMS key, in
the local locked bucket); then ${NEW_EVENTS} new events on ${NEW_AGGREGATES} of those agreements, still pending, and the
auditor verifies since the last digest that sealed the old history, through the route's handler in
process. Items: what DynamoDB returned to the verification (every call of the process metered; RCU as
DynamoDB Local reports them). Baseline, same run: the new events alone, one Query per moved chain.
${RUNS} runs each after a warm-up. Also timed: reading and checking the largest digest of the seal (the
object, its JSON, hash and signature: what digest *N* costs at most), and the full verification (no
\`since\`) up to ${count(FULL_UP_TO)} aggregates.

${table(
  [
    'aggregates (A)',
    'events',
    'digests sealing it',
    'since digest N',
    'incremental verify',
    'items read',
    'baseline: new events alone',
    'verify ÷ baseline',
    'one full digest read and checked',
    'full verify',
  ],
  rows,
)}

Target (flat in the size of old history): the incremental verification at ${count(largest.aggregates)} aggregates took
${ratio(largest.incremental.ms.median, first.incremental.ms.median)} of its time at ${count(first.aggregates)} (medians, same run), and read
${count(largest.incremental.items)} items against ${count(first.incremental.items)}: **${flatTime && flatItems ? 'met' : 'missed'}**${flatTime ? '' : ` (time ratio ${timeRatio.toFixed(2)}, target ≤ 1.5)`}.

Found and fixed (issue 15):

- **Digest *N* grew with the busiest hour before it.** The items read were already flat (the moved
  chains, the pending heads, the scope's state), but digest *N* is read whole (its signature, the hash
  digest *N+1* links to), and one hour's digest held every chain that moved in it: the bulk import
  here made one of 90 020 heads, 14.6 MB, and the verification took 1.5 s at 100 000 aggregates
  against 127 ms at 1 000. The digest function now seals at most ${count(MAX_HEADS_PER_DIGEST)} heads a digest
  (several digests in a row in a busy hour, each signed and linked as any other), so digest *N* costs
  at most the read of one full digest (the column above), whatever the history before it.
- **Listing the scope.** The digests from *N* on are listed from *N* (S3 \`StartAfter\`) instead of
  probed by number.
- **The full verification reported intact chains as missing** once an entity had more than 20 000
  audit events: it stopped reading there, and every digest head of a chain it had not read became a
  \`missing\` finding. It now reads every event up to ${count(FULL_VERIFY_MAX_EVENTS)} and refuses (422, saying to verify
  \`since=N\` or offline from \`GET /audit/export\`) beyond. It also no longer reads every chain again, one
  Query each (23.8 s at 10 000 aggregates before): the chains are checked from the entity's index read,
  and only a chain that check finds wrong is read again from the table${fullAt?.full ? ` (${fmt(fullAt.full.ms, 0, ' ms')} at ${count(fullAt.aggregates)} aggregates now)` : ''}.

What remains: which digest *N* is and how full it is still moves the incremental time by the read of
up to one full digest (here the last digest of the import is the remainder of the cap, at 1 000
aggregates the whole 1 000); a full verification of an entity past ${count(FULL_VERIFY_MAX_EVENTS)} events is not served
by the API (the offline verifier has no limit but the auditor's machine), and it refuses only after
reading ${count(FULL_VERIFY_MAX_EVENTS)} events of the entity's index (DynamoDB Local pages an index partition of 100 000
events slowly: the refusal's time above; a count kept per entity would refuse at once) (the risk flags no longer read the entity's
whole index either: only its tenders' own chains); and the digest function's own run in a busy hour (a delete per
pending head, ${count(MAX_HEADS_PER_DIGEST)} at a time per digest) is not measured here, as the bench seals from memory.
`;
  writeSection({
    id: 'audit',
    title: 'Audit verification against old history',
    order: 60,
    command: 'npm run bench:audit',
    markdown,
    targetsMet: flatTime && flatItems && allOk,
    figures: {
      sizes: SIZES,
      runs: RUNS,
      newAggregates: NEW_AGGREGATES,
      newEvents: NEW_EVENTS,
      maxHeadsPerDigest: MAX_HEADS_PER_DIGEST,
      fullVerifyMaxEvents: FULL_VERIFY_MAX_EVENTS,
      figures,
    },
  });
};

await main();
process.exit(0);
