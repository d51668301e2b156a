/** Reading the audit trail: one aggregate's chain, an entity's events, a tender's or agreement's history. */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../adapters/clients.ts';
import { tableName } from '../../adapters/store.ts';
import type { StoredEvent } from '../../domain/audit.ts';
import { type QueryInput, queryAll } from './query.ts';

export type AuditItem = StoredEvent & { itemPK?: string; itemSK?: string };

/**
 * Every page: a read of the audit trail never stops short silently (it stopped at 20 000 items, and a
 * full verification of a bigger entity then reported the chains it had not read as missing). What
 * must bound its reading says so: entityEventsUpTo.
 */
const all = (input: QueryInput): Promise<AuditItem[]> => queryAll<AuditItem>(input);

export const aggregateEvents = (type: string, id: string) =>
  all({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': `AUDIT#${type}#${id}` },
    ConsistentRead: true,
  });

const entityQuery = (entityId: string): QueryInput => ({
  IndexName: 'GSI1',
  KeyConditionExpression: 'GSI1PK = :pk',
  ExpressionAttributeValues: { ':pk': `ENTITY#${entityId}#AUDIT` },
});

/** Every audit event of an entity, oldest first (from its index partition: eventually consistent). */
export const entityEvents = (entityId: string) => all(entityQuery(entityId));

/** Every audit event of an entity, or undefined if it has more than `max` (read up to a page past it). */
export const entityEventsUpTo = async (entityId: string, max: number): Promise<AuditItem[] | undefined> => {
  const events = await queryAll<AuditItem>(entityQuery(entityId), max + 1);
  return events.length > max ? undefined : events;
};

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

const BATCHES_AT_ONCE = 4;

/** The aggregates' items (version, auditHead) by their keys: 100 to a BatchGet, a few side by side. */
export const aggregateItems = async (keys: { PK: string; SK: string }[]) => {
  const out = new Map<string, { version?: number; auditHead?: string }>();
  const batches: { PK: string; SK: string }[][] = [];
  for (let i = 0; i < keys.length; i += 100) batches.push(keys.slice(i, i + 100));
  const read = async (batch: Record<string, unknown>[]) => {
    // What DynamoDB leaves unprocessed (throttled, or over 16 MB) is asked again: a key left out
    // would read as an aggregate missing although it has events.
    for (let pending = batch, attempt = 0; pending.length; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const result = await ddb().send(
        new BatchGetCommand({
          RequestItems: {
            [tableName()]: {
              Keys: pending,
              ProjectionExpression: 'PK, SK, version, auditHead',
              ConsistentRead: true,
            },
          },
        }),
      );
      for (const item of result.Responses?.[tableName()] ?? [])
        out.set(`${item.PK}|${item.SK}`, { version: item.version, auditHead: item.auditHead });
      pending = result.UnprocessedKeys?.[tableName()]?.Keys ?? [];
    }
  };
  for (let i = 0; i < batches.length; i += BATCHES_AT_ONCE)
    await Promise.all(batches.slice(i, i + BATCHES_AT_ONCE).map(read));
  return out;
};
