/**
 * workflows/tender-lifecycle.asl.json executed by the local engine with the real task handlers:
 * a deadline whose schedule was lost (the daily sweep completes the step), the waiting step's
 * timeout when the deadline is lost altogether, and a restart of the whole product while a tender
 * waits for its deadline.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openingDue } from '../../functions/domain/opening.ts';
import { getStepToken, reindexTimer } from '../../functions/services/workflow/tender-steps.ts';
import { colonoscopyBid, colonoscopyTender, DAY } from '../helpers/fixtures.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { stateNames, TERMINAL } from '../support/tender-flow.ts';

const announce = async (stack: TestStack, officer: string) => {
  const now = stack.runtime.clock.now().getTime();
  const created = await stack.request('POST', '/tenders', { token: officer, body: colonoscopyTender(now) });
  expect(created.status).toBe(201);
  const announced = await stack.request('POST', `/tenders/${created.body.id}/announce`, {
    token: officer,
    body: { version: 1 },
  });
  expect(announced.status).toBe(200);
  await eventually(
    () => stack.request('GET', `/tenders/${created.body.id}/workflow`, { token: officer }),
    (r) =>
      r.status === 200 &&
      stateNames(r.body.events).includes('AwaitBidDeadline') &&
      r.body.events.at(-1)?.type === 'TaskSubmitted',
  );
  return announced.body as { id: string; bidDeadline: string };
};

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('tender lifecycle workflow', () => {
  it('opens the tender after its deadline even when the deadline schedule was lost: the daily sweep completes the step', async () => {
    const stack = await startTestStack();
    cleanups.push(() => stack.stop());
    const officer = await stack.tokenFor({ role: 'officer', entity: 'helse-sor-ost' });
    const tender = await announce(stack, officer);
    // Due at the opening: the deadline and the settling time (functions/domain/opening.ts).
    expect(await getStepToken(tender.id, 'bidDeadline')).toMatchObject({
      GSI2PK: 'TIMERS#DUE',
      dueAt: openingDue(tender).toISOString(),
    });

    // Lose the schedule, as a deleted or failed one would.
    const schedule = stack.runtime.scheduler.list('helsekjop').find((s) => s.Name.includes(tender.id));
    stack.runtime.scheduler.delete(schedule?.Name ?? '', 'helsekjop');

    // Past the deadline and the next 05:00 UTC sweep: the sweep finds the step due and completes it.
    await stack.advanceClockTo(new Date(Date.parse(tender.bidDeadline) + DAY));
    const workflow = await eventually(
      () => stack.request('GET', `/tenders/${tender.id}/workflow`, { token: officer }),
      (r) => TERMINAL.includes(r.body.status),
    );
    expect(workflow.body.status).toBe('SUCCEEDED');
    expect(stateNames(workflow.body.events)).toEqual(
      expect.arrayContaining(['AwaitBidDeadline', 'OpenTender', 'Unsuccessful']),
    );
    const opened = (await stack.request('GET', `/tenders/${tender.id}`, { token: officer })).body;
    // No bid arrived: opened (and without result) within a day of its deadline, never before it.
    expect(opened.status).toBe('unsuccessful');
    expect(Date.parse(opened.openedAt)).toBeGreaterThanOrEqual(Date.parse(tender.bidDeadline));
    expect(Date.parse(opened.openedAt)).toBeLessThanOrEqual(Date.parse(tender.bidDeadline) + DAY);
    // Out of the due index: the next sweep does not read it again.
    expect(await getStepToken(tender.id, 'bidDeadline')).not.toHaveProperty('GSI2PK');
  });

  it('ends visibly failed, with the officers told, when the deadline step times out because its timer was lost', async () => {
    const stack = await startTestStack();
    cleanups.push(() => stack.stop());
    const officer = await stack.tokenFor({ role: 'officer', entity: 'helse-sor-ost' });
    const tender = await announce(stack, officer);

    // Lose the timer altogether: the schedule (as a deleted or failed one would) and the step's
    // entry in the due index that the daily sweep reads.
    const schedule = stack.runtime.scheduler.list('helsekjop').find((s) => s.Name.includes(tender.id));
    expect(schedule?.ScheduleExpression).toBe(`at(${openingDue(tender).toISOString().slice(0, 19)})`);
    stack.runtime.scheduler.delete(schedule?.Name ?? '', 'helsekjop');
    const token = await getStepToken(tender.id, 'bidDeadline');
    if (token) await reindexTimer(token, undefined);

    // Past the deadline nothing happens: nobody completes the token.
    await stack.advanceClockTo(new Date(Date.parse(tender.bidDeadline) + DAY));
    expect((await stack.request('GET', `/tenders/${tender.id}`, { token: officer })).body.status).toBe(
      'tendering',
    );

    // 101 days after the step started (the longest tender period and a day), its timeout fires: far
    // beyond Node's timer limit, and well within the execution's year.
    await stack.advanceClockTo(new Date(Date.parse(tender.bidDeadline) + 102 * DAY));
    const workflow = await eventually(
      () => stack.request('GET', `/tenders/${tender.id}/workflow`, { token: officer }),
      (r) => TERMINAL.includes(r.body.status),
    );
    expect(workflow.body.status).toBe('FAILED');
    expect(stateNames(workflow.body.events)).toEqual([
      'LoadTender',
      'RouteByStage',
      'PublishAnnouncement',
      'AwaitBidDeadline',
      'DeadlineTimerLost',
      'DeadlineNeverReached',
    ]);
    expect(workflow.body.events.map((e: { type: string }) => e.type)).toContain('TaskTimedOut');
    await stack.runtime.eventsIdle();
    expect(stack.runtime.bus.published.map((e) => e['detail-type'])).toContain('Tender.DeadlineTimerLost');
    expect(stack.runtime.endpoint.sns.some((m) => m.subject?.includes('Action needed'))).toBe(true);
  });

  it('survives a restart of the product while the tender waits for its deadline, and opens after it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'helsekjop-restart-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startTestStack({ dataDir });
    const officer = await first.tokenFor({ role: 'officer', entity: 'helse-sor-ost' });
    const tender = await announce(first, officer);
    const supplier = await first.tokenFor({ role: 'supplier', supplier: 'norsk-arbeidshelse-as' });
    const bid = await first.request('PUT', `/tenders/${tender.id}/lots/innlandet/bid`, {
      token: supplier,
      body: colonoscopyBid('innlandet', 2500),
    });
    expect(bid.status).toBe(201);
    const clockBefore = first.runtime.clock.now().getTime();
    await first.stop();

    const second = await startTestStack({ dataDir });
    cleanups.push(() => second.stop());
    // The clock never goes back, the data is there, the execution is running again.
    expect(second.runtime.clock.now().getTime()).toBeGreaterThanOrEqual(clockBefore);
    const officer2 = await second.tokenFor({ role: 'officer', entity: 'helse-sor-ost' });
    expect((await second.request('GET', `/tenders/${tender.id}`, { token: officer2 })).body.status).toBe(
      'tendering',
    );
    await eventually(
      () => second.request('GET', `/tenders/${tender.id}/workflow`, { token: officer2 }),
      (r) =>
        r.body.events.some((e: { type: string }) => e.type === 'ExecutionRedriven') &&
        r.body.events.at(-1)?.type === 'TaskSubmitted',
    );

    await second.advanceClockTo(openingDue(tender));
    // Opened with its one bid, the workflow now waits for the evaluation.
    const workflow = await eventually(
      () => second.request('GET', `/tenders/${tender.id}/workflow`, { token: officer2 }),
      (r) =>
        stateNames(r.body.events).includes('AwaitEvaluation') &&
        r.body.events.at(-1)?.type === 'TaskSubmitted',
    );
    expect(workflow.body.status).toBe('RUNNING');
    const opened = await second.request('GET', `/tenders/${tender.id}`, { token: officer2 });
    expect(opened.body.status).toBe('evaluation');
    expect(opened.body.lotOutcomes['telemark-vestfold']).toMatchObject({ status: 'unsuccessful' });
    // Resumed from what DynamoDB held: the announcement was not published a second time.
    const entered = stateNames(workflow.body.events);
    expect(entered.filter((n) => n === 'PublishAnnouncement')).toHaveLength(1);
  });
});
