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
