/**
 * The signed digests of a scope as the audit API checks them (docs/audit.md): read from the locked
 * bucket, each signature verified with the signing key's public half, then the stored events
 * compared with what was signed (functions/domain/audit-digest.ts).
 */
import { getDigestObject, listDigestKeys, signingPublicKey } from '../adapters/audit-archive.ts';
import type { StoredEvent } from '../domain/audit.ts';
import {
  type AuditDigest,
  type DigestFinding,
  type SignedDigest,
  verifyAgainstDigests,
  verifySignedDigest,
} from '../domain/audit-digest.ts';

const READ_AT_ONCE = 16;

export interface ScopeDigests {
  digests: AuditDigest[];
  /** Files that are no signed digest, or whose signature does not verify. */
  findings: DigestFinding[];
}

/** A scope's digests from number `from` on (all by default), their signatures checked. */
export const scopeDigests = async (scope: string, from = 1): Promise<ScopeDigests> => {
  // Listed from number `from` on (S3 StartAfter): an incremental verification lists what came after
  // the digest it starts from, not the scope's history (a digest every busy hour for ten years).
  const listed = await listDigestKeys(scope, from);
  const publicKey = listed.length ? await signingPublicKey() : undefined;
  const digests: AuditDigest[] = [];
  const findings: DigestFinding[] = [];
  // Read side by side, a few at a time: an entity has a digest for every hour it was busy.
  const bodies: (string | undefined)[] = [];
  for (let i = 0; i < listed.length; i += READ_AT_ONCE)
    bodies.push(...(await Promise.all(listed.slice(i, i + READ_AT_ONCE).map((key) => getDigestObject(key)))));
  for (const [i, key] of listed.entries()) {
    const body = bodies[i];
    let signed: SignedDigest | undefined;
    try {
      signed = body ? (JSON.parse(body) as SignedDigest) : undefined;
    } catch {
      signed = undefined;
    }
    if (!signed?.digest || !publicKey || !verifySignedDigest(signed, publicKey)) {
      findings.push({ kind: 'signature', detail: `${key} is no digest signed by the audit signing key` });
      continue;
    }
    digests.push(signed.digest);
  }
  return { digests, findings };
};

/**
 * The events against the scope's digests. `only`: the aggregates the events cover (a tender's
 * verification), whose digest heads alone are compared; the digests' own links are always checked.
 */
export const digestFindings = (
  events: StoredEvent[],
  scope: ScopeDigests,
  options: { only?: Set<string>; complete?: boolean } = {},
): DigestFinding[] => {
  const { only } = options;
  const found = verifyAgainstDigests(events, scope.digests, {
    complete: options.complete ?? true,
    heads: options.complete === false ? 'latest' : 'all',
    ...(only ? { only } : {}),
  });
  return [...scope.findings, ...(only ? found.filter((f) => !f.aggregate || only.has(f.aggregate)) : found)];
};

/** The summary a verification shows of the digests it used. */
export const digestSummary = (scope: string, d: ScopeDigests) => {
  const latest = d.digests.at(-1);
  return {
    scope,
    checked: d.digests.length,
    ...(latest ? { latest: { number: latest.number, to: latest.to } } : {}),
  };
};
