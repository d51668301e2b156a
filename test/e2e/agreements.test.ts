/**
 * Framework agreements over time, end to end through the HTTP API against the local stack: the
 * renegotiation workflow file on the local engine, its deadlines on the local scheduler, usage and
 * amendments, options and termination.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colonoscopyTender, DAY } from '../helpers/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { helseOgArbeidAgreement, renegotiationFlow } from '../support/renegotiation-flow.ts';
import { stateNames } from '../support/tender-flow.ts';

let stack: TestStack;
let officer: string;
let auditor: string;
let foreignOfficer: string;
let nah: string;
let falck: string;

beforeAll(async () => {
  stack = await startTestStack();
  officer = await stack.tokenFor({ role: 'officer', entity: 'helse-sor-ost', sub: 'kari' });
  auditor = await stack.tokenFor({ role: 'auditor', entity: 'helse-sor-ost', sub: 'aud' });
  foreignOfficer = await stack.tokenFor({ role: 'officer', entity: 'helse-vest', sub: 'per' });
  nah = await stack.tokenFor({ role: 'supplier', supplier: 'norsk-arbeidshelse-as', sub: 'ola' });
  falck = await stack.tokenFor({ role: 'supplier', supplier: 'falck-norge-as', sub: 'fred' });
  flow = renegotiationFlow(stack, { officer, supplier: nah });
});
afterAll(() => stack?.stop());

const clock = () => stack.runtime.clock.now();
const published = (type: string, agreementId: string) =>
  stack.runtime.bus.published.filter(
    (e) => e['detail-type'] === type && (e.detail as { agreementId?: string }).agreementId === agreementId,
  );

let flow: ReturnType<typeof renegotiationFlow>;
const register = (overrides: Record<string, unknown> = {}) => flow.register(overrides);
const year = (id: string, y: number, token = officer) => flow.year(id, y, token);
const workflow = (id: string, y: number) => flow.workflow(id, y);
const waitingIn = (id: string, y: number, state: string) => flow.waitingIn(id, y, state);
const start = (id: string, y: number, body: Record<string, unknown> = {}) => flow.start(id, y, body);
const propose = (id: string, y: number, volume: number, extra: Record<string, unknown> = {}) =>
  flow.propose(id, y, volume, extra);
const answer = (id: string, y: number, body: Record<string, unknown>, token = nah) =>
  flow.answer(id, y, body, token);
const approve = (id: string, y: number) => flow.approve(id, y);

describe('options and termination', () => {
  it('exercises an option before its last day, recording who decided, and refuses one after it', async () => {
    const a = await register();
    const exercised = await stack.request('POST', `/agreements/${a.id}/options/exercise`, {
      token: officer,
      body: { version: a.version },
    });
    expect(exercised.status, JSON.stringify(exercised.body)).toBe(200);
    expect(exercised.body).toMatchObject({
      status: 'extended',
      endDate: '2027-12-31',
      optionsExercised: [
        expect.objectContaining({
          index: 0,
          by: { sub: 'kari', name: 'kari' },
          from: '2026-12-31',
          to: '2027-12-31',
        }),
      ],
      nextOption: { index: 1, lastDay: '2027-12-01', newEndDate: '2028-12-31' },
    });
    const late = await register({ optionNoticeDays: 90 }); // last day 2026-10-02, already past
    const refused = await stack.request('POST', `/agreements/${late.id}/options/exercise`, {
      token: officer,
      body: { version: 1 },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toContain('The last day to exercise option 1 was 2026-10-02');
    const foreign = await stack.request('POST', `/agreements/${a.id}/options/exercise`, {
      token: foreignOfficer,
      body: { version: 2 },
    });
    expect(foreign.status).toBe(404);
    await stack.runtime.eventsIdle();
    expect(published('Agreement.OptionExercised', a.id)).toHaveLength(1);
  });

  it('gives notice: the agreement stays active without options until its effective end, and drafts the new procurement', async () => {
    const a = await register();
    const r = await stack.request('POST', `/agreements/${a.id}/termination`, {
      token: officer,
      body: {
        version: 1,
        reason: 'Tjenesten flyttes til eget helseforetak',
        noticeMonths: 3,
        startNewProcurement: true,
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const today = clock().toISOString().slice(0, 10);
    // Three months from today fall after the end date: it ends on its end date, still active until then.
    expect(r.body.agreement).toMatchObject({
      status: 'active',
      endDate: '2026-12-31',
      termination: {
        reason: 'Tjenesten flyttes til eget helseforetak',
        noticeMonths: 3,
        noticeCounting: 'from-notice',
        givenOn: today,
        endsOn: '2026-12-31',
        successorTenderId: r.body.newTenderId,
        by: { sub: 'kari', name: 'kari' },
      },
    });
    expect(r.body.agreement.nextOption).toBeUndefined();
    const draft = await stack.request('GET', `/tenders/${r.body.newTenderId}`, { token: officer });
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({
      status: 'draft',
      serviceAreaIds: ['helse-og-arbeid'],
      lots: [expect.objectContaining({ hospitalAreaIds: ['oslo', 'innlandet'] })],
    });
    const again = await stack.request('POST', `/agreements/${a.id}/years/2027/negotiation`, {
      token: officer,
      body: {},
    });
    expect(again.status).toBe(409);
    // No option after notice, no second notice, no other decision.
    const version = r.body.agreement.version;
    const option = await stack.request('POST', `/agreements/${a.id}/options/exercise`, {
      token: officer,
      body: { version },
    });
    expect(option.status).toBe(409);
    expect(option.body.detail).toBe(
      `Notice was given on ${today}: the agreement ends 2026-12-31 and its options are no longer offered`,
    );
    const twice = await stack.request('POST', `/agreements/${a.id}/termination`, {
      token: officer,
      body: { version, reason: 'Igjen', noticeMonths: 1 },
    });
    expect(twice.status).toBe(409);
    const decision = await stack.request('POST', `/agreements/${a.id}/decision`, {
      token: officer,
      body: { version, decision: 'exercise-option' },
    });
    expect(decision.status).toBe(409);
    await stack.runtime.eventsIdle();
    expect(published('Agreement.Terminated', a.id).map((e) => e.detail)).toEqual([
      expect.objectContaining({
        endsOn: '2026-12-31',
        noticeMonths: 3,
        noticeCounting: 'from-notice',
        givenOn: today,
        newTenderId: r.body.newTenderId,
      }),
    ]);
  });

  it('refuses a notice counted in a way the product does not know, pointing at it', async () => {
    const a = await register();
    const r = await stack.request('POST', `/agreements/${a.id}/termination`, {
      token: officer,
      body: { version: 1, reason: 'x', noticeMonths: 3, noticeCounting: 'from-next-quarter' },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([expect.objectContaining({ pointer: '#/noticeCounting' })]);
    const months = await stack.request('POST', `/agreements/${a.id}/termination`, {
      token: officer,
      body: { version: 1, reason: 'x', noticeMonths: 3.5 },
    });
    expect(months.status).toBe(400);
    expect(months.body.errors).toEqual([expect.objectContaining({ pointer: '#/noticeMonths' })]);
  });
});

describe('one successor tender for several agreements', () => {
  const notice = (id: string, version: number, extra: Record<string, unknown> = {}) =>
    stack.request('POST', `/agreements/${id}/termination`, {
      token: officer,
      body: { version, reason: 'Rehabilitering anskaffes på nytt', noticeMonths: 6, ...extra },
    });
  const draftTender = async () => {
    const r = await stack.request('POST', '/tenders', {
      token: officer,
      body: colonoscopyTender(clock().getTime()),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };

  it('links an existing tender as the successor with the notice, or later; the tender lists the agreements it replaces', async () => {
    const successor = await draftTender();
    const a = await register();
    const b = await register();
    const withNotice = await notice(a.id, a.version, { successorTenderId: successor });
    expect(withNotice.status, JSON.stringify(withNotice.body)).toBe(200);
    expect(withNotice.body.agreement.termination).toMatchObject({ successorTenderId: successor });
    // b: notice now, the successor linked later.
    const given = await notice(b.id, b.version);
    expect(given.status).toBe(200);
    expect(given.body.agreement.termination.successorTenderId).toBeUndefined();
    const linked = await stack.request('PUT', `/agreements/${b.id}/termination/successor`, {
      token: officer,
      body: { version: given.body.agreement.version, successorTenderId: successor },
    });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    expect(linked.body).toMatchObject({ status: 'active', termination: { successorTenderId: successor } });
    const tender = await stack.request('GET', `/tenders/${successor}`, { token: officer });
    expect(tender.body.replacesAgreementIds).toEqual([a.id, b.id]);
    await stack.runtime.eventsIdle();
    expect(published('Agreement.Terminated', a.id).map((e) => e.detail)).toEqual([
      expect.objectContaining({ successorTenderId: successor }),
    ]);
    // An agreement keeps a successor that is still under way.
    const other = await draftTender();
    const relink = await stack.request('PUT', `/agreements/${b.id}/termination/successor`, {
      token: officer,
      body: { version: linked.body.version, successorTenderId: other },
    });
    expect(relink.status).toBe(409);
    expect(relink.body.detail).toContain(`already replaced by tender ${successor}`);
  });

  it('refuses an unknown or cancelled successor, both a draft and a link, and a link without notice, with pointers', async () => {
    const a = await register();
    const unknown = await notice(a.id, a.version, { successorTenderId: `tnd_${'a'.repeat(32)}` });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ pointer: '#/successorTenderId' })]);
    const successor = await draftTender();
    const both = await notice(a.id, a.version, { successorTenderId: successor, startNewProcurement: true });
    expect(both.status).toBe(422);
    expect(both.body.errors).toEqual([expect.objectContaining({ pointer: '#/successorTenderId' })]);
    const malformed = await notice(a.id, a.version, { successorTenderId: 'tnd_1' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ pointer: '#/successorTenderId' })]);
    const early = await stack.request('PUT', `/agreements/${a.id}/termination/successor`, {
      token: officer,
      body: { version: a.version, successorTenderId: successor },
    });
    expect(early.status).toBe(409);
    const cancelled = await draftTender();
    const cancel = await stack.request('POST', `/tenders/${cancelled}/cancel`, {
      token: officer,
      body: { version: 1, reason: 'Feil utlyst' },
    });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    const refused = await notice(a.id, a.version, { successorTenderId: cancelled });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { pointer: '#/successorTenderId', detail: 'The tender is cancelled' },
    ]);
    // Nothing was written: the agreement still takes its notice.
    expect((await notice(a.id, a.version)).status).toBe(200);
  });

  it('tells the officers when the successor is cancelled while the agreements it replaces run out, and lets another be linked', async () => {
    const successor = await draftTender();
    const a = await register();
    const b = await register();
    const na = await notice(a.id, a.version, { successorTenderId: successor });
    const nb = await notice(b.id, b.version, { successorTenderId: successor });
    expect([na.status, nb.status]).toEqual([200, 200]);
    const cancel = await stack.request('POST', `/tenders/${successor}/cancel`, {
      token: officer,
      body: { version: 3, reason: 'Behovet må utredes på nytt' },
    });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    await stack.runtime.eventsIdle();
    const events = stack.runtime.bus.published.filter(
      (e) =>
        e['detail-type'] === 'Tender.Cancelled' && (e.detail as { tenderId: string }).tenderId === successor,
    );
    expect(events.map((e) => e.detail)).toEqual([
      expect.objectContaining({ replacesAgreementIds: [a.id, b.id], wholeTender: true }),
    ]);
    const message = await eventually(
      async () => stack.runtime.endpoint.sns.filter((m) => m.message.includes(successor)),
      (ms) => ms.some((m) => m.message.includes('Action needed')),
    );
    const officers = message.find((m) => m.message.includes('Action needed'));
    expect(officers?.message).toContain(`it was to replace agreement(s) ${a.id}, ${b.id}`);
    expect(officers?.attributes.audience).toBe('officers');
    // The agreement's cancelled successor can be replaced by another.
    const next = await draftTender();
    const relinked = await stack.request('PUT', `/agreements/${a.id}/termination/successor`, {
      token: officer,
      body: { version: na.body.agreement.version, successorTenderId: next },
    });
    expect(relinked.status, JSON.stringify(relinked.body)).toBe(200);
    expect(relinked.body.termination.successorTenderId).toBe(next);
  });
});

describe('a registered agreement', () => {
  it("has its first year from the registration's volumes and prices, published, so usage counts from day one", async () => {
    const a = (await register()) as unknown as {
      id: string;
      startDate: string;
      volumes: { unit: string; quantity: number }[];
      prices: { unit: string; unitPrice: number }[];
    };
    const first = Number(a.startDate.slice(0, 4));
    const y = await year(a.id, first);
    expect(y.status).toBe(200);
    expect(y.body).toMatchObject({ status: 'published', basis: 'registration', currency: 'NOK' });
    expect(y.body.lines).toEqual(
      a.volumes.map((v) => ({
        unit: v.unit,
        volume: v.quantity,
        unitPrice: a.prices.find((p) => p.unit === v.unit)?.unitPrice,
      })),
    );
  });
});

describe('an agreement over several specialties', () => {
  it('covers each of them: found by any, shown as lists, reported once under their combination', async () => {
    const a = (await register({
      serviceAreaId: undefined,
      serviceAreaIds: ['psykisk-helsevern', 'helse-og-arbeid'],
      lot: {
        id: 'psykisk-helsevern',
        title: 'Arbeidsrettet behandling, dag og poliklinisk',
        hospitalAreaIds: ['oslo'],
        formsOfCare: ['day', 'outpatient'],
      },
      deliverySites: [{ place: 'Oslo', hospitalAreaId: 'oslo' }],
    })) as unknown as Record<string, unknown> & { id: string };
    expect(a).toMatchObject({
      serviceAreaId: 'psykisk-helsevern',
      serviceAreaIds: ['psykisk-helsevern', 'helse-og-arbeid'],
      formOfCare: 'day',
      formsOfCare: ['day', 'outpatient'],
    });
    for (const area of ['psykisk-helsevern', 'helse-og-arbeid']) {
      const found = await stack.request('GET', `/agreements?serviceAreaId=${area}&limit=100`, {
        token: officer,
      });
      expect(found.body.items.map((i: { id: string }) => i.id)).toContain(a.id);
    }
    // One registered with the older one-value spelling reads as lists of one.
    const older = await register();
    const read = await stack.request('GET', `/agreements/${older.id}`, { token: officer });
    expect(read.body).toMatchObject({ serviceAreaIds: ['helse-og-arbeid'], formsOfCare: ['outpatient'] });
    const report = await stack.request('GET', '/reports/agreements?year=2026&groupBy=serviceArea', {
      token: officer,
    });
    expect(report.status).toBe(200);
    expect(report.body.groups.map((g: { key: string; name: string }) => [g.key, g.name])).toContainEqual([
      'helse-og-arbeid+psykisk-helsevern',
      'Helse og arbeid + Psykisk helsevern',
    ]);
    const both = await stack.request('POST', '/agreements', {
      token: officer,
      body: { ...helseOgArbeidAgreement(), serviceAreaIds: ['helse-og-arbeid'] },
    });
    expect(both.status).toBe(422);
    expect(both.body.errors[0]).toEqual({
      pointer: '#/serviceAreaIds',
      detail: expect.stringContaining('one of the two, not both'),
    });
  });
});

describe('the yearly renegotiation', () => {
  it('proposes from last year, the supplier accepts, the officer approves, the year is published', async () => {
    const a = await register({ endDate: '2028-12-31' });
    const draft = await start(a.id, 2027, { need: [{ unit: 'konsultasjoner', volume: 4500 }] });
    expect(draft).toMatchObject({
      status: 'draft',
      lines: [{ unit: 'konsultasjoner', volume: 4500, unitPrice: 1200 }],
    });
    await propose(a.id, 2027, 4400);
    expect((await year(a.id, 2027, falck)).status).toBe(404);
    await answer(a.id, 2027, { accept: true, comment: 'Vi aksepterer.' });
    const done = await approve(a.id, 2027);
    expect(done).toMatchObject({
      status: 'published',
      lines: [expect.objectContaining({ volume: 4400, unitPrice: 1250 })],
    });
    const history = await workflow(a.id, 2027);
    expect(stateNames(history.body.events)).toEqual(
      expect.arrayContaining(['AwaitOfficer', 'AwaitSupplier', 'PublishYear', 'Published']),
    );
    // Published: everyone signed in reads the agreed terms, not the negotiation.
    const other = await year(a.id, 2027, falck);
    expect(other.status).toBe(200);
    expect(other.body).not.toHaveProperty('rounds');
    await stack.runtime.eventsIdle();
    for (const type of [
      'PerformanceAgreement.Proposed',
      'PerformanceAgreement.Agreed',
      'PerformanceAgreement.Published',
    ])
      expect(published(type, a.id), type).toHaveLength(1);
  });

  it('takes a counter-offer, which the officer accepts and approves', async () => {
    const a = await register({ endDate: '2028-12-31' });
    await start(a.id, 2027);
    await propose(a.id, 2027, 3800);
    await answer(a.id, 2027, {
      accept: false,
      lines: [{ unit: 'konsultasjoner', volume: 4200, unitPrice: 1300 }],
      priceAdjustmentPercent: 5,
      comment: 'Økt etterspørsel i Innlandet',
    });
    expect((await year(a.id, 2027)).body.status).toBe('countered');
    const done = await approve(a.id, 2027);
    expect(done).toMatchObject({
      status: 'published',
      lines: [expect.objectContaining({ volume: 4200, unitPrice: 1300 })],
      priceAdjustmentPercent: 5,
    });
    expect(done.rounds.map((r: { kind: string }) => r.kind)).toEqual(['proposal', 'counter']);
  });

  it('reminds a silent supplier once, then escalates to the officer, who proposes again', async () => {
    const a = await register({ endDate: '2028-12-31' });
    await start(a.id, 2027);
    const proposed = await propose(a.id, 2027, 4000, { answerDays: 3 });
    await stack.advanceClockTo(new Date(Date.parse(proposed.supplierDeadline) + 60_000));
    const reminded = await eventually(
      () => year(a.id, 2027),
      (r) => r.body.reminders === 1,
    );
    expect(Date.parse(reminded.body.supplierDeadline)).toBeGreaterThan(Date.parse(proposed.supplierDeadline));
    await waitingIn(a.id, 2027, 'AwaitSupplier');
    await stack.advanceClockTo(new Date(Date.parse(reminded.body.supplierDeadline) + 60_000));
    await eventually(
      () => year(a.id, 2027),
      (r) => r.body.escalatedAt !== undefined,
    );
    await waitingIn(a.id, 2027, 'AwaitOfficer');
    await stack.runtime.eventsIdle();
    expect(published('PerformanceAgreement.SupplierReminded', a.id)).toHaveLength(1);
    expect(published('PerformanceAgreement.Escalated', a.id)).toHaveLength(1);
    await propose(a.id, 2027, 3900);
    await answer(a.id, 2027, { accept: true });
    expect((await approve(a.id, 2027)).status).toBe('published');
  });

  it('flags a year that starts without an agreement, and still takes the approval afterwards', async () => {
    const y = clock().getUTCFullYear() + 1;
    const a = await register({ endDate: `${y + 1}-12-31` });
    await start(a.id, y);
    await propose(a.id, y, 4000, { answerDays: 60 });
    await stack.advanceClockTo(new Date(Date.UTC(y, 0, 2)));
    const flagged = await eventually(
      () => year(a.id, y),
      (r) => r.body.notAgreedInTimeAt !== undefined,
    );
    expect(flagged.body.status).toBe('proposed');
    await stack.runtime.eventsIdle();
    expect(published('PerformanceAgreement.NotAgreedInTime', a.id)).toHaveLength(1);
    await answer(a.id, y, { accept: true });
    expect((await approve(a.id, y)).status).toBe('published');
  });
});

describe('the year in progress', () => {
  it('amends volumes with the supplier confirming, and reports utilisation against the current volume', async () => {
    const y = clock().getUTCFullYear();
    const a = await register({ startDate: `${y - 1}-01-01`, endDate: `${y + 1}-12-31` });
    await start(a.id, y);
    await propose(a.id, y, 1200);
    await answer(a.id, y, { accept: true });
    await approve(a.id, y);
    // Usage: January to March, reported in April.
    await stack.advanceClockTo(new Date(Math.max(clock().getTime(), Date.UTC(y, 3, 15))));
    for (const [month, quantity] of [
      [1, 90],
      [2, 110],
      [3, 100],
    ] as const) {
      const r = await stack.request('PUT', `/agreements/${a.id}/usage/${y}/${month}`, {
        token: nah,
        body: { lines: [{ unit: 'konsultasjoner', quantity }] },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const future = await stack.request('PUT', `/agreements/${a.id}/usage/${y + 1}/12`, {
      token: nah,
      body: { lines: [{ unit: 'konsultasjoner', quantity: 1 }] },
    });
    expect(future.status).toBe(422);
    // One unit twice in one report: refused, pointing at the second line (it was stored, and summed).
    const twice = await stack.request('PUT', `/agreements/${a.id}/usage/${y}/3`, {
      token: nah,
      body: {
        lines: [
          { unit: 'konsultasjoner', quantity: 60 },
          { unit: 'konsultasjoner', quantity: 40 },
        ],
      },
    });
    expect(twice.status).toBe(422);
    expect(twice.body.errors[0]).toMatchObject({ pointer: '#/lines/1/unit' });
    // Read back month by month, with money at the year's price, in the agreement's currency.
    const price = (await year(a.id, y)).body.lines[0].unitPrice as number;
    const usage = await stack.request('GET', `/agreements/${a.id}/usage/${y}`, { token: nah });
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({
      currency: 'NOK',
      months: [
        { month: 1, lines: [{ unit: 'konsultasjoner', quantity: 90, unitPrice: price, value: 90 * price }] },
        { month: 2, value: 110 * price },
        { month: 3, value: 100 * price },
      ],
      totals: [{ unit: 'konsultasjoner', quantity: 300, value: 300 * price }],
    });
    expect((await stack.request('GET', `/agreements/${a.id}/usage/${y}`, { token: falck })).status).toBe(404);
    // The seed text's kind of amendment: +1 500 konsultasjoner, confirmed by the supplier.
    const raised = await stack.request('POST', `/agreements/${a.id}/years/${y}/amendments`, {
      token: officer,
      body: { unit: 'konsultasjoner', delta: 1500, reason: 'Økt volum for å redusere ventetider' },
    });
    expect(raised.status, JSON.stringify(raised.body)).toBe(201);
    const before = (await year(a.id, y)).body.utilisation[0];
    expect(before).toMatchObject({
      agreed: 1200,
      amended: 0,
      current: 1200,
      used: 300,
      utilisationPercent: 25,
    });
    const confirmed = await stack.request(
      'POST',
      `/agreements/${a.id}/years/${y}/amendments/${raised.body.id}/confirmation`,
      {
        token: nah,
        body: { version: 1 },
      },
    );
    expect(confirmed.status).toBe(200);
    const after = (await year(a.id, y)).body;
    expect(after.utilisation[0]).toMatchObject({
      agreed: 1200,
      amended: 1500,
      current: 2700,
      used: 300,
      remaining: 2400,
      utilisationPercent: 11.1,
    });
    expect(after.amendments).toEqual([
      expect.objectContaining({
        status: 'confirmed',
        delta: 1500,
        reason: 'Økt volum for å redusere ventetider',
      }),
    ]);
    const tooLow = await stack.request('POST', `/agreements/${a.id}/years/${y}/amendments`, {
      token: officer,
      body: { unit: 'konsultasjoner', delta: -3000, reason: 'For mye' },
    });
    expect(tooLow.status).toBe(422);
    // Next year's proposal starts from this year's current volume and usage.
    const next = await stack.request('POST', `/agreements/${a.id}/years/${y + 1}/negotiation`, {
      token: officer,
      body: {},
    });
    expect(next.body.lines).toEqual([expect.objectContaining({ unit: 'konsultasjoner', volume: 2700 })]);
    const audit = await stack.request('GET', `/agreements/${a.id}/years/${y}/workflow`, { token: auditor });
    expect(audit.status).toBe(200);
  });
});

describe('the yearly start', () => {
  it("starts next year's renegotiation for every running agreement at the configured date, by itself", async () => {
    const now = clock();
    const y = now.getUTCFullYear();
    const a = await register({ startDate: `${y}-01-01`, endDate: `${y + 3}-12-31` });
    const runDate = new Date(Date.UTC(now.getUTCMonth() >= 8 ? y + 1 : y, 8, 1, 6));
    await stack.advanceClockTo(new Date(runDate.getTime() + DAY));
    const negotiated = runDate.getUTCFullYear() + 1;
    const draft = await eventually(
      () => year(a.id, negotiated),
      (r) => r.status === 200,
    );
    expect(draft.body.status).toBe('draft');
    await waitingIn(a.id, negotiated, 'AwaitOfficer');
    const next = stack.runtime.scheduler
      .list('helsekjop')
      .find((s) => s.Name === `renegotiations-run-${runDate.getUTCFullYear() + 1}`);
    expect(next?.ScheduleExpression).toBe(`at(${runDate.getUTCFullYear() + 1}-09-01T06:00:00)`);
  });
});

describe('answer reminders', () => {
  it("reminds the officer before the officer's deadline and the supplier before its own, once each", async () => {
    const y = clock().getUTCFullYear() + 1;
    const a = await register({ endDate: `${y + 1}-12-31` });
    await start(a.id, y);
    // The officer's turn is due a month before the year; the reminder comes 14 days before that.
    const officerRemindAt = Date.parse(`${y - 1}-12-01T07:00:00.000Z`) - 14 * DAY;
    await stack.advanceClockTo(new Date(Math.max(clock().getTime(), officerRemindAt) + 2 * 60_000));
    const inbox = await eventually(
      () => stack.request('GET', '/notifications?limit=100', { token: officer }),
      (r) =>
        r.body.items.some(
          (n: { agreementId: string; kind: string }) => n.agreementId === a.id && n.kind === 'answer-due',
        ),
    );
    expect(inbox.body.items.find((n: { agreementId: string }) => n.agreementId === a.id).title).toContain(
      `${y - 1}-12-01`,
    );
    const proposed = await propose(a.id, y, 4000, { answerDays: 10 });
    const remindAt = Date.parse(proposed.supplierDeadline) - 3 * DAY;
    await stack.advanceClockTo(new Date(remindAt + 60_000));
    await stack.runtime.eventsIdle();
    const due = published('PerformanceAgreement.AnswerDue', a.id);
    expect(due.map((e) => (e.detail as { role: string }).role).sort()).toEqual(['officer', 'supplier']);
    // A second firing of the supplier's reminder changes nothing.
    const again = await stack.runtime.invoke('timer', {
      type: 'renegotiation.answerDue',
      agreementId: a.id,
      year: y,
      role: 'supplier',
      deadline: proposed.supplierDeadline,
    });
    expect(again).toEqual({ outcome: 'already reminded' });
    await stack.runtime.eventsIdle();
    expect(published('PerformanceAgreement.AnswerDue', a.id)).toHaveLength(2);
  });
});

describe('notice on an open-ended agreement', () => {
  it('counts from the end of the month, keeps it active with its reminders re-planned, and ends it terminated on that date', async () => {
    const a = await register({ openEnded: true, endDate: undefined, options: [] });
    const now = clock();
    const endsOn = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 7, 0))
      .toISOString()
      .slice(0, 10);
    const r = await stack.request('POST', `/agreements/${a.id}/termination`, {
      token: officer,
      body: {
        version: a.version,
        reason: 'Behovet dekkes av egne sykehus',
        noticeMonths: 6,
        noticeCounting: 'from-end-of-month',
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.agreement).toMatchObject({
      status: 'active',
      openEnded: true,
      termination: { noticeMonths: 6, noticeCounting: 'from-end-of-month', endsOn },
    });
    const reminders = async () =>
      (await stack.request('GET', `/agreements/${a.id}/reminders`, { token: officer })).body.items as {
        key: string;
        kind: string;
        status: string;
      }[];
    const pending = (await reminders()).filter((x) => x.status === 'pending');
    expect(pending.map((x) => x.key)).toContain(`expiry#${endsOn}#01m`);
    expect(pending.every((x) => x.key.startsWith(`expiry#${endsOn}#`))).toBe(true);
    // The yearly review of an open-ended agreement is no longer wanted: it ends.
    expect((await reminders()).filter((x) => x.kind === 'review' && x.status === 'pending')).toEqual([]);
    const before = await stack.request('GET', `/agreements/${a.id}`, { token: officer });
    expect(before.body.status).toBe('active');

    await stack.advanceClockTo(new Date(Date.parse(`${endsOn}T00:00:00.000Z`) + 2 * DAY));
    const ended = await eventually(
      () => stack.request('GET', `/agreements/${a.id}`, { token: officer }),
      (x) => x.body.status === 'terminated',
    );
    expect(ended.body).toMatchObject({ openEnded: true, termination: { endsOn } });
    expect(ended.body.terminatedAt).toBeDefined();
    await stack.runtime.eventsIdle();
    expect(published('Agreement.Terminated', a.id)).toHaveLength(1);
    expect(published('Agreement.TerminationEffective', a.id).map((e) => e.detail)).toEqual([
      expect.objectContaining({ endsOn, reason: 'Behovet dekkes av egne sykehus' }),
    ]);
    expect(published('Agreement.Expired', a.id)).toEqual([]);
    expect((await reminders()).filter((x) => x.status === 'pending')).toEqual([]);
    // The month's reminder before the end said it ends after notice, with nothing left to decide.
    const inbox = await stack.request('GET', '/notifications?limit=100', { token: officer });
    const reminded = inbox.body.items.filter((n: { agreementId?: string }) => n.agreementId === a.id);
    expect(reminded.length).toBeGreaterThan(0);
    for (const n of reminded) {
      expect(n.title).toBe(`Agreement with norsk-arbeidshelse-as ends ${endsOn} after notice`);
      expect(n.text).toContain('No successor tender is linked to it.');
      expect(n.escalation).toBe(false);
    }
    // The inbox pages: two at a time, following nextCursor, gives every notification once.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await stack.request(
        'GET',
        `/notifications?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: officer },
      );
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.body.items.map((n: { id: string }) => n.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(inbox.body.items.length).toBeGreaterThan(2);
    expect([...paged].sort()).toEqual(inbox.body.items.map((n: { id: string }) => n.id).sort());
    expect(
      (await stack.request('GET', '/notifications?cursor=bm90LWEtY3Vyc29y', { token: officer })).status,
    ).toBe(400);
    // The ending is audited, by the system.
    const history = await stack.request('GET', `/agreements/${a.id}/history`, { token: auditor });
    expect(history.status).toBe(200);
    const actions = JSON.stringify(history.body);
    expect(actions).toContain('agreement.terminated');
    expect(actions).toContain('agreement.termination-effective');
  });
});
