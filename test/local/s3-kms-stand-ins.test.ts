/**
 * The S3 and KMS stand-ins of the local AWS endpoint (local/aws-endpoint.ts), through the real SDK
 * clients as the functions use them: the digest bucket (versioned, Object Lock in compliance mode)
 * and the audit signing key (ECC_NIST_P256; DIGEST-mode signatures that node:crypto verifies over the
 * original bytes), local IAM on both, and what is kept across a restart on the same data dir.
 */
import { createHash, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand, KMSClient, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuditDigest, digestHash, verifySignedDigest } from '../../functions/domain/audit-digest.ts';
import { type FunctionAccess, type FunctionKey, functions } from '../../functions/manifest.ts';
import { canonicalJson } from '../../functions/shared/canonical.ts';
import { LocalAccessControl, OPERATOR_ACCESS_KEY } from '../../local/access-control.ts';
import { AwsEndpoint } from '../../local/aws-endpoint.ts';
import { LocalClock } from '../../local/clock.ts';
import { DevIssuer } from '../../local/dev-issuer.ts';
import { LocalEventBus } from '../../local/event-bus.ts';
import { accessKeyOf, LocalFunctions } from '../../local/functions.ts';
import { LocalHttpApi } from '../../local/http-server.ts';
import { JsonFile } from '../../local/persist.ts';
import { localResources } from '../../local/runtime.ts';
import { LocalScheduler } from '../../local/scheduler.ts';
import { localPublicKeyPem } from '../../local/signing-key.ts';
import { LocalStepFunctions } from '../../local/stepfunctions.ts';

const resources = localResources('silent');
const BUCKET = resources.digestBucketName;
const KEY_ARN = resources.signingKeyArn;
const START = new Date('2026-11-23T09:00:00Z');

type Overrides = Partial<Record<FunctionKey, Partial<FunctionAccess>>>;

let now: Date;
const dirs: string[] = [];
const running: { endpoint: AwsEndpoint; url: string; clock: LocalClock; clients: { destroy(): void }[] }[] =
  [];

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'helsekjop-s3-kms-'));
  dirs.push(dir);
  return dir;
};

/** The endpoint as the runtime makes it, on a data dir or in memory, with the manifest's grants changed by `overrides`. */
const start = async (options: { dataDir?: string; overrides?: Overrides; retentionYears?: number } = {}) => {
  const clock = new LocalClock(0, () => {});
  const invoke = new LocalFunctions(() => ({})).invoke;
  const access = new LocalAccessControl(resources, (key) => ({
    ...functions[key].access,
    ...options.overrides?.[key],
  }));
  const endpoint = new AwsEndpoint(
    new LocalStepFunctions(clock, new JsonFile(undefined, () => ({ executions: [] })), invoke),
    new LocalEventBus(invoke, []),
    new LocalScheduler(clock, new JsonFile(undefined, () => ({ schedules: [], deadLetters: [] })), invoke),
    () => now,
    access,
    undefined,
    {
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      buckets: [BUCKET],
      ...(options.retentionYears !== undefined ? { retentionYears: options.retentionYears } : {}),
      signingKeys: [KEY_ARN],
    },
  );
  const url = await endpoint.start(0);
  const entry = { endpoint, url, clock, clients: [] as { destroy(): void }[] };
  running.push(entry);
  /** The SDK clients as a function (its own access key) or the operator would make them. */
  const as = (key: FunctionKey | 'operator') => {
    const credentials = {
      accessKeyId: key === 'operator' ? OPERATOR_ACCESS_KEY : accessKeyOf(key),
      secretAccessKey: 'local',
    };
    const s3 = new S3Client({ endpoint: url, region: resources.region, forcePathStyle: true, credentials });
    const kms = new KMSClient({ endpoint: url, region: resources.region, credentials });
    entry.clients.push(s3, kms);
    return { s3, kms };
  };
  return { endpoint, access, as, url };
};

const stopAll = async () => {
  for (const { endpoint, clients } of running.splice(0)) {
    for (const c of clients) c.destroy();
    await endpoint.stop();
  }
};

beforeEach(() => {
  now = new Date(START);
});
afterEach(async () => {
  await stopAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The service's error, as the SDK gives it. */
const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
};

const text = async (s3: S3Client, Key: string, VersionId?: string) =>
  (
    await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key, ...(VersionId ? { VersionId } : {}) }))
  ).Body?.transformToString();

describe('S3: the digest bucket', () => {
  it('puts, gets, heads and lists objects, with the object lock S3 gives them', async () => {
    const { as } = await start();
    const { s3 } = as('auditDigest');
    const body = JSON.stringify({ digest: { scope: 'helse-sor-ost', number: 1 } });
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'helse-sor-ost/000001.json',
        Body: body,
        ContentType: 'application/json',
      }),
    );
    expect(put.VersionId).toBeTruthy();
    expect(put.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);

    const reader = as('auditApi').s3;
    const got = await reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'helse-sor-ost/000001.json' }));
    expect(await got.Body?.transformToString()).toBe(body);
    expect(got.ContentType).toBe('application/json');
    expect(got.ETag).toBe(put.ETag);
    expect(got.VersionId).toBe(put.VersionId);
    expect(got.ObjectLockMode).toBe('COMPLIANCE');
    expect(got.ObjectLockRetainUntilDate?.toISOString()).toBe('2036-11-23T09:00:00.000Z');

    const head = await reader.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'helse-sor-ost/000001.json' }),
    );
    expect(head.ContentLength).toBe(Buffer.byteLength(body));
    expect(head.LastModified?.toISOString()).toBe('2026-11-23T09:00:00.000Z');

    // Keys S3 takes as they are: spaces, non-ASCII, XML's special characters, dot segments; any bytes.
    const odd = ['global/a b.json', 'global/æøå & <"x">.json', 'global/../x.json', 'helse-vest/000001.json'];
    for (const Key of odd) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
    for (const Key of odd) expect(await text(reader, Key)).toBe(Key);
    const binary = Buffer.from([0, 255, 13, 10, 128, 65]);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'bin', Body: binary }));
    const bytes = await (
      await reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'bin' }))
    ).Body?.transformToByteArray();
    expect(Buffer.from(bytes ?? [])).toEqual(binary);

    const all = await reader.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(all.Contents?.map((c) => c.Key)).toEqual(
      ['bin', ...odd, 'helse-sor-ost/000001.json'].sort((a, b) =>
        Buffer.compare(Buffer.from(a), Buffer.from(b)),
      ),
    );
    expect(all.KeyCount).toBe(6);
    expect(all.IsTruncated).toBe(false);
    const first = all.Contents?.find((c) => c.Key === 'helse-sor-ost/000001.json');
    expect(first).toMatchObject({ Size: Buffer.byteLength(body), ETag: put.ETag });
    expect(first?.LastModified?.toISOString()).toBe('2026-11-23T09:00:00.000Z');

    const scoped = await reader.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'global/' }));
    expect(scoped.Contents?.map((c) => c.Key).sort()).toEqual(
      odd.filter((k) => k.startsWith('global/')).sort(),
    );
    const folders = await reader.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: '/' }));
    expect(folders.CommonPrefixes?.map((p) => p.Prefix)).toEqual([
      'global/',
      'helse-sor-ost/',
      'helse-vest/',
    ]);
    expect(folders.Contents?.map((c) => c.Key)).toEqual(['bin']);

    const config = await as('operator').s3.send(new GetObjectLockConfigurationCommand({ Bucket: BUCKET }));
    expect(config.ObjectLockConfiguration?.Rule?.DefaultRetention).toEqual({ Mode: 'COMPLIANCE', Years: 10 });
  });

  it('pages a listing with continuation tokens, as ListObjectsV2 does', async () => {
    const { as } = await start();
    const { s3 } = as('operator');
    const keys = Array.from({ length: 7 }, (_, i) => `helse-nord/${String(i + 1).padStart(6, '0')}.json`);
    for (const Key of [...keys].reverse())
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: '{}' }));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: BUCKET,
          Prefix: 'helse-nord/',
          MaxKeys: 3,
          ContinuationToken: token,
        }),
      );
      pages++;
      expect(page.KeyCount).toBe(page.Contents?.length);
      seen.push(...(page.Contents ?? []).map((c) => c.Key ?? ''));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(keys);
    const afterThird = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, StartAfter: keys[2] }));
    expect(afterThird.Contents?.map((c) => c.Key)).toEqual(keys.slice(3));
  });

  it('keeps every version: an overwrite is a new version, a delete a marker; a retained version cannot be deleted', async () => {
    const { as } = await start({ retentionYears: 1 });
    const { s3 } = as('operator');
    const Key = 'helse-sor-ost/000002.json';
    const v1 = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'first' }));
    now = new Date('2026-11-23T10:00:00Z');
    const v2 = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'second' }));
    expect(v2.VersionId).not.toBe(v1.VersionId);
    expect(await text(s3, Key)).toBe('second');
    expect(await text(s3, Key, v1.VersionId)).toBe('first');
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: Key }));
    expect(versions.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      [v2.VersionId, true],
      [v1.VersionId, false],
    ]);

    // Compliance mode: no version is removed while retained, by anyone (the operator is not checked by IAM).
    const refused = await failure(
      s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key, VersionId: v1.VersionId })),
    );
    expect(refused).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(refused.message).toMatch(/object lock/);
    expect(await text(s3, Key, v1.VersionId)).toBe('first');

    // A delete without a version id removes nothing: it adds a delete marker on top, as S3 does.
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key }));
    expect(marker.DeleteMarker).toBe(true);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key })))).toMatchObject({
      name: 'NoSuchKey',
      status: 404,
    });
    expect((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).toEqual([]);
    expect(await text(s3, Key, v2.VersionId)).toBe('second');
    const afterMarker = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
    expect(afterMarker.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest])).toEqual([
      [marker.VersionId, true],
    ]);
    expect(afterMarker.Versions).toHaveLength(2);
    // The marker itself may go: the object is back.
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key, VersionId: marker.VersionId }));
    expect(await text(s3, Key)).toBe('second');

    // Once the retention (here one year from each version's creation, on the local clock) has passed.
    now = new Date('2027-11-23T09:30:00Z');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key, VersionId: v1.VersionId }));
    expect(
      await failure(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key, VersionId: v2.VersionId }))),
    ).toMatchObject({
      name: 'AccessDenied',
    });
    const left = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
    expect(left.Versions?.map((v) => v.VersionId)).toEqual([v2.VersionId]);
  });

  it('answers a missing key, a missing bucket, a failed precondition and a wrong checksum as S3 does', async () => {
    const { as } = await start();
    const { s3 } = as('operator');
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'nope.json' })))).toMatchObject({
      name: 'NoSuchKey',
      status: 404,
    });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'nope.json' })))).toMatchObject(
      {
        name: 'NotFound',
        status: 404,
      },
    );
    for (const command of [
      new GetObjectCommand({ Bucket: 'another-bucket', Key: 'x' }),
      new PutObjectCommand({ Bucket: 'another-bucket', Key: 'x', Body: 'x' }),
      new ListObjectsV2Command({ Bucket: 'another-bucket' }),
    ] as never[])
      expect(await failure(s3.send(command))).toMatchObject({ name: 'NoSuchBucket', status: 404 });

    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'once.json', Body: '1', IfNoneMatch: '*' }));
    expect(
      await failure(
        s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'once.json', Body: '2', IfNoneMatch: '*' })),
      ),
    ).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    expect(await text(s3, 'once.json')).toBe('1');
    expect(
      await failure(
        s3.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: 'bad.json', Body: 'x', ChecksumCRC32: 'AAAAAA==' }),
        ),
      ),
    ).toMatchObject({ name: 'BadDigest', status: 400 });
  });

  it('holds each function to its grants (local IAM): refused with AccessDenied, 403', async () => {
    const { as, access } = await start({ overrides: { auditDigest: { digests: [] } } });
    const writer = as('auditDigest').s3;
    const refused = await failure(
      writer.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'x.json', Body: '{}' })),
    );
    expect(refused).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(refused.message).toContain(`s3:PutObject on resource: arn:aws:s3:::${BUCKET}/x.json`);
    expect(access.denied).toContainEqual(
      expect.objectContaining({
        caller: 'auditDigest',
        request: { action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/x.json` },
      }),
    );
    // The reader may read and list, never write or delete; IAM answers before the bucket is looked at.
    const reader = as('auditApi').s3;
    await reader.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(
      await failure(reader.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'x.json', Body: '{}' }))),
    ).toMatchObject({
      name: 'AccessDenied',
    });
    expect(
      await failure(reader.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'x.json' }))),
    ).toMatchObject({
      name: 'AccessDenied',
    });
    expect(await failure(reader.send(new ListObjectsV2Command({ Bucket: 'another-bucket' })))).toMatchObject({
      name: 'AccessDenied',
    });
    expect(access.used.get('auditApi')).toContain(`s3:ListBucket arn:aws:s3:::${BUCKET}`);
    // A caller who may read but not list is not told that a key is missing, as S3 does not tell it.
    await stopAll();
    const readOnly = await start({ overrides: { auditApi: { digests: ['GetObject'] } } });
    await readOnly
      .as('operator')
      .s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'there.json', Body: '{}' }));
    const noList = readOnly.as('auditApi').s3;
    expect(await text(noList, 'there.json')).toBe('{}');
    expect(
      await failure(noList.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'missing.json' }))),
    ).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    expect(
      await failure(noList.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'missing.json' }))),
    ).toMatchObject({
      status: 403,
    });
    // A function without any digest access at all.
    expect(
      await failure(
        readOnly.as('referenceApi').s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'x.json' })),
      ),
    ).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
  });
});

describe('KMS: the audit signing key', () => {
  it('signs a 32-byte digest AS the digest (MessageType DIGEST): node:crypto verifies it over the original bytes', async () => {
    const { as } = await start();
    const { kms } = as('auditDigest');
    const publicKey = await as('auditApi').kms.send(new GetPublicKeyCommand({ KeyId: KEY_ARN }));
    expect(publicKey).toMatchObject({
      KeyId: KEY_ARN,
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    const key = { key: Buffer.from(publicKey.PublicKey ?? []), format: 'der', type: 'spki' } as const;
    for (let i = 0; i < 20; i++) {
      const original = Buffer.from(`digest ${i}: ${'x'.repeat(i * 37)}`);
      const signed = await kms.send(
        new SignCommand({
          KeyId: KEY_ARN,
          SigningAlgorithm: 'ECDSA_SHA_256',
          MessageType: 'DIGEST',
          Message: createHash('sha256').update(original).digest(),
        }),
      );
      expect(signed.KeyId).toBe(KEY_ARN);
      const signature = Buffer.from(signed.Signature ?? []);
      expect(signature[0]).toBe(0x30); // DER
      expect(verify('sha256', original, key, signature)).toBe(true);
      expect(verify('sha256', Buffer.concat([original, Buffer.from('!')]), key, signature)).toBe(false);
    }
  });

  it('signs a digest file the way the offline verifier checks it', async () => {
    const { as, endpoint } = await start();
    const digest: AuditDigest = {
      version: 1,
      scope: 'helse-sor-ost',
      number: 1,
      createdAt: '2026-11-23T10:00:00.000Z',
      from: '2026-11-23T09:00:00.000Z',
      to: '2026-11-23T10:00:00.000Z',
      previousDigestHash: '0'.repeat(64),
      heads: [{ aggregate: 'tender#t-1', seq: 3, hash: 'a'.repeat(64) }],
      anomalies: [],
    };
    const hash = digestHash(digest);
    expect(hash).toBe(createHash('sha256').update(canonicalJson(digest)).digest('hex'));
    const { Signature } = await as('auditDigest').kms.send(
      new SignCommand({
        KeyId: 'alias/helsekjop-audit-signing',
        SigningAlgorithm: 'ECDSA_SHA_256',
        MessageType: 'DIGEST',
        Message: Buffer.from(hash, 'hex'),
      }),
    );
    const signed = {
      digest,
      digestHash: hash,
      signature: Buffer.from(Signature ?? []).toString('base64'),
      keyId: KEY_ARN,
      algorithm: 'ECDSA_SHA_256' as const,
    };
    expect(verifySignedDigest(signed, endpoint.publicKeyPem())).toBe(true);
    expect(verifySignedDigest({ ...signed, digest: { ...digest, number: 2 } }, endpoint.publicKeyPem())).toBe(
      false,
    );
  });

  it('signs a RAW message with SHA-256, and verifies both kinds as KMS Verify does', async () => {
    const { as } = await start();
    const { kms } = as('operator');
    const message = Buffer.from('a raw message, hashed by KMS');
    const raw = await kms.send(
      new SignCommand({
        KeyId: 'helsekjop-audit-signing',
        SigningAlgorithm: 'ECDSA_SHA_256',
        MessageType: 'RAW',
        Message: message,
      }),
    );
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: 'helsekjop-audit-signing' }));
    const key = { key: Buffer.from(PublicKey ?? []), format: 'der', type: 'spki' } as const;
    expect(verify('sha256', message, key, Buffer.from(raw.Signature ?? []))).toBe(true);
    const verified = await kms.send(
      new VerifyCommand({
        KeyId: KEY_ARN,
        SigningAlgorithm: 'ECDSA_SHA_256',
        MessageType: 'RAW',
        Message: message,
        Signature: raw.Signature,
      }),
    );
    expect(verified.SignatureValid).toBe(true);
    // The same signature is one over the message's SHA-256: KMS Verify in DIGEST mode accepts it.
    const digest = createHash('sha256').update(message).digest();
    const asDigest = await kms.send(
      new VerifyCommand({
        KeyId: KEY_ARN,
        SigningAlgorithm: 'ECDSA_SHA_256',
        MessageType: 'DIGEST',
        Message: digest,
        Signature: raw.Signature,
      }),
    );
    expect(asDigest.SignatureValid).toBe(true);
    const other = createHash('sha256').update('another message').digest();
    expect(
      await failure(
        kms.send(
          new VerifyCommand({
            KeyId: KEY_ARN,
            SigningAlgorithm: 'ECDSA_SHA_256',
            MessageType: 'DIGEST',
            Message: other,
            Signature: raw.Signature,
          }),
        ),
      ),
    ).toMatchObject({ name: 'KMSInvalidSignatureException' });
  });

  it('refuses an unknown key, a digest of the wrong length and a call without the grant', async () => {
    const { as, access } = await start();
    const { kms } = as('operator');
    expect(
      await failure(
        kms.send(
          new GetPublicKeyCommand({ KeyId: `arn:aws:kms:${resources.region}:${resources.account}:key/nope` }),
        ),
      ),
    ).toMatchObject({ name: 'NotFoundException', status: 400 });
    expect(
      await failure(
        kms.send(
          new SignCommand({
            KeyId: KEY_ARN,
            SigningAlgorithm: 'ECDSA_SHA_256',
            MessageType: 'DIGEST',
            Message: Buffer.alloc(31),
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationException' });

    // The reader has GetPublicKey, not Sign.
    const refused = await failure(
      as('auditApi').kms.send(
        new SignCommand({
          KeyId: KEY_ARN,
          SigningAlgorithm: 'ECDSA_SHA_256',
          MessageType: 'DIGEST',
          Message: Buffer.alloc(32),
        }),
      ),
    );
    expect(refused).toMatchObject({ name: 'AccessDeniedException' });
    expect(refused.message).toContain(`kms:Sign on resource: ${KEY_ARN}`);
    // An alias is checked as the key it names.
    expect(
      await failure(
        as('referenceApi').kms.send(new GetPublicKeyCommand({ KeyId: 'alias/helsekjop-audit-signing' })),
      ),
    ).toMatchObject({ name: 'AccessDeniedException' });
    expect(access.denied.map((d) => [d.caller, d.request.action, d.request.resource])).toEqual([
      ['auditApi', 'kms:Sign', KEY_ARN],
      ['referenceApi', 'kms:GetPublicKey', KEY_ARN],
    ]);
  });
});

describe('kept on the data dir', () => {
  it('keeps the objects with their versions and the key pair across a restart; in memory keeps nothing', async () => {
    const dataDir = tempDir();
    const first = await start({ dataDir });
    const { s3, kms } = first.as('operator');
    const v1 = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'global/000001.json', Body: '{"n":1}' }),
    );
    const v2 = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'global/000001.json', Body: '{"n":2}' }),
    );
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'global/000001.json' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'global/000002.json', Body: '{"n":3}' }));
    const pem = first.endpoint.publicKeyPem();
    const { Signature } = await kms.send(
      new SignCommand({
        KeyId: KEY_ARN,
        SigningAlgorithm: 'ECDSA_SHA_256',
        MessageType: 'DIGEST',
        Message: Buffer.alloc(32, 7),
      }),
    );
    await stopAll();

    const keyFile = join(dataDir, 'kms', 'helsekjop-audit-signing.json');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(localPublicKeyPem(dataDir, KEY_ARN)).toBe(pem);

    const second = await start({ dataDir });
    const again = second.as('operator').s3;
    expect(second.endpoint.publicKeyPem()).toBe(pem);
    expect(
      (await again.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents?.map((c) => c.Key),
    ).toEqual(['global/000002.json']);
    expect(await text(again, 'global/000001.json', v1.VersionId)).toBe('{"n":1}');
    expect(await text(again, 'global/000001.json', v2.VersionId)).toBe('{"n":2}');
    expect(
      await failure(
        again.send(
          new DeleteObjectCommand({ Bucket: BUCKET, Key: 'global/000001.json', VersionId: v1.VersionId }),
        ),
      ),
    ).toMatchObject({ name: 'AccessDenied' });
    const verified = await second.as('operator').kms.send(
      new VerifyCommand({
        KeyId: KEY_ARN,
        SigningAlgorithm: 'ECDSA_SHA_256',
        MessageType: 'DIGEST',
        Message: Buffer.alloc(32, 7),
        Signature,
      }),
    );
    expect(verified.SignatureValid).toBe(true);
    // An auditor's copy of the bucket: the current objects as files.
    const copy = tempDir();
    expect(second.endpoint.buckets.get(BUCKET)?.copyTo(copy)).toEqual(['global/000002.json']);
    expect(readFileSync(join(copy, 'global/000002.json'), 'utf8')).toBe('{"n":3}');
    await stopAll();

    const inMemory = await start();
    expect(inMemory.endpoint.publicKeyPem()).not.toBe(pem);
    expect(
      (await inMemory.as('operator').s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount,
    ).toBe(0);
  });
});

describe('the local routes an auditor uses', () => {
  it('serves the public key as PEM and the digest files', async () => {
    const { endpoint, as } = await start();
    await as('operator').s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'helse-vest/000001.json',
        Body: JSON.stringify({ digestHash: 'ab' }),
      }),
    );
    const api = new LocalHttpApi(
      await DevIssuer.open(undefined),
      {
        now: () => now,
        advanceTo: async () => {},
        events: () => ({}),
        notifications: () => ({}),
        auditPublicKey: () => endpoint.publicKeyPem(),
        auditDigests: () => endpoint.bucketCopy(),
      },
      async () => ({}),
      true,
    );
    const url = await api.start(0);
    try {
      const key = await fetch(`${url}/_local/audit/public-key`);
      expect(key.status).toBe(200);
      const pem = await key.text();
      expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      expect(pem).toBe(endpoint.publicKeyPem());
      const digests = await (await fetch(`${url}/_local/audit/digests`)).json();
      // The keys, and each file's JSON as it is in the bucket: what the offline verifier reads.
      expect(digests).toEqual({
        bucket: BUCKET,
        keys: ['helse-vest/000001.json'],
        items: [{ digestHash: 'ab' }],
      });
      expect(endpoint.objects()).toMatchObject([
        {
          key: 'helse-vest/000001.json',
          content: { digestHash: 'ab' },
          retainUntil: '2036-11-23T09:00:00.000Z',
        },
      ]);
    } finally {
      await api.stop();
    }
  });
});
