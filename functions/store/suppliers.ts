/** The supplier's storage: one item per supplier, listed by name on GSI1. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../commons/clients.ts';
import { decodeCursor, encodeCursor } from '../commons/pagination.ts';
import { getItem, type Keyed, tableName, type Versioned } from '../commons/store.ts';
import type { Supplier } from '../domain/suppliers.ts';

export type SupplierItem = Supplier & Versioned & { GSI1PK: string; GSI1SK: string };

export const supplierKey = (id: string): Keyed => ({ PK: `SUPPLIER#${id}`, SK: 'SUPPLIER' });

export const supplierItem = (s: Omit<Supplier, 'version'>): Omit<SupplierItem, 'version' | 'auditHead'> => ({
  ...supplierKey(s.id),
  ...s,
  GSI1PK: 'SUPPLIERS',
  GSI1SK: `${s.name.toLowerCase()}#${s.id}`,
});

export const getSupplier = (id: string) => getItem<SupplierItem>(supplierKey(id));

export const listSuppliers = async (limit: number, cursor?: string) => {
  const result = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': 'SUPPLIERS' },
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, { GSI1PK: 'SUPPLIERS' }),
    }),
  );
  const nextCursor = encodeCursor(result.LastEvaluatedKey);
  return { items: (result.Items ?? []) as SupplierItem[], ...(nextCursor ? { nextCursor } : {}) };
};
