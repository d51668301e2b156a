/**
 * The audit archive outside the table: signed digests as objects in the locked bucket (S3 Object
 * Lock, compliance mode) and the asymmetric key that signs them (KMS, ECC_NIST_P256). A module of
 * its own so that only the functions that use them bundle and initialise the S3 and KMS clients.
 * Locally the same calls reach the stand-ins (local/aws-endpoint.ts) through AWS_ENDPOINT_URL_S3/KMS.
 */
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SIGNING_ALGORITHM } from '../domain/audit-digest.ts';
import { lazy, traced } from './clients.ts';
import { env } from './env.ts';

// Path-style addressing where the stand-in serves every bucket on one loopback host.
const s3 = lazy(() => traced(new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) })));
const kms = lazy(() => traced(new KMSClient({})));

/** Where a scope's digest number `n` is kept: sorted by number within its scope. */
export const digestKey = (scope: string, n: number): string =>
  `digests/${scope}/${String(n).padStart(10, '0')}.json`;

export const putDigestObject = async (key: string, body: string): Promise<void> => {
  await s3().send(
    new PutObjectCommand({
      Bucket: env('DIGEST_BUCKET'),
      Key: key,
      Body: body,
      ContentType: 'application/json',
    }),
  );
};

export const getDigestObject = async (key: string): Promise<string | undefined> => {
  try {
    const result = await s3().send(new GetObjectCommand({ Bucket: env('DIGEST_BUCKET'), Key: key }));
    return await result.Body?.transformToString('utf8');
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
};

/** The keys of a scope's digests, in order of number. */
export const listDigestKeys = async (scope: string): Promise<string[]> => {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3().send(
      new ListObjectsV2Command({
        Bucket: env('DIGEST_BUCKET'),
        Prefix: `digests/${scope}/`,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
};

/** KMS signs the 32-byte SHA-256 `digestHash` (hex) as a digest: an ECDSA P-256 signature, DER, base64. */
export const signDigestHash = async (digestHash: string): Promise<{ signature: string; keyId: string }> => {
  const keyId = env('SIGNING_KEY_ID');
  const result = await kms().send(
    new SignCommand({
      KeyId: keyId,
      Message: Buffer.from(digestHash, 'hex'),
      MessageType: 'DIGEST',
      SigningAlgorithm: SIGNING_ALGORITHM,
    }),
  );
  if (!result.Signature) throw new Error('KMS returned no signature');
  return { signature: Buffer.from(result.Signature).toString('base64'), keyId: result.KeyId ?? keyId };
};

let publicKey: Promise<Buffer> | undefined;
/** The signing key's public half (DER SubjectPublicKeyInfo), read once per container. */
export const signingPublicKey = (): Promise<Buffer> => {
  publicKey ??= kms()
    .send(new GetPublicKeyCommand({ KeyId: env('SIGNING_KEY_ID') }))
    .then((r) => {
      if (!r.PublicKey) throw new Error('KMS returned no public key');
      return Buffer.from(r.PublicKey);
    })
    .catch((error) => {
      publicKey = undefined;
      throw error;
    });
  return publicKey;
};
