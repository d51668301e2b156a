/**
 * Domain events at least once (issue 11): every event is written in its change's transaction (the
 * outbox), relayed from the table's stream to the bus, and notified once, while the fault switch
 * fails a share of the calls to the bus and to SNS (throttled, 5xx, dropped, answers lost: the
 * bus may take an event twice). Before the outbox, an event whose publication failed after its
 * commit was lost: logged, never sent. Figures in docs/reliability.md.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddb } from '../../functions/adapters/clients.ts';
import type { OutboxItem } from '../../functions/contracts/outbox.ts';
import type { FaultService } from '../../local/faults.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { type Actors, actorsOf, TenderFlow } from '../support/tender-flow.ts';

const FAULTS = { rate: 0.6, seed: 3, services: ['events', 'sns'] as FaultService[] };

const outboxItems = async (stack: TestStack): Promise<OutboxItem[]> => {
  const items: OutboxItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new ScanCommand({
        TableName: stack.runtime.tableName,
        FilterExpression: 'begins_with(PK, :outbox)',
        ExpressionAttributeValues: { ':outbox': 'OUTBOX#' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items ?? []) as OutboxItem[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

describe(`domain events with ${FAULTS.rate * 100}% of the calls to the bus and SNS failing (seed ${FAULTS.seed})`, () => {
  let stack: TestStack;
  let who: Actors;
  beforeAll(async () => {
    stack = await startTestStack({ faults: FAULTS });
    who = await actorsOf(stack);
  });
  afterAll(() => stack.stop());

  it('reach the bus at least once and are notified once each, none left pending', async () => {
    const flow = await TenderFlow.announce(stack, who);
    await flow.toAgreements([
      ['norsk-arbeidshelse-as', 'innlandet', 2500],
      ['falck-norge-as', 'innlandet', 2300],
      ['unicare-steffensrud-as', 'telemark-vestfold', 2600],
    ]);
    await stack.runtime.eventsIdle();

    const outbox = await outboxItems(stack);
    const types = outbox.map((i) => i.detailType);
    for (const expected of [
      'Tender.Announced',
      'Tender.BidReceived',
      'Tender.Opened',
      'Tender.Awarded',
      'Agreement.Created',
      'Tender.StandstillEnded',
    ])
      expect(types).toContain(expected);
    // Every one sent and out of the pending index.
    expect(outbox.filter((i) => !i.sentAt || i.GSI1PK).map((i) => i.eventId)).toEqual([]);

    // On the bus at least once each; the faults made some go twice (an answer lost after PutEvents).
    const published = stack.runtime.bus.published.map((e) => (e.detail as { eventId?: string }).eventId);
    for (const { eventId } of outbox) expect(published).toContain(eventId);
    const faults = stack.runtime.faults?.injected ?? {};
    const busFaults = Object.entries(faults)
      .filter(([k]) => k.startsWith('events'))
      .reduce((n, [, v]) => n + v, 0);
    expect(busFaults).toBeGreaterThan(0);
    // Publications that failed beyond the SDK's own retries: each of these events was lost before.
    const [relay] = stack.runtime.streams;
    expect(relay?.failedInvocations).toBeGreaterThan(0);

    // Notified once: one message per event and audience, however often the event arrived.
    const messages = stack.runtime.endpoint.sns.filter((m) => m.attributes.eventId);
    const perEvent = new Map<string, number>();
    for (const m of messages) {
      const key = `${m.attributes.eventId} ${m.attributes.audience}`;
      perEvent.set(key, (perEvent.get(key) ?? 0) + 1);
    }
    expect([...perEvent].filter(([, n]) => n !== 1)).toEqual([]);
    const notified = new Set(messages.map((m) => m.attributes.eventId));
    for (const { eventId } of outbox) expect(notified).toContain(eventId);
    expect(stack.runtime.bus.delivered.filter((d) => !d.ok)).toEqual([]);

    // The figures for docs/reliability.md.
    console.info(
      JSON.stringify({
        outboxEvents: outbox.length,
        publishedOnBus: published.filter(Boolean).length,
        uniqueOnBus: new Set(published.filter(Boolean)).size,
        relayInvocations: relay?.invocations,
        relayFailedInvocations: relay?.failedInvocations,
        snsMessages: messages.length,
        faults,
      }),
    );
  }, 120_000);
});
