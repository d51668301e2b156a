/**
 * The bus down for a moment (the fault switch fails the first three PutEvents: the SDK's three
 * attempts of one call). Before the outbox, the workflow step that published Tender.Announced
 * failed: first for good (the execution FAILED and the tender never opened), then, retried as
 * `ServiceUnavailable`, with the event published once per attempt. Now the step only writes: the
 * event is in the outbox with the announcement, and the relay's batch, refused by the bus, is read
 * again from the stream until the bus takes it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { actorsOf, TenderFlow } from '../support/tender-flow.ts';

const stacks: TestStack[] = [];
afterAll(async () => {
  for (const s of stacks) await s.stop();
});

describe('the bus down for a moment', () => {
  it('neither fails nor delays a workflow step, and the event reaches the bus once', async () => {
    const stack = await startTestStack({ faults: { rate: 1, seed: 1, services: ['events'], limit: 3 } });
    stacks.push(stack);
    const who = await actorsOf(stack);
    const flow = await TenderFlow.announce(stack, who);
    await stack.runtime.eventsIdle();
    expect(stack.runtime.faults?.injected).toEqual({ 'events:server-error': 3 });

    const workflow = await flow.workflow();
    expect(workflow.body.status).toBe('RUNNING');
    expect(workflow.body.events.filter((e: { type: string }) => e.type === 'TaskFailed')).toEqual([]);
    const [relay] = stack.runtime.streams;
    expect(relay?.failedInvocations).toBeGreaterThanOrEqual(1);
    const announced = stack.runtime.bus.published.filter(
      (e) =>
        e['detail-type'] === 'Tender.Announced' && (e.detail as { tenderId: string }).tenderId === flow.id,
    );
    expect(announced).toHaveLength(1);
  }, 60_000);
});
