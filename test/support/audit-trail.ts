/** Reading an audit chain straight from the table, as the e2e tests that tamper with it do. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../functions/adapters/clients.ts';

/** Every stored event of an aggregate's chain (consistent), in sequence order. */
export const storedChain = async (table: string, type: string, id: string) =>
  (
    ((
      await ddb().send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': `AUDIT#${type}#${id}` },
          ConsistentRead: true,
        }),
      )
    ).Items ?? []) as Record<string, unknown>[]
  ).sort((a, b) => Number(a.seq) - Number(b.seq));
