/**
 * The demo: against the running local product (npm start), through its HTTP API only.
 * Runs the colonoscopy tender from the seed text hso-2024-kjop-fra-private.txt through its whole
 * life: one supplier in Sykehuset Innlandet's catchment area, one to two in Telemark/Vestfold's.
 * Suppliers ask and bid (one too late), the deadline passes on the local clock, bids are qualified
 * and scored, the workflow ranks the lots, the officer awards, the standstill passes and the
 * framework agreements exist.
 *
 *   npm start            # in one terminal
 *   npm run demo         # in another (HELSEKJOP_API=http://localhost:3000 by default)
 */
import { randomUUID } from 'node:crypto';

const api = (process.env.HELSEKJOP_API ?? 'http://localhost:3000').replace(/\/$/, '');

interface Answer {
  status: number;
  body: any;
}

const call = async (
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const answer: Answer = { status: response.status, body: text ? JSON.parse(text) : undefined };
  return answer;
};

const expectStatus = (answer: Answer, status: number, what: string): any => {
  if (answer.status !== status) {
    console.error(
      `✗ ${what}: expected ${status}, got ${answer.status}\n${JSON.stringify(answer.body, null, 2)}`,
    );
    process.exit(1);
  }
  return answer.body;
};

const step = (text: string) => console.log(`\n▶ ${text}`);

const tokenFor = async (claims: Record<string, string>): Promise<string> =>
  expectStatus(await call('POST', '/_local/token', undefined, claims), 200, `token for ${claims.role}`).token;

/**
 * The Helse og arbeid framework agreements from hso-2022-helse-og-arbeid-avtaler.txt (1 January 2023
 * to 31 December 2026, with options), registered as existing agreements; the 2027 renegotiation of
 * one of them with a counter-offer; a mid-year amendment and usage. Volumes and prices are not in
 * the text: the figures here are the demo's.
 */
const helseOgArbeid = async (officer: string, now: Date) => {
  step(
    'Register the Helse og arbeid framework agreements (seed text: 2023-01-01 to 2026-12-31, with options)',
  );
  if (now.toISOString() > '2026-12-01') {
    console.log(
      '  skipped: the local clock is past the last day to exercise their option (2026-12-01), so this part needs a fresh\n  local product (npm start -- --in-memory, or delete .local/). The tender part follows.',
    );
    return;
  }
  const areasOf: Record<string, string[]> = {
    'Sykehusområde Østfold': ['ostfold'],
    'Sykehusområde Akershus og Innlandet': ['akershus', 'innlandet'],
    'Sykehusområde Vestre Viken': ['vestre-viken'],
    'Sykehusområde Telemark og Vestfold': ['telemark-vestfold'],
    'Sykehusområde Sørlandet': ['sorlandet'],
    'Sykehusområde Oslo': ['oslo'],
  };
  const lots: [string, 'inpatient' | 'day' | 'outpatient', string, string[]][] = [
    [
      'Psykisk helsevern – arbeidsrettet poliklinisk behandling',
      'outpatient',
      'Hele regionen',
      ['norsk-arbeidshelse-as'],
    ],
    [
      'Arbeidsrettet rehabilitering, døgnopphold',
      'inpatient',
      'Sykehusområde Østfold',
      ['stiftelsen-catosenteret', 'unicare-bakke-as'],
    ],
    [
      'Arbeidsrettet rehabilitering, døgnopphold',
      'inpatient',
      'Sykehusområde Akershus og Innlandet',
      ['stiftelsen-hernes-institutt', 'skogli-helse-og-rehabilitering-as'],
    ],
    [
      'Arbeidsrettet rehabilitering, døgnopphold',
      'inpatient',
      'Sykehusområde Vestre Viken',
      ['vikersund-bad-og-rehabiliteringssenter-as', 'unicare-fram-as'],
    ],
    [
      'Arbeidsrettet rehabilitering, døgnopphold',
      'inpatient',
      'Sykehusområde Telemark og Vestfold',
      ['rehabiliteringssenteret-air-as'],
    ],
    [
      'Arbeidsrettet rehabilitering, døgnopphold',
      'inpatient',
      'Sykehusområde Sørlandet',
      ['sorlandet-rehabiliteringssenter-eiken-as'],
    ],
    [
      'Arbeidsrettet rehabilitering, dagopphold',
      'day',
      'Sykehusområde Østfold',
      ['stiftelsen-catosenteret', 'unicare-bakke-as'],
    ],
    [
      'Arbeidsrettet rehabilitering, dagopphold',
      'day',
      'Sykehusområde Akershus og Innlandet',
      ['falck-norge-as', 'unicare-steffensrud-as'],
    ],
    [
      'Arbeidsrettet rehabilitering, dagopphold',
      'day',
      'Sykehusområde Vestre Viken',
      ['vikersund-bad-og-rehabiliteringssenter-as', 'unicare-norge-as-friskvern'],
    ],
    [
      'Arbeidsrettet rehabilitering, dagopphold',
      'day',
      'Sykehusområde Oslo',
      ['rehabiliteringssenteret-air-as', 'falck-norge-as'],
    ],
    [
      'Arbeidsrettet rehabilitering, dagopphold',
      'day',
      'Sykehusområde Sørlandet',
      ['sorlandet-rehabiliteringssenter-eiken-as'],
    ],
  ];
  const allAreas = [
    'ostfold',
    'akershus',
    'innlandet',
    'oslo',
    'vestre-viken',
    'telemark-vestfold',
    'sorlandet',
  ];
  const registered: { id: string; supplierId: string; title: string }[] = [];
  for (const [title, formOfCare, area, supplierIds] of lots) {
    const hospitalAreaIds = areasOf[area] ?? allAreas;
    const unit = formOfCare === 'inpatient' ? 'liggedogn' : 'konsultasjoner';
    for (const supplierId of supplierIds) {
      const supplierInfo = expectStatus(
        await call('GET', `/reference/suppliers/${supplierId}`, officer),
        200,
        supplierId,
      );
      const sites = supplierInfo.deliverySites
        .filter((d: any) => hospitalAreaIds.includes(d.hospitalAreaId))
        .map((d: any) => ({ place: d.place, hospitalAreaId: d.hospitalAreaId }));
      const agreement = expectStatus(
        await call('POST', '/agreements', officer, {
          title: `Helse og arbeid: ${title}`,
          supplierId,
          serviceAreaId: 'helse-og-arbeid',
          lot: {
            id: `${formOfCare}-${hospitalAreaIds.join('-')}`.slice(0, 60),
            title: `${title} – ${area}`,
            hospitalAreaIds,
            formOfCare,
          },
          startDate: '2023-01-01',
          endDate: '2026-12-31',
          options: [{ durationMonths: 12 }, { durationMonths: 12 }],
          optionNoticeDays: 30,
          prices: [{ unit, unitPrice: unit === 'liggedogn' ? 4200 : 1300 }],
          volumes: [{ unit, quantity: unit === 'liggedogn' ? 3000 : 2500 }],
          deliverySites: sites.length ? sites : [{ place: area, hospitalAreaId: hospitalAreaIds[0] }],
        }),
        201,
        `register ${supplierId}`,
      );
      registered.push({ id: agreement.id, supplierId, title: agreement.lotTitle });
    }
  }
  console.log(
    `  ${registered.length} agreements registered, e.g. ${registered[0]?.supplierId}: ${registered[0]?.title}`,
  );

  step('Their reminders are due at once: they end 31 December 2026 (the inbox of Helse Sør-Øst)');
  await call('POST', '/_local/clock/advance', undefined, { minutes: 2 });
  const inbox = expectStatus(await call('GET', '/notifications?limit=100', officer), 200, 'inbox');
  console.log(`  ${inbox.unread} unread; e.g.`);
  const shown = new Set<string>();
  for (const n of inbox.items) {
    if (shown.has(`${n.kind}/${n.audience}`)) continue;
    shown.add(`${n.kind}/${n.audience}`);
    console.log(`  [${n.audience}] ${n.title}`);
  }
  const first = registered[0] as (typeof registered)[number];
  const plan = expectStatus(
    await call('GET', `/agreements/${first.id}/reminders`, officer),
    200,
    'reminders',
  );
  for (const r of plan.items)
    console.log(
      `  ${first.supplierId}: ${r.kind} reminder ${r.leadMonths} month(s) before ${r.deadline}, due ${r.dueAt.slice(0, 10)}: ${r.status}${r.escalated ? ' (escalated)' : ''}`,
    );

  const bakke = registered.find((r) => r.supplierId === 'unicare-bakke-as' && r.title.includes('dagopphold'));
  if (bakke) {
    step('The officer records a renewal decision for Unicare Bakke (dagopphold, Østfold): let it expire');
    const current = expectStatus(await call('GET', `/agreements/${bakke.id}`, officer), 200, 'agreement');
    const decided = expectStatus(
      await call('POST', `/agreements/${bakke.id}/decision`, officer, {
        version: current.version,
        decision: 'let-expire',
        reason: 'Behovet dekkes av de øvrige leverandørene i Østfold',
      }),
      200,
      'decision',
    );
    const after = expectStatus(
      await call('GET', `/agreements/${bakke.id}/reminders`, officer),
      200,
      'reminders',
    );
    console.log(
      `  decision ${decided.agreement.renewalDecision.decision} by ${decided.agreement.renewalDecision.by.name}; pending reminders left: ${after.items.filter((r: any) => r.status === 'pending').length}`,
    );
  }

  const chosen =
    registered.find((r) => r.supplierId === 'falck-norge-as') ??
    (registered[0] as (typeof registered)[number]);
  const falckToken = expectStatus(
    await call('POST', '/_local/token', undefined, {
      role: 'supplier',
      supplier: chosen.supplierId,
      name: 'Falck Norge AS',
    }),
    200,
    'token',
  ).token;
  step(`Exercise the first option of ${chosen.supplierId}'s agreement before its last day (2026-12-01)`);
  const agreement = expectStatus(await call('GET', `/agreements/${chosen.id}`, officer), 200, 'agreement');
  const extended = expectStatus(
    await call('POST', `/agreements/${chosen.id}/options/exercise`, officer, { version: agreement.version }),
    200,
    'exercise option',
  );
  console.log(
    `  ${extended.status}: now ends ${extended.endDate}; the next option must be decided by ${extended.nextOption?.lastDay}`,
  );

  step('The 2027 renegotiation of that agreement: proposal, counter-offer, approval, publication');
  const yearPath = `/agreements/${chosen.id}/years/2027`;
  const draft = expectStatus(
    await call('POST', `${yearPath}/negotiation`, officer, {
      need: [{ unit: 'konsultasjoner', volume: 2800 }],
    }),
    202,
    'start negotiation',
  );
  console.log(
    `  draft from the agreement and the authority's need: ${draft.lines.map((l: any) => `${l.volume} ${l.unit} at ${l.unitPrice}`).join(', ')}`,
  );
  const readYear = async (token = officer) => expectStatus(await call('GET', yearPath, token), 200, 'year');
  const proposed = expectStatus(
    await call('POST', `${yearPath}/proposal`, officer, {
      version: (await readYear()).version,
      lines: [{ service: 'Dagopphold', unit: 'konsultasjoner', volume: 2800, unitPrice: 1340 }],
      priceAdjustmentPercent: 3.1,
      comment: 'Prisjustert med 3,1 prosent.',
    }),
    200,
    'proposal',
  );
  console.log(
    `  the officer proposes 2800 konsultasjoner at 1340 NOK; the supplier has until ${proposed.supplierDeadline}`,
  );
  const countered = expectStatus(
    await call('POST', `${yearPath}/answer`, falckToken, {
      version: (await readYear(falckToken)).version,
      accept: false,
      lines: [{ service: 'Dagopphold', unit: 'konsultasjoner', volume: 3000, unitPrice: 1375 }],
      priceAdjustmentPercent: 5.8,
      comment: 'Økte lønnskostnader; vi kan ta 200 flere.',
    }),
    200,
    'counter',
  );
  console.log(`  the supplier counters: 3000 at 1375 NOK (${countered.status})`);
  const approved = expectStatus(
    await call('POST', `${yearPath}/approval`, officer, { version: (await readYear()).version }),
    200,
    'approval',
  );
  console.log(
    `  the officer accepts and approves the counter-offer (${approved.status}, approved ${approved.approvedAt})`,
  );
  for (let i = 0; i < 100 && (await readYear()).status !== 'published'; i++)
    await new Promise((r) => setTimeout(r, 100));
  const publishedYear = await readYear(
    await tokenFor({ role: 'supplier', supplier: 'norsk-arbeidshelse-as' }),
  );
  console.log(
    `  published: readable by every signed-in user, e.g. another supplier sees ${publishedYear.lines.map((l: any) => `${l.volume} ${l.unit} at ${l.unitPrice}`).join(', ')}`,
  );

  step(
    'Into 2027: usage is reported and a mid-year amendment adds volume (+1 500 konsultasjoner, as in the seeds)',
  );
  await call('POST', '/_local/clock/advance', undefined, { to: '2027-04-10T08:00:00.000Z' });
  for (const [month, quantity] of [
    [1, 240],
    [2, 260],
    [3, 280],
  ] as const)
    expectStatus(
      await call('PUT', `/agreements/${chosen.id}/usage/2027/${month}`, falckToken, {
        lines: [{ unit: 'konsultasjoner', quantity }],
      }),
      200,
      'usage',
    );
  const amendment = expectStatus(
    await call('POST', `${yearPath}/amendments`, officer, {
      unit: 'konsultasjoner',
      delta: 1500,
      reason: 'Økt volum for å redusere ventetider',
    }),
    201,
    'amendment',
  );
  expectStatus(
    await call('POST', `${yearPath}/amendments/${amendment.id}/confirmation`, falckToken, {
      version: amendment.version,
    }),
    200,
    'confirm amendment',
  );
  const inYear = await readYear();
  for (const u of inYear.utilisation)
    console.log(
      `  ${u.unit}: agreed ${u.agreed} + amendments ${u.amended} = ${u.current}; used ${u.used} in ${u.monthsReported} months (${u.utilisationPercent} %), ${u.remaining} remaining`,
    );
  const statuses = new Map<string, number>();
  for (const r of registered) {
    const a = expectStatus(await call('GET', `/agreements/${r.id}`, officer), 200, 'agreement');
    statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
  }
  console.log(
    `  meanwhile, on 1 January the agreements nobody extended expired by themselves: ${[...statuses].map(([k, v]) => `${v} ${k}`).join(', ')}`,
  );
};

const main = async () => {
  try {
    await fetch(`${api}/_local/clock`);
  } catch {
    console.error(`The product does not answer at ${api}. Start it first with: npm start`);
    process.exit(1);
  }
  const clock = expectStatus(await call('GET', '/_local/clock'), 200, 'local clock');
  let now = new Date(clock.now);
  console.log(`Helsekjøp demo against ${api} — the local clock says ${now.toISOString()}`);

  const officer = await tokenFor({
    role: 'officer',
    entity: 'helse-sor-ost',
    name: 'Kari Nordmann (innkjøper, Helse Sør-Øst RHF)',
  });
  const supplier = await tokenFor({
    role: 'supplier',
    supplier: 'norsk-arbeidshelse-as',
    name: 'Ola Leverandør',
  });
  const foreignOfficer = await tokenFor({
    role: 'officer',
    entity: 'helse-vest',
    name: 'Per Vest (Helse Vest RHF)',
  });

  await helseOgArbeid(officer, now);
  now = new Date(expectStatus(await call('GET', '/_local/clock'), 200, 'local clock').now);

  step('Reference data: the hospital areas of Helse Sør-Øst');
  const areas = expectStatus(
    await call('GET', '/reference/hospital-areas?entity=helse-sor-ost', officer),
    200,
    'areas',
  );
  for (const area of areas.items) console.log(`  ${area.id.padEnd(22)} ${area.name}`);

  step('The officer drafts the colonoscopy tender (koloskopi, two lots cut by catchment area)');
  const deadline = new Date(now.getTime() + 30 * 86_400_000);
  deadline.setUTCHours(12, 0, 0, 0);
  // Two years from the first of the month three months ahead: after the deadline and the standstill.
  const agreementStart = new Date(now);
  agreementStart.setUTCMonth(agreementStart.getUTCMonth() + 3, 1);
  const agreementEnd = new Date(agreementStart);
  agreementEnd.setUTCFullYear(agreementEnd.getUTCFullYear() + 2);
  agreementEnd.setUTCDate(agreementEnd.getUTCDate() - 1);
  const draft = {
    title:
      'Koloskopi i opptaksområdene til Sykehuset Innlandet HF og Sykehuset Telemark HF/Sykehuset i Vestfold HF',
    description:
      'Geografisk avgrenset anskaffelse for å redusere ventetider innen koloskopi. For at flest mulig pasienter skal ha kort reisevei, er det ønskelig at tilbudet er lett tilgjengelig i opptaksområdene.',
    serviceAreaId: 'koloskopi',
    lots: [
      {
        id: 'innlandet',
        title: 'Delkontrakt 1: opptaksområdet til Sykehuset Innlandet HF',
        hospitalAreaIds: ['innlandet'],
        formOfCare: 'outpatient',
        estimatedVolumes: [{ unit: 'konsultasjoner', quantity: 750 }],
        minSuppliers: 1,
        maxSuppliers: 1,
      },
      {
        id: 'telemark-vestfold',
        title: 'Delkontrakt 2: opptaksområdet til Sykehuset Telemark HF og Sykehuset i Vestfold HF',
        hospitalAreaIds: ['telemark-vestfold'],
        formOfCare: 'outpatient',
        estimatedVolumes: [{ unit: 'konsultasjoner', quantity: 750 }],
        minSuppliers: 1,
        maxSuppliers: 2,
      },
    ],
    awardCriteria: [
      { id: 'pris', name: 'Pris', kind: 'price', weight: 40 },
      { id: 'kvalitet', name: 'Kvalitet', kind: 'quality', weight: 40 },
      { id: 'tilgjengelighet', name: 'Tilgjengelighet (kort reisevei)', kind: 'accessibility', weight: 20 },
    ],
    qualificationRequirements: [
      { id: 'autorisasjon', text: 'Leverandøren har helsepersonell med norsk autorisasjon' },
    ],
    bidDeadline: deadline.toISOString(),
    agreement: {
      startDate: agreementStart.toISOString().slice(0, 10),
      endDate: agreementEnd.toISOString().slice(0, 10),
      options: [{ durationMonths: 12 }, { durationMonths: 12 }],
    },
    standstillDays: 10,
  };
  const idempotencyKey = `demo-${randomUUID()}`;
  const created = expectStatus(
    await call('POST', '/tenders', officer, draft, { 'idempotency-key': idempotencyKey }),
    201,
    'create tender',
  );
  console.log(`  created ${created.id} (version ${created.version}, status ${created.status})`);
  const retried = await call('POST', '/tenders', officer, draft, { 'idempotency-key': idempotencyKey });
  console.log(
    `  the same request retried with its Idempotency-Key answers ${retried.status} with the same id: ${retried.body.id === created.id}`,
  );

  step('A mistake is refused with a precise problem: weights that do not sum to 100');
  const bad = await call('PATCH', `/tenders/${created.id}`, officer, {
    version: created.version,
    awardCriteria: [{ id: 'pris', name: 'Pris', kind: 'price', weight: 70 }],
  });
  console.log(
    `  ${bad.status} ${bad.body.title}: ${bad.body.errors?.[0]?.pointer} — ${bad.body.errors?.[0]?.detail}`,
  );

  step('The officer edits the draft: one more qualification requirement');
  const edited = expectStatus(
    await call('PATCH', `/tenders/${created.id}`, officer, {
      version: created.version,
      qualificationRequirements: [
        ...draft.qualificationRequirements,
        { id: 'kapasitet', text: 'Leverandøren kan ta imot pasienter innen fire uker etter avtalestart' },
      ],
    }),
    200,
    'edit tender',
  );
  console.log(
    `  version ${edited.version}; a stale edit now answers ${(await call('PATCH', `/tenders/${created.id}`, officer, { version: created.version, title: 'x' })).status}`,
  );

  step('Before it is announced, a supplier and another entity cannot see the draft');
  console.log(
    `  supplier: ${(await call('GET', `/tenders/${created.id}`, supplier)).status}, Helse Vest officer: ${(await call('GET', `/tenders/${created.id}`, foreignOfficer)).status}`,
  );

  step('The officer announces the tender; its workflow starts');
  const announced = expectStatus(
    await call('POST', `/tenders/${created.id}/announce`, officer, { version: edited.version }),
    200,
    'announce',
  );
  console.log(`  status ${announced.status}, announced at ${announced.announcedAt}`);
  console.log(`  execution ${announced.executionArn}`);

  const deadlineLine = async () => {
    const workflow = expectStatus(
      await call('GET', `/tenders/${created.id}/workflow`, officer),
      200,
      'workflow',
    );
    const states = workflow.events
      .filter((e: any) => e.type?.endsWith('StateEntered'))
      .map((e: any) => e.stateEnteredEventDetails?.name);
    return `${workflow.status}: ${states.join(' → ')}`;
  };
  // The workflow registers its deadline timer asynchronously; give it a moment.
  for (let i = 0; i < 50; i++) {
    if ((await deadlineLine()).includes('AwaitBidDeadline')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`  workflow ${await deadlineLine()}`);

  step('Now every signed-in user sees it, e.g. the supplier');
  const seen = expectStatus(await call('GET', `/tenders/${created.id}`, supplier), 200, 'supplier read');
  console.log(
    `  ${seen.title}\n  lots: ${seen.lots.map((l: any) => `${l.id} (${l.minSuppliers}–${l.maxSuppliers})`).join(', ')}; deadline ${seen.bidDeadline}`,
  );

  const id = created.id as string;
  const suppliers = {
    nah: { id: 'norsk-arbeidshelse-as', token: supplier },
    falck: {
      id: 'falck-norge-as',
      token: await tokenFor({ role: 'supplier', supplier: 'falck-norge-as', name: 'Falck Norge AS' }),
    },
    steff: {
      id: 'unicare-steffensrud-as',
      token: await tokenFor({
        role: 'supplier',
        supplier: 'unicare-steffensrud-as',
        name: 'Unicare Steffensrud AS',
      }),
    },
    air: {
      id: 'rehabiliteringssenteret-air-as',
      token: await tokenFor({ role: 'supplier', supplier: 'rehabiliteringssenteret-air-as', name: 'AiR' }),
    },
  };
  const evaluator = await tokenFor({ role: 'evaluator', entity: 'helse-sor-ost', name: 'Eva Evaluator' });
  const waitFor = async (what: string, check: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    console.error(`✗ ${what} did not happen`);
    process.exit(1);
  };
  const tender = async () => expectStatus(await call('GET', `/tenders/${id}`, officer), 200, 'read tender');
  const waitingIn = (state: string) =>
    waitFor(`the workflow waiting in ${state}`, async () => (await deadlineLine()).endsWith(state));

  step('Suppliers ask; the officer answers; every supplier sees it, without the asker');
  const question = expectStatus(
    await call('POST', `/tenders/${id}/questions`, suppliers.falck.token, {
      lotId: 'innlandet',
      text: 'Kan tjenesten leveres fra to steder i opptaksområdet?',
    }),
    201,
    'ask',
  );
  for (const [who, text] of [
    ['nah', 'Skal prisen oppgis med eller uten merverdiavgift?'],
    ['steff', 'Hvor lang er avtalens første periode?'],
  ] as const) {
    const q = expectStatus(
      await call('POST', `/tenders/${id}/questions`, suppliers[who].token, { text }),
      201,
      'ask',
    );
    expectStatus(
      await call('POST', `/tenders/${id}/questions/${q.id}/answer`, officer, {
        version: q.version,
        text:
          who === 'nah'
            ? 'Uten merverdiavgift.'
            : `Fra ${draft.agreement.startDate} til ${draft.agreement.endDate}, med to opsjoner på ett år.`,
      }),
      200,
      'answer',
    );
  }
  expectStatus(
    await call('POST', `/tenders/${id}/questions/${question.id}/answer`, officer, {
      version: question.version,
      text: 'Ja, så lenge begge leveringsstedene ligger i sykehusområdet.',
    }),
    200,
    'answer',
  );
  const seenQuestions = expectStatus(
    await call('GET', `/tenders/${id}/questions`, suppliers.air.token),
    200,
    'questions',
  );
  for (const q of seenQuestions.items)
    console.log(`  Q: ${q.text}\n  A: ${q.answer?.text}   (asker shown to AiR: ${'askedBy' in q})`);

  step('Sealed bids, each with a receipt (unit price per consultation, capacity, sites, answers)');
  const bidBody = (lot: 'innlandet' | 'telemark-vestfold', unitPrice: number) => ({
    prices: [{ unit: 'konsultasjoner', unitPrice }],
    capacity: [{ unit: 'konsultasjoner', quantity: 800 }],
    deliverySites: [
      lot === 'innlandet'
        ? { place: 'Hamar', hospitalAreaId: 'innlandet' }
        : { place: 'Tønsberg', hospitalAreaId: 'telemark-vestfold' },
    ],
    answers: [
      { criterionId: 'kvalitet', text: 'Erfarne gastroenterologer; deltar i nasjonalt kvalitetsregister.' },
      { criterionId: 'tilgjengelighet', text: 'Time innen 14 dager; kveldsåpent.' },
    ],
    confirmations: draft.qualificationRequirements
      .concat([{ id: 'kapasitet', text: '' }])
      .map((r) => ({ requirementId: r.id, confirmed: true })),
  });
  const bids: [keyof typeof suppliers, 'innlandet' | 'telemark-vestfold', number][] = [
    ['nah', 'innlandet', 2400],
    ['falck', 'innlandet', 2300],
    ['steff', 'telemark-vestfold', 2600],
    ['nah', 'telemark-vestfold', 2700],
    ['air', 'telemark-vestfold', 2900],
  ];
  for (const [who, lot, price] of bids) {
    const receipt = expectStatus(
      await call('PUT', `/tenders/${id}/lots/${lot}/bid`, suppliers[who].token, bidBody(lot, price)),
      201,
      `bid ${who}/${lot}`,
    );
    console.log(
      `  ${suppliers[who].id.padEnd(32)} ${lot.padEnd(18)} receipt ${receipt.bidId.slice(0, 12)}… v${receipt.version} sha256 ${receipt.contentSha256.slice(0, 12)}…`,
    );
  }
  const sealed = expectStatus(await call('GET', `/tenders/${id}/bids`, officer), 200, 'bid counts');
  console.log(
    `  the officer sees only counts while sealed: ${sealed.lots.map((l: any) => `${l.lotId} ${l.bids}`).join(', ')}`,
  );
  const peek = await call(
    'GET',
    `/tenders/${id}/bids/${(await call('GET', `/tenders/${id}/lots/innlandet/bid`, suppliers.falck.token)).body.bid.id}`,
    officer,
  );
  console.log(`  reading a sealed bid as the officer: ${peek.status} ${peek.body.detail}`);

  step('The local clock passes the bid deadline: the tender opens by itself; a late bid is refused');
  await call('POST', '/_local/clock/advance', undefined, {
    to: new Date(deadline.getTime() + 60_000).toISOString(),
  });
  await waitFor('the opening', async () => (await tender()).status === 'evaluation');
  const late = await call(
    'PUT',
    `/tenders/${id}/lots/innlandet/bid`,
    suppliers.steff.token,
    bidBody('innlandet', 1900),
  );
  console.log(`  late bid from Unicare Steffensrud: ${late.status} ${late.body.detail}`);
  await waitingIn('AwaitEvaluation');
  console.log(`  workflow ${await deadlineLine()}`);

  step('Qualification (AiR rejected, with a reason) and scores from the evaluator');
  const opened = expectStatus(await call('GET', `/tenders/${id}/bids`, officer), 200, 'bids');
  const scoresFor: Record<string, [number, number]> = {
    'norsk-arbeidshelse-as/innlandet': [9, 8],
    'falck-norge-as/innlandet': [6, 6],
    'unicare-steffensrud-as/telemark-vestfold': [7, 7],
    'norsk-arbeidshelse-as/telemark-vestfold': [8, 9],
  };
  for (const b of opened.items) {
    const key = `${b.supplierId}/${b.lotId}`;
    const rejected = b.supplierId === 'rehabiliteringssenteret-air-as';
    expectStatus(
      await call('POST', `/tenders/${id}/bids/${b.id}/qualification`, officer, {
        version: b.version,
        qualified: !rejected,
        ...(rejected ? { reason: 'Dokumentasjon av autorisasjon mangler' } : {}),
      }),
      200,
      `qualify ${key}`,
    );
    const s = scoresFor[key];
    if (s)
      expectStatus(
        await call('PUT', `/tenders/${id}/bids/${b.id}/scores`, evaluator, {
          scores: [
            { criterionId: 'kvalitet', score: s[0] },
            { criterionId: 'tilgjengelighet', score: s[1] },
          ],
        }),
        200,
        `score ${key}`,
      );
    console.log(`  ${key.padEnd(52)} ${rejected ? 'rejected' : `qualified, scored ${s?.join('/')}`}`);
  }

  step('The officer asks for the ranking; the workflow ranks each lot (a Map over the lots)');
  expectStatus(
    await call('POST', `/tenders/${id}/ranking`, officer, { version: (await tender()).version }),
    202,
    'ranking',
  );
  await waitingIn('AwaitAwardDecision');
  const ranking = expectStatus(await call('GET', `/tenders/${id}/ranking`, officer), 200, 'read ranking');
  for (const lot of ranking.lots) {
    console.log(`  ${lot.lotId}:`);
    for (const r of lot.ranking)
      console.log(
        `    ${r.rank}. ${r.supplierId.padEnd(28)} total ${r.total.toFixed(2).padStart(6)}  (price ${r.points.pris.toFixed(2)}, quality ${r.points.kvalitet}, access ${r.points.tilgjengelighet}; evaluated price ${r.evaluatedPrice.toLocaleString('nb-NO')} NOK)`,
      );
  }

  step('The officer approves the award; every bidder receives the decision at the same time');
  const award = expectStatus(
    await call('POST', `/tenders/${id}/award`, officer, { version: (await tender()).version }),
    200,
    'award',
  );
  for (const lot of award.lots)
    console.log(
      `  ${lot.lotId}: ${lot.status}, winners ${lot.winners.map((w: any) => w.supplierId).join(', ')}`,
    );
  console.log(`  standstill until ${award.standstillEndsAt}`);
  await waitingIn('AwaitStandstillEnd');
  const forAir = expectStatus(
    await call('GET', `/tenders/${id}/award`, suppliers.air.token),
    200,
    'award for AiR',
  );
  console.log(
    `  what AiR reads: ${forAir.yourResults.map((r: any) => `${r.lotId} ${r.outcome} (${r.reason})`).join('; ')}`,
  );

  step('The standstill period passes on the local clock; the framework agreements exist');
  await call('POST', '/_local/clock/advance', undefined, {
    to: new Date(Date.parse(award.standstillEndsAt) + 60_000).toISOString(),
  });
  await waitFor('the agreements', async () => (await tender()).status === 'complete');
  console.log(`  workflow ${await deadlineLine()}`);
  const agreements = expectStatus(await call('GET', '/agreements?limit=100', officer), 200, 'agreements');
  for (const a of agreements.items.filter((x: any) => x.tenderId === id))
    console.log(
      `  ${a.id}  ${a.lotId.padEnd(18)} ${a.supplierId.padEnd(24)} ${a.startDate} – ${a.endDate}, ${a.prices[0].unitPrice} NOK per consultation, non-exclusive, no minimum purchase`,
    );

  step('For auditors: the audit chains verified, the merged history, the OCDS publication');
  const auditor = await tokenFor({
    role: 'auditor',
    entity: 'helse-sor-ost',
    name: 'Revisor Riksrevisjonen',
  });
  const verified = expectStatus(await call('GET', `/audit/verify?tenderId=${id}`, auditor), 200, 'verify');
  console.log(
    `  verify: ${verified.ok ? 'intact' : 'FINDINGS'} — ${verified.aggregates} aggregates, ${verified.events} events, ${verified.findings.length} findings`,
  );
  const history = expectStatus(await call('GET', `/tenders/${id}/history`, auditor), 200, 'history');
  const kinds: Record<string, number> = {};
  for (const i of history.items) kinds[i.kind] = (kinds[i.kind] ?? 0) + 1;
  console.log(
    `  history: ${history.items.length} entries (${kinds.audit} audit events, ${kinds.workflow} workflow events); also as CSV with ?format=csv`,
  );
  const ocds = expectStatus(await call('GET', `/tenders/${id}/ocds`, auditor), 200, 'ocds');
  console.log(
    `  OCDS release package: ${ocds.releases.length} releases: ${ocds.releases.map((r: any) => r.tag.join('+')).join(', ')}`,
  );
  console.log(`  record: GET /ocds/records/ocds-hk4j9p-${id}`);

  console.log(
    `\nDone. Tender ${id} went from draft to framework agreements. Read its history: GET /tenders/${id}/workflow`,
  );
};

await main();
