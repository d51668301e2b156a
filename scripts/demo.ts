/**
 * The demo: against the running local product (npm start), through its HTTP API only.
 * Creates and announces the colonoscopy tender from the seed text hso-2024-kjop-fra-private.txt:
 * one supplier in Sykehuset Innlandet's catchment area, one to two in Telemark/Vestfold's.
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

const main = async () => {
  try {
    await fetch(`${api}/_local/clock`);
  } catch {
    console.error(`The product does not answer at ${api}. Start it first with: npm start`);
    process.exit(1);
  }
  const clock = expectStatus(await call('GET', '/_local/clock'), 200, 'local clock');
  const now = new Date(clock.now);
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
      startDate: '2027-03-01',
      endDate: '2029-02-28',
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

  step('What the officer’s entity has (GET /tenders)');
  const list = expectStatus(await call('GET', '/tenders?limit=5', officer), 200, 'list');
  for (const t of list.items) console.log(`  ${t.id}  ${t.status.padEnd(10)} ${t.title.slice(0, 60)}`);

  console.log(
    `\nDone. Tender ${created.id} is announced and waits for its bid deadline ${deadline.toISOString()}.`,
  );
  console.log('Advance the local clock past it to see the tender open by itself:');
  console.log(
    `  curl -s -X POST ${api}/_local/clock/advance -H 'content-type: application/json' -d '{"days":31}'`,
  );
};

await main();
