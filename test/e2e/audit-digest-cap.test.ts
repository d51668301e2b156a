/**
 * A busy hour is sealed in several digests (functions/handlers/events/audit-digest.ts,
 * MAX_HEADS_PER_DIGEST; docs/audit.md): more chains moved than one digest holds give digests in a
 * row, each signed and linked to the one before; the full and the incremental verification on the
 * server and the offline verifier all find them intact, and all still catch a chain rewritten
 * consistently after its digest. The cap is lowered to 2 for the test (the hourly digest is called
 * in process, as the local runtime's hourly job calls it, on the stack's table, bucket and key).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddb } from '../../functions/adapters/clients.ts';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import { hashEvent } from '../../functions/domain/audit.ts';
import { type AuditExport, publicKeyFrom, type SignedDigest } from '../../functions/domain/audit-digest.ts';
import { sealAll } from '../../functions/handlers/events/audit-digest.ts';
import { localResources } from '../../local/runtime.ts';
import { verifyExport } from '../../scripts/audit-verify.ts';
import { colonoscopyTender } from '../helpers/fixtures.ts';
import { storedChain } from '../support/audit-trail.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let officer: string;
let auditor: string;
let TABLE: string;
const ENTITY = 'helse-sor-ost';
const CAP = 2;

beforeAll(async () => {
  stack = await startTestStack();
  TABLE = stack.runtime.tableName;
  // This process seals as the digest function would: the stack's bucket and signing key.
  const resources = localResources('silent', TABLE);
  process.env.DIGEST_BUCKET = resources.digestBucketName;
  process.env.SIGNING_KEY_ID = resources.signingKeyArn;
  resetEnvCache();
  officer = await stack.tokenFor({ role: 'officer', entity: ENTITY, sub: 'kari' });
  auditor = await stack.tokenFor({ role: 'auditor', entity: ENTITY, sub: 'aud' });
});
afterAll(async () => {
  await stack?.stop();
});

const verify = async (query = '') => {
  const r = await stack.request('GET', `/audit/verify${query}`, { token: auditor });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

const createTender = async () => {
  const r = await stack.request('POST', '/tenders', { token: officer, body: colonoscopyTender() });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return String(r.body.id);
};

/** The offline verifier on the export (every page), the digest files and the public key. */
const offline = async () => {
  const events: unknown[] = [];
  let cursor: string | undefined;
  let first: AuditExport | undefined;
  do {
    const page = await stack.request(
      'GET',
      `/audit/export?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: auditor },
    );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    first ??= page.body;
    events.push(...page.body.events);
    cursor = page.body.nextCursor;
  } while (cursor);
  const digests = await stack.request('GET', '/_local/audit/digests');
  const key = await (await fetch(`${stack.apiUrl}/_local/audit/public-key`)).text();
  return verifyExport(
    { ...(first as AuditExport), events } as AuditExport,
    (digests.body.items as SignedDigest[]).map((content, i) => ({ file: `${i}.json`, content })),
    [publicKeyFrom(key)],
  );
};

describe('a busy hour in several digests', () => {
  let tenders: string[] = [];
  let sealed: { scope: string; number: number; heads: number; anomalies: number }[] = [];

  it('seals more chains than a digest holds in digests in a row of at most the cap each', async () => {
    tenders = [];
    for (let i = 0; i < 5; i++) tenders.push(await createTender());
    await stack.runtime.eventsIdle();
    sealed = (await sealAll({ maxHeads: CAP })).sealed.filter((s) => s.scope === ENTITY);
    const heads = sealed.reduce((n, s) => n + s.heads, 0);
    expect(heads).toBeGreaterThanOrEqual(tenders.length);
    expect(sealed.length).toBe(Math.ceil(heads / CAP));
    for (const s of sealed) expect(s.heads + s.anomalies).toBeLessThanOrEqual(CAP);
    expect(sealed.map((s) => s.number)).toEqual(sealed.map((_, i) => (sealed[0]?.number ?? 0) + i));
    // Nothing is left to seal.
    expect((await sealAll({ maxHeads: CAP })).sealed.filter((s) => s.scope === ENTITY)).toEqual([]);
  });

  it('verifies them on the server (full and since the first) and offline', async () => {
    const full = await verify();
    expect(full).toMatchObject({ ok: true, findings: [] });
    expect(full.digests).toMatchObject({ latest: { number: sealed.at(-1)?.number } });
    const since = await verify(`?since=${sealed[0]?.number}`);
    expect(since).toMatchObject({ ok: true, findings: [] });
    expect(since.digests.checked).toBe(sealed.length);
    const report = await offline();
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ ok: true, digests: { numbers: { last: sealed.at(-1)?.number } } });
  });

  it('still catches a chain rewritten consistently after the digest that sealed it', async () => {
    // A tender whose head the last of the hour's digests sealed: the incremental verification reads it too.
    const files = (await stack.request('GET', '/_local/audit/digests')).body.items as SignedDigest[];
    const last = files.find((f) => f.digest.scope === ENTITY && f.digest.number === sealed.at(-1)?.number);
    const head = last?.digest.heads.find((h) => h.aggregate.startsWith('tender#'));
    expect(head).toBeDefined();
    const id = String(head?.aggregate).slice('tender#'.length);
    expect(tenders).toContain(id);
    const events = await storedChain(TABLE, 'tender', id);
    // Every event rewritten, every hash recomputed: the chain alone still verifies.
    let prevHash = '';
    for (const [i, e] of events.entries()) {
      const { PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, itemPK, itemSK, hash: _h, ...event } = e;
      const forged = { ...event, ...(i === 0 ? { reason: 'Rewritten' } : { prevHash }) };
      const hash = hashEvent(forged as Parameters<typeof hashEvent>[0]);
      await ddb().send(
        new PutCommand({
          TableName: TABLE,
          Item: { PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, itemPK, itemSK, ...forged, hash },
        }),
      );
      prevHash = hash;
    }
    const mismatch = expect.objectContaining({ kind: 'digest-mismatch', aggregate: `tender ${id}` });
    const full = await verify();
    expect(full.ok).toBe(false);
    expect(full.findings).toContainEqual(mismatch);
    const since = await verify(`?since=${sealed[0]?.number}`);
    expect(since.ok).toBe(false);
    expect(since.findings).toContainEqual(mismatch);
    const report = await offline();
    expect(report.ok).toBe(false);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: 'digest-mismatch', aggregate: `tender#${id}` }),
    );
  });
});
