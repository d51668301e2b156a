/**
 * The colonoscopy tender's eForms notices, published through the Doffin port (locally its
 * stand-in): the contract notice (subtype 20) before the announcement, which the officer requires;
 * the award notice (33) when the standstill has ended; a modification notice (38) when an amendment
 * of one of its agreements is made under article 72(1)(b) of the directive (an amendment that is
 * not substantial owes none). Each is checked against the eForms XSDs before it is sent.
 */
import { expectStatus } from '../../test/support/api-client.ts';
import type { TenderFlow } from '../../test/support/tender-flow.ts';
import type { DemoContext } from './context.ts';

/** What Helse Sør-Øst's notices say that the product does not otherwise hold (the demo's own contact and addresses). */
export const demoNoticeSettings = {
  contact: { email: 'innkjop@helse-sor-ost.example.org', telephone: '+47 22000000' },
  reviewBody: {
    name: 'Klagenemnda for offentlige anskaffelser',
    organisationNumber: '100000040',
    country: 'NO' as const,
    address: { postalCode: '5805', city: 'Bergen', nuts: 'NO0A2' },
  },
  submissionUrl: 'https://anbud.helse-sor-ost.example.org/tenders/',
};

/** The bidders as the register names them in a notice (organisation numbers with valid check digits only). */
export const registerDetails: Record<
  string,
  {
    organisationNumber: string;
    postalAddress: { street?: string; postalCode: string; city: string; nuts: string };
    size: string;
  }
> = {
  'norsk-arbeidshelse-as': {
    organisationNumber: '100000008',
    postalAddress: { postalCode: '2317', city: 'Hamar', nuts: 'NO020' },
    size: 'medium',
  },
  'falck-norge-as': {
    organisationNumber: '100000016',
    postalAddress: { postalCode: '0150', city: 'Oslo', nuts: 'NO081' },
    size: 'large',
  },
  'unicare-steffensrud-as': {
    organisationNumber: '100000032',
    postalAddress: { postalCode: '2318', city: 'Hamar', nuts: 'NO020' },
    size: 'medium',
  },
  'rehabiliteringssenteret-air-as': {
    organisationNumber: '100000024',
    postalAddress: { postalCode: '3103', city: 'Tønsberg', nuts: 'NO093' },
    size: 'small',
  },
};

type Notice = {
  noticeId: string;
  stage: string;
  subtype?: string;
  state: string;
  missing?: string;
  version?: number;
  publicationId?: string;
  amendmentId?: string;
};

const list = async (ctx: DemoContext, tenderId: string): Promise<Notice[]> =>
  expectStatus(
    await ctx.client.call('GET', `/tenders/${tenderId}/notices`, await ctx.token('officer')),
    200,
    'notices',
  ).items;

const line = (n: Notice) =>
  `  ${n.stage.padEnd(13)} ${(n.subtype ?? '').padEnd(3)} ${n.state.padEnd(10)}${n.version ? ` v${n.version}` : ''}${n.publicationId ? ` published as ${n.publicationId}` : ''}${n.missing ? ` — missing: ${n.missing}` : ''}`;

/** Submits a notice; answers it with its new state. */
const submit = async (ctx: DemoContext, tenderId: string, n: Notice): Promise<Notice> =>
  expectStatus(
    await ctx.client.call(
      'POST',
      `/tenders/${tenderId}/notices/${n.noticeId}/submit`,
      await ctx.token('officer'),
    ),
    200,
    `submit the ${n.stage} notice`,
  );

/** Doffin publishes at the next full minute: the clock moves on, the officer asks. */
const publish = async (ctx: DemoContext, tenderId: string, n: Notice): Promise<Notice> => {
  await ctx.client.advanceClock({ minutes: 2 });
  return expectStatus(
    await ctx.client.call(
      'POST',
      `/tenders/${tenderId}/notices/${n.noticeId}/status`,
      await ctx.token('officer'),
    ),
    200,
    `status of the ${n.stage} notice`,
  );
};

/** Before the announcement: the entity's notice settings, then the contract notice accepted by Doffin. */
export const contractNoticeStep = async (ctx: DemoContext, tenderId: string, version: number) => {
  const { client, print, step } = ctx;
  const officer = await ctx.token('officer');

  step("The officer requires Doffin's acceptance of the contract notice before announcing");
  const early = await client.call('POST', `/tenders/${tenderId}/announce`, officer, { version });
  print(`  announce: ${early.status} ${early.body.detail}`);
  for (const n of await list(ctx, tenderId)) print(line(n));

  step(
    "Notice settings of Helse Sør-Øst: the buyer's contact point, the review body, where bids are submitted",
  );
  const current = await client.call('GET', '/entities/helse-sor-ost/notice-settings', officer);
  const settings = expectStatus(
    await client.call('PUT', '/entities/helse-sor-ost/notice-settings', officer, {
      ...demoNoticeSettings,
      ...(current.status === 200 ? { version: current.body.version } : {}),
    }),
    200,
    'notice settings',
  );
  print(
    `  ${settings.contact.email}, ${settings.contact.telephone}; review body ${settings.reviewBody.name}`,
  );

  step(
    'The contract notice (eForms subtype 20, cn-social) is made, checked against the XSDs and sent to Doffin',
  );
  const contract = (await list(ctx, tenderId)).find((n) => n.stage === 'contract') as Notice;
  const xml = await client.call('GET', `/tenders/${tenderId}/notices/${contract.noticeId}`, officer);
  print(
    `  ${contract.noticeId}: ${String(xml.body).length} characters of UBL XML (${xml.headers['content-type']})`,
  );
  const accepted = await submit(ctx, tenderId, contract);
  print(line(accepted));
  return accepted;
};

/** After the standstill: the award notice names every bidder from the register; then an amendment's modification notice. */
export const noticesAfterAwardStep = async (
  ctx: DemoContext,
  flow: TenderFlow,
  agreements: { id: string; supplierId: string; startDate: string }[],
) => {
  const { client, print, step } = ctx;
  const officer = await ctx.token('officer');

  step('The standstill has ended: the award notice (subtype 33) is due; it names every bidder');
  const award = (await list(ctx, flow.id)).find((n) => n.stage === 'award') as Notice;
  print(line(award));
  for (const [supplierId, details] of Object.entries(registerDetails)) {
    const s = expectStatus(
      await client.call('GET', `/reference/suppliers/${supplierId}`, officer),
      200,
      'supplier',
    );
    expectStatus(
      await client.call('PATCH', `/reference/suppliers/${supplierId}`, officer, {
        version: s.version,
        ...details,
      }),
      200,
      `register ${supplierId}'s address and size`,
    );
  }
  print('  the officer adds the bidders’ organisation numbers, addresses and sizes to the supplier register');
  const ready = (await list(ctx, flow.id)).find((n) => n.stage === 'award') as Notice;
  print(line(ready));
  print(line(await submit(ctx, flow.id, ready)));
  const published = await publish(ctx, flow.id, ready);
  print(line(published));

  step(
    'An amendment under article 72(1)(b) owes a modification notice (subtype 38); one that is not substantial does not',
  );
  const agreement =
    agreements.find((a) => a.supplierId === 'falck-norge-as') ??
    (agreements[0] as (typeof agreements)[number]);
  const year = Number(agreement.startDate.slice(0, 4));
  const amend = async (legalBasis: string, delta: number, reason: string) => {
    const raised = expectStatus(
      await client.call('POST', `/agreements/${agreement.id}/years/${year}/amendments`, officer, {
        unit: 'konsultasjoner',
        delta,
        reason,
        legalBasis,
      }),
      201,
      'amendment',
    );
    expectStatus(
      await client.call(
        'POST',
        `/agreements/${agreement.id}/years/${year}/amendments/${raised.id}/confirmation`,
        await ctx.token(agreement.supplierId as 'falck-norge-as'),
        { version: raised.version },
      ),
      200,
      'confirm amendment',
    );
    print(
      `  ${legalBasis}: ${delta > 0 ? '+' : ''}${delta} konsultasjoner confirmed by ${agreement.supplierId}`,
    );
  };
  await amend('mod-nons', 20, 'Justering av volum innenfor avtalens rammer');
  await amend('add-wss', 200, 'Flere henvisninger fra sykehusene: tilleggstjenester fra samme leverandør');
  const modification = (await list(ctx, flow.id)).filter((n) => n.stage === 'modification');
  print(`  modification notices due: ${modification.length}`);
  const sent = await submit(ctx, flow.id, modification[0] as Notice);
  print(line(sent));
  return { award: published, modification: sent };
};
