/**
 * The Doffin port (functions/adapters/doffin.ts) against its local stand-in (local/doffin.ts),
 * through the unchanged Secrets Manager client and the local AWS endpoint's GetSecretValue, as the
 * local runtime wires them: accepted, rejected with the rule that catches it, a second submission
 * of the same version refused, published at the next full minute of the local clock with a public
 * id, read back by status, a change of a published notice, what is kept across a restart, the
 * local route that shows what was sent, and the same through a local runtime (which starts a
 * DynamoDB Local of its own here, some 8 s). Nothing here calls the real Doffin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type DoffinAnswer,
  DoffinError,
  noticeStatus,
  resetDoffinPort,
  submitNotice,
  validateNotice,
} from '../../functions/adapters/doffin.ts';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import { contractNotice } from '../../functions/domain/eforms/index.ts';
import { entityById, type ProcuringEntity } from '../../functions/domain/reference-data.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import { type Tender, tenderContentSchema } from '../../functions/domain/tender.ts';
import { createDraft } from '../../functions/domain/tender-lifecycle.ts';
import { functions } from '../../functions/manifest.ts';
import { setClockOffsetMs } from '../../functions/shared/clock.ts';
import { LocalAccessControl, OPERATOR_ACCESS_KEY } from '../../local/access-control.ts';
import { AwsEndpoint } from '../../local/aws-endpoint.ts';
import { LocalClock } from '../../local/clock.ts';
import { DevIssuer } from '../../local/dev-issuer.ts';
import {
  checkNotice,
  LOCAL_DOFFIN_SECRET_ARN,
  LOCAL_DOFFIN_SUBSCRIPTION_KEY,
  LocalDoffin,
} from '../../local/doffin.ts';
import { LocalEventBus } from '../../local/event-bus.ts';
import { accessKeyOf, LocalFunctions } from '../../local/functions.ts';
import { LocalHttpApi } from '../../local/http-server.ts';
import { JsonFile } from '../../local/persist.ts';
import { localResources } from '../../local/runtime.ts';
import { LocalScheduler } from '../../local/scheduler.ts';
import { LocalStepFunctions } from '../../local/stepfunctions.ts';
import { colonoscopyLotValues } from '../helpers/fixtures.ts';
import { startTestStack } from '../support/local-stack.ts';

const resources = localResources('silent');
const START = new Date('2026-11-23T09:00:20Z');
const WRONG_KEY_SECRET = LOCAL_DOFFIN_SECRET_ARN.replace('helsekjop-doffin', 'helsekjop-doffin-wrong-key');

// ── Notices as the product makes them ───────────────────────────────────────────────────────────

const hso = entityById('helse-sor-ost') as ProcuringEntity;
const tender = (): Tender => ({
  ...createDraft(tenderContentSchema.parse(colonoscopyLotValues(START.getTime())), {
    id: 'tnd_1',
    entityId: 'helse-sor-ost',
    by: { sub: 'officer-1', name: 'Officer' },
    now: START,
    ref: referenceLookups,
  }).after,
  version: 1,
});
let ids = 0;
const newNoticeId = () => `3f0c2a1e-8b7d-4c52-9e41-${String(++ids).padStart(12, '0')}`;
const notice = (noticeId = newNoticeId(), version = 1, regime: 'eu' | 'national' = 'eu') => {
  const made = contractNotice({
    tender: tender(),
    entity: hso,
    contact: { email: 'innkjop@helse-sor-ost.example.org', telephone: '+47 22000000' },
    names: referenceLookups,
    noticeId,
    version,
    issuedAt: START.toISOString(),
    ...(regime === 'national'
      ? { regime: 'national' as const, submissionUrl: 'https://helsekjop.example.org/tenders/tnd_1' }
      : {}),
  });
  return { noticeId, version: String(version).padStart(2, '0'), subtype: made.subtype, xml: made.xml };
};

// ── The stand-ins as the runtime makes them ────────────────────────────────────────────────────

let clock: LocalClock;
let dir: string;
const running: { stop(): Promise<void> }[] = [];
const saved = { ...process.env };

/** The Doffin stand-in on `file`, and the AWS endpoint serving the secrets that point at it. */
const start = async (file?: string) => {
  const doffin = new LocalDoffin({ ...(file ? { file } : {}), now: () => clock.now() });
  const doffinUrl = await doffin.start(0);
  running.push(doffin);
  const invoke = new LocalFunctions(() => ({})).invoke;
  const endpoint = new AwsEndpoint(
    new LocalStepFunctions(clock, new JsonFile(undefined, () => ({ executions: [] })), invoke),
    new LocalEventBus(invoke, []),
    new LocalScheduler(clock, new JsonFile(undefined, () => ({ schedules: [], deadLetters: [] })), invoke),
    () => clock.now(),
    new LocalAccessControl(resources),
    undefined,
    {
      secrets: {
        [LOCAL_DOFFIN_SECRET_ARN]: JSON.stringify({
          baseUrl: doffinUrl,
          subscriptionKey: LOCAL_DOFFIN_SUBSCRIPTION_KEY,
        }),
        [WRONG_KEY_SECRET]: JSON.stringify({ baseUrl: doffinUrl, subscriptionKey: 'not-the-key' }),
      },
    },
  );
  const awsUrl = await endpoint.start(0);
  running.push(endpoint);
  // What the runtime gives the process (the operator) and each function: the local endpoints.
  Object.assign(process.env, {
    AWS_REGION: resources.region,
    AWS_ACCESS_KEY_ID: OPERATOR_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: awsUrl,
    DOFFIN_SECRET_ARN: LOCAL_DOFFIN_SECRET_ARN,
  });
  resetEnvCache();
  resetDoffinPort();
  return { doffin, doffinUrl, awsUrl };
};

const stopAll = async () => {
  for (const r of running.splice(0).reverse()) await r.stop();
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'helsekjop-doffin-'));
});
beforeEach(() => {
  clock = new LocalClock(START.getTime() - Date.now(), () => {});
});
afterEach(async () => {
  await stopAll();
  resetDoffinPort();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  resetEnvCache();
  setClockOffsetMs(0);
});

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; status?: number; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
};

/** The errors of an answer, as rule and text. */
const errors = (answer: DoffinAnswer) => answer.messages.filter((m) => m.severity === 'error');

describe('the local Secrets Manager', () => {
  it('gives the operator the secret that points at the stand-in, by ARN or name', async () => {
    const { doffinUrl, awsUrl } = await start();
    const client = new SecretsManagerClient({ endpoint: awsUrl, region: resources.region });
    for (const SecretId of [LOCAL_DOFFIN_SECRET_ARN, 'helsekjop-doffin']) {
      const secret = await client.send(new GetSecretValueCommand({ SecretId }));
      expect(secret.ARN).toBe(LOCAL_DOFFIN_SECRET_ARN);
      expect(secret.Name).toBe('helsekjop-doffin');
      expect(JSON.parse(secret.SecretString ?? '')).toEqual({
        baseUrl: doffinUrl,
        subscriptionKey: LOCAL_DOFFIN_SUBSCRIPTION_KEY,
      });
    }
    const missing = await failure(client.send(new GetSecretValueCommand({ SecretId: 'helsekjop-other' })));
    expect(missing.name).toBe('ResourceNotFoundException');
    client.destroy();
  });

  it('refuses, as IAM would, a function that is not granted secretsmanager:GetSecretValue on the secret', async () => {
    const { awsUrl } = await start();
    // No function is granted the Doffin secret yet (functions/access.ts): any one is refused.
    const key = Object.keys(functions)[0] as keyof typeof functions;
    const client = new SecretsManagerClient({
      endpoint: awsUrl,
      region: resources.region,
      credentials: { accessKeyId: accessKeyOf(key), secretAccessKey: 'local' },
    });
    const denied = await failure(
      client.send(new GetSecretValueCommand({ SecretId: LOCAL_DOFFIN_SECRET_ARN })),
    );
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain(`secretsmanager:GetSecretValue on resource: ${LOCAL_DOFFIN_SECRET_ARN}`);
    client.destroy();
  });
});

describe('the Doffin port against the stand-in', () => {
  it('accepts a valid notice, and publishes it at the next full minute of the local clock', async () => {
    const { doffin } = await start();
    const n = notice();
    const answer = await submitNotice(n);
    expect(answer).toMatchObject({ status: 'accepted', noticeId: n.noticeId, version: '01' });
    expect(errors(answer)).toEqual([]);
    // The product's notices do not carry DFØ's CustomizationID extension yet (docs/eforms.md): a warning.
    expect(answer.messages.map((m) => m.rule)).toEqual(['LOCAL-NOR-CUSTOMIZATION']);
    expect(answer.publicationId).toBeUndefined();

    expect(await noticeStatus(n.noticeId, '01')).toMatchObject({ status: 'accepted' });
    await clock.advanceTo(new Date('2026-11-23T09:00:59Z'));
    expect((await noticeStatus(n.noticeId, '01')).status).toBe('accepted');
    await clock.advanceTo(new Date('2026-11-23T09:01:00Z'));
    const published = await noticeStatus(n.noticeId, '01');
    expect(published).toMatchObject({
      status: 'published',
      noticeId: n.noticeId,
      version: '01',
      publishedAt: '2026-11-23T09:01:00.000Z',
    });
    expect(published.publicationId).toMatch(/^2026-\d{6}$/);
    // Above the thresholds, sent on to TED: its publication number too.
    expect(published.tedPublicationId).toMatch(/^\d{8}-2026$/);
    expect(doffin.submissions()).toMatchObject([
      {
        seq: 1,
        noticeId: n.noticeId,
        version: '01',
        subtype: '20',
        outcome: 'accepted',
        status: 'published',
      },
    ]);
  });

  it('rejects a notice that is not well-formed XML, saying where', async () => {
    const { doffin } = await start();
    const n = notice();
    const broken = n.xml.replace('</cbc:ContractFolderID>', '</cbc:ContractFolder>');
    const answer = await submitNotice({ ...n, xml: broken });
    expect(answer.status).toBe('rejected');
    expect(answer.noticeId).toBe(n.noticeId);
    expect(errors(answer)).toEqual([
      {
        severity: 'error',
        rule: 'XML-WELL-FORMED',
        text: expect.stringContaining('</cbc:ContractFolder> does not match <cbc:ContractFolderID>'),
        location: expect.stringMatching(/^line \d+, column \d+$/),
      },
    ]);
    expect(doffin.submissions()).toMatchObject([{ outcome: 'rejected', status: 'rejected' }]);
    expect(doffin.submissions()[0]?.noticeId).toBeUndefined();
    // Doffin could not read which notice it was: it knows no such notice.
    await expect(noticeStatus(n.noticeId, '01')).rejects.toMatchObject({ code: 'not-found' });
  });

  it("rejects a notice without its identifier or buyer with the subtype's rule, and then takes it fixed", async () => {
    await start();
    const n = notice();
    const withoutBuyer = await submitNotice({
      ...n,
      xml: n.xml.replace(/<cac:ContractingParty>[\s\S]*?<\/cac:ContractingParty>/, ''),
    });
    expect(errors(withoutBuyer).map((m) => m.rule)).toEqual(['BR-OPT-00300-0127']);
    // The version's status says rejected, with the same messages.
    expect(await noticeStatus(n.noticeId, '01')).toMatchObject({
      status: 'rejected',
      messages: withoutBuyer.messages,
    });
    const withoutId = n.xml.replace(/<cbc:ID schemeName="notice-id">[^<]*<\/cbc:ID>/, '');
    expect(withoutId).not.toBe(n.xml);
    const answer = await submitNotice({ ...n, xml: withoutId });
    expect(answer.status).toBe('rejected');
    expect(errors(answer).map((m) => m.rule)).toEqual(['BR-BT-00701-0027']);
    expect(errors(answer)[0]?.text).toMatch(/no notice identifier \(BT-701/);
    // A rejected submission did not make the notice: the same version, fixed, is accepted.
    expect((await submitNotice(n)).status).toBe('accepted');
  });

  it('names the rule of each first check: version, CustomizationID, buyer', () => {
    const { xml } = notice();
    const rules = (x: string) =>
      checkNotice(x)
        .items.filter((i) => i.severity === 'ERROR')
        .map((i) => i.ruleId);
    expect(rules(xml)).toEqual([]);
    expect(rules(xml.replace(/<cbc:VersionID>01</, '<cbc:VersionID>1<'))).toEqual(['BR-BT-00757-0052']);
    expect(rules(xml.replace(/<cbc:CustomizationID>[^<]*</, '<cbc:CustomizationID>eforms-sdk-0.9<'))).toEqual(
      ['BR-OPT-00002-0052'],
    );
    expect(rules(xml.replace(/<cac:ContractingParty>[\s\S]*?<\/cac:ContractingParty>/, ''))).toEqual([
      'BR-OPT-00300-0127',
    ]);
    const buyer = /<cac:ContractingParty>[\s\S]*?<cbc:ID[^>]*>(ORG-\d{4})<\/cbc:ID>/.exec(xml)?.[1] as string;
    expect(
      rules(xml.replace(/(<cac:ContractingParty>[\s\S]*?<cbc:ID[^>]*>)ORG-\d{4}/, '$1ORG-9999')),
    ).toEqual(['BR-OPT-00300-0250']);
    expect(buyer).toMatch(/^ORG-\d{4}$/);
    expect(rules('<ContractNotice/>')).toEqual([
      'XSD',
      'P-0001',
      'BR-OPT-00002',
      'BR-BT-00701',
      'BR-BT-00757',
      'BR-OPT-00300',
    ]);
    expect(rules(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${xml}`)).toEqual([
      'XML-WELL-FORMED',
    ]);
  });

  it('refuses a second submission of the same notice version, as Doffin does', async () => {
    const { doffin } = await start();
    const n = notice();
    expect((await submitNotice(n)).status).toBe('accepted');
    const refused = await failure(submitNotice(n));
    expect(refused).toBeInstanceOf(DoffinError);
    expect(refused).toMatchObject({ code: 'conflict', status: 409 });
    expect(refused.message).toContain('has been submitted already');
    // The caller tells a duplicate by the status of that version: Doffin has it.
    expect((await noticeStatus(n.noticeId, '01')).status).toBe('accepted');
    expect(doffin.submissions().map((s) => s.outcome)).toEqual(['accepted', 'refused']);
  });

  it('takes a new version of a published notice as a change, with a public id of its own', async () => {
    const { doffin } = await start();
    const n = notice();
    await submitNotice(n);
    const v2 = notice(n.noticeId, 2);
    // Not before the first version is published.
    expect(await failure(submitNotice(v2))).toMatchObject({ code: 'conflict' });
    await expect(noticeStatus(n.noticeId, '02')).rejects.toMatchObject({ code: 'not-found', status: 404 });
    await clock.advance(60_000);
    const first = await noticeStatus(n.noticeId, '01');
    expect(first.status).toBe('published');
    expect((await submitNotice(v2)).status).toBe('accepted');
    await clock.advance(60_000);
    const second = await noticeStatus(n.noticeId, '02');
    expect(second.status).toBe('published');
    expect(second.publicationId).not.toBe(first.publicationId);
    expect(doffin.submissions().filter((s) => s.outcome === 'accepted')).toMatchObject([
      { version: '01', change: false },
      { version: '02', change: true },
    ]);
    // An older version than the one it has is refused; one that changes nothing known too.
    expect(await failure(submitNotice(n))).toMatchObject({ code: 'conflict' });
    expect(await failure(submitNotice(notice(newNoticeId(), 2)))).toMatchObject({ code: 'conflict' });
  });

  it('publishes a national notice (E3) on Doffin only', async () => {
    await start();
    const n = notice(newNoticeId(), 1, 'national');
    expect(n.subtype).toBe('E3');
    expect((await submitNotice(n)).status).toBe('accepted');
    await clock.advance(60_000);
    const published = await noticeStatus(n.noticeId, '01');
    expect(published.publicationId).toMatch(/^2026-\d{6}$/);
    expect(published.tedPublicationId).toBeUndefined();
  });

  it('validates without submitting (the debug endpoint)', async () => {
    const { doffin } = await start();
    const n = notice();
    expect(await validateNotice(n)).toMatchObject({ status: 'accepted', noticeId: n.noticeId });
    const invalid = await validateNotice({
      ...n,
      xml: n.xml.replace(/<cbc:VersionID>[^<]*<\/cbc:VersionID>/, ''),
    });
    expect(invalid.status).toBe('rejected');
    expect(errors(invalid).map((m) => m.rule)).toEqual(['BR-BT-00757-0027']);
    expect(doffin.submissions()).toEqual([]);
    await expect(noticeStatus(n.noticeId, '01')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('is refused with a subscription key the stand-in does not take', async () => {
    await start();
    process.env.DOFFIN_SECRET_ARN = WRONG_KEY_SECRET;
    resetEnvCache();
    const refused = await failure(submitNotice(notice()));
    expect(refused).toMatchObject({ name: 'DoffinError', code: 'unauthorised', status: 401 });
  });
});

describe('what the stand-in keeps, and shows', () => {
  it('keeps the submissions and the public numbers across a restart on the same data dir', async () => {
    const file = join(dir, 'doffin.json');
    await start(file);
    const a = notice();
    await submitNotice(a);
    await clock.advance(60_000);
    const first = (await noticeStatus(a.noticeId, '01')).publicationId as string;
    await stopAll();

    const { doffin } = await start(file);
    expect((await noticeStatus(a.noticeId, '01')).publicationId).toBe(first);
    await expect(submitNotice(a)).rejects.toMatchObject({ code: 'conflict' });
    const b = notice();
    await submitNotice(b);
    await clock.advance(60_000);
    const next = (await noticeStatus(b.noticeId, '01')).publicationId as string;
    expect(Number(next.slice(5))).toBe(Number(first.slice(5)) + 1);
    expect(doffin.submissions().map((s) => s.outcome)).toEqual(['accepted', 'refused', 'accepted']);
  });

  it('lists what it recorded on GET /_local/doffin/notices', async () => {
    const { doffin } = await start();
    const n = notice();
    await submitNotice(n);
    await submitNotice({ ...n, xml: '<not-xml' });
    const api = new LocalHttpApi(
      await DevIssuer.open(undefined),
      {
        now: () => clock.now(),
        advanceTo: (to) => clock.advanceTo(to),
        events: () => ({}),
        notifications: () => ({}),
        auditPublicKey: () => '',
        auditDigests: () => ({}),
        doffinNotices: () => ({ items: doffin.submissions() }),
      },
      async () => ({}),
      true,
    );
    const url = await api.start(0);
    running.push(api);
    const listed = (await (await fetch(`${url}/_local/doffin/notices`)).json()) as { items: unknown[] };
    expect(listed.items).toMatchObject([
      {
        seq: 1,
        noticeId: n.noticeId,
        version: '01',
        outcome: 'accepted',
        status: 'accepted',
        bytes: Buffer.byteLength(n.xml),
      },
      { seq: 2, outcome: 'rejected', items: [{ severity: 'ERROR', ruleId: 'XML-WELL-FORMED' }] },
    ]);
    await fetch(`${url}/_local/clock/advance`, { method: 'POST', body: JSON.stringify({ minutes: 1 }) });
    const after = (await (await fetch(`${url}/_local/doffin/notices`)).json()) as {
      items: { status: string; publicationId?: string }[];
    };
    expect(after.items[0]).toMatchObject({
      status: 'published',
      publicationId: expect.stringMatching(/^2026-/),
    });
  });
});

describe('in the local runtime', () => {
  it('points the Doffin port at the stand-in through its Secrets Manager, and shows what was sent', async () => {
    const stack = await startTestStack({ startAt: START });
    running.push(stack);
    // The operator's environment is the runtime's (the functions' the same, with their own keys).
    expect(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER).toBe(stack.runtime.awsEndpoint);
    process.env.DOFFIN_SECRET_ARN = LOCAL_DOFFIN_SECRET_ARN;
    resetEnvCache();
    resetDoffinPort();
    const n = notice();
    expect((await submitNotice(n)).status).toBe('accepted');
    await stack.advanceClockTo(new Date(stack.runtime.clock.now().getTime() + 60_000));
    const listed = await stack.request('GET', '/_local/doffin/notices');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({
      items: [
        { noticeId: n.noticeId, version: '01', status: 'published', publicationId: expect.any(String) },
      ],
    });
    expect(stack.runtime.doffin.submissions()).toHaveLength(1);
  });
});
