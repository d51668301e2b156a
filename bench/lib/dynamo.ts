/**
 * What several benchmarks need of DynamoDB Local beside the product: seeding many items fast
 * (BatchWrite, 25 at a time, several in flight, unprocessed items sent again) and the CPU time its
 * JVM has used (to set what the product costs it against what a bare call costs it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type WriteRequest = {
  PutRequest?: { Item: Record<string, unknown> };
  DeleteRequest?: { Key: Record<string, unknown> };
};

/** Writes `requests` 25 to a BatchWrite, `inFlight` batches at once; answers how many were written. */
export const batchWrite = async (
  client: DynamoDBDocumentClient,
  table: string,
  requests: WriteRequest[],
  inFlight: number,
): Promise<number> => {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let batch = batches[next++] as WriteRequest[];
      while (batch.length) {
        const r = await client.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
        batch = (r.UnprocessedItems?.[table] ?? []) as WriteRequest[];
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return requests.length;
};

/** CPU time (ms) DynamoDB Local's JVM has used: the java process listening on this process's DynamoDB port. */
export const dynamoCpuMs = (() => {
  let pid: string | undefined;
  return (): number => {
    const port = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB ?? 'http://x:0').port;
    try {
      pid ??= readdirSync('/proc').find((p) => {
        if (!/^\d+$/.test(p)) return false;
        try {
          const args = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
          return args.some((a) => a.endsWith('DynamoDBLocal.jar')) && args.includes(port);
        } catch {
          return false;
        }
      });
      if (!pid) return Number.NaN;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      // utime and stime, in clock ticks (100 a second on Linux).
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return Number.NaN;
    }
  };
})();

export type PutRequest = { PutRequest: { Item: Record<string, unknown> } };

/** What DynamoDB answered a read: items returned, items it read to answer (ScannedCount), read units. */
export interface ReadFigures {
  returned: number;
  scanned: number;
  rcu: number;
}

const READS = /^(Query|GetItem|BatchGetItem|Scan)Command$/;
const WRITES = /^(TransactWriteItems|PutItem|UpdateItem|DeleteItem|BatchWriteItem)Command$/;

/**
 * A meter on a DynamoDB document client (the product's): every read asks for its consumed capacity
 * and is reported to `onRead`, every write that is sent to `onWrite`. While `capture()` gives a map,
 * transactions and puts are not sent but kept there by key (the document client's input, before it
 * marshals it; a later write of a key wins): a seed builds its items with the product's own code and
 * writes them in bulk with `batchWrite`.
 */
export const meterDynamo = (
  client: DynamoDBDocumentClient,
  hooks: {
    capture?: () => Map<string, PutRequest> | undefined;
    onRead: (name: string, input: Record<string, unknown>, figures: ReadFigures) => void;
    onWrite?: (name: string) => void;
  },
): void => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      const input = args.input as Record<string, unknown>;
      const captured = hooks.capture?.();
      if (captured && /^(TransactWriteItems|PutItem)Command$/.test(name)) {
        const keep = (item: Record<string, unknown>) =>
          captured.set(`${item.PK}|${item.SK}`, { PutRequest: { Item: item } });
        if (name === 'PutItemCommand') keep(input.Item as Record<string, unknown>);
        else
          for (const t of input.TransactItems as { Put?: { Item: Record<string, unknown> } }[])
            if (t.Put) keep(t.Put.Item);
        return { output: { $metadata: {} }, response: {} } as never;
      }
      if (WRITES.test(name)) hooks.onWrite?.(name);
      if (!READS.test(name)) return next(args);
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const out = result.output as {
        Count?: number;
        ScannedCount?: number;
        Item?: unknown;
        Responses?: Record<string, unknown[]>;
        ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
      };
      const returned =
        out.Count ??
        (out.Responses ? Object.values(out.Responses).reduce((n, r) => n + r.length, 0) : out.Item ? 1 : 0);
      const capacity = Array.isArray(out.ConsumedCapacity) ? out.ConsumedCapacity : [out.ConsumedCapacity];
      hooks.onRead(name, input, {
        returned,
        scanned: out.ScannedCount ?? returned,
        rcu: capacity.reduce((n, c) => n + (c?.CapacityUnits ?? 0), 0),
      });
      return result;
    },
    { step: 'serialize', priority: 'high', name: 'benchMeter' },
  );
};
