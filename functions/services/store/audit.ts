/** Reading the audit trail: one aggregate's chain, an entity's events, a tender's or agreement's history. */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../adapters/clients.ts';
import { tableName } from '../../adapters/store.ts';
import type { StoredEvent } from '../../domain/audit.ts';
import { type QueryInput, queryAll } from './query.ts';

export type AuditItem = StoredEvent & { itemPK?: string; itemSK?: string };

const all = (input: QueryInput, max = 20_000): Promise<AuditItem[]> => queryAll<AuditItem>(input, max);

export const aggregateEvents = (type: string, id: string) =>
  all({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': `AUDIT#${type}#${id}` },
    ConsistentRead: true,
  });

export const entityEvents = (entityId: string) =>
  all({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': `ENTITY#${entityId}#AUDIT` },
  });

/** The scope of shared reference data (the supplier register): audited under no entity. */
export const GLOBAL_SCOPE = 'global';

/**
 * The supplier register's events, oldest first: every supplier's, from the shared scope's index
 * partition, or one supplier's from the history of its item.
 */
export const supplierRegisterEvents = (supplierId?: string) =>
  supplierId
    ? historyEvents(`SUPPLIER#${supplierId}`)
    : all({
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        FilterExpression: 'aggregateType = :supplier',
        ExpressionAttributeValues: { ':pk': `ENTITY#${GLOBAL_SCOPE}#AUDIT`, ':supplier': 'supplier' },
      });

/** The supplier register's items as a verification compares them with their last events. */
export const supplierRegisterItems = () =>
  queryAll<{ PK: string; SK: string; version?: number; auditHead?: string }>({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': 'SUPPLIERS' },
    ProjectionExpression: 'PK, SK, version, auditHead',
  });

/** Every event of the aggregates living in one partition (`TENDER#…`, `AGREEMENT#…`), oldest first. */
export const historyEvents = (partition: string) =>
  all({
    IndexName: 'GSI2',
    KeyConditionExpression: 'GSI2PK = :pk',
    ExpressionAttributeValues: { ':pk': `HISTORY#${partition}` },
  });

/** The aggregates' items (version, auditHead) by their keys. */
export const aggregateItems = async (keys: { PK: string; SK: string }[]) => {
  const out = new Map<string, { version?: number; auditHead?: string }>();
  for (let i = 0; i < keys.length; i += 100) {
    const batch = keys.slice(i, i + 100);
    const result = await ddb().send(
      new BatchGetCommand({
        RequestItems: {
          [tableName()]: {
            Keys: batch,
            ProjectionExpression: 'PK, SK, version, auditHead',
            ConsistentRead: true,
          },
        },
      }),
    );
    for (const item of result.Responses?.[tableName()] ?? [])
      out.set(`${item.PK}|${item.SK}`, { version: item.version, auditHead: item.auditHead });
  }
  return out;
};
