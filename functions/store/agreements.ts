/** Framework agreements' storage: keys, index entries and queries. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../commons/clients.ts';
import { decodeCursor, encodeCursor } from '../commons/pagination.ts';
import { getItem, type Keyed, tableName, type Versioned } from '../commons/store.ts';
import type { Agreement } from '../domain/agreement.ts';
import type { Amendment, PerformanceYear, UsageReport } from '../domain/performance.ts';
import type { Page } from './tenders.ts';

export type AgreementItem = Agreement &
  Versioned & { GSI1PK: string; GSI1SK: string; GSI2PK: string; GSI2SK: string };

export const agreementKey = (id: string): Keyed => ({ PK: `AGREEMENT#${id}`, SK: 'AGREEMENT' });

export const agreementItem = (
  a: Omit<Agreement, 'version'>,
): Omit<AgreementItem, 'version' | 'auditHead'> => ({
  ...agreementKey(a.id),
  ...a,
  GSI1PK: `ENTITY#${a.entityId}#AGREEMENTS`,
  GSI1SK: `${a.createdAt}#${a.id}`,
  GSI2PK: `SUPPLIER#${a.supplierId}#AGREEMENTS`,
  GSI2SK: `${a.createdAt}#${a.id}`,
});

export const getAgreement = (id: string) => getItem<AgreementItem>(agreementKey(id));

export const listAgreements = async (
  by: { entityId: string } | { supplierId: string },
  limit: number,
  cursor?: string,
): Promise<Page<AgreementItem>> => {
  const [index, partition] =
    'entityId' in by
      ? (['GSI1', `ENTITY#${by.entityId}#AGREEMENTS`] as const)
      : (['GSI2', `SUPPLIER#${by.supplierId}#AGREEMENTS`] as const);
  const pk = `${index}PK`;
  const result = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': pk },
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, { [pk]: partition }),
    }),
  );
  const nextCursor = encodeCursor(result.LastEvaluatedKey);
  return { items: (result.Items ?? []) as AgreementItem[], ...(nextCursor ? { nextCursor } : {}) };
};

export const yearKey = (agreementId: string, year: number): Keyed => ({
  PK: `AGREEMENT#${agreementId}`,
  SK: `YEAR#${year}`,
});
export const amendmentKey = (agreementId: string, year: number, id: string): Keyed => ({
  PK: `AGREEMENT#${agreementId}`,
  SK: `AMENDMENT#${year}#${id}`,
});
export const usageKey = (agreementId: string, year: number, month: number): Keyed => ({
  PK: `AGREEMENT#${agreementId}`,
  SK: `USAGE#${year}-${String(month).padStart(2, '0')}`,
});
export const negotiationTokenKey = (
  agreementId: string,
  year: number,
  step: 'officer' | 'supplier',
): Keyed => ({
  PK: `AGREEMENT#${agreementId}`,
  SK: `TASKTOKEN#${year}#${step}`,
});

export type YearItem = PerformanceYear & Versioned;
export type AmendmentItem = Amendment & Versioned;
export type UsageItem = UsageReport & Versioned;

const queryPartition = async <T>(agreementId: string, prefix: string): Promise<T[]> => {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const result = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': `AGREEMENT#${agreementId}`, ':prefix': prefix },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((result.Items ?? []) as T[]));
    start = result.LastEvaluatedKey;
  } while (start);
  return items;
};

export const getYear = (agreementId: string, year: number) => getItem<YearItem>(yearKey(agreementId, year));
export const listAmendments = (agreementId: string, year: number) =>
  queryPartition<AmendmentItem>(agreementId, `AMENDMENT#${year}#`);
export const listUsage = (agreementId: string, year: number) =>
  queryPartition<UsageItem>(agreementId, `USAGE#${year}-`);
