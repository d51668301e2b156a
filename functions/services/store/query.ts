/**
 * The one DynamoDB query loop: a page (from a start key, to the key to go on from), every page of a
 * query, every item of a partition under a sort-key prefix, and a page of an API list (the opaque
 * cursor below). Never a Scan.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../adapters/clients.ts';
import { tableName } from '../../adapters/store.ts';
import { InvalidCursor } from '../../adapters/store-errors.ts';

export type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;
export type StartKey = Record<string, unknown>;

/** A page of an API list: `nextCursor` continues it. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** One page of a query, from `start`; `next` is where the following page starts, if there is one. */
export const queryPage = async <T>(
  input: QueryInput,
  start?: StartKey,
): Promise<{ items: T[]; next?: StartKey }> => {
  const result = await ddb().send(
    new QueryCommand({ TableName: tableName(), ...input, ExclusiveStartKey: start }),
  );
  return {
    items: (result.Items ?? []) as T[],
    ...(result.LastEvaluatedKey ? { next: result.LastEvaluatedKey } : {}),
  };
};

/** Every page of a query, or as many as hold `max` items. */
export const queryAll = async <T>(input: QueryInput, max = Number.POSITIVE_INFINITY): Promise<T[]> => {
  const items: T[] = [];
  let start: StartKey | undefined;
  do {
    const page = await queryPage<T>(input, start);
    items.push(...page.items);
    start = page.next;
  } while (start && items.length < max);
  return items;
};

/** Every item of the partition `pk` whose sort key starts with `prefix`, read consistently. */
export const queryPartition = <T>(pk: string, prefix: string): Promise<T[]> =>
  queryAll<T>({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
    ConsistentRead: true,
  });

/**
 * One page of an index partition for an API list: the cursor continues the same partition only
 * (anything else is a 400). `filter`: an attribute the items must have (e.g. a status).
 */
export const listIndexPage = async <T>(
  index: 'GSI1' | 'GSI2',
  partition: string,
  options: {
    limit: number;
    cursor?: string | undefined;
    newestFirst?: boolean;
    filter?: { name: string; value: string } | undefined;
  },
): Promise<Page<T>> => {
  const pk = `${index}PK`;
  const { filter } = options;
  const { items, next } = await queryPage<T>(
    {
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': pk, ...(filter ? { '#filter': filter.name } : {}) },
      ExpressionAttributeValues: { ':pk': partition, ...(filter ? { ':filter': filter.value } : {}) },
      ...(filter ? { FilterExpression: '#filter = :filter' } : {}),
      ...(options.newestFirst ? { ScanIndexForward: false } : {}),
      Limit: options.limit,
    },
    decodeCursor(options.cursor, { [pk]: partition }),
  );
  const nextCursor = encodeCursor(next);
  return { items, ...(nextCursor ? { nextCursor } : {}) };
};

export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;

/** `expected`: the key attributes the cursor must carry unchanged (the partition of the query). */
export const decodeCursor = (
  cursor: string | undefined,
  expected: Record<string, string>,
): Record<string, unknown> | undefined => {
  if (cursor === undefined) return undefined;
  const invalid = () => new InvalidCursor('The cursor is not valid for this list');
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!key || typeof key !== 'object' || Array.isArray(key)) throw invalid();
  const record = key as Record<string, unknown>;
  for (const [name, value] of Object.entries(expected)) if (record[name] !== value) throw invalid();
  if (Object.values(record).some((v) => typeof v !== 'string' && typeof v !== 'number')) throw invalid();
  return record;
};
