/**
 * Scope and value (issue 12): Region Sjælland's partnership with a private hospital from
 * region-sjaelland-aleris-hamlet.txt drafted as one tender across its fifteen specialties, with CPV
 * codes and an estimated value; a wrong CPV check digit refused; Aleris Hamlet bidding with Søborg,
 * outside the region, which the lot allows (free choice of site); the OCDS publication in Danish. Then
 * a Helse Sør-Øst competition reserved for non-profit (ideelle) suppliers refusing a supplier that is
 * not registered as one.
 */
import {
  colonoscopyBid,
  colonoscopyTender,
  partnershipBid,
  partnershipTender,
} from '../../test/helpers/fixtures.ts';
import { expectStatus } from '../../test/support/api-client.ts';
import type { DemoContext } from './context.ts';

const money = (v: { amount: number; currency: string } | undefined) =>
  v ? `${v.currency} ${v.amount.toLocaleString('en').replaceAll(',', ' ')}` : 'none';

export interface PartnershipOutcome {
  tenderId: string;
  reservedTenderId: string;
}

export const partnershipStep = async (ctx: DemoContext): Promise<PartnershipOutcome> => {
  const { client, print, step } = ctx;
  const officer = await ctx.token('sjaellandOfficer');
  const aleris = await ctx.token('aleris-hamlet');

  step('Region Sjælland drafts its partnership with a private hospital as one tender: fifteen specialties');
  const draft = partnershipTender((await client.now()).getTime());
  const created = expectStatus(await client.call('POST', '/tenders', officer, draft), 201, 'partnership');
  print(`  ${created.title}`);
  print(`  specialties (${created.serviceAreaIds.length}): ${created.serviceAreaIds.join(', ')}`);
  print(`  forms of care: ${created.lots[0].formsOfCare.join(', ')}; CPV ${created.cpvCodes.join(', ')}`);
  print(`  estimated value ${money(created.estimatedValue)} (two years at the 2018 level)`);

  step('A CPV code with the wrong check digit is refused, pointing at it');
  const wrong = await client.call('PATCH', `/tenders/${created.id}`, officer, {
    version: created.version,
    cpvCodes: ['85121200-4'],
  });
  print(`  ${wrong.status} ${wrong.body.errors?.[0]?.pointer} — ${wrong.body.errors?.[0]?.detail}`);

  step('Announced; Aleris Hamlet bids from Ringsted (in the region) and Søborg (outside: the lot allows it)');
  expectStatus(
    await client.call('POST', `/tenders/${created.id}/announce`, officer, { version: created.version }),
    200,
    'announce partnership',
  );
  const receipt = expectStatus(
    await client.call('PUT', `/tenders/${created.id}/lots/partnerskab/bid`, aleris, partnershipBid()),
    201,
    'Aleris Hamlet bids',
  );
  print(`  receipt ${receipt.bidId.slice(0, 12)}… v${receipt.version}`);

  step('Its OCDS publication is in Danish, with the value and the items classified by CPV');
  const ocds = expectStatus(
    await client.call('GET', `/tenders/${created.id}/ocds`, officer),
    200,
    'partnership OCDS',
  );
  const release = ocds.releases.find((r: { tag: string[] }) => r.tag.includes('tender'));
  const item = release.tender.items[0];
  print(`  uri ${ocds.uri}`);
  print(
    `  language ${release.language}; ${release.tender.procurementMethod}: ${release.tender.procurementMethodDetails}`,
  );
  print(`  tender.value ${money(release.tender.value)}; lot value ${money(release.tender.lots[0].value)}`);
  print(
    `  item: ${item.classification.scheme} ${item.classification.id} (${item.classification.description_en})`,
  );
  print(`        ${item.description}`);

  step('Helse Sør-Øst reserves a competition for non-profit (ideelle) suppliers');
  const hso = await ctx.token('officer');
  const reserved = expectStatus(
    await client.call('POST', '/tenders', hso, {
      ...colonoscopyTender((await client.now()).getTime()),
      title: 'Koloskopi hos ideelle leverandører',
      reservedForNonProfit: true,
    }),
    201,
    'reserved tender',
  );
  expectStatus(
    await client.call('POST', `/tenders/${reserved.id}/announce`, hso, { version: reserved.version }),
    200,
    'announce reserved',
  );
  const refused = await client.call(
    'PUT',
    `/tenders/${reserved.id}/lots/innlandet/bid`,
    await ctx.token('norsk-arbeidshelse-as'),
    colonoscopyBid('innlandet', 2400),
  );
  print(`  Norsk Arbeidshelse AS bids: ${refused.status} ${refused.body.detail}`);
  return { tenderId: created.id, reservedTenderId: reserved.id };
};
