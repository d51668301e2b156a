/**
 * The colonoscopy tender from the seed text hso-2024-kjop-fra-private.txt (the fixture of the
 * tests), up to its bid deadline: one supplier in Sykehuset Innlandet's catchment area, one to two
 * in Telemark/Vestfold's. The officer drafts, is refused, edits and announces it; suppliers ask and
 * are answered; five sealed bids come in. The tender is driven by the tests' TenderFlow.
 */
import { randomUUID } from 'node:crypto';
import { colonoscopyBid, colonoscopyLotValues, SUPPLIERS } from '../../test/helpers/fixtures.ts';
import { expectStatus } from '../../test/support/api-client.ts';
import { type FlowActors, stateNames, TenderFlow } from '../../test/support/tender-flow.ts';
import type { DemoContext } from './context.ts';
import { contractNoticeStep } from './notices.ts';

/** The tender after its deadline, and what the next steps need to know about it. */
export interface AnnouncedTender {
  flow: TenderFlow;
  /** The qualification requirements after the edit: each bid confirms them all. */
  requirementIds: string[];
}

/** `RUNNING: LoadTender → RouteByStage → …`: the execution's status and the states it entered. */
export const workflowLine = async (flow: TenderFlow): Promise<string> => {
  const workflow = expectStatus(await flow.workflow(), 200, 'workflow');
  return `${workflow.status}: ${stateNames(workflow.events).join(' → ')}`;
};

const optionsText = (count: number) =>
  count === 0 ? 'uten opsjoner' : count === 1 ? 'med én opsjon på ett år' : `med ${count} opsjoner på ett år`;

export const colonoscopyTenderStep = async (ctx: DemoContext): Promise<AnnouncedTender> => {
  const { client, print, step } = ctx;
  const officer = await ctx.token('officer');
  const supplier = await ctx.token('norsk-arbeidshelse-as');

  step('Reference data: the hospital areas of Helse Sør-Øst');
  const areas = expectStatus(
    await client.call('GET', '/reference/hospital-areas?entityId=helse-sor-ost', officer),
    200,
    'areas',
  );
  for (const area of areas.items) print(`  ${area.id.padEnd(22)} ${area.name}`);

  step('The officer drafts the colonoscopy tender (koloskopi, two lots cut by catchment area)');
  const draft = {
    // Each lot's estimated value: the award notice gives each framework agreement's maximum.
    ...colonoscopyLotValues((await client.now()).getTime()),
    // Announced only once Doffin has accepted its contract notice (scripts/demo/notices.ts).
    requireAcceptedNotice: true,
    description:
      'Geografisk avgrenset anskaffelse for å redusere ventetider innen koloskopi. For at flest mulig pasienter skal ha kort reisevei, er det ønskelig at tilbudet er lett tilgjengelig i opptaksområdene.',
  };
  const idempotencyKey = `demo-${randomUUID()}`;
  const created = expectStatus(
    await client.call('POST', '/tenders', officer, draft, { 'idempotency-key': idempotencyKey }),
    201,
    'create tender',
  );
  print(`  created ${created.id} (version ${created.version}, status ${created.status})`);
  const retried = await client.call('POST', '/tenders', officer, draft, {
    'idempotency-key': idempotencyKey,
  });
  print(
    `  the same request retried with its Idempotency-Key answers ${retried.status} with the same id: ${retried.body.id === created.id}`,
  );

  step('A mistake is refused with a precise problem: weights that do not sum to 100');
  const bad = await client.call('PATCH', `/tenders/${created.id}`, officer, {
    version: created.version,
    awardCriteria: [{ id: 'pris', name: 'Pris', kind: 'price', weight: 70 }],
  });
  print(
    `  ${bad.status} ${bad.body.title}: ${bad.body.errors?.[0]?.pointer} — ${bad.body.errors?.[0]?.detail}`,
  );

  step('The officer edits the draft: one more qualification requirement');
  const requirements = [
    ...draft.qualificationRequirements,
    { id: 'kapasitet', text: 'Leverandøren kan ta imot pasienter innen fire uker etter avtalestart' },
  ];
  const edited = expectStatus(
    await client.call('PATCH', `/tenders/${created.id}`, officer, {
      version: created.version,
      qualificationRequirements: requirements,
    }),
    200,
    'edit tender',
  );
  const stale = await client.call('PATCH', `/tenders/${created.id}`, officer, {
    version: created.version,
    title: 'x',
  });
  print(`  version ${edited.version}; a stale edit now answers ${stale.status}`);

  step('Before it is announced, a supplier and another entity cannot see the draft');
  const bySupplier = await client.call('GET', `/tenders/${created.id}`, supplier);
  const byForeign = await client.call('GET', `/tenders/${created.id}`, await ctx.token('foreignOfficer'));
  print(`  supplier: ${bySupplier.status}, Helse Vest officer: ${byForeign.status}`);

  await contractNoticeStep(ctx, created.id, edited.version);

  step('The officer announces the tender; its workflow starts');
  const announced = expectStatus(
    await client.call('POST', `/tenders/${created.id}/announce`, officer, { version: edited.version }),
    200,
    'announce',
  );
  print(`  status ${announced.status}, announced at ${announced.announcedAt}`);
  print(`  execution ${announced.executionArn}`);
  const who: FlowActors = {
    officer,
    evaluator: await ctx.token('evaluator'),
    suppliers: Object.fromEntries(await Promise.all(SUPPLIERS.map(async (s) => [s, await ctx.token(s)]))),
  };
  const flow = new TenderFlow(ctx, who, created.id);
  // The workflow registers its deadline timer asynchronously.
  await flow.waitingIn('AwaitBidDeadline');
  print(`  workflow ${await workflowLine(flow)}`);

  step('Now every signed-in user sees it, e.g. the supplier');
  const seen = expectStatus(await flow.get(supplier), 200, 'supplier read');
  print(
    `  ${seen.title}\n  lots: ${seen.lots.map((l: any) => `${l.id} (${l.minSuppliers}–${l.maxSuppliers})`).join(', ')}; deadline ${seen.bidDeadline}`,
  );
  print(
    `  specialties ${seen.serviceAreaIds.join(', ')}; CPV ${seen.cpvCodes.join(', ')}; estimated value ${seen.estimatedValue.currency} ${seen.estimatedValue.amount}`,
  );

  step('Suppliers ask; the officer answers; every supplier sees it, without the asker');
  const id = flow.id;
  const question = expectStatus(
    await client.call('POST', `/tenders/${id}/questions`, who.suppliers['falck-norge-as'], {
      lotId: 'innlandet',
      text: 'Kan tjenesten leveres fra to steder i opptaksområdet?',
    }),
    201,
    'ask',
  );
  for (const [asker, text, answer] of [
    ['norsk-arbeidshelse-as', 'Skal prisen oppgis med eller uten merverdiavgift?', 'Uten merverdiavgift.'],
    [
      'unicare-steffensrud-as',
      'Hvor lang er avtalens første periode?',
      `Fra ${draft.agreement.startDate} til ${draft.agreement.endDate}, ${optionsText(draft.agreement.options.length)}.`,
    ],
  ] as const) {
    const q = expectStatus(
      await client.call('POST', `/tenders/${id}/questions`, who.suppliers[asker], { text }),
      201,
      'ask',
    );
    expectStatus(
      await client.call('POST', `/tenders/${id}/questions/${q.id}/answer`, officer, {
        version: q.version,
        text: answer,
      }),
      200,
      'answer',
    );
  }
  expectStatus(
    await client.call('POST', `/tenders/${id}/questions/${question.id}/answer`, officer, {
      version: question.version,
      text: 'Ja, så lenge begge leveringsstedene ligger i sykehusområdet.',
    }),
    200,
    'answer',
  );
  const seenQuestions = expectStatus(
    await client.call('GET', `/tenders/${id}/questions`, who.suppliers['rehabiliteringssenteret-air-as']),
    200,
    'questions',
  );
  for (const q of seenQuestions.items)
    print(`  Q: ${q.text}\n  A: ${q.answer?.text}   (asker shown to AiR: ${'askedBy' in q})`);

  step('Sealed bids, each with a receipt (unit price per consultation, capacity, sites, answers)');
  const requirementIds = requirements.map((r) => r.id);
  const bids: [(typeof SUPPLIERS)[number], 'innlandet' | 'telemark-vestfold', number][] = [
    ['norsk-arbeidshelse-as', 'innlandet', 2400],
    ['falck-norge-as', 'innlandet', 2300],
    ['unicare-steffensrud-as', 'telemark-vestfold', 2600],
    ['norsk-arbeidshelse-as', 'telemark-vestfold', 2700],
    ['rehabiliteringssenteret-air-as', 'telemark-vestfold', 2900],
  ];
  for (const [bidder, lot, price] of bids) {
    const receipt = expectStatus(
      await flow.bid(bidder, lot, colonoscopyBid(lot, price, 800, requirementIds)),
      201,
      `bid ${bidder}/${lot}`,
    );
    print(
      `  ${bidder.padEnd(32)} ${lot.padEnd(18)} receipt ${receipt.bidId.slice(0, 12)}… v${receipt.version} sha256 ${receipt.contentSha256.slice(0, 12)}…`,
    );
  }
  const sealed = expectStatus(await client.call('GET', `/tenders/${id}/bids`, officer), 200, 'bid counts');
  print(
    `  the officer sees only counts while sealed: ${sealed.lots.map((l: any) => `${l.lotId} ${l.bids}`).join(', ')}`,
  );
  const ownBid = await client.call(
    'GET',
    `/tenders/${id}/lots/innlandet/bid`,
    who.suppliers['falck-norge-as'],
  );
  const peek = await client.call('GET', `/tenders/${id}/bids/${ownBid.body.bid.id}`, officer);
  print(`  reading a sealed bid as the officer: ${peek.status} ${peek.body.detail}`);
  return { flow, requirementIds };
};
