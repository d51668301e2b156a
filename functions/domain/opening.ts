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
 * - A bid carries the content revision it was checked against, and the tender the revision at
 *   which each of its lots last changed (`lotRevisions`). One stored while a material change of its
 *   lot was being committed may answer the old content: the submission reads the tender again
 *   after storing and refuses (and invalidates) it, and the opening invalidates any left over. A
 *   change of another lot leaves it alone: that change invalidated (and told) the bids of the lots
 *   it affected, and only those.
 * - Tenders changed before lots had revisions carry only `contentRevision`, which does not say
 *   which lots changed: every lot reads as changed at it, as before (a bid answering an earlier
 *   revision is stale whatever its lot). Their next change records every lot's revision.
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

/** The tender's content revision, the one a bid checked now answers (0 before any material change). */
export const revisionOf = (tender: Pick<Tender, 'contentRevision'>): number => tender.contentRevision ?? 0;

/**
 * The content revision at which a lot last changed: 0 when it never did; the tender's content
 * revision for every lot of a tender changed before lots had revisions (see above).
 */
export const lotRevisionOf = (
  tender: Pick<Tender, 'contentRevision' | 'lotRevisions'>,
  lotId: string,
): number => (tender.lotRevisions ? (tender.lotRevisions[lotId] ?? 0) : revisionOf(tender));

/** Whether a lot changed after `revision`: a bid checked against that revision no longer answers it. */
export const lotChangedSince = (
  tender: Pick<Tender, 'contentRevision' | 'lotRevisions'>,
  lotId: string,
  revision: number,
): boolean => lotRevisionOf(tender, lotId) > revision;

/**
 * A submitted bid that answers an older content of its lot than the current one: it does not
 * count. (Bids stored before revisions were recorded answer revision 0.)
 */
export const answersOldContent = (
  bid: Pick<Bid, 'status' | 'lotId' | 'tenderRevision'>,
  tender: Pick<Tender, 'contentRevision' | 'lotRevisions'>,
): boolean => bid.status === 'submitted' && lotChangedSince(tender, bid.lotId, bid.tenderRevision ?? 0);
