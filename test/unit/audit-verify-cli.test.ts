/**
 * `npm run audit:verify` (scripts/audit-verify.ts) as an auditor runs it: a child process over files
 * in a temporary folder, an export, signed digests and a public key, nothing else.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { GENESIS, recomputeHash, type StoredEvent } from '../../functions/domain/audit.ts';
import {
  type AuditDigest,
  type AuditExport,
  nextDigest,
  signDigest,
} from '../../functions/domain/audit-digest.ts';
import { projectRoot } from '../../local/functions.ts';

const SCOPE = 'helse-vest';

const run = async (args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      resolve(projectRoot, 'node_modules/.bin/tsx'),
      ['scripts/audit-verify.ts', ...args],
      // No endpoint, no credentials: it must not need them.
      {
        cwd: projectRoot,
        env: { ...process.env, HELSEKJOP_API: '', AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

const chainOf = (type: string, id: string, count: number, change = (i: number): unknown => ({ step: i })) => {
  const chain: StoredEvent[] = [];
  for (let i = 0; i < count; i++) {
    const seq = i + 1;
    const event = {
      PK: `AUDIT#${type}#${id}`,
      SK: `SEQ#${String(seq).padStart(10, '0')}`,
      aggregateType: type,
      aggregateId: id,
      seq,
      prevHash: chain.at(-1)?.hash ?? GENESIS,
      at: `2026-11-23T10:${String(i).padStart(2, '0')}:00.000Z`,
      actor: { sub: 'u1', name: 'Ola Nordmann', role: 'officer' },
      entityId: SCOPE,
      action: `${type}.changed`,
      change: change(i),
      hash: '',
    };
    chain.push({ ...event, hash: recomputeHash(event) });
  }
  return chain;
};

const dir = mkdtempSync(join(tmpdir(), 'helsekjop-audit-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
writeFileSync(join(dir, 'key.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
writeFileSync(join(dir, 'key.der'), publicKey.export({ type: 'spki', format: 'der' }));

const tender = chainOf('tender', 't-1', 3);
const agreement = chainOf('agreement', 'a-1', 2);
const d1 = nextDigest(
  SCOPE,
  undefined,
  [...tender, ...agreement],
  [],
  '2026-11-23T11:00:00.000Z',
) as AuditDigest;
const d2 = nextDigest(
  SCOPE,
  d1,
  [],
  [
    {
      at: '2026-11-23T11:10:00.000Z',
      kind: 'removed',
      key: { PK: 'AUDIT#tender#t-9', SK: 'SEQ#0000000001' },
      detail: 'REMOVE seen on the table stream',
    },
  ],
  '2026-11-23T12:00:00.000Z',
) as AuditDigest;

const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
};

const exportOf = (events: StoredEvent[]): AuditExport => ({
  scope: SCOPE,
  exportedAt: '2026-11-23T11:30:00.000Z',
  events,
});

// Digests as the bucket keeps them, one folder per scope.
const good = join(dir, 'good');
write(`good/${SCOPE}/0001.json`, signDigest(d1, privateKey, 'local-key'));
write('good/global/0001.json', signDigest({ ...d1, scope: 'global' }, privateKey, 'local-key'));

const base = (exportFile: string, digests = good) => [
  '--export',
  exportFile,
  '--digests',
  digests,
  '--public-key',
  join(dir, 'key.pem'),
];

describe('npm run audit:verify', () => {
  it('exits 0 on an export the digests signed, with or without --json, with the PEM or the DER key', async () => {
    const exportFile = write('export.json', exportOf([...tender, ...agreement]));
    const text = await run(base(exportFile));
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Audit verification of ${SCOPE}`);
    expect(text.stdout).toContain('1 valid of helse-vest (numbers 1–1)');
    expect(text.stdout).toContain('1 of other scopes');
    expect(text.stdout).toContain('Chains: 2 chain(s), 5 event(s); 2 fixed by a digest');
    expect(text.stdout).toContain('Findings: none');

    const json = await run([...base(exportFile), '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, scope: SCOPE, findings: [], warnings: [] });

    const der = await run(['--export', exportFile, '--digests', good, '--public-key', join(dir, 'key.der')]);
    expect(der.code).toBe(0);
  });

  it('exits 1 on a chain rewritten consistently after the digest, naming the chain, the event and the digest', async () => {
    const rewritten = chainOf('tender', 't-1', 3, (i) => (i === 1 ? { step: 'rewritten' } : { step: i }));
    const exportFile = write('rewritten.json', exportOf([...rewritten, ...agreement]));
    const { code, stdout } = await run(base(exportFile));
    expect(code).toBe(1);
    expect(stdout).toContain('Findings (1):');
    expect(stdout).toMatch(/digest-mismatch {2}tender#t-1 event 3, digest 1 of helse-vest/);
    expect(stdout).toContain('rewritten after 2026-11-23T11:00:00.000Z');
  });

  it('exits 1 on a tampered digest file, a missing digest, and reports the anomalies digests recorded', async () => {
    const exportFile = write('export.json', exportOf([...tender, ...agreement]));
    write('tampered/0001.json', { ...signDigest(d1, privateKey, 'k'), digest: { ...d1, heads: [] } });
    const tampered = await run(base(exportFile, join(dir, 'tampered')));
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/signature {2}digest 1 of helse-vest/);
    expect(tampered.stdout).toContain('the digest was changed after it was signed');
    expect(tampered.stdout).toContain('Warning: No valid signed digest of helse-vest');

    const d3 = nextDigest(SCOPE, d2, tender.slice(2), [], '2026-11-23T13:00:00.000Z') as AuditDigest;
    write('gap/0001.json', signDigest(d1, privateKey, 'k'));
    write('gap/0003.json', signDigest(d3, privateKey, 'k'));
    const gap = await run(base(exportFile, join(dir, 'gap')));
    expect(gap.code).toBe(1);
    expect(gap.stdout).toMatch(/digest-chain {2}digest 3 of helse-vest\n {6}Digest 2 of helse-vest missing/);
    expect(gap.stdout).toContain('1 made after the export');

    write('anomaly/0001.json', signDigest(d1, privateKey, 'k'));
    write('anomaly/0002.json', signDigest(d2, privateKey, 'k'));
    const anomaly = await run([...base(exportFile, join(dir, 'anomaly')), '--json']);
    expect(anomaly.code).toBe(1);
    expect(JSON.parse(anomaly.stdout).findings).toEqual([
      expect.objectContaining({
        kind: 'anomaly',
        aggregate: 'tender#t-9',
        seq: 1,
        digest: { scope: SCOPE, number: 2 },
      }),
    ]);
  });

  it('exits 2, with the usage, on a missing option, an unknown one, or an input it cannot read; --help exits 0', async () => {
    const exportFile = write('export.json', exportOf(tender));
    const missing = await run(['--export', exportFile, '--digests', good]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Missing --public-key');
    expect(missing.stderr).toContain('Usage: npm run audit:verify');

    const unknown = await run([...base(exportFile), '--server', 'https://example.org']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--server'");

    const unreadable = await run(base(join(dir, 'no-such-export.json')));
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('Cannot read the export');

    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run audit:verify/);
  });
});
