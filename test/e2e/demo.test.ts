/**
 * The demo (npm run demo) against the tests' local stack, step by step, so that it cannot rot
 * unnoticed: the steps are the demo's own (scripts/demo/), on the same API client, and each throws at
 * the first unexpected answer. What the demo only prints (the refusals it shows off) is checked here.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AnnouncedTender,
  auditStep,
  awardStep,
  colonoscopyTenderStep,
  type DemoContext,
  helseOgArbeid,
  LAST_OPTION_DAY,
  laboratoryStep,
  noticesAfterAwardStep,
  openDemo,
  partnershipStep,
} from '../../scripts/demo/index.ts';
import { helseOgArbeidLots } from '../helpers/fixtures.ts';
import {
  eformsValidationMissing,
  officialLanguagesOnly,
  tedForm,
  validateNotices,
} from '../support/eforms-validator.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let ctx: DemoContext;
let startedAt: Date;
const lines: string[] = [];
const printed = () => lines.join('\n');

beforeAll(async () => {
  stack = await startTestStack();
  startedAt = await stack.client.now();
  ctx = await openDemo(stack.client, (line) => lines.push(line));
});
afterAll(() => stack?.stop());

// What the step printed, when it fails: where the story stopped.
beforeEach(({ onTestFailed }) => {
  const from = lines.length;
  onTestFailed(() => console.log(lines.slice(from).join('\n')));
});

describe('the demo, step by step against the local stack', () => {
  let announced: AnnouncedTender | undefined;
  let made: { id: string; supplierId: string; startDate: string }[] = [];
  /** The tender of the step before; a step after a failed one fails saying so. */
  const tender = (): AnnouncedTender => {
    if (!announced) throw new Error('the colonoscopy tender step did not complete');
    return announced;
  };

  it('registers the Helse og arbeid agreements, decides, exercises an option, renegotiates 2027 and amends it', async () => {
    const outcome = await helseOgArbeid(ctx);
    // The seed agreements' option must be exercised by 1 December 2026: after it, the demo skips this part.
    expect(outcome.skipped).toBe(startedAt.toISOString() > LAST_OPTION_DAY);
    if (outcome.skipped) return;
    expect(outcome.registered).toBe(helseOgArbeidLots.flatMap((lot) => lot.supplierIds).length);
    // Two ended after notice (Vestre Viken), one was extended, the rest expired.
    expect(outcome.statuses).toEqual({ expired: outcome.registered - 3, extended: 1, terminated: 2 });
    expect(printed()).toContain('the supplier counters: 3000 at 1375 NOK (countered)');
    // Money beside the volumes: 1375 NOK each.
    expect(printed()).toContain(
      'konsultasjoner: agreed 3000 + amendments 1500 = 4500 (NOK 6187500); used 780 in 3 months (17.3 %, NOK 1072500), 3720 remaining (NOK 5115000)',
    );
  }, 180_000);

  it('drafts, refuses, edits and announces the colonoscopy tender, answers questions and takes sealed bids', async () => {
    announced = await colonoscopyTenderStep(ctx);
    const out = printed();
    expect(out).toContain('answers 201 with the same id: true');
    expect(out).toMatch(/422 .*#\/awardCriteria/);
    expect(out).toContain('a stale edit now answers 409');
    expect(out).toContain('supplier: 404, Helse Vest officer: 404');
    expect(out.match(/asker shown to AiR: false/g)).toHaveLength(3);
    expect(out).toContain('the officer sees only counts while sealed: innlandet 2, telemark-vestfold 3');
    expect(out).toContain('reading a sealed bid as the officer: 403');
  }, 120_000);

  it('opens it at the deadline, qualifies, scores, ranks, awards and creates the framework agreements', async () => {
    const { ranking, award, agreements } = await awardStep(ctx, tender());
    expect(printed()).toContain('late bid from Unicare Steffensrud: 422');
    expect(
      ranking.lots.map((lot: { lotId: string; ranking: { supplierId: string }[] }) => [
        lot.lotId,
        lot.ranking.map((r) => r.supplierId),
      ]),
    ).toEqual([
      ['innlandet', ['norsk-arbeidshelse-as', 'falck-norge-as']],
      ['telemark-vestfold', ['norsk-arbeidshelse-as', 'unicare-steffensrud-as']],
    ]);
    expect(award.lots.map((lot: { status: string }) => lot.status)).toEqual(['awarded', 'awarded']);
    // The losing bidder reads its points per criterion beside the winner's.
    expect(printed()).toMatch(
      /what Falck reads: innlandet lost, rank 2 \(.*\d.*\); winner norsk-arbeidshelse-as: .*\d/,
    );
    expect(agreements).toHaveLength(3);
    expect((await tender().flow.tender()).status).toBe('complete');
    made = agreements;
  }, 120_000);

  it("publishes the award notice and an amendment's modification notice (the contract notice went before the announcement)", async () => {
    const { award, modification } = await noticesAfterAwardStep(ctx, tender().flow, made);
    const out = printed();
    expect(out).toMatch(/announce: 409 .*contract notice, which has not been submitted/);
    expect(out).toMatch(/contract +20 +accepted +v1/);
    expect(out).toContain('missing: Supplier');
    expect(award).toMatchObject({ stage: 'award', subtype: '33', state: 'published' });
    expect(award.publicationId).toMatch(/^\d{4}-\d{6}$/);
    expect(out).toContain('modification notices due: 1');
    expect(modification).toMatchObject({ stage: 'modification', subtype: '38', state: 'accepted' });
  }, 60_000);

  it('shows auditors an intact audit trail, the merged history and the OCDS publication', async () => {
    const { verified, history, ocds, entity, offline, flags } = await auditStep(ctx, tender().flow.id);
    expect(verified).toMatchObject({ ok: true, findings: [] });
    // Issue 14: the offline verifier agrees with the endpoint on the demo's export.
    expect(entity).toMatchObject({ ok: true, findings: [] });
    expect(entity.digests.checked).toBeGreaterThan(0);
    expect(offline.code).toBe(0);
    expect(offline.report.findings).toEqual([]);
    expect(offline.report.digests.ofScope).toBe(entity.digests.checked);
    expect(printed()).toContain('the endpoint and the offline verifier agree');
    expect(flags.rules).toHaveLength(6);
    expect(history.items.length).toBeGreaterThan(0);
    expect(ocds.releases.map((r: { tag: string[] }) => r.tag.join('+'))).toContain('contract');
  }, 60_000);

  it('drafts a fifteen-specialty partnership as one tender, publishes it in Danish, and keeps a reserved competition to ideelle suppliers', async () => {
    await partnershipStep(ctx);
    const out = printed();
    expect(out).toContain('specialties (15): ortopaedkirurgi');
    expect(out).toContain('estimated value DKK 450 000 000');
    expect(out).toContain(
      '422 #/cpvCodes/0 — The CPV code 85121200 has the check digit 5 (85121200-5), not 4',
    );
    expect(out).toContain('language da; open: Offentligt udbud af rammeaftale');
    expect(out).toContain('item: CPV 85100000-0 (Health services)');
    expect(out).toMatch(/Norsk Arbeidshelse AS bids: 403 .*reserved for non-profit \(ideelle\) suppliers/);
  }, 60_000);

  it("adds a volume unit to the entity's own reference data, uses it in a tender, and shows who added it", async () => {
    await laboratoryStep(ctx);
    const out = printed();
    expect(out).toContain('422 #/lots/0/estimatedVolumes/0/unit — Unknown volume unit "laboratorieanalyser"');
    expect(out).toContain(
      'laboratorieanalyser: Laboratorieanalyser / Laboratory analyses, managed by helse-sor-ost (v1)',
    );
    expect(out).toContain('120000 laboratorieanalyser, 120000 laboratorieanalyser');
    expect(out).toMatch(/a supplier reads 6 units, the last: Laboratorieanalyser/);
    expect(out).toContain("Helse Vest's officer renames it: 403");
    expect(out).toMatch(
      /reference\.volume-unit\.created reference volume-unit:laboratorieanalyser by Kari Nordmann/,
    );
  }, 60_000);

  // Last: the SDK's validation runs Java synchronously, and the stack answers nothing meanwhile.
  it("checks the demo's notices, exactly as submitted, against the eForms XSDs and the Schematron rules of their subtypes", async (ctx) => {
    const missing = eformsValidationMissing();
    if (missing) {
      if (process.env.EFORMS_REQUIRED === '1')
        throw new Error(`eForms validation must run here, but ${missing}`);
      console.warn(`SKIPPED: validating the demo's notices needs ${missing}`);
      return ctx.skip();
    }
    const id = tender().flow.id;
    const officer = await stack.tokenFor({ role: 'officer', entity: 'helse-sor-ost', sub: 'kari' });
    const listed = await stack.request('GET', `/tenders/${id}/notices`, { token: officer });
    const sent: { name: string; xml: string }[] = [];
    for (const n of listed.body.items as {
      subtype: string;
      versions: { version: number }[];
      noticeId: string;
    }[])
      for (const v of n.versions) {
        const xml = await stack.request('GET', `/tenders/${id}/notices/${n.noticeId}?version=${v.version}`, {
          token: officer,
        });
        sent.push({ name: `demo-${n.subtype}-v${v.version}`, xml: xml.body });
      }
    expect(sent.map((n) => n.name).sort()).toEqual(['demo-20-v1', 'demo-33-v1', 'demo-38-v1']);
    const validation = validateNotices([
      ...sent,
      ...tedForm(sent).map((n) => ({ ...n, name: `${n.name}-ted` })),
    ]);
    for (const r of validation.reports) {
      expect(r.xsdErrors, r.name).toEqual([]);
      // As made for Doffin, Norwegian text fails only the rules that allow official EU languages alone.
      expect(
        r.name.endsWith('-ted') ? r.errors : r.errors.filter((e) => !officialLanguagesOnly(e)),
        r.name,
      ).toEqual([]);
    }
    console.log(
      `eForms SDK validation of the demo's ${sent.length} notices and their TED form: 0 errors; Schematron ${validation.schematronSeconds.toFixed(1)} s (compile ${validation.compileSeconds.toFixed(1)} s), XSD ${validation.xsdSeconds.toFixed(2)} s`,
    );
  }, 300_000);

  it('printed every value it meant to print', () => {
    expect(printed()).not.toMatch(/undefined|NaN/);
  });
});
