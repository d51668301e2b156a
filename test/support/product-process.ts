/**
 * The local product as a separate OS process, as a person runs it (`npm start`): `local/start.ts`
 * on Node with tsx, its own DynamoDB Local (Java) on the data dir, the HTTP API on a port of its
 * own. Tests reach it over HTTP only (test/support/api-client.ts), and end it as a person does:
 * Ctrl-C (SIGINT to its process group, as a terminal sends it) or `kill -9` (SIGKILL to the Node
 * process alone). No vitest here: bench/ uses it too.
 *
 * Every process started here is ended by `stopAllProducts()` (tests call it in afterAll) and, should
 * the test process itself end first, on its exit: nothing is left running, DynamoDB Local included.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { projectRoot } from '../../local/functions.ts';
import { type ApiClient, apiClient } from './api-client.ts';

export interface ProductProcess {
  readonly pid: number;
  readonly dataDir: string;
  readonly apiUrl: string;
  readonly client: ApiClient;
  /** From the spawn until the API answered. */
  readonly startSeconds: number;
  /** What the process wrote (stdout and stderr), for a failure's message. */
  output(): string;
  /** Whether it still runs. */
  running(): boolean;
  /** `kill -9 <pid>`: the Node process alone, nothing of it gets to run; resolves once it is gone. */
  kill(): Promise<void>;
  /**
   * Ctrl-C in the terminal: SIGINT to the whole foreground process group, the product and anything
   * of it that shares the group. Resolves with how it ended once it has, and how long that took.
   */
  interrupt(timeoutMs?: number): Promise<{ code: number | null; signal: string | null; seconds: number }>;
}

export interface ProductOptions {
  dataDir: string;
  /** Extra environment (e.g. LOCAL_FUNCTION_CONCURRENCY); the test runner's own AWS_* and VITEST* are dropped. */
  env?: Record<string, string>;
  /** How long the start may take (DynamoDB Local's JVM included). */
  timeoutMs?: number;
}

const started = new Set<ChildProcess>();

const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {}
  }
};

// The test process ends (a failure, a timeout, Ctrl-C on vitest): nothing it started outlives it.
process.once('exit', () => {
  for (const child of started) killGroup(child, 'SIGKILL');
});

/** The environment a person's shell would give `npm start`: nothing of the test runner's. */
const cleanEnvironment = (extra: Record<string, string>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(AWS_|VITEST|TABLE_NAME$|HELSEKJOP_)/.test(key) && key !== 'NODE_OPTIONS') env[key] = value;
  // The project's Node first (tsx and the functions' workers need Node 24), as npm scripts do.
  env.PATH = [resolve(projectRoot, 'node_modules/.bin'), process.env.PATH].filter(Boolean).join(':');
  // DynamoDB Local's JVM with the client compiler alone starts sooner and takes less CPU (as in
  // test/global-setup.ts); the tests run it for a minute.
  env.JAVA_TOOL_OPTIONS = [env.JAVA_TOOL_OPTIONS, '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC']
    .filter(Boolean)
    .join(' ');
  return { ...env, LOG_LEVEL: 'error', ...extra };
};

/** Starts `local/start.ts` on `dataDir` and resolves once its API answers. */
export const startProduct = async (options: ProductOptions): Promise<ProductProcess> => {
  const began = Date.now();
  // As `npm start` runs it, minus the tsx CLI's own wrapper process: the pid is the product's.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'local/start.ts', '--data-dir', options.dataDir, '--port', '0', '--quiet'],
    {
      cwd: projectRoot,
      env: cleanEnvironment(options.env ?? {}),
      // A process group of its own, as a shell's job: Ctrl-C reaches the group, kill -9 the pid.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  started.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
    child.once('exit', (code, signal) => {
      started.delete(child);
      r({ code, signal });
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not spawn the product: ${output}`);

  const deadline = began + (options.timeoutMs ?? 60_000);
  let apiUrl: string | undefined;
  while (!apiUrl) {
    const banner = /^\s*API\s+(http:\/\/\S+)\s*$/m.exec(output);
    if (banner?.[1]) {
      const client = apiClient(banner[1]);
      try {
        await client.now();
        apiUrl = banner[1];
        break;
      } catch {}
    }
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`The product ended while starting (${child.exitCode ?? child.signalCode}):\n${output}`);
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`The product did not answer within ${options.timeoutMs ?? 60_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const startSeconds = (Date.now() - began) / 1000;
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid,
    dataDir: options.dataDir,
    apiUrl,
    client: apiClient(apiUrl),
    startSeconds,
    output: () => output,
    running: () => !gone(),
    kill: async () => {
      if (!gone()) process.kill(pid, 'SIGKILL');
      await exited;
    },
    interrupt: async (timeoutMs = 30_000) => {
      const since = Date.now();
      killGroup(child, 'SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([
        exited,
        new Promise<undefined>((r) => {
          timer = setTimeout(() => r(undefined), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (!ended) {
        killGroup(child, 'SIGKILL');
        throw new Error(`The product did not stop within ${timeoutMs} ms of Ctrl-C:\n${output}`);
      }
      return { ...ended, seconds: (Date.now() - since) / 1000 };
    },
  };
};

/**
 * The DynamoDB Local processes (Java) that keep their data in `dataDir`, by their command line
 * (`-dbPath <dataDir>/dynamodb`): Linux only (/proc); elsewhere an empty list.
 */
export const dynamoProcessesOf = (dataDir: string): number[] => {
  if (!existsSync('/proc')) return [];
  const dbPath = resolve(dataDir, 'dynamodb');
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (args.some((a) => a.endsWith('DynamoDBLocal.jar')) && args[args.indexOf('-dbPath') + 1] === dbPath)
      pids.push(Number(name));
  }
  return pids;
};

/** Ends every product this process started, and any DynamoDB Local left on their data dirs. */
export const stopAllProducts = async (dataDirs: string[] = []): Promise<void> => {
  const waits = [...started].map(
    (child) =>
      new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once('exit', () => r());
        killGroup(child, 'SIGKILL');
      }),
  );
  await Promise.all(waits);
  for (const dir of dataDirs)
    for (const pid of dynamoProcessesOf(dir))
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
};

/** Resolves when no DynamoDB Local runs on `dataDir` any more, or after `timeoutMs` with those that do. */
export const dynamoGone = async (dataDir: string, timeoutMs: number): Promise<number[]> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const left = dynamoProcessesOf(dataDir);
    if (!left.length || Date.now() > until) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
};
