/**
 * What the audit digests are made from, in the table (functions/domain/audit-digest.ts): the chain
 * heads that moved since each scope's last digest (`DIGEST#PENDING`, written by the stream watcher
 * from every audit insert), the anomalies it saw (`DIGEST#ANOMALY`: an audit item changed or
 * removed), and each scope's last digest number (`DIGEST#STATE`). The digests themselves live in
 * the locked bucket; these items only say what is still to be sealed.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../adapters/clients.ts';
import { getItem, tableName } from '../../adapters/store.ts';
import type { AuditAnomaly, HeadEvent } from '../../domain/audit-digest.ts';
import { queryAll } from './query.ts';

const PENDING = 'DIGEST#PENDING';
const ANOMALY = 'DIGEST#ANOMALY';
const STATE = 'DIGEST#STATE';

export type PendingHead = HeadEvent & { PK: string; SK: string; scope: string };
export type AnomalyItem = AuditAnomaly & { PK: string; SK: string; scope: string };
export interface DigestState {
  PK: string;
  SK: string;
  scope: string;
  number: number;
  digestHash: string;
  createdAt: string;
}

const isConditionFailure = (error: unknown) =>
  (error as { name?: string }).name === 'ConditionalCheckFailedException';

/** A chain's new head, unless a later one of the same chain is pending already (records come again, out of order). */
export const notePendingHead = async (scope: string, head: HeadEvent): Promise<void> => {
  try {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          PK: PENDING,
          SK: `${scope}#${head.aggregateType}#${head.aggregateId}`,
          scope,
          aggregateType: head.aggregateType,
          aggregateId: head.aggregateId,
          seq: head.seq,
          hash: head.hash,
          at: head.at,
        },
        ConditionExpression: 'attribute_not_exists(PK) OR seq < :seq',
        ExpressionAttributeValues: { ':seq': head.seq },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

/** What the watcher saw, once per record (a record read again writes the same item). */
export const noteAnomaly = (scope: string, anomaly: AuditAnomaly): Promise<unknown> =>
  ddb().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        PK: ANOMALY,
        SK: `${scope}#${anomaly.at}#${anomaly.key.PK}#${anomaly.key.SK}`,
        scope,
        ...anomaly,
      },
    }),
  );

export const pendingHeads = () =>
  queryAll<PendingHead>({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': PENDING },
    ConsistentRead: true,
  });

/** One scope's chains that moved since its latest digest. */
export const pendingHeadsOf = (scope: string) =>
  queryAll<PendingHead>({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :scope)',
    ExpressionAttributeValues: { ':pk': PENDING, ':scope': `${scope}#` },
  });

export const pendingAnomalies = () =>
  queryAll<AnomalyItem>({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': ANOMALY },
    ConsistentRead: true,
  });

export const digestState = (scope: string) => getItem<DigestState>({ PK: STATE, SK: scope });

/** The scope's last digest is now `number`; refused (ConditionalCheckFailedException) if another run got there first. */
export const advanceDigestState = async (
  scope: string,
  previous: number,
  next: Omit<DigestState, 'PK' | 'SK' | 'scope'>,
): Promise<void> => {
  await ddb().send(
    new PutCommand({
      TableName: tableName(),
      Item: { PK: STATE, SK: scope, scope, ...next },
      ConditionExpression: previous ? '#n = :previous' : 'attribute_not_exists(PK)',
      ...(previous
        ? {
            ExpressionAttributeNames: { '#n': 'number' },
            ExpressionAttributeValues: { ':previous': previous },
          }
        : {}),
    }),
  );
};

/** Sealed: a pending head goes unless a later head of its chain came in meanwhile. */
export const clearPendingHead = async (head: PendingHead): Promise<void> => {
  try {
    await ddb().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: { PK: head.PK, SK: head.SK },
        ConditionExpression: 'seq = :seq',
        ExpressionAttributeValues: { ':seq': head.seq },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

export const clearAnomaly = (a: AnomalyItem): Promise<unknown> =>
  ddb().send(new DeleteCommand({ TableName: tableName(), Key: { PK: a.PK, SK: a.SK } }));

/** The scopes with something to seal, and what: heads and anomalies per scope. */
export const byScope = (heads: PendingHead[], anomalies: AnomalyItem[]) => {
  const scopes = new Map<string, { heads: PendingHead[]; anomalies: AnomalyItem[] }>();
  const of = (scope: string) => {
    let s = scopes.get(scope);
    if (!s) {
      s = { heads: [], anomalies: [] };
      scopes.set(scope, s);
    }
    return s;
  };
  for (const h of heads) of(h.scope).heads.push(h);
  for (const a of anomalies) of(a.scope).anomalies.push(a);
  return scopes;
};
