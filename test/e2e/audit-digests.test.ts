/**
 * Audit that auditors can verify without trusting the system (issue 14), end to end against the
 * local stack: the hourly digest seals each chain head, signed by the (local) KMS key, in the
 * (local) locked bucket; a chain rewritten consistently in the table passes the hash chain but not
 * the digest; the stream watcher catches an overwrite; the offline verifier agrees with the
 * endpoint on the export; the entity's timeline pages; the risk flags name a single bidder.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddb } from '../../functions/adapters/clients.ts';
import { hashEvent } from '../../functions/domain/audit.ts';
import { projectRoot } from '../../local/functions.ts';
import { colonoscopyBid } from '../helpers/fixtures.ts';
import { storedChain } from '../support/audit-trail.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { type Actors, actorsOf, TenderFlow } from '../support/tender-flow.ts';

let stack: TestStack;
let who: Actors;
let flow: TenderFlow;
let TABLE: string;
const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'helsekjop-audit-'));

beforeAll(async () => {
  stack = await startTestStack();
  TABLE = stack.runtime.tableName;
  who = await actorsOf(stack);
  flow = await TenderFlow.announce(stack, who);
  const bid = await flow.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2000));
  await flow.passDeadline();
  await flow.qualify(bid.body.bidId, true);
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const verify = async (query = '', token = who.auditor) => {
  const r = await stack.request('GET', `/audit/verify${query}`, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
/** The next full hour on the product's clock, and a minute past it: the hourly digest has run. */
const nextDigest = async () => {
  const now = stack.runtime.clock.now().getTime();
  await stack.advanceClockTo(new Date(Math.floor(now / HOUR) * HOUR + HOUR + 60_000));
};
const chain = (type: string, id: string) => storedChain(TABLE, type, id);

/** The auditor's take-home copy: the export (every page), the digest files, the public key. */
const takeHome = async (name: string) => {
  const events: unknown[] = [];
  const withheld: unknown[] = [];
  let cursor: string | undefined;
  let first: { scope: string; exportedAt: string } | undefined;
  do {
    const page = await stack.request(
      'GET',
      `/audit/export?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: who.auditor },
    );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    first ??= page.body;
    events.push(...page.body.events);
    withheld.push(...page.body.withheld);
    cursor = page.body.nextCursor;
  } while (cursor);
  const home = join(dir, name);
  mkdirSync(join(home, 'digests'), { recursive: true });
  writeFileSync(join(home, 'export.json'), JSON.stringify({ ...first, events, withheld }));
  const digests = await stack.request('GET', '/_local/audit/digests');
  expect(digests.status).toBe(200);
  for (const [i, d] of (digests.body.items as unknown[]).entries())
    writeFileSync(join(home, 'digests', `${i}.json`), JSON.stringify(d));
  const key = await fetch(`${stack.apiUrl}/_local/audit/public-key`);
  writeFileSync(join(home, 'public-key.pem'), await key.text());
  return home;
};

const offlineVerify = async (home: string) => {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(projectRoot, 'scripts/audit-verify.ts'),
        '--export',
        join(home, 'export.json'),
        '--digests',
        join(home, 'digests'),
        '--public-key',
        join(home, 'public-key.pem'),
        '--json',
      ],
      { cwd: projectRoot, maxBuffer: 64 * 1024 * 1024 },
    );
    return { code: 0, report: JSON.parse(stdout) };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    if (e.code !== 1) throw new Error(`audit:verify exited ${e.code}: ${e.stderr}`);
    return { code: 1, report: JSON.parse(e.stdout) };
  }
};

describe('signed audit digests', () => {
  it('seals every chain head of the entity within the hour; the endpoint and the offline verifier agree it is intact', async () => {
    await nextDigest();
    const result = await verify();
    expect(result).toMatchObject({ ok: true, findings: [], digests: { scope: 'helse-sor-ost' } });
    expect(result.digests.checked).toBeGreaterThanOrEqual(1);
    const home = await takeHome('intact');
    const { code, report } = await offlineVerify(home);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.digests.ofScope).toBe(result.digests.checked);
    // The sealed bid of the tender opened at its deadline is in the export; none is withheld.
    expect(report.chains.count).toBe(result.aggregates);
  });

  it('catches a chain rewritten consistently after its digest, which the hash chain alone cannot; the offline verifier finds it too', async () => {
    const events = await chain('tender', flow.id);
    // Rewrite the tender's history from its second event on, every hash recomputed and linked: a
    // chain that verifies by itself.
    let prevHash = String(events[0]?.hash);
    for (const e of events.slice(1)) {
      const { PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, itemPK, itemSK, hash: _h, ...event } = e;
      const forged = {
        ...event,
        prevHash,
        ...(Number(e.seq) === 2 ? { reason: 'Rewritten after the fact' } : {}),
      };
      const hash = hashEvent(forged as Parameters<typeof hashEvent>[0]);
      await ddb().send(
        new PutCommand({
          TableName: TABLE,
          Item: { PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, itemPK, itemSK, ...forged, hash },
        }),
      );
      prevHash = hash;
    }
    // The tender itself now names the forged head, as a consistent rewrite would.
    const tender = (
      await ddb().send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'PK = :pk AND SK = :sk',
          ExpressionAttributeValues: { ':pk': `TENDER#${flow.id}`, ':sk': 'TENDER' },
        }),
      )
    ).Items?.[0];
    await ddb().send(new PutCommand({ TableName: TABLE, Item: { ...tender, auditHead: prevHash } }));

    const result = await verify(`?tenderId=${flow.id}`);
    expect(result.ok).toBe(false);
    // The chain by itself is fine; the signed head is not what is stored.
    expect(
      result.findings.filter((f: { kind: string }) => ['edited', 'gap', 'reordered'].includes(f.kind)),
    ).toEqual([]);
    expect(result.findings).toContainEqual(
      expect.objectContaining({ kind: 'digest-mismatch', aggregate: `tender ${flow.id}` }),
    );
    const home = await takeHome('rewritten');
    const { code, report } = await offlineVerify(home);
    expect(code).toBe(1);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: 'digest-mismatch', aggregate: `tender#${flow.id}` }),
    );
  });

  it('has the stream watcher record every overwrite, and the next digest seals it: verification fails on it', async () => {
    const [bidId] = await bidsOf();
    const [bidEvent] = await chain('bid', String(bidId));
    expect(bidEvent).toBeDefined();
    await ddb().send(
      new PutCommand({ TableName: TABLE, Item: { ...bidEvent, action: 'bid.nothing-to-see' } }),
    );
    // A write straight to the table, past the product: the watcher finds it on the stream.
    const anomalies = () =>
      ddb().send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': 'DIGEST#ANOMALY' },
          ConsistentRead: true,
        }),
      );
    const pending = await eventually(anomalies, (r) =>
      (r.Items ?? []).some((i) => i.kind === 'modified' && i.key.PK === bidEvent?.PK),
    );
    // The consistent rewrite of the tender's chain above was seen too, event by event.
    expect(pending.Items?.filter((i) => i.key.PK === `AUDIT#tender#${flow.id}`).length).toBeGreaterThan(0);
    await nextDigest();
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.findings).toContainEqual(expect.objectContaining({ kind: 'anomaly' }));
    expect(result.findings).toContainEqual(expect.objectContaining({ kind: 'edited' }));
  });
});

const bidsOf = async () =>
  (
    await ddb().send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :bid)',
        ExpressionAttributeValues: { ':pk': `TENDER#${flow.id}`, ':bid': 'BID#' },
      }),
    )
  ).Items?.map((b) => String(b.id)) ?? [];

describe("the auditor's views", () => {
  it('pages the whole entity timeline, newest first', async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    let last = '9999';
    do {
      const page = await stack.request(
        'GET',
        `/audit/timeline?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: who.auditor },
      );
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      for (const row of page.body.items) {
        expect(row.at <= last).toBe(true);
        last = row.at;
        ids.push(`${row.aggregate}#${row.seq}`);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(5);
  });

  it('withholds the chains of bids still sealed from the export, and shows them sealed in the timeline', async () => {
    const open = await TenderFlow.announce(stack, who);
    const bid = await open.bid('falck-norge-as', 'innlandet', colonoscopyBid('innlandet', 2100));
    expect(bid.status).toBe(201);
    const exported = await stack.request('GET', '/audit/export?limit=1000', { token: who.auditor });
    expect(exported.body.withheld).toContainEqual({
      aggregate: `bid#${bid.body.bidId}`,
      reason: `sealed until the opening of tender ${open.id}`,
    });
    expect(exported.body.events.some((e: { aggregateId: string }) => e.aggregateId === bid.body.bidId)).toBe(
      false,
    );
    const timeline = await stack.request('GET', '/audit/timeline?limit=5', { token: who.auditor });
    const received = timeline.body.items.find((r: { action: string }) => r.action === 'bid.submitted');
    expect(received).toMatchObject({ actor: 'sealed', aggregate: 'bid sealed' });
  });

  it('flags the lot that had a single bidder, with the rule that raised it', async () => {
    const r = await stack.request('GET', '/audit/risk-flags', { token: who.auditor });
    expect(r.status).toBe(200);
    expect(r.body.rules.map((rule: { id: string }) => rule.id)).toContain('single-bidder');
    expect(r.body.items).toContainEqual(
      expect.objectContaining({
        rule: 'single-bidder',
        aggregate: { type: 'tender', id: flow.id },
        lotId: 'innlandet',
      }),
    );
    const foreign = await stack.tokenFor({ role: 'auditor', entity: 'helse-vest', sub: 'vest' });
    const theirs = await stack.request('GET', '/audit/risk-flags', { token: foreign });
    expect(theirs.body.items).toEqual([]);
  });
});
