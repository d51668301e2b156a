/**
 * The full verification of an entity (`GET /audit/verify` without `since`; docs/audit.md) never
 * answers from part of the record: it stopped reading at 20 000 events and then reported every chain
 * it had not read, intact as they were, as `missing` from the digests that sealed them. Now it reads
 * every event, or refuses (422) an entity with more than it checks in one request (the limit is
 * lowered here through verifyEntity's parameter, the handler's own code, called in process on the
 * stack's table, bucket and key), saying to verify since a digest or offline from the export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import { verifyEntity } from '../../functions/handlers/api/audit.ts';
import { entityEvents } from '../../functions/services/store/audit.ts';
import { localResources } from '../../local/runtime.ts';
import { colonoscopyTender } from '../helpers/fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let officer: string;
let auditor: string;
const ENTITY = 'helse-sor-ost';
const HOUR = 3_600_000;

beforeAll(async () => {
  stack = await startTestStack();
  const resources = localResources('silent', stack.runtime.tableName);
  process.env.DIGEST_BUCKET = resources.digestBucketName;
  process.env.SIGNING_KEY_ID = resources.signingKeyArn;
  resetEnvCache();
  officer = await stack.tokenFor({ role: 'officer', entity: ENTITY, sub: 'kari' });
  auditor = await stack.tokenFor({ role: 'auditor', entity: ENTITY, sub: 'aud' });
  for (let i = 0; i < 4; i++) {
    const r = await stack.request('POST', '/tenders', { token: officer, body: colonoscopyTender() });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  // The hourly digest seals every chain: each is then a head a digest names.
  await stack.runtime.eventsIdle();
  const now = stack.runtime.clock.now().getTime();
  await stack.advanceClockTo(new Date(Math.floor(now / HOUR) * HOUR + HOUR + 60_000));
});
afterAll(async () => {
  await stack?.stop();
});

describe('full verification of an entity', () => {
  it('reads every event up to its limit and finds the intact record intact', async () => {
    const events = (await entityEvents(ENTITY)).length;
    expect(events).toBeGreaterThanOrEqual(4);
    const result = await verifyEntity(ENTITY, { maxEvents: events });
    expect(result.body).toMatchObject({ ok: true, findings: [], events });
    const r = await stack.request('GET', '/audit/verify', { token: auditor });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ ok: true, findings: [], events });
  });

  it('refuses an entity with more events than its limit rather than report the chains it did not read', async () => {
    const events = (await entityEvents(ENTITY)).length;
    const outcome = await verifyEntity(ENTITY, { maxEvents: events - 2 }).then(
      (result) => ({ findings: (result.body as { findings: unknown[] }).findings, problem: undefined }),
      (problem: { status?: number; message?: string; extensions?: unknown }) => ({ findings: [], problem }),
    );
    // No finding about chains that are intact: the record was not read whole, so nothing is claimed.
    expect(outcome.findings).toEqual([]);
    expect(outcome.problem).toMatchObject({ status: 422, extensions: { maxEvents: events - 2 } });
    expect(outcome.problem?.message).toContain('GET /audit/verify?since=N');
    expect(outcome.problem?.message).toContain('GET /audit/export');
  });
});
