/**
 * The KMS stand-in's asymmetric keys (ECC_NIST_P256, SIGN_VERIFY): one ECDSA P-256 key pair per
 * configured key ARN, created at first use and kept under the data dir (`kms/<key id>.json`, mode
 * 0600), or in memory for a runtime in memory. Sign, Verify and GetPublicKey answer as KMS does:
 *
 * - `MessageType: 'DIGEST'`: the 32 bytes are the SHA-256 the ECDSA signature is computed over, not
 *   hashed again. node:crypto cannot sign a prehashed digest (`sign(null, digest, ecKey)` hashes it
 *   with SHA-256 once more), so the signature is computed here: the nonce's point k·G by OpenSSL
 *   (ECDH's public key of k), the rest is scalar arithmetic mod n (r = x(k·G), s = k⁻¹(z + r·d)).
 *   Such a signature is what `crypto.verify('sha256', message, publicKey, signature)` accepts for the
 *   message whose SHA-256 was signed (test/local/s3-kms-stand-ins.test.ts proves it).
 * - `MessageType: 'RAW'`: SHA-256 of the message, then ECDSA: `crypto.sign('sha256', …)`.
 * - Signatures are DER (ASN.1 SEQUENCE of r and s), as KMS returns them.
 *
 * A local key, not a protected one: BigInt arithmetic is not constant-time, and the private key is a
 * file. It signs local digests so that the verifier's path is the same; the key that matters is KMS's.
 */
import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AwsError } from './stepfunctions.ts';

export const KEY_SPEC = 'ECC_NIST_P256';
export const SIGNING_ALGORITHMS = ['ECDSA_SHA_256'] as const;

// P-256 (secp256r1, FIPS 186-4 D.1.2.3).
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
const inverse = (a: bigint, m: bigint): bigint => {
  // Extended Euclid: m is prime and a is not a multiple of it.
  let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
};
const toBigInt = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const to32Bytes = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');

/** DER: SEQUENCE { INTEGER r, INTEGER s }. */
const derSignature = (r: bigint, s: bigint): Buffer => {
  const integer = (n: bigint) => {
    let bytes = to32Bytes(n);
    while (bytes.length > 1 && bytes[0] === 0 && ((bytes[1] ?? 0) & 0x80) === 0) bytes = bytes.subarray(1);
    if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const body = Buffer.concat([integer(r), integer(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
};

/** r and s of a DER ECDSA signature, or undefined when it is none. */
const parseDerSignature = (der: Buffer): { r: bigint; s: bigint } | undefined => {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const integers: bigint[] = [];
  let at = 2;
  for (let i = 0; i < 2; i++) {
    const length = der[at + 1] ?? 0;
    if (der[at] !== 0x02 || length === 0 || at + 2 + length > der.length) return undefined;
    integers.push(toBigInt(der.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  if (at !== der.length) return undefined;
  const [r = 0n, s = 0n] = integers;
  return { r, s };
};

/** A point in Jacobian coordinates (x = X/Z², y = Y/Z³); Z = 0 is the point at infinity. */
type Point = readonly [x: bigint, y: bigint, z: bigint];
const INFINITY: Point = [1n, 1n, 0n];

/** Point arithmetic on P-256 (a = -3), for verifying only: public values, so timing does not matter. */
const double = ([x, y, z]: Point): Point => {
  if (z === 0n || y === 0n) return INFINITY;
  const delta = mod(z * z, P);
  const gamma = mod(y * y, P);
  const beta = mod(x * gamma, P);
  const alpha = mod(3n * (x - delta) * (x + delta), P);
  const x3 = mod(alpha * alpha - 8n * beta, P);
  return [
    x3,
    mod(alpha * (4n * beta - x3) - 8n * gamma * gamma, P),
    mod((y + z) * (y + z) - gamma - delta, P),
  ];
};
const add = (p: Point, q: Point): Point => {
  if (p[2] === 0n) return q;
  if (q[2] === 0n) return p;
  const [x1, y1, z1] = p;
  const [x2, y2, z2] = q;
  const z1z1 = mod(z1 * z1, P);
  const z2z2 = mod(z2 * z2, P);
  const u1 = mod(x1 * z2z2, P);
  const s1 = mod(y1 * z2 * z2z2, P);
  const h = mod(x2 * z1z1 - u1, P);
  const r = mod(y2 * z1 * z1z1 - s1, P);
  if (h === 0n) return r === 0n ? double(p) : INFINITY;
  const hh = mod(h * h, P);
  const hhh = mod(h * hh, P);
  const v = mod(u1 * hh, P);
  const x3 = mod(r * r - hhh - 2n * v, P);
  return [x3, mod(r * (v - x3) - s1 * hhh, P), mod(z1 * z2 * h, P)];
};
const multiply = (k: bigint, point: Point): Point => {
  let result = INFINITY;
  let addend = point;
  for (let n = k; n > 0n; n >>= 1n) {
    if (n & 1n) result = add(result, addend);
    addend = double(addend);
  }
  return result;
};
const affineX = ([x, , z]: Point): bigint | undefined =>
  z === 0n ? undefined : mod(x * inverse(mod(z * z, P), P), P);

/**
 * ECDSA P-256 over a 32-byte digest as it is (what KMS does for MessageType DIGEST): a DER signature.
 * The nonce is random (KMS's signatures are not deterministic either).
 */
export const signDigest = (digest: Buffer, privateKey: KeyObject): Buffer => {
  if (digest.length !== 32) throw new Error('An ECDSA_SHA_256 digest is 32 bytes');
  const d = toBigInt(Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url'));
  const z = toBigInt(digest);
  for (;;) {
    const k = toBigInt(randomBytes(32));
    if (k === 0n || k >= N) continue;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(to32Bytes(k));
    // Uncompressed: 0x04 ‖ x ‖ y of k·G.
    const r = mod(toBigInt(ecdh.getPublicKey().subarray(1, 33)), N);
    if (r === 0n) continue;
    const s = mod(inverse(k, N) * (z + r * d), N);
    if (s === 0n) continue;
    return derSignature(r, s);
  }
};

/** Whether a DER ECDSA P-256 signature is one over the 32-byte digest as it is (KMS Verify, DIGEST). */
export const verifyDigest = (digest: Buffer, publicKey: KeyObject, signature: Buffer): boolean => {
  const parsed = parseDerSignature(signature);
  if (!parsed || digest.length !== 32) return false;
  const { r, s } = parsed;
  if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
  const jwk = publicKey.export({ format: 'jwk' });
  const q: Point = [
    toBigInt(Buffer.from(jwk.x ?? '', 'base64url')),
    toBigInt(Buffer.from(jwk.y ?? '', 'base64url')),
    1n,
  ];
  const w = inverse(s, N);
  const x = affineX(add(multiply(mod(toBigInt(digest) * w, N), [GX, GY, 1n]), multiply(mod(r * w, N), q)));
  return x !== undefined && mod(x, N) === r;
};

/** The key id of a key ARN (`arn:aws:kms:…:key/<id>`), or the id itself. */
const keyIdOf = (arnOrId: string) =>
  arnOrId.includes(':key/') ? arnOrId.slice(arnOrId.indexOf(':key/') + 5) : arnOrId;

interface StoredKey {
  keyId: string;
  arn: string;
  keySpec: typeof KEY_SPEC;
  keyUsage: 'SIGN_VERIFY';
  createdAt: string;
  /** PKCS#8 PEM. */
  privateKey: string;
}

export interface SignInput {
  KeyId?: string;
  Message?: string;
  MessageType?: string;
  SigningAlgorithm?: string;
  Signature?: string;
}

/** The local KMS's signing keys: the configured ARNs, each also by its key id and `alias/<key id>`. */
export class LocalSigningKeys {
  private readonly keys = new Map<
    string,
    { stored: StoredKey; privateKey: KeyObject; publicKey: KeyObject }
  >();

  constructor(
    /** The key ARNs served (`arn:aws:kms:<region>:<account>:key/<key id>`). */
    readonly arns: readonly string[],
    /** Where the keys are kept (`<dataDir>/kms`); in memory when undefined. */
    private readonly dir: string | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The key ARN a KeyId names (the ARN, the key id, `alias/<key id>` or the alias ARN), or undefined. */
  resolve(keyId: string): string | undefined {
    return this.arns.find((arn) => {
      const id = keyIdOf(arn);
      const aliasArn = arn.replace(`:key/${id}`, `:alias/${id}`);
      return keyId === arn || keyId === id || keyId === `alias/${id}` || keyId === aliasArn;
    });
  }

  /** The key's ARN or NotFoundException, as KMS answers an unknown key. */
  arnOf(keyId: string | undefined): string {
    if (!keyId) throw new AwsError('ValidationException', 'KeyId is required');
    const arn = this.resolve(keyId);
    if (!arn)
      throw new AwsError(
        'NotFoundException',
        keyId.includes('alias/') ? `Alias ${keyId} is not found.` : `Key '${keyId}' does not exist`,
      );
    return arn;
  }

  private key(arn: string) {
    const held = this.keys.get(arn);
    if (held) return held;
    const keyId = keyIdOf(arn);
    const path = this.dir ? resolve(this.dir, `${keyId}.json`) : undefined;
    let stored: StoredKey;
    if (path && existsSync(path)) stored = JSON.parse(readFileSync(path, 'utf8')) as StoredKey;
    else {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      stored = {
        keyId,
        arn,
        keySpec: KEY_SPEC,
        keyUsage: 'SIGN_VERIFY',
        createdAt: this.now().toISOString(),
        privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      };
      if (path && this.dir) {
        mkdirSync(this.dir, { recursive: true, mode: 0o700 });
        const tmp = `${path}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify(stored, null, 2), { mode: 0o600 });
        chmodSync(tmp, 0o600);
        renameSync(tmp, path);
      }
    }
    const privateKey = createPrivateKey(stored.privateKey);
    const entry = { stored, privateKey, publicKey: createPublicKey(privateKey) };
    this.keys.set(arn, entry);
    return entry;
  }

  /** The public key as PEM (SubjectPublicKeyInfo): what an auditor verifies digests with. */
  publicKeyPem(keyId: string): string {
    return this.key(this.arnOf(keyId)).publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }

  getPublicKey(input: SignInput) {
    const arn = this.arnOf(input.KeyId);
    const der = this.key(arn).publicKey.export({ format: 'der', type: 'spki' });
    return {
      KeyId: arn,
      PublicKey: der.toString('base64'),
      CustomerMasterKeySpec: KEY_SPEC,
      KeySpec: KEY_SPEC,
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: [...SIGNING_ALGORITHMS],
    };
  }

  /** The message's bytes, checked as KMS checks them for the algorithm and the message type. */
  private message(input: SignInput): { bytes: Buffer; digest: boolean } {
    if (!input.SigningAlgorithm) throw new AwsError('ValidationException', 'SigningAlgorithm is required');
    if (!(SIGNING_ALGORITHMS as readonly string[]).includes(input.SigningAlgorithm))
      throw new AwsError(
        'InvalidKeyUsageException',
        `The signing algorithm ${input.SigningAlgorithm} is not supported by a key of spec ${KEY_SPEC}`,
      );
    const type = input.MessageType ?? 'RAW';
    if (type !== 'RAW' && type !== 'DIGEST')
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${type}' at 'messageType' failed to satisfy constraint: Member must satisfy enum value set: [DIGEST, RAW]`,
      );
    const bytes = Buffer.from(input.Message ?? '', 'base64');
    if (bytes.length < 1 || bytes.length > 4096)
      throw new AwsError(
        'ValidationException',
        "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length between 1 and 4096",
      );
    if (type === 'DIGEST' && bytes.length !== 32)
      throw new AwsError(
        'ValidationException',
        `Digest is invalid length for algorithm ${input.SigningAlgorithm}.`,
      );
    return { bytes, digest: type === 'DIGEST' };
  }

  sign(input: SignInput) {
    const arn = this.arnOf(input.KeyId);
    const { bytes, digest } = this.message(input);
    const { privateKey } = this.key(arn);
    const signature = digest ? signDigest(bytes, privateKey) : sign('sha256', bytes, privateKey);
    return { KeyId: arn, Signature: signature.toString('base64'), SigningAlgorithm: input.SigningAlgorithm };
  }

  verify(input: SignInput) {
    const arn = this.arnOf(input.KeyId);
    const { bytes, digest } = this.message(input);
    const { publicKey } = this.key(arn);
    const signature = Buffer.from(input.Signature ?? '', 'base64');
    const valid = digest
      ? verifyDigest(bytes, publicKey, signature)
      : verify('sha256', bytes, publicKey, signature);
    if (!valid) throw new AwsError('KMSInvalidSignatureException', '');
    return { KeyId: arn, SignatureValid: true, SigningAlgorithm: input.SigningAlgorithm };
  }
}

/**
 * The operator's way to a local key's public half without the product running: the PEM of the key
 * kept under `<dataDir>/kms` (its id, e.g. `helsekjop-audit-signing`, or its ARN), or undefined when
 * no digest was signed there yet (the key is made at first use). A running product serves it at
 * GET /_local/audit/public-key.
 */
export const localPublicKeyPem = (dataDir: string, keyId: string): string | undefined => {
  const path = resolve(dataDir, 'kms', `${keyIdOf(keyId)}.json`);
  if (!existsSync(path)) return undefined;
  const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredKey;
  return createPublicKey(createPrivateKey(stored.privateKey))
    .export({ format: 'pem', type: 'spki' })
    .toString();
};
