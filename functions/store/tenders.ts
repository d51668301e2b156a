/** The tender's storage: keys, index entries and queries (one table, see docs/architecture.md). */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../commons/clients.ts';
import { decodeCursor, encodeCursor } from '../commons/pagination.ts';
import { getItem, type Keyed, tableName, type Versioned } from '../commons/store.ts';
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
