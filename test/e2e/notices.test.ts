/**
 * eForms notices end to end through the HTTP API against the local stack (the Doffin stand-in behind
 * the one port, its secret on the local Secrets Manager): the demo's colonoscopy tender owes a
 * contract notice (subtype 20) before its announcement, an award notice (33) when the standstill
 * has ended, and a modification notice (38) for an amendment whose legal basis asks for one. Where
 * the eForms SDK and its tools are present, the notices exactly as submitted meet the XSDs and the
 * Schematron rules of their subtypes (Norwegian text aside, as test/conformance/eforms.test.ts says).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoNoticeSettings, registerDetails } from '../../scripts/demo/notices.ts';
import { colonoscopyLotValues } from '../helpers/fixtures.ts';
import {
  eformsValidationMissing,
  officialLanguagesOnly,
  tedForm,
  validateNotices,
} from '../support/eforms-validator.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { type Actors, actorsOf, TenderFlow } from '../support/tender-flow.ts';

let stack: TestStack;
let who: Actors;
let foreignOfficer: string;

/** The demo's own (scripts/demo/notices.ts): Helse Sør-Øst's notice settings, the bidders' register details. */
const settings = demoNoticeSettings;
const registered = Object.fromEntries(
  ['norsk-arbeidshelse-as', 'falck-norge-as'].map((id) => [id, registerDetails[id]]),
);

beforeAll(async () => {
  stack = await startTestStack();
  who = await actorsOf(stack);
  foreignOfficer = await stack.tokenFor({ role: 'officer', entity: 'helse-vest', sub: 'per' });
});
afterAll(() => stack?.stop());

const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, token = who.officer, body?: unknown) =>
  stack.request(method, path, { token, ...(body === undefined ? {} : { body }) });

const notices = async (tenderId: string, token = who.officer) => {
  const r = await call('GET', `/tenders/${tenderId}/notices`, token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items as {
    noticeId: string;
    stage: string;
    subtype?: string;
    state: string;
    missing?: string;
    version?: number;
    publicationId?: string;
    versions: { version: number; status: string; submittedBy: { sub: string } }[];
  }[];
};
const noticeOf = async (tenderId: string, stage: string) =>
  (await notices(tenderId)).find((n) => n.stage === stage) as Awaited<ReturnType<typeof notices>>[number];
const submit = (tenderId: string, noticeId: string) =>
  call('POST', `/tenders/${tenderId}/notices/${noticeId}/submit`);
const askStatus = (tenderId: string, noticeId: string) =>
  call('POST', `/tenders/${tenderId}/notices/${noticeId}/status`);
/** Doffin publishes an accepted notice at the next full minute of its clock. */
const publish = async (tenderId: string, noticeId: string) => {
  await stack.client.advanceClock({ to: new Date(stack.runtime.clock.now().getTime() + 120_000) });
  const r = await askStatus(tenderId, noticeId);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.versions.at(-1)).toMatchObject({
    status: 'published',
    publicationId: expect.stringMatching(/^\d{4}-\d{6}$/),
  });
  return r.body;
};

/** Every notice version submitted in this file, exactly as sent, for the SDK's validation at the end. */
const sent: { name: string; xml: string }[] = [];
const keep = async (name: string, tenderId: string, noticeId: string, version: number) => {
  const r = await call('GET', `/tenders/${tenderId}/notices/${noticeId}?version=${version}`);
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toContain('application/xml');
  sent.push({ name, xml: r.body as string });
};

describe('eForms notices of the colonoscopy tender', () => {
  let flow: TenderFlow;

  it('say what they miss until the entity and the register hold it', async () => {
    const created = await call('POST', '/tenders', who.officer, {
      ...colonoscopyLotValues(stack.runtime.clock.now().getTime()),
      requireAcceptedNotice: true,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    flow = new TenderFlow(stack, who, created.body.id);
    const contract = await noticeOf(flow.id, 'contract');
    expect(contract).toMatchObject({ state: 'incomplete' });
    expect(contract.missing).toContain('PUT /entities/helse-sor-ost/notice-settings');
    expect(await noticeOf(flow.id, 'award')).toMatchObject({ state: 'not-due' });

    const refused = await call('PUT', '/entities/helse-sor-ost/notice-settings', who.officer, {
      ...settings,
      submissionUrl: 'http://insecure.example.org/',
    });
    expect(refused.status).toBe(400);
    const put = await call('PUT', '/entities/helse-sor-ost/notice-settings', who.officer, settings);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ entityId: 'helse-sor-ost', version: 1 });
    expect((await call('PUT', '/entities/helse-vest/notice-settings', who.officer, settings)).status).toBe(
      404,
    );
    expect((await call('GET', '/entities/helse-sor-ost/notice-settings', who.auditor)).status).toBe(200);
    expect(await noticeOf(flow.id, 'contract')).toMatchObject({ state: 'ready', subtype: '20' });
  });

  it('announces only once Doffin has accepted the contract notice made from the tender as it is', async () => {
    const early = await call('POST', `/tenders/${flow.id}/announce`, who.officer, { version: 1 });
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain('has not been submitted');

    const { noticeId } = await noticeOf(flow.id, 'contract');
    const xml = await call('GET', `/tenders/${flow.id}/notices/${noticeId}`);
    expect(xml.status).toBe(200);
    expect(xml.body).toContain('<cbc:SubTypeCode listName="notice-subtype">20</cbc:SubTypeCode>');
    expect(xml.body).toContain(`<cbc:ID schemeName="notice-id">${noticeId}</cbc:ID>`);
    expect(xml.body).toContain(`https://anbud.helse-sor-ost.example.org/tenders/${flow.id}`);

    // Only the entity's officers submit; its auditors read; another entity sees nothing.
    expect((await call('POST', `/tenders/${flow.id}/notices/${noticeId}/submit`, who.auditor)).status).toBe(
      403,
    );
    expect((await call('GET', `/tenders/${flow.id}/notices`, foreignOfficer)).status).toBe(404);
    expect((await notices(flow.id, who.auditor)).length).toBe(2);

    const accepted = await submit(flow.id, noticeId);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ state: 'accepted', version: 1 });
    expect(accepted.body.versions[0]).toMatchObject({
      status: 'accepted',
      tenderVersion: 1,
      submittedBy: { sub: 'kari' },
    });
    await keep('hso-20-v1', flow.id, noticeId, 1);
    expect((await submit(flow.id, noticeId)).status).toBe(409); // says nothing new

    // A change after the acceptance: the notice must go again before the announcement.
    const edited = await call('PATCH', `/tenders/${flow.id}`, who.officer, {
      version: 1,
      title: 'Koloskopi i Innlandet, Vestfold og Telemark 2027',
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(await noticeOf(flow.id, 'contract')).toMatchObject({ state: 'changed', version: 1 });
    const stale = await call('POST', `/tenders/${flow.id}/announce`, who.officer, { version: 2 });
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toContain('changed (version 2) after its contract notice was submitted');
    const waiting = await submit(flow.id, noticeId);
    expect(waiting.status).toBe(409);
    expect(waiting.body.detail).toContain('not yet published');

    // Published as it was accepted; the tender says more since: the notice stays `changed`.
    expect(await publish(flow.id, noticeId)).toMatchObject({ state: 'changed', version: 1 });
    const second = await submit(flow.id, noticeId);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body).toMatchObject({ state: 'accepted', version: 2 });
    await keep('hso-20-v2', flow.id, noticeId, 2);

    const announced = await call('POST', `/tenders/${flow.id}/announce`, who.officer, { version: 2 });
    expect(announced.status, JSON.stringify(announced.body)).toBe(200);
    await flow.waitingIn('AwaitBidDeadline');
  });

  it('prepares the award notice when the standstill ends, naming every bidder from the register', async () => {
    await flow.toAgreements([
      ['norsk-arbeidshelse-as', 'innlandet', 1900],
      ['falck-norge-as', 'telemark-vestfold', 2100],
    ]);
    const award = await noticeOf(flow.id, 'award');
    expect(award.state).toBe('incomplete');
    expect(award.missing).toContain('PATCH /reference/suppliers/');
    for (const [id, details] of Object.entries(registered)) {
      const s = await call('GET', `/reference/suppliers/${id}`);
      const patched = await call('PATCH', `/reference/suppliers/${id}`, who.officer, {
        version: s.body.version,
        ...details,
      });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    }
    expect(await noticeOf(flow.id, 'award')).toMatchObject({ state: 'ready', subtype: '33' });
    const accepted = await submit(flow.id, award.noticeId);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    await keep('hso-33', flow.id, award.noticeId, 1);
    const xml = sent.at(-1)?.xml ?? '';
    expect(xml).toContain('<cbc:SubTypeCode listName="notice-subtype">33</cbc:SubTypeCode>');
    expect(xml).toContain('100000016'); // the winner's organisation number
    expect(await noticeOf(flow.id, 'award')).toMatchObject({ state: 'accepted', version: 1 });
    // Nobody asks: the hourly check of notices awaiting publication records it.
    const hour = new Date(stack.runtime.clock.now().getTime() + 3_600_000);
    hour.setUTCMinutes(5, 0, 0);
    await stack.client.advanceClock({ to: hour });
    const published = await eventually(
      () => noticeOf(flow.id, 'award'),
      (n) => n.state === 'published',
    );
    expect(published.publicationId).toMatch(/^\d{4}-\d{6}$/);
  });

  it('owes a modification notice only for an amendment whose legal basis asks for one', async () => {
    const agreements = await call('GET', '/agreements?supplierId=falck-norge-as', who.officer);
    const agreement = (agreements.body.items as { id: string; tenderId?: string; startDate: string }[]).find(
      (a) => a.tenderId === flow.id,
    ) as { id: string; startDate: string };
    const year = Number(agreement.startDate.slice(0, 4));
    const amend = async (legalBasis: string, delta: number) => {
      const raised = await call('POST', `/agreements/${agreement.id}/years/${year}/amendments`, who.officer, {
        unit: 'konsultasjoner',
        delta,
        reason: 'Flere henvisninger fra sykehusene',
        legalBasis,
      });
      expect(raised.status, JSON.stringify(raised.body)).toBe(201);
      const confirmed = await call(
        'POST',
        `/agreements/${agreement.id}/years/${year}/amendments/${raised.body.id}/confirmation`,
        who.suppliers['falck-norge-as'],
        { version: raised.body.version },
      );
      expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
      return raised.body.id as string;
    };
    await amend('mod-nons', 10);
    expect((await notices(flow.id)).filter((n) => n.stage === 'modification')).toEqual([]);
    const amendmentId = await amend('add-wss', 150);
    const modification = (await notices(flow.id)).find((n) => n.stage === 'modification');
    expect(modification).toMatchObject({ state: 'ready', subtype: '38', amendmentId });
    const accepted = await submit(flow.id, modification?.noticeId as string);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    await keep('hso-38', flow.id, modification?.noticeId as string, 1);
    expect(sent.at(-1)?.xml).toContain(
      '<cbc:ReasonCode listName="modification-justification">add-wss</cbc:ReasonCode>',
    );
  });

  it('audits every submission and publication, attributed', async () => {
    const timeline = await call('GET', '/audit/timeline?limit=100', who.auditor);
    expect(timeline.status, JSON.stringify(timeline.body)).toBe(200);
    const events = (timeline.body.items as { action: string; actor?: string }[]).filter((e) =>
      e.action.startsWith('notice.'),
    );
    const by = (actor: string, action: string) =>
      events.filter((e) => e.actor === actor && e.action === action).length;
    expect(by('kari', 'notice.submitted')).toBe(4);
    // Version 1 of the contract notice published when the officer asked; its version 2 and the award
    // notice by the hourly check of notices awaiting publication, nobody asking.
    expect(by('kari', 'notice.published')).toBe(1);
    expect(by('system', 'notice.published')).toBe(2);
    expect(events).toHaveLength(7);
  });

  it('meet the eForms XSDs and Schematron rules of their subtypes, exactly as submitted', (ctx) => {
    const missing = eformsValidationMissing();
    if (missing) {
      if (process.env.EFORMS_REQUIRED === '1')
        throw new Error(`eForms validation must run here, but ${missing}`);
      console.warn(`SKIPPED: validating the submitted notices needs ${missing}`);
      return ctx.skip();
    }
    expect(sent.map((n) => n.name)).toEqual(['hso-20-v1', 'hso-20-v2', 'hso-33', 'hso-38']);
    const validation = validateNotices([
      ...sent,
      ...tedForm(sent).map((n) => ({ ...n, name: `${n.name}-ted` })),
    ]);
    for (const r of validation.reports) {
      expect(r.xsdErrors, r.name).toEqual([]);
      const errors = r.name.includes('ted') ? r.errors : r.errors.filter((e) => !officialLanguagesOnly(e));
      expect(errors, r.name).toEqual([]);
    }
    console.log(
      `eForms validation of the ${sent.length} notices submitted (and their TED form): Schematron ${validation.schematronSeconds.toFixed(1)} s, XSD ${validation.xsdSeconds.toFixed(2)} s`,
    );
  }, 300_000);
});
