/**
 * Steps of an agreement's yearly renegotiation through the HTTP API, shared by the end-to-end
 * tests (test/e2e/agreements.test.ts, test/e2e/faults.test.ts). No vitest here: failures throw.
 */
import type { Answer } from './api-client.ts';
import { expectStatus } from './api-client.ts';
import { eventually } from './eventually.ts';
import type { TestStack } from './local-stack.ts';
import { stateNames } from './tender-flow.ts';

/** The Helse og arbeid agreement of Norsk Arbeidshelse AS from the seed text, by default. */
export const helseOgArbeidAgreement = (overrides: Record<string, unknown> = {}) => ({
  title: 'Psykisk helsevern – arbeidsrettet poliklinisk behandling for angst og depresjon',
  supplierId: 'norsk-arbeidshelse-as',
  serviceAreaId: 'helse-og-arbeid',
  lot: {
    id: 'psykisk-helsevern',
    title: 'Arbeidsrettet poliklinisk behandling',
    hospitalAreaIds: ['oslo', 'innlandet'],
    formOfCare: 'outpatient',
  },
  startDate: '2023-01-01',
  endDate: '2026-12-31',
  options: [{ durationMonths: 12 }, { durationMonths: 12 }],
  optionNoticeDays: 30,
  prices: [{ unit: 'konsultasjoner', unitPrice: 1200 }],
  volumes: [{ unit: 'konsultasjoner', quantity: 4000 }],
  deliverySites: [
    { place: 'Oslo', hospitalAreaId: 'oslo' },
    { place: 'Hamar', hospitalAreaId: 'innlandet' },
  ],
  ...overrides,
});

export const renegotiationFlow = (
  stack: Pick<TestStack, 'request'>,
  who: { officer: string; supplier: string },
) => {
  const register = async (overrides: Record<string, unknown> = {}) =>
    expectStatus(
      await stack.request('POST', '/agreements', {
        token: who.officer,
        body: helseOgArbeidAgreement(overrides),
      }),
      201,
      'register the agreement',
    ) as { id: string; version: number; endDate?: string };

  const year = (id: string, y: number, token = who.officer) =>
    stack.request('GET', `/agreements/${id}/years/${y}`, { token });

  const workflow = (id: string, y: number) =>
    stack.request('GET', `/agreements/${id}/years/${y}/workflow`, { token: who.officer });

  const waitingIn = (id: string, y: number, state: string) =>
    eventually(
      () => workflow(id, y),
      (r) => {
        if (r.body?.status === 'FAILED' || r.body?.status === 'TIMED_OUT')
          throw new Error(`The renegotiation ${r.body.status}: ${JSON.stringify(r.body.events.slice(-6))}`);
        return (
          r.status === 200 &&
          stateNames(r.body.events).at(-1) === state &&
          r.body.events.at(-1)?.type === 'TaskSubmitted'
        );
      },
    );

  const start = async (id: string, y: number, body: Record<string, unknown> = {}) => {
    const r = await stack.request('POST', `/agreements/${id}/years/${y}/negotiation`, {
      token: who.officer,
      body,
    });
    expectStatus(r, 202, 'start the negotiation');
    await waitingIn(id, y, 'AwaitOfficer');
    return r.body;
  };

  /**
   * Writes with the version just read, again on a 409: timers of the system (the year-start check,
   * the answer reminders) may record on the year in between, as they would for any client.
   */
  const withFreshVersion = async (
    read: () => Promise<number>,
    write: (version: number) => Promise<Answer>,
  ) => {
    let r = await write(await read());
    for (let i = 0; i < 3 && r.status === 409; i++) r = await write(await read());
    return r;
  };

  const propose = async (id: string, y: number, volume: number, extra: Record<string, unknown> = {}) => {
    const r = await withFreshVersion(
      async () => (await year(id, y)).body.version,
      (version) =>
        stack.request('POST', `/agreements/${id}/years/${y}/proposal`, {
          token: who.officer,
          body: {
            version,
            lines: [{ service: 'Poliklinisk behandling', unit: 'konsultasjoner', volume, unitPrice: 1250 }],
            priceAdjustmentPercent: 4.2,
            ...extra,
          },
        }),
    );
    expectStatus(r, 200, 'propose');
    await waitingIn(id, y, 'AwaitSupplier');
    return r.body;
  };

  const answer = async (id: string, y: number, body: Record<string, unknown>, token = who.supplier) => {
    const r = await withFreshVersion(
      async () => (await year(id, y, token)).body.version,
      (version) =>
        stack.request('POST', `/agreements/${id}/years/${y}/answer`, { token, body: { version, ...body } }),
    );
    return expectStatus(r, 200, 'answer');
  };

  const approve = async (id: string, y: number) => {
    await waitingIn(id, y, 'AwaitOfficer');
    const r = await withFreshVersion(
      async () => (await year(id, y)).body.version,
      (version) =>
        stack.request('POST', `/agreements/${id}/years/${y}/approval`, {
          token: who.officer,
          body: { version },
        }),
    );
    expectStatus(r, 200, 'approve');
    const done = await eventually(
      () => workflow(id, y),
      (w) => w.body.status !== 'RUNNING',
    );
    if (done.body.status !== 'SUCCEEDED') throw new Error(`The renegotiation ended ${done.body.status}`);
    return (await year(id, y)).body;
  };

  return { register, year, workflow, waitingIn, start, propose, answer, approve };
};
