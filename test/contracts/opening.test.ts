/**
 * The opening waits for every bid received before the deadline (functions/domain/opening.ts): a
 * bid is stored within its function's timeout after its receipt, so the settling time must be
 * longer than the bidding function's timeout, with a margin for the write in flight when it ends.
 */
import { describe, expect, it } from 'vitest';
import { BID_SETTLE_MS, openingDue, openingIsDue } from '../../functions/domain/opening.ts';
import { functions, timeoutSecondsOf } from '../../functions/manifest.ts';

describe('the opening after the deadline', () => {
  it('waits longer than a bid can take to be stored', () => {
    const bidding = timeoutSecondsOf(functions.biddingApi) * 1000;
    expect(BID_SETTLE_MS).toBeGreaterThanOrEqual(bidding + 30_000);
  });

  it('is due at the deadline plus the settling time, not before', () => {
    const tender = { bidDeadline: '2026-12-01T12:00:00.000Z' };
    expect(openingDue(tender).toISOString()).toBe('2026-12-01T12:01:00.000Z');
    expect(openingIsDue(tender, new Date('2026-12-01T12:00:59.999Z'))).toBe(false);
    expect(openingIsDue(tender, new Date('2026-12-01T12:01:00.000Z'))).toBe(true);
  });
});
