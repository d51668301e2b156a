/**
 * What needs attention (issue 12): the officer's agreements that need a renewal decision, every
 * deadline ahead across tenders and agreements, the year's volume, spend and utilisation per
 * supplier, and for auditors the supplier register's history.
 */
import { expectStatus } from '../../test/support/api-client.ts';
import type { DemoContext } from './context.ts';

export const attentionStep = async (ctx: DemoContext) => {
  const { client, print, step } = ctx;
  const officer = await ctx.token('officer');
  step('What needs attention: agreements awaiting a decision, every deadline ahead, the year in figures');
  const undecided = expectStatus(
    await client.call('GET', '/agreements?needsDecision=true&limit=100', officer),
    200,
    'agreements needing a decision',
  );
  print(
    `  GET /agreements?needsDecision=true: ${undecided.items.length} agreement(s) near their end or option deadline without a renewal decision${undecided.nextCursor ? ' (more on the next page)' : ''}`,
  );
  for (const a of undecided.items.slice(0, 3))
    print(
      `    ${a.supplierId}: ${a.lotTitle}, ends ${a.endDate}${a.nextOption ? `, option until ${a.nextOption.lastDay}` : ''}`,
    );
  const deadlines = expectStatus(await client.call('GET', '/deadlines?limit=8', officer), 200, 'deadlines');
  print('  GET /deadlines, soonest first:');
  for (const d of deadlines.items)
    print(
      `    ${d.due.slice(0, 16).replace('T', ' ')}  ${d.kind}${d.needsDecision ? ' (no decision yet)' : ''}: ${d.title}`,
    );
  const year = (await client.now()).getUTCFullYear();
  const report = expectStatus(
    await client.call('GET', `/reports/agreements?year=${year}&groupBy=supplier`, officer),
    200,
    'report',
  );
  print(`  GET /reports/agreements?year=${year}&groupBy=supplier (also ?format=csv):`);
  for (const g of report.groups.slice(0, 5))
    print(
      `    ${g.key}: ${g.agreements} agreement(s), agreed ${g.agreedValue.toLocaleString('nb-NO')} ${g.currency}, spent ${g.spend.toLocaleString('nb-NO')} ${g.currency}${g.utilisationPercent === null ? '' : ` (${g.utilisationPercent} %)`}`,
    );
  for (const t of report.totals)
    print(
      `    total: ${t.agreements} agreement(s), agreed ${t.agreedValue.toLocaleString('nb-NO')} ${t.currency}, spent ${t.spend.toLocaleString('nb-NO')} ${t.currency}`,
    );
  const auditor = await ctx.token('auditor');
  const register = expectStatus(
    await client.call('GET', '/audit/suppliers/history', auditor),
    200,
    'supplier register history',
  );
  print(
    `  For auditors, GET /audit/suppliers/history: ${register.items.length} change(s) to the shared supplier register, the latest ${register.items.at(-1)?.action ?? 'none'} by ${register.items.at(-1)?.actor ?? '-'}`,
  );
  return { undecided, deadlines, report, register };
};
