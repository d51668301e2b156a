/**
 * `GET /audit/verify?since=N` (docs/audit.md) end to end on the local stack: it reads only the
 * chains that moved after the entity's digest N (named by the digests after it, or still pending)
 * and the digests from N on, listed from N on (S3 StartAfter) rather than the whole scope; it still catches a
 * chain rewritten consistently after a digest, and still finds the digests when the scope's state
 * in the table says something else.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddb } from '../../functions/adapters/clients.ts';
import { hashEvent } from '../../functions/domain/audit.ts';
import { colonoscopyTender } from '../helpers/fixtures.ts';
import { storedChain } from '../support/audit-trail.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let officer: string;
let auditor: string;
let TABLE: string;
const HOUR = 3_600_000;
const ENTITY = 'helse-sor-ost';

beforeAll(async () => {
  stack = await startTestStack();
  TABLE = stack.runtime.tableName;
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

/** The next full hour on the product's clock, and a minute past it: the hourly digest has run. */
const nextDigest = async () => {
  await stack.runtime.eventsIdle();
  const now = stack.runtime.clock.now().getTime();
  await stack.advanceClockTo(new Date(Math.floor(now / HOUR) * HOUR + HOUR + 60_000));
};

const createTender = async () => {
  const r = await stack.request('POST', '/tenders', { token: officer, body: colonoscopyTender() });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: String(r.body.id), version: Number(r.body.version) };
};

const retitle = async (tender: { id: string; version: number }, title: string) => {
  const r = await stack.request('PATCH', `/tenders/${tender.id}`, {
    token: officer,
    body: { version: tender.version, title },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  tender.version = Number(r.body.version);
};

const chain = (type: string, id: string) => storedChain(TABLE, type, id);

const digestState = async () =>
  (
    await ddb().send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk AND SK = :sk',
        ExpressionAttributeValues: { ':pk': 'DIGEST#STATE', ':sk': ENTITY },
        ConsistentRead: true,
      }),
    )
  ).Items?.[0] as Record<string, unknown>;

describe('incremental audit verification (since=N)', () => {
  let old: { id: string; version: number }[] = [];
  let moved: { id: string; version: number };
  let first: number;

  it('reads only the chains that moved after digest N and the digests from N on', async () => {
    old = [await createTender(), await createTender(), await createTender()];
    await nextDigest();
    const sealed = await verify();
    expect(sealed).toMatchObject({ ok: true, findings: [] });
    first = Number(sealed.digests.latest.number);

    // One old chain moves after the digest: pending, then sealed in the next one.
    moved = old[1] as { id: string; version: number };
    await retitle(moved, 'Koloskopi, nytt navn');
    await retitle(moved, 'Koloskopi, Innlandet');
    await stack.runtime.eventsIdle();
    const pending = await verify(`?since=${first}`);
    expect(pending).toMatchObject({ ok: true, findings: [], aggregates: 1, events: 3 });
    expect(pending.digests).toMatchObject({ checked: 1, latest: { number: first } });

    await nextDigest();
    const sealedAgain = await verify(`?since=${first}`);
    expect(sealedAgain).toMatchObject({ ok: true, findings: [], aggregates: 1, events: 3 });
    expect(sealedAgain.digests).toMatchObject({ checked: 2, latest: { number: first + 1 } });

    // Since the latest digest nothing moved: nothing to read but that digest.
    const nothing = await verify(`?since=${first + 1}`);
    expect(nothing).toMatchObject({ ok: true, findings: [], aggregates: 0, events: 0 });
    expect(nothing.digests).toMatchObject({ checked: 1, latest: { number: first + 1 } });
    // The full verification agrees.
    expect(await verify()).toMatchObject({ ok: true, findings: [] });
  });

  it('finds the digests from N on also when the scope state in the table is behind or far ahead', async () => {
    const state = await digestState();
    try {
      for (const number of [first, Number(state.number) + 1_000]) {
        await ddb().send(new PutCommand({ TableName: TABLE, Item: { ...state, number } }));
        const result = await verify(`?since=${first}`);
        expect(result).toMatchObject({ ok: true, aggregates: 1 });
        expect(result.digests).toMatchObject({ checked: 2, latest: { number: first + 1 } });
      }
    } finally {
      await ddb().send(new PutCommand({ TableName: TABLE, Item: state }));
    }
  });

  it('still catches a chain that moved after digest N and was rewritten consistently after its digest', async () => {
    const events = await chain('tender', moved.id);
    let prevHash = String(events[0]?.hash);
    for (const e of events.slice(1)) {
      const { PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, itemPK, itemSK, hash: _h, ...event } = e;
      const forged = { ...event, prevHash, ...(Number(e.seq) === 2 ? { reason: 'Rewritten' } : {}) };
      const hash = hashEvent(forged as Parameters<typeof hashEvent>[0]);
      await ddb().send(
        new PutCommand({
          TableName: TABLE,
          Item: { PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, itemPK, itemSK, ...forged, hash },
        }),
      );
      prevHash = hash;
    }
    const result = await verify(`?since=${first}`);
    expect(result.ok).toBe(false);
    expect(
      result.findings.filter((f: { kind: string }) => ['edited', 'gap', 'reordered'].includes(f.kind)),
    ).toEqual([]);
    expect(result.findings).toContainEqual(
      expect.objectContaining({ kind: 'digest-mismatch', aggregate: `tender ${moved.id}` }),
    );
    // Only what moved was read and compared: the chains sealed before digest N are not named.
    for (const t of old.filter((t) => t.id !== moved.id))
      expect(JSON.stringify(result.findings)).not.toContain(t.id);
  });
});
