/** Steps of a tender's life through the HTTP API, shared by the end-to-end tests. */
import { expect } from 'vitest';
import { colonoscopyTender, DAY } from '../helpers/fixtures.ts';
import { eventually } from './eventually.ts';
import type { Answer, TestStack } from './local-stack.ts';

export const TERMINAL = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

type HistoryEvent = { type: string; stateEnteredEventDetails?: { name: string } };

export const stateNames = (events: HistoryEvent[]) =>
  events.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);

export interface Actors {
  officer: string;
  evaluator: string;
  evaluator2: string;
  auditor: string;
  suppliers: Record<string, string>;
}

export const SUPPLIERS = [
  'norsk-arbeidshelse-as',
  'falck-norge-as',
  'unicare-steffensrud-as',
  'rehabiliteringssenteret-air-as',
] as const;

export const actorsOf = async (stack: TestStack): Promise<Actors> => ({
  officer: await stack.tokenFor({ role: 'officer', entity: 'helse-sor-ost', sub: 'kari' }),
  evaluator: await stack.tokenFor({ role: 'evaluator', entity: 'helse-sor-ost', sub: 'eva' }),
  evaluator2: await stack.tokenFor({ role: 'evaluator', entity: 'helse-sor-ost', sub: 'erik' }),
  auditor: await stack.tokenFor({ role: 'auditor', entity: 'helse-sor-ost', sub: 'aud' }),
  suppliers: Object.fromEntries(
    await Promise.all(
      SUPPLIERS.map(async (s) => [s, await stack.tokenFor({ role: 'supplier', supplier: s })]),
    ),
  ),
});

export class TenderFlow {
  constructor(
    readonly stack: TestStack,
    readonly who: Actors,
    readonly id: string,
  ) {}

  static async announce(
    stack: TestStack,
    who: Actors,
    overrides: Record<string, unknown> = {},
  ): Promise<TenderFlow> {
    const now = stack.runtime.clock.now().getTime();
    const created = await stack.request('POST', '/tenders', {
      token: who.officer,
      body: { ...colonoscopyTender(now), ...overrides },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const flow = new TenderFlow(stack, who, created.body.id);
    const announced = await stack.request('POST', `/tenders/${flow.id}/announce`, {
      token: who.officer,
      body: { version: 1 },
    });
    expect(announced.status).toBe(200);
    await flow.waitingIn('AwaitBidDeadline');
    return flow;
  }

  get = (token = this.who.officer) => this.stack.request('GET', `/tenders/${this.id}`, { token });

  tender = async () => (await this.get()).body;

  version = async () => (await this.tender()).version as number;

  workflow = () => this.stack.request('GET', `/tenders/${this.id}/workflow`, { token: this.who.officer });

  /** Until the workflow waits in `state` (its token submitted). */
  waitingIn = (state: string) =>
    eventually(this.workflow, (r) => {
      if (r.status !== 200) return false;
      const entered = stateNames(r.body.events);
      return entered.at(-1) === state && r.body.events.at(-1)?.type === 'TaskSubmitted';
    });

  /** Until the execution has ended. */
  finished = () => eventually(this.workflow, (r) => r.status === 200 && TERMINAL.includes(r.body.status));

  bid = (supplier: string, lotId: string, body: unknown): Promise<Answer> =>
    this.stack.request('PUT', `/tenders/${this.id}/lots/${lotId}/bid`, {
      token: this.who.suppliers[supplier],
      body,
    });

  /** Moves the local clock past the bid deadline and waits for the opening. */
  passDeadline = async () => {
    const t = await this.tender();
    await this.stack.advanceClockTo(new Date(Date.parse(t.bidDeadline) + 60_000));
    await eventually(this.get, (r) => r.body.status !== 'tendering');
  };

  bids = async () =>
    (await this.stack.request('GET', `/tenders/${this.id}/bids`, { token: this.who.officer })).body;

  qualify = async (bidId: string, qualified: boolean, reason?: string) => {
    const bid = await this.stack.request('GET', `/tenders/${this.id}/bids/${bidId}`, {
      token: this.who.officer,
    });
    const answer = await this.stack.request('POST', `/tenders/${this.id}/bids/${bidId}/qualification`, {
      token: this.who.officer,
      body: { version: bid.body.version, qualified, ...(reason ? { reason } : {}) },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer;
  };

  score = async (
    bidId: string,
    kvalitet: number,
    tilgjengelighet: number,
    evaluator = this.who.evaluator,
  ) => {
    const answer = await this.stack.request('PUT', `/tenders/${this.id}/bids/${bidId}/scores`, {
      token: evaluator,
      body: {
        scores: [
          { criterionId: 'kvalitet', score: kvalitet },
          { criterionId: 'tilgjengelighet', score: tilgjengelighet },
        ],
      },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer;
  };

  /** Requests the ranking and waits until the workflow has computed it and waits for the award. */
  rank = async () => {
    const answer = await this.stack.request('POST', `/tenders/${this.id}/ranking`, {
      token: this.who.officer,
      body: { version: await this.version() },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    await this.waitingIn('AwaitAwardDecision');
    return (await this.stack.request('GET', `/tenders/${this.id}/ranking`, { token: this.who.officer })).body;
  };

  award = async () => {
    const answer = await this.stack.request('POST', `/tenders/${this.id}/award`, {
      token: this.who.officer,
      body: { version: await this.version() },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };

  passStandstill = async () => {
    const award = await this.stack.request('GET', `/tenders/${this.id}/award`, { token: this.who.officer });
    await this.stack.advanceClockTo(new Date(Date.parse(award.body.standstillEndsAt) + 60_000));
    await this.finished();
  };

  cancel = (reason: string, lotIds?: string[]) =>
    this.version().then((version) =>
      this.stack.request('POST', `/tenders/${this.id}/cancel`, {
        token: this.who.officer,
        body: { version, reason, ...(lotIds ? { lotIds } : {}) },
      }),
    );
}

export { DAY };
