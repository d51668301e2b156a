/**
 * When a tender's bids are opened, and which of them answer the tender as it stands.
 *
 * A bid is checked against the tender as its supplier's request read it (open, before the
 * deadline, this content revision) and stored without touching the tender item: at a deadline,
 * hundreds of bids would otherwise all write-check that one item, and DynamoDB cancels
 * transactions that meet on an item (TransactionConflict). Instead:
 *
 * - The deadline is checked on the server's receipt time, before anything is stored: a bid
 *   received at or after it is refused and never stored.
 * - A bid received before the deadline is stored within its function's timeout. The opening waits
 *   BID_SETTLE_MS after the deadline (more than that timeout, checked against the manifest in
 *   test/contracts/opening.test.ts), so it sees every bid received in time.
 * - A bid carries the content revision it was checked against. One stored while a material
 *   change was being committed may answer the old content: the submission reads the tender again
 *   after storing and refuses (and invalidates) it, and the opening invalidates any left over.
 */
import type { Bid } from './bid.ts';
import type { Tender } from './tender.ts';

/** How long after the deadline the opening waits for the bids received before it to be stored. */
export const BID_SETTLE_MS = 60_000;

/** When the bids of a tender are opened: its deadline plus the settling time. */
export const openingDue = (tender: Pick<Tender, 'bidDeadline'>): Date =>
  new Date(Date.parse(tender.bidDeadline) + BID_SETTLE_MS);

/** Whether the opening is due at `now`. */
export const openingIsDue = (tender: Pick<Tender, 'bidDeadline'>, now: Date): boolean =>
  now.getTime() >= openingDue(tender).getTime();

/** The tender content revision a bid must answer (0 before any material change). */
export const revisionOf = (tender: Pick<Tender, 'contentRevision'>): number => tender.contentRevision ?? 0;

/**
 * A submitted bid that answers an older content of the tender than the current one: it does not
 * count. (Bids stored before revisions were recorded answer revision 0.)
 */
export const answersOldContent = (
  bid: Pick<Bid, 'status' | 'tenderRevision'>,
  tender: Pick<Tender, 'contentRevision'>,
): boolean => bid.status === 'submitted' && (bid.tenderRevision ?? 0) !== revisionOf(tender);
