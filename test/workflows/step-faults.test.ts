/**
 * A workflow step whose AWS call fails for a moment (here: the bus, down for the first three
 * PutEvents, as the fault switch makes it) is retried with backoff as `ServiceUnavailable`, not
 * failed for good: before, the execution ended FAILED and its tender was never opened.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { actorsOf, TenderFlow } from '../support/tender-flow.ts';

const stacks: TestStack[] = [];
afterAll(async () => {
  for (const s of stacks) await s.stop();
});

describe('a step whose event cannot be published for a moment', () => {
  it('is retried, and the tender goes on to wait for its deadline', async () => {
    // Every call to the bus fails until three have: the SDK's three attempts of the first publication.
    const stack = await startTestStack({ faults: { rate: 1, seed: 1, services: ['events'], limit: 3 } });
    stacks.push(stack);
    const who = await actorsOf(stack);
    const flow = await TenderFlow.announce(stack, who);
    expect(stack.runtime.faults?.injected).toEqual({ 'events:server-error': 3 });

    const workflow = await flow.workflow();
    expect(workflow.body.status).toBe('RUNNING');
    const failed = workflow.body.events.filter((e: { type: string }) => e.type === 'TaskFailed');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(failed[0])).toContain('ServiceUnavailable');
    await stack.runtime.bus.idle();
    const announced = stack.runtime.bus.published.filter(
      (e) =>
        e['detail-type'] === 'Tender.Announced' && (e.detail as { tenderId: string }).tenderId === flow.id,
    );
    expect(announced).toHaveLength(1);
  }, 60_000);
});
