/**
 * For auditors: the tender's audit chains verified, its merged history, its OCDS publication; then
 * what an auditor checks without trusting the operator (docs/audit.md): the entity's export, the
 * signed digests and the key's public half taken home and verified offline by `npm run
 * audit:verify`, which must agree with the endpoint; and the risk flags with their rules.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../local/functions.ts';
import { expectStatus } from '../../test/support/api-client.ts';
import type { DemoContext } from './context.ts';

/** Runs the offline verifier on the files, as an auditor would: it never contacts the product. */
const verifyOffline = async (home: string) => {
  const args = ['--import', 'tsx', resolve(projectRoot, 'scripts/audit-verify.ts')];
  args.push('--export', join(home, 'export.json'), '--digests', join(home, 'digests'));
  args.push('--public-key', join(home, 'public-key.pem'), '--json');
  try {
    const { stdout } = await promisify(execFile)(process.execPath, args, {
      cwd: projectRoot,
      maxBuffer: 256 * 1024 * 1024,
    });
    return { code: 0, report: JSON.parse(stdout) };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (e.code !== 1 || !e.stdout) throw new Error(`✗ npm run audit:verify failed: ${e.stderr ?? error}`);
    return { code: 1, report: JSON.parse(e.stdout) };
  }
};

export const auditStep = async (ctx: DemoContext, tenderId: string) => {
  const { client, print, step } = ctx;
  step('For auditors: the audit chains verified, the merged history, the OCDS publication');
  const auditor = await ctx.token('auditor');
  const verified = expectStatus(
    await client.call('GET', `/audit/verify?tenderId=${tenderId}`, auditor),
    200,
    'verify',
  );
  print(
    `  verify: ${verified.ok ? 'intact' : 'FINDINGS'} — ${verified.aggregates} aggregates, ${verified.events} events, ${verified.findings.length} findings`,
  );
  const history = expectStatus(
    await client.call('GET', `/tenders/${tenderId}/history`, auditor),
    200,
    'history',
  );
  const kinds: Record<string, number> = {};
  for (const i of history.items) kinds[i.kind] = (kinds[i.kind] ?? 0) + 1;
  print(
    `  history: ${history.items.length} entries (${kinds.audit} audit events, ${kinds.workflow} workflow events); also as CSV with ?format=csv`,
  );
  const ocds = expectStatus(await client.call('GET', `/tenders/${tenderId}/ocds`, auditor), 200, 'ocds');
  print(
    `  OCDS release package: ${ocds.releases.length} releases: ${ocds.releases.map((r: any) => r.tag.join('+')).join(', ')}`,
  );
  print(`  record: GET /ocds/records/ocds-hk4j9p-${tenderId}`);

  step('Without trusting the operator: the hour is sealed, and the auditor verifies the export offline');
  await client.advanceClock({ hours: 1 });
  const entity = expectStatus(await client.call('GET', '/audit/verify', auditor), 200, 'verify entity');
  print(
    `  GET /audit/verify: ${entity.ok ? 'intact' : 'FINDINGS'} — ${entity.aggregates} chains, ${entity.events} events, against ${entity.digests.checked} signed digests (latest #${entity.digests.latest?.number})`,
  );
  const home = mkdtempSync(join(tmpdir(), 'helsekjop-auditor-'));
  mkdirSync(join(home, 'digests'));
  const events: unknown[] = [];
  const withheld: unknown[] = [];
  let first: Record<string, unknown> | undefined;
  let cursor: string | undefined;
  do {
    const page = expectStatus(
      await client.call(
        'GET',
        `/audit/export${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
        auditor,
      ),
      200,
      'export',
    );
    first ??= page;
    events.push(...page.events);
    withheld.push(...page.withheld);
    cursor = page.nextCursor;
  } while (cursor);
  writeFileSync(
    join(home, 'export.json'),
    JSON.stringify({ ...first, events, withheld, nextCursor: undefined }),
  );
  const digests = expectStatus(await client.call('GET', '/_local/audit/digests'), 200, 'digest files');
  digests.items.forEach((d: unknown, i: number) => {
    writeFileSync(join(home, 'digests', `${i + 1}.json`), JSON.stringify(d));
  });
  writeFileSync(
    join(home, 'public-key.pem'),
    await (await fetch(`${client.baseUrl}/_local/audit/public-key`)).text(),
  );
  const offline = await verifyOffline(home);
  print(
    `  npm run audit:verify -- --export export.json --digests digests --public-key public-key.pem: ${offline.code === 0 ? 'intact' : 'FINDINGS'} — ${offline.report.chains.count} chains, ${offline.report.chains.events} events, ${offline.report.digests.ofScope} digests of ${offline.report.scope}, ${offline.report.findings.length} findings (files in ${home})`,
  );
  print(
    `  the endpoint and the offline verifier ${entity.ok === (offline.code === 0) ? 'agree' : 'DISAGREE'}`,
  );
  const flags = expectStatus(await client.call('GET', '/audit/risk-flags', auditor), 200, 'risk flags');
  print(`  risk flags (${flags.rules.length} rules): ${flags.items.length} raised`);
  for (const f of flags.items.slice(0, 4)) print(`    ${f.rule}: ${f.detail}`);
  return { verified, history, ocds, entity, offline, flags };
};
