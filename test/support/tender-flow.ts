/**
 * Steps of a tender's life through the HTTP API, shared by the end-to-end tests and the demo
 * (scripts/demo/): it needs only the API client, so it runs against the tests' local stack and
 * against `npm start` alike. No vitest here: an unexpected answer is an UnexpectedStatus error.
 */

import { expect } from 'vitest';
import { openingDue } from '../../functions/domain/opening.ts';
import { colonoscopyBid, colonoscopyTender, DAY, SUPPLIERS } from '../helpers/fixtures.ts';
import { type Answer, type ApiClient, expectStatus } from './api-client.ts';
import { eventually } from './eventually.ts';
import type { TestStack } from './local-stack.ts';

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

/** The fixtures' suppliers, still importable from here. */
export { SUPPLIERS };

/** Whom a flow acts as: the officer, the evaluator who scores by default, a token per supplier id. */
export type FlowActors = Pick<Actors, 'officer' | 'evaluator' | 'suppliers'>;

/** What a flow runs on: the tests' local stack, or the demo's context; both carry the API client. */
export interface OnApi {
  client: ApiClient;
}

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

/** Whether a workflow (GET /tenders/{id}/workflow) waits in `state` with its task token submitted. */
const isWaitingIn = (workflow: { events: HistoryEvent[] }, state: string): boolean =>
  stateNames(workflow.events).at(-1) === state && workflow.events.at(-1)?.type === 'TaskSubmitted';

export class TenderFlow {
  readonly api: ApiClient;

  constructor(
    on: OnApi,
    readonly who: FlowActors,
    readonly id: string,
  ) {
    this.api = on.client;
  }

  static async announce(
    on: OnApi,
    who: FlowActors,
    overrides: Record<string, unknown> = {},
  ): Promise<TenderFlow> {
    const now = (await on.client.now()).getTime();
    const created = expectStatus(
      await on.client.call('POST', '/tenders', who.officer, { ...colonoscopyTender(now), ...overrides }),
      201,
      'create the tender',
    );
    const flow = new TenderFlow(on, who, created.id);
    expectStatus(
      await on.client.call('POST', `/tenders/${flow.id}/announce`, who.officer, { version: 1 }),
      200,
      'announce the tender',
    );
    await flow.waitingIn('AwaitBidDeadline');
    return flow;
  }

  get = (token = this.who.officer) => this.api.call('GET', `/tenders/${this.id}`, token);

  tender = async () => (await this.get()).body;

  version = async () => (await this.tender()).version as number;

  workflow = () => this.api.call('GET', `/tenders/${this.id}/workflow`, this.who.officer);

  /** Until the workflow waits in `state` (its token submitted). */
  waitingIn = (state: string) =>
    eventually(this.workflow, (r) => r.status === 200 && isWaitingIn(r.body, state));

  /** Until the execution has ended. */
  finished = () => eventually(this.workflow, (r) => r.status === 200 && TERMINAL.includes(r.body.status));

  bid = (supplier: string, lotId: string, body: unknown): Promise<Answer> =>
    this.api.call('PUT', `/tenders/${this.id}/lots/${lotId}/bid`, this.who.suppliers[supplier], body);

  /** Moves the local clock to the opening (the deadline and its settling time) and waits for it. */
  passDeadline = async () => {
    const t = await this.tender();
    await this.api.advanceClock({ to: openingDue(t) });
    await eventually(this.get, (r) => r.body.status !== 'tendering');
  };

  bids = async () => (await this.api.call('GET', `/tenders/${this.id}/bids`, this.who.officer)).body;

  /** Qualifies or rejects a bid at `version`, or at the version read first (a read that is audited). */
  qualify = async (bidId: string, qualified: boolean, reason?: string, version?: number) => {
    if (version === undefined) {
      const bid = await this.api.call('GET', `/tenders/${this.id}/bids/${bidId}`, this.who.officer);
      version = bid.body.version;
    }
    const answer = await this.api.call(
      'POST',
      `/tenders/${this.id}/bids/${bidId}/qualification`,
      this.who.officer,
      { version, qualified, ...(reason ? { reason } : {}) },
    );
    expectStatus(answer, 200, `qualify bid ${bidId}`);
    return answer;
  };

  score = async (
    bidId: string,
    kvalitet: number,
    tilgjengelighet: number,
    evaluator = this.who.evaluator,
  ) => {
    const answer = await this.api.call('PUT', `/tenders/${this.id}/bids/${bidId}/scores`, evaluator, {
      scores: [
        { criterionId: 'kvalitet', score: kvalitet },
        { criterionId: 'tilgjengelighet', score: tilgjengelighet },
      ],
    });
    expectStatus(answer, 200, `score bid ${bidId}`);
    return answer;
  };

  /** Requests the ranking and waits until the workflow has computed it and waits for the award. */
  rank = async () => {
    const answer = await this.api.call('POST', `/tenders/${this.id}/ranking`, this.who.officer, {
      version: await this.version(),
    });
    expectStatus(answer, 202, 'ask for the ranking');
    await this.waitingIn('AwaitAwardDecision');
    return expectStatus(
      await this.api.call('GET', `/tenders/${this.id}/ranking`, this.who.officer),
      200,
      'read the ranking',
    );
  };

  award = async () =>
    expectStatus(
      await this.api.call('POST', `/tenders/${this.id}/award`, this.who.officer, {
        version: await this.version(),
      }),
      200,
      'award',
    );

  passStandstill = async () => {
    const award = await this.api.call('GET', `/tenders/${this.id}/award`, this.who.officer);
    await this.api.advanceClock({ to: new Date(Date.parse(award.body.standstillEndsAt) + 60_000) });
    await this.finished();
  };

  /**
   * The whole way from bids to agreements: each offer (supplier, lot, unit price) bids and is
   * received (201), the deadline passes, every bid is qualified and scored 8/7, the lots are
   * ranked, the officer awards, the standstill passes.
   */
  toAgreements = async (
    offers: readonly (readonly [string, 'innlandet' | 'telemark-vestfold', number])[],
  ) => {
    for (const [supplier, lot, price] of offers) {
      const r = await this.bid(supplier, lot, colonoscopyBid(lot, price));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    await this.passDeadline();
    for (const bid of (await this.bids()).items as { id: string }[]) {
      await this.qualify(bid.id, true);
      await this.score(bid.id, 8, 7);
    }
    await this.rank();
    await this.award();
    await this.waitingIn('AwaitStandstillEnd');
    await this.passStandstill();
  };

  cancel = (reason: string, lotIds?: string[]) =>
    this.version().then((version) =>
      this.api.call('POST', `/tenders/${this.id}/cancel`, this.who.officer, {
        version,
        reason,
        ...(lotIds ? { lotIds } : {}),
      }),
    );
}

export { DAY };
