/** For auditors: the tender's audit chains verified, its merged history, its OCDS publication. */
import { expectStatus } from '../../test/support/api-client.ts';
import type { DemoContext } from './context.ts';

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
  return { verified, history, ocds };
};
