/**
 * The Helse og arbeid framework agreements from hso-2022-helse-og-arbeid-avtaler.txt (1 January 2023
 * to 31 December 2026, with options; the fixtures of the tests), registered as existing agreements;
 * their reminders; a renewal decision; notice to two of them with one successor tender; an option;
 * the 2027 renegotiation of one of them with a
 * counter-offer; a mid-year amendment and usage. Volumes and prices are not in the text: the
 * figures are the fixtures'.
 */
import { helseOgArbeidAgreement, helseOgArbeidLots } from '../../test/helpers/fixtures.ts';
import { expectStatus } from '../../test/support/api-client.ts';
import type { DemoContext } from './context.ts';

/** The last day to exercise the agreements' first option: past it, this part cannot run. */
export const LAST_OPTION_DAY = '2026-12-01';

export type HelseOgArbeidOutcome =
  | { skipped: true }
  | { skipped: false; registered: number; statuses: Record<string, number> };

export const helseOgArbeid = async (ctx: DemoContext): Promise<HelseOgArbeidOutcome> => {
  const { client, print, step } = ctx;
  const officer = await ctx.token('officer');
  step(
    'Register the Helse og arbeid framework agreements (seed text: 2023-01-01 to 2026-12-31, with options)',
  );
  if ((await client.now()).toISOString() > LAST_OPTION_DAY) {
    print(
      `  skipped: the local clock is past the last day to exercise their option (${LAST_OPTION_DAY}), so this part needs a fresh\n  local product (npm start -- --in-memory, or delete .local/). The tender part follows.`,
    );
    return { skipped: true };
  }
  const wholeRegion = expectStatus(
    await client.call('GET', '/reference/hospital-areas?entityId=helse-sor-ost', officer),
    200,
    'areas',
  ).items.map((a: { id: string }) => a.id);
  const registered: { id: string; supplierId: string; title: string }[] = [];
  for (const lot of helseOgArbeidLots) {
    const hospitalAreaIds = lot.hospitalAreaIds ?? wholeRegion;
    for (const supplierId of lot.supplierIds) {
      const supplierInfo = expectStatus(
        await client.call('GET', `/reference/suppliers/${supplierId}`, officer),
        200,
        supplierId,
      );
      const sites = supplierInfo.deliverySites
        .filter((d: any) => hospitalAreaIds.includes(d.hospitalAreaId))
        .map((d: any) => ({ place: d.place, hospitalAreaId: d.hospitalAreaId }));
      const agreement = expectStatus(
        await client.call(
          'POST',
          '/agreements',
          officer,
          helseOgArbeidAgreement(lot, supplierId, hospitalAreaIds, sites),
        ),
        201,
        `register ${supplierId}`,
      );
      registered.push({ id: agreement.id, supplierId, title: agreement.lotTitle });
    }
  }
  print(
    `  ${registered.length} agreements registered, e.g. ${registered[0]?.supplierId}: ${registered[0]?.title}`,
  );

  step('Their reminders are due at once: they end 31 December 2026 (the inbox of Helse Sør-Øst)');
  await client.advanceClock({ minutes: 2 });
  const inbox = expectStatus(await client.call('GET', '/notifications?limit=100', officer), 200, 'inbox');
  print(`  ${inbox.unread} unread; e.g.`);
  const shown = new Set<string>();
  for (const n of inbox.items) {
    if (shown.has(`${n.kind}/${n.audience}`)) continue;
    shown.add(`${n.kind}/${n.audience}`);
    print(`  [${n.audience}] ${n.title}`);
  }
  const first = registered[0] as (typeof registered)[number];
  const plan = expectStatus(
    await client.call('GET', `/agreements/${first.id}/reminders`, officer),
    200,
    'reminders',
  );
  for (const r of plan.items)
    print(
      `  ${first.supplierId}: ${r.kind} reminder ${r.leadMonths} month(s) before ${r.deadline}, due ${r.dueAt.slice(0, 10)}: ${r.status}${r.escalated ? ' (escalated)' : ''}`,
    );

  const bakke = registered.find((r) => r.supplierId === 'unicare-bakke-as' && r.title.includes('dagopphold'));
  if (bakke) {
    step('The officer records a renewal decision for Unicare Bakke (dagopphold, Østfold): let it expire');
    const current = expectStatus(
      await client.call('GET', `/agreements/${bakke.id}`, officer),
      200,
      'agreement',
    );
    const decided = expectStatus(
      await client.call('POST', `/agreements/${bakke.id}/decision`, officer, {
        version: current.version,
        decision: 'let-expire',
        reason: 'Behovet dekkes av de øvrige leverandørene i Østfold',
      }),
      200,
      'decision',
    );
    const after = expectStatus(
      await client.call('GET', `/agreements/${bakke.id}/reminders`, officer),
      200,
      'reminders',
    );
    print(
      `  decision ${decided.agreement.renewalDecision.decision} by ${decided.agreement.renewalDecision.by.name}; pending reminders left: ${after.items.filter((r: any) => r.status === 'pending').length}`,
    );
  }

  // Rehabilitation re-procured (seed text: the agreements were terminated, new ones followed): notice
  // to both inpatient agreements in Vestre Viken, one successor tender for the two.
  const vestreViken = registered.filter(
    (r) =>
      ['vikersund-bad-og-rehabiliteringssenter-as', 'unicare-fram-as'].includes(r.supplierId) &&
      r.title.includes('døgnopphold'),
  );
  if (vestreViken.length === 2) {
    step(
      'Notice to the two inpatient rehabilitation agreements in Vestre Viken (3 months from the end of the month), one successor tender for both',
    );
    const [v1, v2] = vestreViken as [(typeof vestreViken)[number], (typeof vestreViken)[number]];
    const notice = async (id: string, extra: Record<string, unknown>) =>
      expectStatus(
        await client.call('POST', `/agreements/${id}/termination`, officer, {
          version: expectStatus(await client.call('GET', `/agreements/${id}`, officer), 200, 'agreement')
            .version,
          reason: 'Rehabiliteringstilbudet i Vestre Viken anskaffes på nytt',
          noticeMonths: 3,
          noticeCounting: 'from-end-of-month',
          ...extra,
        }),
        200,
        'notice',
      );
    const first = await notice(v1.id, { startNewProcurement: true });
    const successor = first.newTenderId as string;
    await notice(v2.id, { successorTenderId: successor });
    for (const v of vestreViken) {
      const a = expectStatus(await client.call('GET', `/agreements/${v.id}`, officer), 200, 'agreement');
      print(
        `  ${v.supplierId}: ${a.status} until ${a.termination.endsOn} (notice given ${a.termination.givenOn}, never after the end date), options offered: ${a.nextOption ? 'yes' : 'none'}`,
      );
    }
    const tender = expectStatus(await client.call('GET', `/tenders/${successor}`, officer), 200, 'tender');
    print(
      `  successor tender ${successor} (${tender.status}) replaces ${tender.replacesAgreementIds.length} agreements`,
    );
  }

  const chosen =
    registered.find((r) => r.supplierId === 'falck-norge-as') ??
    (registered[0] as (typeof registered)[number]);
  const falckToken = await ctx.token('falck-norge-as');
  step(
    `Exercise the first option of ${chosen.supplierId}'s agreement before its last day (${LAST_OPTION_DAY})`,
  );
  const agreement = expectStatus(
    await client.call('GET', `/agreements/${chosen.id}`, officer),
    200,
    'agreement',
  );
  const extended = expectStatus(
    await client.call('POST', `/agreements/${chosen.id}/options/exercise`, officer, {
      version: agreement.version,
    }),
    200,
    'exercise option',
  );
  print(
    `  ${extended.status}: now ends ${extended.endDate}; the next option must be decided by ${extended.nextOption?.lastDay}`,
  );

  step('The 2027 renegotiation of that agreement: proposal, counter-offer, approval, publication');
  const yearPath = `/agreements/${chosen.id}/years/2027`;
  const draft = expectStatus(
    await client.call('POST', `${yearPath}/negotiation`, officer, {
      need: [{ unit: 'konsultasjoner', volume: 2800 }],
    }),
    202,
    'start negotiation',
  );
  const linesOf = (year: { lines: any[] }) =>
    year.lines.map((l) => `${l.volume} ${l.unit} at ${l.unitPrice}`).join(', ');
  print(`  draft from the agreement and the authority's need: ${linesOf(draft)}`);
  const readYear = async (token = officer) =>
    expectStatus(await client.call('GET', yearPath, token), 200, 'year');
  const proposed = expectStatus(
    await client.call('POST', `${yearPath}/proposal`, officer, {
      version: (await readYear()).version,
      lines: [{ service: 'Dagopphold', unit: 'konsultasjoner', volume: 2800, unitPrice: 1340 }],
      priceAdjustmentPercent: 3.1,
      comment: 'Prisjustert med 3,1 prosent.',
    }),
    200,
    'proposal',
  );
  print(
    `  the officer proposes 2800 konsultasjoner at 1340 NOK; the supplier has until ${proposed.supplierDeadline}`,
  );
  const countered = expectStatus(
    await client.call('POST', `${yearPath}/answer`, falckToken, {
      version: (await readYear(falckToken)).version,
      accept: false,
      lines: [{ service: 'Dagopphold', unit: 'konsultasjoner', volume: 3000, unitPrice: 1375 }],
      priceAdjustmentPercent: 5.8,
      comment: 'Økte lønnskostnader; vi kan ta 200 flere.',
    }),
    200,
    'counter',
  );
  print(`  the supplier counters: 3000 at 1375 NOK (${countered.status})`);
  const approved = expectStatus(
    await client.call('POST', `${yearPath}/approval`, officer, { version: (await readYear()).version }),
    200,
    'approval',
  );
  print(
    `  the officer accepts and approves the counter-offer (${approved.status}, approved ${approved.approvedAt})`,
  );
  await ctx.waitFor('the publication of 2027', async () => (await readYear()).status === 'published');
  const publishedYear = await readYear(await ctx.token('norsk-arbeidshelse-as'));
  print(
    `  published: readable by every signed-in user, e.g. another supplier sees ${linesOf(publishedYear)}`,
  );

  step(
    'Into 2027: usage is reported and a mid-year amendment adds volume (+1 500 konsultasjoner, as in the seeds)',
  );
  await client.advanceClock({ to: '2027-04-10T08:00:00.000Z' });
  for (const [month, quantity] of [
    [1, 240],
    [2, 260],
    [3, 280],
  ] as const)
    expectStatus(
      await client.call('PUT', `/agreements/${chosen.id}/usage/2027/${month}`, falckToken, {
        lines: [{ unit: 'konsultasjoner', quantity }],
      }),
      200,
      'usage',
    );
  const amendment = expectStatus(
    await client.call('POST', `${yearPath}/amendments`, officer, {
      unit: 'konsultasjoner',
      delta: 1500,
      reason: 'Økt volum for å redusere ventetider',
    }),
    201,
    'amendment',
  );
  expectStatus(
    await client.call('POST', `${yearPath}/amendments/${amendment.id}/confirmation`, falckToken, {
      version: amendment.version,
    }),
    200,
    'confirm amendment',
  );
  const inYear = await readYear();
  for (const u of inYear.utilisation)
    print(
      `  ${u.unit}: agreed ${u.agreed} + amendments ${u.amended} = ${u.current} (NOK ${u.currentValue}); used ${u.used} in ${u.monthsReported} months (${u.utilisationPercent} %, NOK ${u.usedValue}), ${u.remaining} remaining (NOK ${u.remainingValue})`,
    );
  const statuses: Record<string, number> = {};
  for (const r of registered) {
    const a = expectStatus(await client.call('GET', `/agreements/${r.id}`, officer), 200, 'agreement');
    statuses[a.status] = (statuses[a.status] ?? 0) + 1;
  }
  print(
    `  meanwhile, on 1 January the agreements nobody extended expired by themselves, those under notice ended terminated: ${Object.entries(
      statuses,
    )
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
  );
  return { skipped: false, registered: registered.length, statuses };
};
