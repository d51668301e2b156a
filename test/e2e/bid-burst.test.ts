/**
 * A bid burst at the deadline through the HTTP API (bench/bid-burst.ts, smaller than the bench's
 * 2 000 bids). Concurrent transactions that share an item cancel each other on DynamoDB, and the
 * local gate does the same (TransactionConflict); bids used to share the tender item and met
 * 5xx here, they no longer share anything (functions/domain/opening.ts). No 5xx, no bid lost, none accepted at or after
 * the deadline, none stored unreceipted, and the opening counts every bid received in time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bidBurst } from '../../bench/bid-burst.ts';
import { openingDue } from '../../functions/domain/opening.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

describe('a bid burst at the deadline', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.stop());

  it('answers every bid 2xx or a late 4xx problem: none lost, none late, conflicts absorbed', async () => {
    const figures = await bidBurst(
      {
        client: stack.client,
        conflicts: () => stack.runtime.dynamoGate.conflicts,
        tableName: stack.runtime.tableName,
      },
      // Ten minutes of room before the deadline: on the suite's loaded machine 300 bids took up to
      // two minutes to be answered, and the clock runs on meanwhile (a CI run went past it).
      { suppliers: 30, lots: 10, perSecond: 34, concurrency: 48, lateBids: 20, windowMinutes: 10 },
    );
    console.log('bid burst', JSON.stringify(figures));
    expect(figures.serverErrors).toBe(0);
    expect(figures.bareRefusals).toBe(0);
    expect(figures.lost).toBe(0);
    expect(figures.storedWithoutReceipt).toBe(0);
    expect(figures.acceptedAtOrAfterDeadline).toBe(0);
    expect(figures.lateRefused).toBe(20);
    expect(figures.accepted).toBe(300);
    // No two bids write or check one item (the tender item is off their path): nothing to conflict on.
    expect(figures.conflictsAbsorbed).toBe(0);

    // The opening, a settling time after the deadline, counts every bid received in time.
    await stack.advanceClockTo(openingDue({ bidDeadline: figures.bidDeadline }));
    const officer = await stack.tokenFor({ role: 'officer', entity: 'helse-sor-ost', sub: 'burst-officer' });
    const opened = await eventually(
      () => stack.request('GET', `/tenders/${figures.tenderId}`, { token: officer }),
      (r) => r.body.status === 'evaluation',
    );
    expect(Date.parse(opened.body.openedAt)).toBeGreaterThanOrEqual(
      openingDue({ bidDeadline: figures.bidDeadline }).getTime(),
    );
    const bids = await stack.request('GET', `/tenders/${figures.tenderId}/bids`, { token: officer });
    expect(bids.body.lots).toHaveLength(10);
    for (const lot of bids.body.lots) expect(lot.bids).toBe(30);
  }, 180_000);
});
