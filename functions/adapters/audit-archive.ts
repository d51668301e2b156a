/**
 * The audit archive outside the table: signed digests as objects in the locked bucket (S3 Object
 * Lock, compliance mode) and the asymmetric key that signs them (KMS, ECC_NIST_P256). A module of
 * its own so that only the functions that use them bundle the S3 and KMS clients; their packages are
 * loaded on first use (clients.ts's `sdk`): the audit API verifies against digests on some paths
 * only, and the digest loads them only in an hour with chain heads to sign.
 * Locally the same calls reach the stand-ins (local/aws-endpoint.ts) through AWS_ENDPOINT_URL_S3/KMS.
 */
import { SIGNING_ALGORITHM } from '../domain/audit-digest.ts';
import { lazy, sdk, traced } from './clients.ts';
import { env } from './env.ts';

// Path-style addressing where the stand-in serves every bucket on one loopback host.
const s3 = lazy(() =>
  traced(
    new (sdk('@aws-sdk/client-s3').S3Client)({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) }),
  ),
);
const kms = lazy(() => traced(new (sdk('@aws-sdk/client-kms').KMSClient)({})));

/** Where a scope's digest number `n` is kept: sorted by number within its scope. */
export const digestKey = (scope: string, n: number): string =>
  `digests/${scope}/${String(n).padStart(10, '0')}.json`;

export const putDigestObject = async (key: string, body: string): Promise<void> => {
  const { PutObjectCommand } = sdk('@aws-sdk/client-s3');
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
  const { GetObjectCommand, NoSuchKey } = sdk('@aws-sdk/client-s3');
  try {
    const result = await s3().send(new GetObjectCommand({ Bucket: env('DIGEST_BUCKET'), Key: key }));
    return await result.Body?.transformToString('utf8');
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
};

/**
 * The keys of a scope's digests, in order of number; from number `from` on (all by default). The keys
 * sort by number (digestKey), so S3 lists from there (`StartAfter` the key before it) and not from
 * the scope's first digest: an incremental verification lists a page, not the ten years of a scope.
 */
export const listDigestKeys = async (scope: string, from = 1): Promise<string[]> => {
  const { ListObjectsV2Command } = sdk('@aws-sdk/client-s3');
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3().send(
      new ListObjectsV2Command({
        Bucket: env('DIGEST_BUCKET'),
        Prefix: `digests/${scope}/`,
        ...(token
          ? { ContinuationToken: token }
          : from > 1
            ? { StartAfter: digestKey(scope, from - 1) }
            : {}),
      }),
    );
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
};

/** KMS signs the 32-byte SHA-256 `digestHash` (hex) as a digest: an ECDSA P-256 signature, DER, base64. */
export const signDigestHash = async (digestHash: string): Promise<{ signature: string; keyId: string }> => {
  const { SignCommand } = sdk('@aws-sdk/client-kms');
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
  if (publicKey) return publicKey;
  const { GetPublicKeyCommand } = sdk('@aws-sdk/client-kms');
  publicKey = kms()
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
