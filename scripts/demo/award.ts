/**
 * The colonoscopy tender from its bid deadline to its framework agreements: the deadline passes on
 * the local clock and the tender opens by itself (a late bid is refused), bids are qualified and
 * scored, the workflow ranks the lots, the officer awards, the standstill passes and the framework
 * agreements exist.
 */
import { colonoscopyBid } from '../../test/helpers/fixtures.ts';
import { expectStatus } from '../../test/support/api-client.ts';
import { type AnnouncedTender, workflowLine } from './colonoscopy-tender.ts';
import type { DemoContext } from './context.ts';

/** Qualified bids and their quality and accessibility scores; AiR's bid is rejected. */
const scoresFor: Record<string, [number, number]> = {
  'norsk-arbeidshelse-as/innlandet': [9, 8],
  'falck-norge-as/innlandet': [6, 6],
  'unicare-steffensrud-as/telemark-vestfold': [7, 7],
  'norsk-arbeidshelse-as/telemark-vestfold': [8, 9],
};

export const awardStep = async (ctx: DemoContext, { flow, requirementIds }: AnnouncedTender) => {
  const { client, print, step } = ctx;
  const { id, who } = flow;
  const air = who.suppliers['rehabiliteringssenteret-air-as'];

  step('The local clock passes the bid deadline: the tender opens by itself; a late bid is refused');
  await flow.passDeadline();
  await ctx.waitFor('the opening', async () => (await flow.tender()).status === 'evaluation');
  const late = await flow.bid(
    'unicare-steffensrud-as',
    'innlandet',
    colonoscopyBid('innlandet', 1900, 800, requirementIds),
  );
  print(`  late bid from Unicare Steffensrud: ${late.status} ${late.body.detail}`);
  await flow.waitingIn('AwaitEvaluation');
  print(`  workflow ${await workflowLine(flow)}`);

  step('Qualification (AiR rejected, with a reason) and scores from the evaluator');
  const opened = expectStatus(await client.call('GET', `/tenders/${id}/bids`, who.officer), 200, 'bids');
  for (const b of opened.items) {
    const key = `${b.supplierId}/${b.lotId}`;
    const rejected = b.supplierId === 'rehabiliteringssenteret-air-as';
    await flow.qualify(
      b.id,
      !rejected,
      rejected ? 'Dokumentasjon av autorisasjon mangler' : undefined,
      b.version,
    );
    const s = scoresFor[key];
    if (s) await flow.score(b.id, s[0], s[1]);
    print(`  ${key.padEnd(52)} ${rejected ? 'rejected' : `qualified, scored ${s?.join('/')}`}`);
  }

  step('The officer asks for the ranking; the workflow ranks every open lot in one step (RankLots)');
  const ranking = await flow.rank();
  for (const lot of ranking.lots) {
    print(`  ${lot.lotId}:`);
    for (const r of lot.ranking)
      print(
        `    ${r.rank}. ${r.supplierId.padEnd(28)} total ${r.total.toFixed(2).padStart(6)}  (price ${r.points.pris.toFixed(2)}, quality ${r.points.kvalitet}, access ${r.points.tilgjengelighet}; evaluated price ${r.evaluatedPrice.toLocaleString('nb-NO')} NOK)`,
      );
  }

  step('The officer approves the award; every bidder receives the decision at the same time');
  const award = await flow.award();
  for (const lot of award.lots)
    print(`  ${lot.lotId}: ${lot.status}, winners ${lot.winners.map((w: any) => w.supplierId).join(', ')}`);
  print(`  standstill until ${award.standstillEndsAt}`);
  await flow.waitingIn('AwaitStandstillEnd');
  const forAir = expectStatus(await client.call('GET', `/tenders/${id}/award`, air), 200, 'award for AiR');
  print(
    `  what AiR reads: ${forAir.yourResults.map((r: any) => `${r.lotId} ${r.outcome} (${r.reason})`).join('; ')}`,
  );
  // A reasoned decision: the bid that lost reads its points per criterion beside the winner's.
  const points = (p: Record<string, number>) =>
    Object.entries(p)
      .map(([criterion, n]) => `${criterion} ${n}`)
      .join(', ');
  const forFalck = expectStatus(
    await client.call('GET', `/tenders/${id}/award`, who.suppliers['falck-norge-as']),
    200,
    'award for Falck',
  );
  for (const r of forFalck.yourResults.filter((x: any) => x.outcome === 'lost'))
    print(
      `  what Falck reads: ${r.lotId} lost, rank ${r.rank} (${points(r.points)}); ${r.winners.map((w: any) => `winner ${w.supplierId}: ${points(w.points)}`).join('; ')}`,
    );

  step('The standstill period passes on the local clock; the framework agreements exist');
  await flow.passStandstill();
  await ctx.waitFor('the agreements', async () => (await flow.tender()).status === 'complete');
  print(`  workflow ${await workflowLine(flow)}`);
  const agreements = expectStatus(
    await client.call('GET', '/agreements?limit=100', who.officer),
    200,
    'agreements',
  ).items.filter((a: any) => a.tenderId === id);
  for (const a of agreements)
    print(
      `  ${a.id}  ${a.lotId.padEnd(18)} ${a.supplierId.padEnd(24)} ${a.startDate} – ${a.endDate}, ${a.prices[0].unitPrice} NOK per consultation, non-exclusive, no minimum purchase`,
    );
  return { ranking, award, agreements };
};
