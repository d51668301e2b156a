/**
 * Signed audit digests (functions/domain/audit-digest.ts), without mocks: real chains, real P-256
 * keys. The point: a chain rewritten consistently (every hash recomputed) still passes verifyChain,
 * and only a digest signed before the rewrite catches it.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  GENESIS,
  hashEvent,
  recomputeHash,
  type StoredEvent,
  verifyChain,
} from '../../functions/domain/audit.ts';
import {
  type AuditAnomaly,
  type AuditDigest,
  coveredUpTo,
  digestHash,
  eventsToVerify,
  nextDigest,
  publicKeyFrom,
  signDigest,
  verifyAgainstDigests,
  verifyFromHead,
  verifySignedDigest,
} from '../../functions/domain/audit-digest.ts';
import { canonicalJson, sha256 } from '../../functions/shared/canonical.ts';

const SCOPE = 'helse-sor-ost';

/** Events as the store writes them (functions/adapters/store.ts): keys, index entries, the hash chain. */
const append = (
  chain: StoredEvent[],
  type: string,
  id: string,
  at: string,
  change: unknown,
): StoredEvent[] => {
  const seq = chain.length + 1;
  const unhashed = {
    aggregateType: type,
    aggregateId: id,
    seq,
    prevHash: chain.at(-1)?.hash ?? GENESIS,
    at,
    actor: { sub: 'u1', name: 'Kari Nordmann', role: 'officer' },
    entityId: SCOPE,
    action: seq === 1 ? `${type}.created` : `${type}.changed`,
    change,
  };
  return [
    ...chain,
    {
      PK: `AUDIT#${type}#${id}`,
      SK: `SEQ#${String(seq).padStart(10, '0')}`,
      GSI1PK: `ENTITY#${SCOPE}#AUDIT`,
      itemPK: `${type.toUpperCase()}#${id}`,
      itemSK: 'META',
      ...unhashed,
      hash: hashEvent(unhashed),
    },
  ];
};

const chainOf = (type: string, id: string, count: number, hour = 10): StoredEvent[] => {
  let chain: StoredEvent[] = [];
  for (let i = 0; i < count; i++)
    chain = append(chain, type, id, `2026-11-23T${hour}:${String(i).padStart(2, '0')}:00.000Z`, { step: i });
  return chain;
};

/** What someone with table access does: edit one event and recompute every hash from it on. */
const rewriteConsistently = (chain: StoredEvent[], seq: number, change: unknown): StoredEvent[] => {
  const out: StoredEvent[] = [];
  for (const e of chain) {
    const edited = { ...e, prevHash: out.at(-1)?.hash ?? GENESIS, ...(e.seq === seq ? { change } : {}) };
    out.push({ ...edited, hash: recomputeHash(edited) });
  }
  return out;
};

const keys = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicDer: publicKey.export({ type: 'spki', format: 'der' }),
  };
};

/** ECDSA over P-256 in plain arithmetic (SEC 1, 4.1): signs and verifies a given hash, as KMS DIGEST mode does. */
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const G = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};
type Point = { x: bigint; y: bigint } | undefined;
const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
const inverse = (a: bigint, m: bigint) => {
  let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
  while (r1) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  return mod(s0, m);
};
const add = (a: Point, b: Point): Point => {
  if (!a) return b;
  if (!b) return a;
  if (a.x === b.x && mod(a.y + b.y, P) === 0n) return undefined;
  const l =
    a.x === b.x && a.y === b.y
      ? mod((3n * a.x * a.x - 3n) * inverse(2n * a.y, P), P)
      : mod((b.y - a.y) * inverse(b.x - a.x, P), P);
  const x = mod(l * l - a.x - b.x, P);
  return { x, y: mod(l * (a.x - x) - a.y, P) };
};
const times = (k: bigint, point: Point): Point => {
  let result: Point;
  let addend = point;
  for (let n = k; n > 0n; n >>= 1n) {
    if (n & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
};
const fromB64url = (text: string) => BigInt(`0x${Buffer.from(text, 'base64url').toString('hex')}`);
const ecdsaVerify = (q: Point, z: bigint, [r, s]: [bigint, bigint]) => {
  const w = inverse(s, N);
  const point = add(times(mod(z * w, N), G), times(mod(r * w, N), q));
  return point !== undefined && mod(point.x, N) === r;
};
const ecdsaSign = (d: bigint, z: bigint): [bigint, bigint] => {
  const k = (BigInt(`0x${randomBytes(32).toString('hex')}`) % (N - 1n)) + 1n;
  const r = mod((times(k, G) as { x: bigint }).x, N);
  return [r, mod(inverse(k, N) * (z + r * d), N)];
};
/** DER ECDSA-Sig-Value: SEQUENCE { INTEGER r, INTEGER s } (short lengths: P-256 fits). */
const derToRs = (der: Buffer): [bigint, bigint] => {
  const rLength = der[3] as number;
  const r = der.subarray(4, 4 + rLength);
  const s = der.subarray(6 + rLength, 6 + rLength + (der[5 + rLength] as number));
  return [BigInt(`0x${r.toString('hex')}`), BigInt(`0x${s.toString('hex')}`)];
};
const rsToDer = ([r, s]: [bigint, bigint]) => {
  const int = (v: bigint) => {
    let hex = v.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
    const bytes = Buffer.from(hex, 'hex');
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const body = Buffer.concat([int(r), int(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
};

const byAggregate = (events: StoredEvent[]) => {
  const map = new Map<string, StoredEvent[]>();
  for (const e of events) map.set(String(e.PK), [...(map.get(String(e.PK)) ?? []), e]);
  return map;
};

describe('a digest', () => {
  const tender = chainOf('tender', 't-1', 3);
  const agreement = chainOf('agreement', 'a-1', 2);

  it('fixes the head of every chain that changed, sorted, linked to genesis; nothing when nothing changed', () => {
    const first = nextDigest(SCOPE, undefined, [...tender, ...agreement], [], '2026-11-23T11:00:00.000Z');
    expect(first).toEqual({
      version: 1,
      scope: SCOPE,
      number: 1,
      createdAt: '2026-11-23T11:00:00.000Z',
      from: '2026-11-23T10:00:00.000Z',
      to: '2026-11-23T11:00:00.000Z',
      previousDigestHash: GENESIS,
      heads: [
        { aggregate: 'agreement#a-1', seq: 2, hash: agreement[1]?.hash },
        { aggregate: 'tender#t-1', seq: 3, hash: tender[2]?.hash },
      ],
      anomalies: [],
    });
    expect(nextDigest(SCOPE, first, [], [], '2026-11-23T12:00:00.000Z')).toBeUndefined();

    const more = append(tender, 'tender', 't-1', '2026-11-23T11:30:00.000Z', { step: 'late' });
    const second = nextDigest(SCOPE, first, more.slice(3), [], '2026-11-23T12:00:00.000Z') as AuditDigest;
    expect(second.number).toBe(2);
    expect(second.from).toBe(first?.createdAt);
    expect(second.previousDigestHash).toBe(digestHash(first as AuditDigest));
    expect(second.heads).toEqual([{ aggregate: 'tender#t-1', seq: 4, hash: more[3]?.hash }]);
    expect(verifyAgainstDigests([...more, ...agreement], [first as AuditDigest, second])).toEqual([]);
  });

  it('hashes its canonical JSON: the hash an auditor computes with sha256 over the sorted-key JSON', () => {
    const d = nextDigest(SCOPE, undefined, tender, [], '2026-11-23T11:00:00.000Z') as AuditDigest;
    expect(digestHash(d)).toBe(sha256(canonicalJson(d)));
    expect(digestHash(d)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a previous digest of another scope', () => {
    const d = nextDigest('global', undefined, tender, [], '2026-11-23T11:00:00.000Z');
    expect(() => nextDigest(SCOPE, d, tender, [], '2026-11-23T12:00:00.000Z')).toThrow(/scope global/);
  });
});

describe('a consistent rewrite', () => {
  const tender = chainOf('tender', 't-1', 4);
  const agreement = chainOf('agreement', 'a-1', 3);
  const digest = nextDigest(
    SCOPE,
    undefined,
    [...tender, ...agreement],
    [],
    '2026-11-23T11:00:00.000Z',
  ) as AuditDigest;

  it('passes verifyChain, and is caught by the digest signed before it', () => {
    const rewritten = rewriteConsistently(tender, 2, { step: 'what the officer wishes had happened' });
    expect(rewritten[1]?.change).toEqual({ step: 'what the officer wishes had happened' });
    expect(verifyChain(rewritten)).toEqual([]);
    const findings = verifyAgainstDigests([...rewritten, ...agreement], [digest]);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'digest-mismatch',
        aggregate: 'tender#t-1',
        seq: 4,
        digest: { scope: SCOPE, number: 1 },
      }),
    ]);
    expect(findings[0]?.detail).toMatch(/rewritten after 2026-11-23T11:00:00.000Z/);
  });

  it('is caught when only the head was edited and its stored hash left as signed', () => {
    const edited = tender.map((e) => (e.seq === 4 ? { ...e, change: { step: 'edited' } } : e));
    const findings = verifyAgainstDigests([...edited, ...agreement], [digest]);
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'digest-mismatch', aggregate: 'tender#t-1', seq: 4 }),
    ]);
    expect(findings[0]?.detail).toMatch(/no longer the content/);
  });

  it('a truncated chain, or a chain gone, is missing', () => {
    expect(verifyAgainstDigests([...tender.slice(0, 3), ...agreement], [digest])).toEqual([
      expect.objectContaining({ kind: 'missing', aggregate: 'tender#t-1', seq: 4 }),
    ]);
    expect(verifyAgainstDigests(tender, [digest])).toEqual([
      expect.objectContaining({ kind: 'missing', aggregate: 'agreement#a-1', seq: 3 }),
    ]);
  });

  it('a later digest that names an earlier head than an earlier digest is a conflict', () => {
    const rewritten = rewriteConsistently(tender.slice(0, 2), 2, { step: 'x' });
    const later = nextDigest(
      SCOPE,
      digest,
      rewritten.slice(1),
      [],
      '2026-11-23T12:00:00.000Z',
    ) as AuditDigest;
    const findings = verifyAgainstDigests([...rewritten, ...agreement], [digest, later]);
    expect(findings.map((f) => f.kind).sort()).toEqual(['head-conflict', 'missing']);
  });
});

describe('signatures', () => {
  const { privateKey, publicKey, publicDer } = keys();
  const digest = nextDigest(
    SCOPE,
    undefined,
    chainOf('tender', 't-1', 2),
    [],
    '2026-11-23T11:00:00.000Z',
  ) as AuditDigest;
  const signed = signDigest(digest, privateKey, 'local-key');

  it('verify with the public key alone, PEM or the DER KMS GetPublicKey returns', () => {
    expect(signed.algorithm).toBe('ECDSA_SHA_256');
    expect(signed.digestHash).toBe(digestHash(digest));
    expect(verifySignedDigest(signed, publicKey)).toBe(true);
    expect(verifySignedDigest(signed, publicKeyFrom(publicDer))).toBe(true);
    expect(verifySignedDigest(signed, publicDer)).toBe(true);
  });

  it('a tampered digest fails, whether its stated hash was updated or not; so does another key', () => {
    const tampered = { ...digest, heads: digest.heads.map((h) => ({ ...h, seq: 1 })) };
    expect(verifySignedDigest({ ...signed, digest: tampered }, publicKey)).toBe(false);
    expect(
      verifySignedDigest({ ...signed, digest: tampered, digestHash: digestHash(tampered) }, publicKey),
    ).toBe(false);
    expect(verifySignedDigest(signed, keys().publicKey)).toBe(false);
    expect(verifySignedDigest({ ...signed, signature: 'bm90IGEgc2lnbmF0dXJl' }, publicKey)).toBe(false);
  });

  it('are KMS DIGEST-mode signatures: plain ECDSA P-256 over the 32 bytes of digestHash, both ways', () => {
    const { privateKey: keyObject, publicKey: pub } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = keyObject.export({ format: 'jwk' });
    const z = BigInt(`0x${signed.digestHash}`);
    const Q = { x: fromB64url(jwk.x as string), y: fromB64url(jwk.y as string) };
    // What we sign (node hashes the canonical bytes) verifies as an ECDSA signature of the hash itself.
    const ours = signDigest(digest, keyObject, 'k');
    expect(ecdsaVerify(Q, z, derToRs(Buffer.from(ours.signature, 'base64')))).toBe(true);
    // And what KMS returns for MessageType DIGEST (an ECDSA signature of the given hash, no hashing of
    // its own), made here from the private scalar, verifies with verifySignedDigest.
    const kms = ecdsaSign(fromB64url(jwk.d as string), z);
    expect(verifySignedDigest({ ...ours, signature: rsToDer(kms).toString('base64') }, pub)).toBe(true);
    expect(
      verifySignedDigest(
        { ...ours, signature: rsToDer(ecdsaSign(fromB64url(jwk.d as string), z + 1n)).toString('base64') },
        pub,
      ),
    ).toBe(false);
  });
});

describe('the chain of digests', () => {
  const tender = chainOf('tender', 't-1', 6);
  const d1 = nextDigest(SCOPE, undefined, tender.slice(0, 2), [], '2026-11-23T11:00:00.000Z') as AuditDigest;
  const d2 = nextDigest(SCOPE, d1, tender.slice(2, 4), [], '2026-11-23T12:00:00.000Z') as AuditDigest;
  const d3 = nextDigest(SCOPE, d2, tender.slice(4), [], '2026-11-23T13:00:00.000Z') as AuditDigest;

  it('links', () => {
    expect(verifyAgainstDigests(tender, [d3, d1, d2])).toEqual([]);
  });

  it('a removed digest breaks it', () => {
    expect(verifyAgainstDigests(tender, [d1, d3])).toEqual([
      expect.objectContaining({
        kind: 'digest-chain',
        digest: { scope: SCOPE, number: 3 },
        detail: expect.stringMatching(/Digest 2 of helse-sor-ost missing/),
      }),
    ]);
    expect(verifyAgainstDigests(tender, [d2, d3])).toEqual([
      expect.objectContaining({ kind: 'digest-chain', digest: { scope: SCOPE, number: 2 } }),
    ]);
    // Unless the caller checked the earlier ones before.
    expect(verifyAgainstDigests(tender, [d2, d3], { complete: false })).toEqual([]);
  });

  it('a replaced digest breaks the link of the one after it; two different digests of one number clash', () => {
    const forged = { ...d2, heads: [] };
    expect(verifyAgainstDigests(tender, [d1, forged, d3])).toEqual([
      expect.objectContaining({
        kind: 'digest-chain',
        digest: { scope: SCOPE, number: 3 },
        detail: expect.stringMatching(/does not follow digest 2/),
      }),
    ]);
    expect(verifyAgainstDigests(tender, [d1, d2, forged, d3])).toEqual([
      expect.objectContaining({
        kind: 'digest-chain',
        detail: 'Two different digests are number 2 of helse-sor-ost',
      }),
    ]);
  });

  it('digests made after the events were read check as digests, not their heads', () => {
    expect(verifyAgainstDigests(tender.slice(0, 4), [d1, d2, d3])).toEqual([
      expect.objectContaining({ kind: 'missing', seq: 6, digest: { scope: SCOPE, number: 3 } }),
    ]);
    expect(
      verifyAgainstDigests(tender.slice(0, 4), [d1, d2, d3], { asOf: '2026-11-23T12:30:00.000Z' }),
    ).toEqual([]);
  });
});

describe('anomalies the stream watcher saw', () => {
  it('make a digest by themselves, and surface as findings with the chain and event they hit', () => {
    const tender = chainOf('tender', 't-1', 3);
    const d1 = nextDigest(SCOPE, undefined, tender, [], '2026-11-23T11:00:00.000Z') as AuditDigest;
    const overwrite: AuditAnomaly = {
      at: '2026-11-23T11:20:00.000Z',
      kind: 'modified',
      key: { PK: 'AUDIT#tender#t-1', SK: 'SEQ#0000000002' },
      detail: 'MODIFY seen on the table stream',
    };
    const d2 = nextDigest(SCOPE, d1, [], [overwrite], '2026-11-23T12:00:00.000Z') as AuditDigest;
    expect(d2.heads).toEqual([]);
    expect(d2.anomalies).toEqual([overwrite]);
    expect(d2.from).toBe(d1.createdAt);
    const findings = verifyAgainstDigests(tender, [d1, d2]);
    expect(findings).toEqual([
      {
        kind: 'anomaly',
        aggregate: 'tender#t-1',
        seq: 2,
        digest: { scope: SCOPE, number: 2 },
        detail: expect.stringMatching(/AUDIT#tender#t-1 SEQ#0000000002 was overwritten: MODIFY seen/),
      },
    ]);
  });

  it('the first digest of a scope may be only anomalies: its period starts at the first', () => {
    const d = nextDigest(
      'global',
      undefined,
      [],
      [
        {
          at: '2026-11-23T10:05:00.000Z',
          kind: 'removed',
          key: { PK: 'AUDIT#supplier#s-1', SK: 'SEQ#0000000001' },
          detail: '',
        },
      ],
      '2026-11-23T11:00:00.000Z',
    );
    expect(d?.from).toBe('2026-11-23T10:05:00.000Z');
    expect(verifyAgainstDigests([], [d as AuditDigest])[0]?.detail).toMatch(/was deleted$/);
  });
});

describe('incremental verification', () => {
  const tender = chainOf('tender', 't-1', 5);
  const agreement = chainOf('agreement', 'a-1', 2);
  const fresh = chainOf('tender', 't-2', 2, 12);
  const d1 = nextDigest(
    SCOPE,
    undefined,
    [...tender.slice(0, 2), ...agreement],
    [],
    '2026-11-23T11:00:00.000Z',
  ) as AuditDigest;
  const d2 = nextDigest(SCOPE, d1, tender.slice(2, 4), [], '2026-11-23T11:30:00.000Z') as AuditDigest;
  const all = [...tender, ...agreement, ...fresh];

  it('needs only the events after each latest digested head (and all of a chain no digest names)', () => {
    const covered = coveredUpTo([d1, d2]);
    expect(Object.fromEntries([...covered].map(([a, h]) => [a, [h.seq, h.number]]))).toEqual({
      'tender#t-1': [4, 2],
      'agreement#a-1': [2, 1],
    });
    expect(eventsToVerify(all, covered).map((e) => `${e.aggregateId}:${e.seq}`)).toEqual([
      't-1:5',
      't-2:1',
      't-2:2',
    ]);
  });

  it('the heads against the latest digests and the rest from the heads finds what a full verification finds', () => {
    const check = (events: StoredEvent[]) => {
      const covered = coveredUpTo([d1, d2]);
      // What a server reads: each chain from its covered head on.
      const read = events.filter(
        (e) => e.seq >= (covered.get(`${e.aggregateType}#${e.aggregateId}`)?.seq ?? 0),
      );
      const findings: { kind: string }[] = verifyAgainstDigests(read, [d2], {
        heads: 'latest',
        complete: false,
      });
      for (const [pk, chain] of byAggregate(eventsToVerify(read, covered)))
        findings.push(...verifyFromHead(covered.get(pk.slice('AUDIT#'.length)), chain));
      return findings.map((f) => f.kind);
    };
    expect(check(all)).toEqual([]);
    // A rewrite of what digest 2 fixed: the head is not the signed one, and the event after it no
    // longer follows the signed head.
    expect(check([...rewriteConsistently(tender, 3, { step: 'x' }), ...agreement, ...fresh])).toEqual([
      'digest-mismatch',
      'reordered',
    ]);
    // An edit after the head.
    expect(
      check(all.map((e) => (e.aggregateId === 't-1' && e.seq === 5 ? { ...e, change: 'x' } : e))),
    ).toEqual(['edited']);
    // An event after the head, hashed right, that does not follow it.
    const unlinked = { ...(tender[4] as StoredEvent), prevHash: GENESIS };
    unlinked.hash = recomputeHash(unlinked);
    expect(check([...tender.slice(0, 4), unlinked, ...agreement, ...fresh])).toEqual(['reordered']);
  });

  it('verifyFromHead follows the head number by number and link by link, and compares the aggregate', () => {
    const head = { aggregate: 'tender#t-1', seq: 4, hash: tender[3]?.hash as string };
    expect(verifyFromHead(head, tender.slice(4), { version: 5, auditHead: tender[4]?.hash })).toEqual([]);
    expect(verifyFromHead(head, [], { version: 4, auditHead: head.hash })).toEqual([]);
    expect(verifyFromHead({ ...head, hash: GENESIS }, tender.slice(4)).map((f) => f.kind)).toEqual([
      'reordered',
    ]);
    expect(verifyFromHead({ ...head, seq: 3 }, tender.slice(4)).map((f) => f.kind)).toEqual(['gap']);
    expect(verifyFromHead(head, [], { version: 5, auditHead: 'x' }).map((f) => f.kind)).toEqual([
      'aggregate-mismatch',
    ]);
    expect(verifyFromHead(undefined, tender)).toEqual(verifyChain(tender));
  });
});
