/**
 * The demo's steps in order, against any running product through its HTTP API: `npm run demo`
 * (scripts/demo.ts) runs them against `npm start`, test/e2e/demo.test.ts against the tests' local
 * stack, so the demo cannot rot unnoticed.
 */
import type { ApiClient } from '../../test/support/api-client.ts';
import { attentionStep } from './attention.ts';
import { auditStep } from './audit.ts';
import { awardStep } from './award.ts';
import { type AnnouncedTender, colonoscopyTenderStep } from './colonoscopy-tender.ts';
import { type DemoContext, demoContext } from './context.ts';
import { helseOgArbeid, LAST_OPTION_DAY } from './helse-og-arbeid.ts';
import { laboratoryStep } from './laboratory.ts';
import { noticesAfterAwardStep } from './notices.ts';
import { partnershipStep } from './partnership-tender.ts';

export {
  type AnnouncedTender,
  attentionStep,
  auditStep,
  awardStep,
  colonoscopyTenderStep,
  type DemoContext,
  demoContext,
  helseOgArbeid,
  LAST_OPTION_DAY,
  laboratoryStep,
  noticesAfterAwardStep,
  partnershipStep,
};

/** Opens the demo: its context, and the line that says where it runs and when. */
export const openDemo = async (client: ApiClient, print?: (line: string) => void): Promise<DemoContext> => {
  const ctx = demoContext(client, print);
  ctx.print(
    `Helsekjøp demo against ${client.baseUrl} — the local clock says ${(await client.now()).toISOString()}`,
  );
  return ctx;
};

/** The whole demo; throws at the first unexpected answer. Answers the tender's id. */
export const runDemo = async (client: ApiClient, print?: (line: string) => void): Promise<string> => {
  const ctx = await openDemo(client, print);
  await helseOgArbeid(ctx);
  const tender = await colonoscopyTenderStep(ctx);
  const { agreements } = await awardStep(ctx, tender);
  await noticesAfterAwardStep(ctx, tender.flow, agreements);
  await attentionStep(ctx);
  await auditStep(ctx, tender.flow.id);
  await partnershipStep(ctx);
  await laboratoryStep(ctx);
  ctx.print(
    `\nDone. Tender ${tender.flow.id} went from draft to framework agreements. Read its history: GET /tenders/${tender.flow.id}/workflow`,
  );
  return tender.flow.id;
};
