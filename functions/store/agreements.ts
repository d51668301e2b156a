/** Framework agreements' storage: keys, index entries and queries. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../commons/clients.ts';
import { decodeCursor, encodeCursor } from '../commons/pagination.ts';
import { getItem, type Keyed, tableName, type Versioned } from '../commons/store.ts';
import type { Agreement } from '../domain/agreement.ts';
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
