/** The tender's storage: keys, index entries and queries (one table, see docs/architecture.md). */
import { type CommitInput, getItem, type Keyed, type Versioned } from '../../adapters/store.ts';
import type { Actor } from '../../domain/actors.ts';
import type { Bid } from '../../domain/bid.ts';
import type { EvaluatorScores, LotRanking } from '../../domain/evaluation.ts';
import type { Question } from '../../domain/question.ts';
import { type Tender, type TenderStatus, upgradeStoredTender } from '../../domain/tender.ts';
import { listIndexPage, type Page, queryPartition } from './query.ts';

export type TenderItem = Tender &
  Versioned & { GSI1PK: string; GSI1SK: string; GSI2PK?: string; GSI2SK?: string };

export const tenderKey = (id: string): Keyed => ({ PK: `TENDER#${id}`, SK: 'TENDER' });

const PUBLISHED = 'TENDERS#PUBLISHED';
const entityPartition = (entityId: string) => `ENTITY#${entityId}#TENDERS`;

/** The item to store for a tender (without version/auditHead, which commit() adds). */
export const tenderItem = (tender: Omit<Tender, 'version'>): Omit<TenderItem, 'version' | 'auditHead'> => ({
  ...tenderKey(tender.id),
  ...tender,
  GSI1PK: entityPartition(tender.entityId),
  GSI1SK: `${tender.createdAt}#${tender.id}`,
  ...(tender.announcedAt ? { GSI2PK: PUBLISHED, GSI2SK: `${tender.announcedAt}#${tender.id}` } : {}),
});

/**
 * A transition of the tender decided in the domain, as the store commits it with its audit event:
 * against the version the caller read (`version`), or the one the item was read at.
 */
export const tenderTransition = (
  before: TenderItem,
  transition: {
    after: Omit<Tender, 'version'>;
    action: string;
    change: unknown;
    reason?: string | undefined;
  },
  actor: Actor,
  options: { version?: number; executionArn?: string } = {},
): CommitInput<Keyed> => ({
  aggregate: { type: 'tender', id: before.id },
  entityId: before.entityId,
  before: options.version === undefined ? before : { ...before, version: options.version },
  after: tenderItem(transition.after),
  actor,
  action: transition.action,
  change: transition.change,
  ...(transition.reason ? { reason: transition.reason } : {}),
  ...(options.executionArn ? { executionArn: options.executionArn } : {}),
});

/** A tender as it reads today, also one stored before its specialties became a list. */
export const getTender = async (id: string): Promise<TenderItem | undefined> => {
  const item = await getItem<TenderItem>(tenderKey(id));
  return item && upgradeStoredTender(item);
};

const query = (
  index: 'GSI1' | 'GSI2',
  partition: string,
  limit: number,
  cursor: string | undefined,
  status: TenderStatus | undefined,
): Promise<Page<TenderItem>> =>
  listIndexPage<TenderItem>(index, partition, {
    limit,
    cursor,
    newestFirst: true,
    filter: status ? { name: 'status', value: status } : undefined,
  }).then((page) => ({ ...page, items: page.items.map(upgradeStoredTender) }));

export const listEntityTenders = (entityId: string, limit: number, cursor?: string, status?: TenderStatus) =>
  query('GSI1', entityPartition(entityId), limit, cursor, status);

export const listPublishedTenders = (limit: number, cursor?: string, status?: TenderStatus) =>
  query('GSI2', PUBLISHED, limit, cursor, status);

/** A workflow's task token, kept beside the tender it waits for (written with a condition). */
export const taskTokenKey = (tenderId: string, step: string): Keyed => ({
  PK: `TENDER#${tenderId}`,
  SK: `TASKTOKEN#${step}`,
});

/** Every item of a tender's partition whose sort key starts with `prefix` (all pages). */
export const queryTenderPartition = <T>(tenderId: string, prefix: string): Promise<T[]> =>
  queryPartition<T>(`TENDER#${tenderId}`, prefix);

export const bidKey = (tenderId: string, bidId: string): Keyed => ({
  PK: `TENDER#${tenderId}`,
  SK: `BID#${bidId}`,
});
export const questionKey = (tenderId: string, questionId: string): Keyed => ({
  PK: `TENDER#${tenderId}`,
  SK: `QUESTION#${questionId}`,
});
export const scoreKey = (tenderId: string, bidId: string, evaluatorSub: string): Keyed => ({
  PK: `TENDER#${tenderId}`,
  SK: `SCORE#${bidId}#${evaluatorSub}`,
});
export const rankingKey = (tenderId: string, lotId: string): Keyed => ({
  PK: `TENDER#${tenderId}`,
  SK: `RANKING#${lotId}`,
});

export type BidItem = Bid & Versioned;
export type QuestionItem = Question & Versioned;
export type ScoreItem = EvaluatorScores & Versioned & { tenderId: string };
export type RankingItem = LotRanking & Versioned & { tenderId: string; rankedAt: string };

/** A bid's invalidation decided in the domain (`invalidation`), as the store commits it. */
export const bidInvalidation = (
  { bid, after, reason }: { bid: BidItem; after: Omit<BidItem, 'version' | 'auditHead'>; reason: string },
  actor: Actor,
  executionArn?: string,
): CommitInput<Keyed> => ({
  aggregate: { type: 'bid', id: bid.id },
  entityId: bid.entityId,
  before: bid,
  after: { ...after, ...bidKey(bid.tenderId, bid.id) },
  actor,
  action: 'bid.invalidated',
  reason,
  change: { status: { from: bid.status, to: 'invalidated' } },
  ...(executionArn ? { executionArn } : {}),
});

export const getBid = (tenderId: string, bidId: string) => getItem<BidItem>(bidKey(tenderId, bidId));
export const listBids = (tenderId: string) => queryTenderPartition<BidItem>(tenderId, 'BID#');
export const listQuestions = (tenderId: string) => queryTenderPartition<QuestionItem>(tenderId, 'QUESTION#');
export const listScores = (tenderId: string) => queryTenderPartition<ScoreItem>(tenderId, 'SCORE#');
export const listRankings = (tenderId: string) => queryTenderPartition<RankingItem>(tenderId, 'RANKING#');
