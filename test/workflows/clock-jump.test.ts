/**
 * Long jumps of the local clock (issue 11, "Restarts and long jumps"): one advance of 400 days fires
 * every timer once, in time order, and waits after each due time for the work it woke, so every
 * effect carries the time its timer was due. Before, the clock ran ahead of the work: after one
 * 400-day jump openings were recorded hours after their deadlines and expiries days late, some out
 * of order.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LocalClock } from '../../local/clock.ts';
import { stateMachineArnOf } from '../../local/stepfunctions.ts';
import { agreementPlan, colonoscopyBid, DAY, deadlineIn } from '../helpers/fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { actorsOf, TenderFlow } from '../support/tender-flow.ts';

const stacks: TestStack[] = [];
afterAll(async () => {
  for (const s of stacks) await s.stop();
});

describe('the local clock', () => {
  it('fires every timer of a 400-day jump once, in order, each at its own time, after the work the one before woke', async () => {
    const clock = new LocalClock(0, () => {});
    const start = clock.now().getTime();
    const fired: { id: string; due: number; at: number; doneAt?: number }[] = [];
    let working = 0;
    clock.settleWith(async () => {
      while (working) await new Promise((r) => setTimeout(r, 1));
    });
    // 300 timers over 400 days, some at the same time; each sets off work that ends later in real
    // time (as a resumed execution does) and records the clock when it ends.
    for (let i = 0; i < 300; i++) {
      const due = start + Math.floor((((i * 7919) % 300) / 300) * 400 * DAY) + 1000;
      clock.set(`t${i}`, due, () => {
        const record: (typeof fired)[number] = { id: `t${i}`, due, at: clock.now().getTime() };
        fired.push(record);
        working++;
        setTimeout(() => {
          record.doneAt = clock.now().getTime();
          working--;
        }, 2);
      });
    }
    // A daily job re-arms itself from its own firing.
    let daily = 0;
    const arm = (at: number) =>
      clock.set('daily', at, () => {
        daily++;
        arm(at + DAY);
      });
    arm(start + DAY / 2);

    await clock.advanceTo(new Date(start + 400 * DAY));

    expect(fired).toHaveLength(300);
    expect(new Set(fired.map((f) => f.id)).size).toBe(300);
    expect(fired.map((f) => f.due)).toEqual([...fired.map((f) => f.due)].sort((a, b) => a - b));
    for (const f of fired) {
      expect(f.at - f.due).toBeGreaterThanOrEqual(0);
      expect(f.at - f.due).toBeLessThan(1000);
      // The work a timer woke ended before the clock moved on.
      expect((f.doneAt ?? Number.NaN) - f.due).toBeLessThan(1000);
    }
    expect(daily).toBe(400);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(start + 400 * DAY);
  });
});

describe('a 400-day jump over waiting tenders', () => {
  it('opens each a minute after its deadline and expires each evaluation at its timeout, in order', async () => {
    const stack = await startTestStack();
    stacks.push(stack);
    const actors = await actorsOf(stack);
    const now = stack.runtime.clock.now().getTime();
    const days = [95, 20, 65, 40];
    const flows = [];
    for (const d of days) {
      const flow = await TenderFlow.announce(stack, actors, {
        bidDeadline: deadlineIn(d, now),
        agreement: agreementPlan(now + d * DAY),
      });
      expect(
        (await flow.bid('norsk-arbeidshelse-as', 'innlandet', colonoscopyBid('innlandet', 2500))).status,
      ).toBe(201);
      flows.push(flow);
    }

    await stack.advanceClockTo(new Date(now + 400 * DAY));

    const outcomes = [];
    for (const flow of flows) {
      const t = await flow.tender();
      const history = stack.runtime.stepFunctions.getExecutionHistory({
        executionArn: `${stateMachineArnOf('tenderLifecycle').replace(':stateMachine:', ':execution:')}:${flow.id}`,
      }).events as { type: string; timestamp: number; stateEnteredEventDetails?: { name: string } }[];
      const entered = (name: string) =>
        history.find((e) => e.type.endsWith('StateEntered') && e.stateEnteredEventDetails?.name === name);
      outcomes.push({
        deadline: Date.parse(t.bidDeadline),
        opened: Date.parse(t.openedAt),
        waitFrom: (entered('AwaitEvaluation')?.timestamp ?? Number.NaN) * 1000,
        expired: (entered('DecisionExpired')?.timestamp ?? Number.NaN) * 1000,
        status: t.status,
      });
    }
    for (const o of outcomes) {
      // Bids are opened 60 s after the deadline (functions/domain/opening.ts), to the second.
      expect(o.opened - o.deadline).toBeGreaterThanOrEqual(60_000);
      expect(o.opened - o.deadline).toBeLessThan(62_000);
      // No evaluation came: the step expired at its 120-day timeout, not later.
      expect(o.expired - o.waitFrom).toBeGreaterThanOrEqual(120 * DAY);
      expect(o.expired - o.waitFrom).toBeLessThan(120 * DAY + 2_000);
      expect(o.status).toBe('unsuccessful');
    }
    const byDeadline = [...outcomes].sort((a, b) => a.deadline - b.deadline);
    expect(byDeadline.map((o) => o.opened)).toEqual(
      [...byDeadline.map((o) => o.opened)].sort((a, b) => a - b),
    );
    expect(byDeadline.map((o) => o.expired)).toEqual(
      [...byDeadline.map((o) => o.expired)].sort((a, b) => a - b),
    );
  }, 180_000); // 400 daily sweeps and four tenders' workflows: about 16 s alone, several times that beside a whole suite on two cores
});
