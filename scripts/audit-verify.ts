/**
 * The offline audit verifier (issue 14): what an auditor runs on their own machine with an export of
 * the events, the signed digest files and the signing key's public key. It never contacts a server;
 * functions/domain/audit-digest.ts describes the digests and why they catch what the hash chain
 * alone cannot.
 */

import type { KeyObject } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { type StoredEvent, verifyChain } from '../functions/domain/audit.ts';
import {
  type AuditDigest,
  type AuditExport,
  aggregateOf,
  coveredUpTo,
  digestHash,
  publicKeyFrom,
  type SignedDigest,
  verifyAgainstDigests,
  verifySignedDigest,
} from '../functions/domain/audit-digest.ts';
import { commandLine } from '../local/cli.ts';

const USAGE = `
Usage: npm run audit:verify -- --export <file> --digests <dir> --public-key <file> [--json]

Verifies an export of the audit trail on your machine, without the server and without trusting
whoever runs it. Nothing is contacted: it reads the three inputs and nothing else.

  --export <file>       the export of one scope's audit events: JSON { scope, exportedAt, events }
  --digests <dir>       the signed digest files, every *.json under it (read recursively): a copy of
                        the digest bucket, e.g. aws s3 sync s3://<digest bucket>/ <dir>
  --public-key <file>   the public key of the digest signing key: PEM, or the DER that KMS gives
                        (aws kms get-public-key --key-id <key> --query PublicKey --output text
                        | base64 -d > key.der); repeat it for the keys of earlier years
  --json                print the report as JSON

It checks, for the export's scope:
  - each digest file: its hash is the SHA-256 of its digest's canonical JSON, and its signature
    (ECDSA P-256, as KMS signs) verifies with the public key;
  - the digests link: numbers 1, 2, 3… without a gap, each naming the previous one's hash;
  - each chain of events: numbers without gaps, each event's hash over its content and the previous
    event's hash (an edited event, a missing one, one out of place);
  - each chain head a digest signed is still the stored event, with the same hash and content: a
    chain rewritten after a digest, even with every hash recomputed, no longer matches it;
  - the anomalies the digests recorded: audit items overwritten, deleted or given a time to live.
Digests created after the export's exportedAt are checked as digests, not against its events.
Events after the latest digest are checked by their hashes only: run it again after the next
digest (hourly) to have them fixed by a signature too.

Exit status: 0 when all is well, 1 with findings, 2 when an input is missing or unreadable.
`;

/** One thing found wrong, from any of the checks. */
export interface ReportFinding {
  kind: string;
  aggregate?: string;
  seq?: number;
  digest?: { scope: string; number: number };
  file?: string;
  detail: string;
}

export interface VerificationReport {
  ok: boolean;
  scope: string;
  exportedAt: string;
  digests: {
    files: number;
    ofScope: number;
    otherScopes: number;
    numbers?: { first: number; last: number };
    lastTo?: string;
    afterExport: number;
  };
  chains: { count: number; events: number; covered: number; afterLatestDigest: number };
  warnings: string[];
  findings: ReportFinding[];
}

class UsageError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const isSignedDigest = (v: unknown): v is SignedDigest => {
  if (!isRecord(v) || !isRecord(v.digest)) return false;
  const d = v.digest;
  return (
    typeof v.signature === 'string' &&
    typeof v.digestHash === 'string' &&
    typeof d.scope === 'string' &&
    Number.isInteger(d.number) &&
    typeof d.createdAt === 'string' &&
    typeof d.to === 'string' &&
    typeof d.previousDigestHash === 'string' &&
    Array.isArray(d.heads) &&
    Array.isArray(d.anomalies)
  );
};

const jsonFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return jsonFiles(path);
      return entry.isFile() && entry.name.endsWith('.json') ? [path] : [];
    })
    .sort();

/** The chains of the export, each in stored order (by sort key, else by sequence number). */
const chainsOf = (events: StoredEvent[]) => {
  const chains = new Map<string, StoredEvent[]>();
  for (const e of events) chains.set(aggregateOf(e), [...(chains.get(aggregateOf(e)) ?? []), e]);
  for (const chain of chains.values())
    chain.sort((a, b) =>
      a.SK && b.SK ? (String(a.SK) < String(b.SK) ? -1 : String(a.SK) > String(b.SK) ? 1 : 0) : a.seq - b.seq,
    );
  return chains;
};

/** The verification itself, over inputs already read: pure but for the signature checks. */
export const verifyExport = (
  exported: AuditExport,
  files: { file: string; content: unknown }[],
  keys: KeyObject[],
): VerificationReport => {
  const findings: ReportFinding[] = [];
  const warnings: string[] = [];
  const valid: AuditDigest[] = [];
  for (const { file, content } of files) {
    if (!isSignedDigest(content)) {
      findings.push({ kind: 'signature', file, detail: `${file} is not a signed digest` });
      continue;
    }
    if (!keys.some((key) => verifySignedDigest(content, key))) {
      const where = { scope: content.digest.scope, number: content.digest.number };
      findings.push({
        kind: 'signature',
        file,
        digest: where,
        detail: `${file} (digest ${where.number} of ${where.scope}): ${
          digestHash(content.digest) !== content.digestHash
            ? 'its digestHash is not the hash of its digest: the digest was changed after it was signed'
            : 'its signature does not verify with the public key: it was changed, or signed by another key'
        }`,
      });
      continue;
    }
    valid.push(content.digest);
  }
  const ofScope = valid.filter((d) => d.scope === exported.scope);
  const afterExport = ofScope.filter((d) => d.createdAt > exported.exportedAt);
  const numbers = ofScope.map((d) => d.number);
  const events = exported.events;
  const chains = chainsOf(events);

  for (const chain of chains.values()) findings.push(...verifyChain(chain));
  // Chains the export leaves out (sealed bids before their opening) are not missing: they are withheld.
  const withheld = new Map((exported.withheld ?? []).map((w) => [w.aggregate, w.reason]));
  findings.push(
    ...verifyAgainstDigests(events, ofScope, { asOf: exported.exportedAt }).filter(
      (f) => !(f.kind === 'missing' && f.aggregate && withheld.has(f.aggregate)),
    ),
  );
  if (withheld.size)
    warnings.push(
      `${withheld.size} chain(s) withheld from the export (${[...new Set(withheld.values())].join('; ')}): their digest heads were not compared`,
    );

  const covered = coveredUpTo(ofScope.filter((d) => d.createdAt <= exported.exportedAt));
  let after = 0;
  for (const [aggregate, chain] of chains)
    if (Math.max(...chain.map((e) => e.seq)) > (covered.get(aggregate)?.seq ?? 0)) after++;
  if (!ofScope.length && events.length)
    warnings.push(
      `No valid signed digest of ${exported.scope}: only the chains were checked, and a chain rewritten consistently passes that`,
    );
  else if (after)
    warnings.push(
      `${after} chain(s) changed after the latest digest before the export: those changes are checked by their hashes only`,
    );
  const lastTo = ofScope
    .filter((d) => d.createdAt <= exported.exportedAt)
    .map((d) => d.to)
    .sort()
    .at(-1);
  return {
    ok: findings.length === 0,
    scope: exported.scope,
    exportedAt: exported.exportedAt,
    digests: {
      files: files.length,
      ofScope: ofScope.length,
      otherScopes: valid.length - ofScope.length,
      ...(numbers.length ? { numbers: { first: Math.min(...numbers), last: Math.max(...numbers) } } : {}),
      ...(lastTo ? { lastTo } : {}),
      afterExport: afterExport.length,
    },
    chains: {
      count: chains.size,
      events: events.length,
      covered: chains.size - after,
      afterLatestDigest: after,
    },
    warnings,
    findings,
  };
};

const place = (f: ReportFinding) =>
  [
    f.aggregate ? `${f.aggregate}${f.seq !== undefined ? ` event ${f.seq}` : ''}` : undefined,
    f.digest ? `digest ${f.digest.number} of ${f.digest.scope}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');

export const textReport = (r: VerificationReport): string => {
  const lines = [
    `Audit verification of ${r.scope}, exported ${r.exportedAt} (offline: nothing was contacted)`,
    '',
    `Digests: ${r.digests.files} file(s) read; ${r.digests.ofScope} valid of ${r.scope}${
      r.digests.numbers ? ` (numbers ${r.digests.numbers.first}–${r.digests.numbers.last})` : ''
    }${r.digests.lastTo ? `, the latest before the export up to ${r.digests.lastTo}` : ''}${
      r.digests.afterExport ? `; ${r.digests.afterExport} made after the export` : ''
    }${r.digests.otherScopes ? `; ${r.digests.otherScopes} of other scopes (not checked against this export)` : ''}`,
    `Chains: ${r.chains.count} chain(s), ${r.chains.events} event(s); ${r.chains.covered} fixed by a digest up to their last event, ${r.chains.afterLatestDigest} with events after the latest digest`,
    ...r.warnings.map((w) => `Warning: ${w}`),
    '',
  ];
  if (!r.findings.length) lines.push('Findings: none. The export is what the digests signed.');
  else {
    lines.push(`Findings (${r.findings.length}):`);
    for (const f of r.findings) {
      const where = place(f);
      lines.push(`  ${f.kind}${where ? `  ${where}` : ''}`, `      ${f.detail}`);
    }
  }
  return lines.join('\n');
};

const readJson = (file: string, what: string): unknown => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the ${what} ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The ${what} ${file} is not JSON: ${(error as Error).message}`);
  }
};

const main = () => {
  const { values } = commandLine(USAGE, {
    export: { type: 'string' },
    digests: { type: 'string' },
    'public-key': { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
  });
  const missing = (['export', 'digests', 'public-key'] as const).filter((o) => !values[o]?.length);
  if (missing.length) throw new UsageError(`Missing ${missing.map((o) => `--${o}`).join(', ')}`);
  const exportFile = resolve(values.export as string);
  const digestDir = resolve(values.digests as string);

  const exported = readJson(exportFile, 'export');
  if (
    !isRecord(exported) ||
    typeof exported.scope !== 'string' ||
    typeof exported.exportedAt !== 'string' ||
    !Array.isArray(exported.events) ||
    !exported.events.every((e) => isRecord(e) && Number.isInteger(e.seq))
  )
    throw new UsageError(`The export ${exportFile} is not { scope, exportedAt, events: [{ seq, … }, …] }`);

  const keys = (values['public-key'] as string[]).map((file) => {
    try {
      return publicKeyFrom(readFileSync(file));
    } catch (error) {
      throw new UsageError(`Cannot read the public key ${file}: ${(error as Error).message}`);
    }
  });

  let paths: string[];
  try {
    if (!statSync(digestDir).isDirectory()) throw new Error('not a directory');
    paths = jsonFiles(digestDir);
  } catch (error) {
    throw new UsageError(`Cannot read the digests in ${digestDir}: ${(error as Error).message}`);
  }
  const files = paths.map((path) => {
    const file = relative(digestDir, path);
    try {
      return { file, content: JSON.parse(readFileSync(path, 'utf8')) as unknown };
    } catch {
      return { file, content: undefined };
    }
  });

  const report = verifyExport(exported as unknown as AuditExport, files, keys);
  console.log(values.json ? JSON.stringify(report, null, 2) : textReport(report));
  process.exitCode = report.ok ? 0 : 1;
};

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  try {
    main();
  } catch (error) {
    // Nothing could be verified: not a finding (1), the inputs are wrong.
    console.error(error instanceof UsageError ? `${error.message}\n${USAGE}` : (error as Error).stack);
    process.exit(2);
  }
}
