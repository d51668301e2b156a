/** The tender's storage: keys, index entries and queries (one table, see docs/architecture.md). */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../commons/clients.ts';
import { decodeCursor, encodeCursor } from '../commons/pagination.ts';
import { getItem, type Keyed, tableName, type Versioned } from '../commons/store.ts';
import type { Bid } from '../domain/bid.ts';
import type { EvaluatorScores, LotRanking } from '../domain/evaluation.ts';
import type { Question } from '../domain/question.ts';
import type { Tender, TenderStatus } from '../domain/tender.ts';

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

export const getTender = (id: string): Promise<TenderItem | undefined> => getItem<TenderItem>(tenderKey(id));

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

const query = async (
  index: 'GSI1' | 'GSI2',
  partition: string,
  limit: number,
  cursor: string | undefined,
  status: TenderStatus | undefined,
): Promise<Page<TenderItem>> => {
  const pk = `${index}PK`;
  const result = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': pk, ...(status ? { '#status': 'status' } : {}) },
      ExpressionAttributeValues: { ':pk': partition, ...(status ? { ':status': status } : {}) },
      ...(status ? { FilterExpression: '#status = :status' } : {}),
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, { [pk]: partition }),
    }),
  );
  const nextCursor = encodeCursor(result.LastEvaluatedKey);
  return { items: (result.Items ?? []) as TenderItem[], ...(nextCursor ? { nextCursor } : {}) };
};

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
export const queryTenderPartition = async <T>(tenderId: string, prefix: string): Promise<T[]> => {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const result = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': `TENDER#${tenderId}`, ':prefix': prefix },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((result.Items ?? []) as T[]));
    start = result.LastEvaluatedKey;
  } while (start);
  return items;
};

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
export type TaskTokenItem = Keyed & { taskToken: string; executionArn: string; registeredAt: string };

export const getBid = (tenderId: string, bidId: string) => getItem<BidItem>(bidKey(tenderId, bidId));
export const listBids = (tenderId: string) => queryTenderPartition<BidItem>(tenderId, 'BID#');
export const listQuestions = (tenderId: string) => queryTenderPartition<QuestionItem>(tenderId, 'QUESTION#');
export const listScores = (tenderId: string) => queryTenderPartition<ScoreItem>(tenderId, 'SCORE#');
export const listRankings = (tenderId: string) => queryTenderPartition<RankingItem>(tenderId, 'RANKING#');
export const listTaskTokens = (tenderId: string) =>
  queryTenderPartition<TaskTokenItem>(tenderId, 'TASKTOKEN#');
