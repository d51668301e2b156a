/**
 * Reference data the officers manage themselves (issue 12): outpatient laboratory services count
 * analyses, a unit no seed text lists. Helse Sør-Øst's officer adds it; a tender counting analyses
 * was refused before and is taken after; a supplier reads the unit like any other; Helse Vest's
 * officer may not rename it; the auditor reads who added it.
 */
import { colonoscopyTender } from '../../test/helpers/fixtures.ts';
import { expectStatus } from '../../test/support/api-client.ts';
import type { DemoContext } from './context.ts';

export const laboratoryStep = async (ctx: DemoContext): Promise<{ tenderId: string }> => {
  const { client, print, step } = ctx;
  const officer = await ctx.token('officer');
  const base = colonoscopyTender((await client.now()).getTime());
  const draft = {
    ...base,
    title: 'Poliklinisk laboratorievirksomhet i Innlandet',
    serviceAreaIds: ['poliklinisk-laboratorievirksomhet'],
    cpvCodes: ['85145000-7'],
    lots: base.lots.map((l) => ({
      ...l,
      estimatedVolumes: [{ unit: 'laboratorieanalyser', quantity: 120_000 }],
    })),
  };

  step('Outpatient laboratory services count analyses: a unit the product does not list');
  const refused = await client.call('POST', '/tenders', officer, draft);
  print(`  ${refused.status} ${refused.body.errors?.[0]?.pointer} — ${refused.body.errors?.[0]?.detail}`);

  step("Helse Sør-Øst's officer adds it to the entity's own reference data; the tender is taken");
  const unit = expectStatus(
    await client.call('POST', '/reference/volume-units', officer, {
      name: 'Laboratorieanalyser',
      english: 'Laboratory analyses',
      danish: 'Laboratorieanalyser',
    }),
    201,
    'add the volume unit',
  );
  print(`  ${unit.id}: ${unit.name} / ${unit.english}, managed by ${unit.entityId} (v${unit.version})`);
  const created = expectStatus(
    await client.call('POST', '/tenders', officer, draft),
    201,
    'laboratory tender',
  );
  print(
    `  ${created.title}: ${created.lots.map((l: { estimatedVolumes: { quantity: number; unit: string }[] }) => `${l.estimatedVolumes[0]?.quantity} ${l.estimatedVolumes[0]?.unit}`).join(', ')}`,
  );

  step('Everyone reads it; only its own officers rename it');
  const units = expectStatus(
    await client.call('GET', '/reference/volume-units', await ctx.token('falck-norge-as')),
    200,
    'supplier reads the units',
  );
  print(`  a supplier reads ${units.items.length} units, the last: ${units.items.at(-1).name}`);
  const foreign = await client.call(
    'PATCH',
    `/reference/volume-units/${unit.id}`,
    await ctx.token('foreignOfficer'),
    { version: unit.version, name: 'Analyser' },
  );
  print(`  Helse Vest's officer renames it: ${foreign.status} — ${foreign.body.detail}`);

  step('The auditor reads who added it, and when');
  const history = expectStatus(
    await client.call('GET', '/audit/reference/history', await ctx.token('auditor')),
    200,
    'reference history',
  );
  for (const row of history.items)
    print(`  ${row.at} ${row.action} ${row.aggregate} by ${row.detail.actorName ?? row.actor}`);
  return { tenderId: created.id };
};
