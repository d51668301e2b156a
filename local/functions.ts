/**
 * Local Lambda: each function of the manifest runs in a worker thread of its own (local/function-host.ts)
 * with exactly the environment the stack gives it and credentials of its own, by which the local
 * AWS endpoint and the DynamoDB gate tell callers apart and check them against the function's
 * statements (functions/access.ts), as IAM does. A function's worker starts on its first
 * invocation (a cold start) and ends with the runtime. Tests may register extra in-process
 * functions that are not in the manifest.
 *
 * On Lambda each concurrent invocation has a sandbox of its own, and its timeout counts from when its
 * handler starts. Locally one worker runs a function's invocations side by side on one thread; past
 * `concurrency` of them (default 16, LOCAL_FUNCTION_CONCURRENCY) the rest wait in line, and the
 * timeout of each starts when it is handed to the worker. Without the line, 200 executions resumed at
 * once shared one thread, each took its share of everyone's time, and past the function's 30 s they
 * failed with Sandbox.Timedout, which no Retry covers: executions failed for good at every restart.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { type FunctionKey, type FunctionSpec, functions, timeoutSecondsOf } from '../functions/manifest.ts';
import { lambdaContext, shareClockOffset } from './sandbox.ts';

export const ACCOUNT = '000000000000';
export const REGION = 'eu-north-1';
export const projectRoot = resolve(import.meta.dirname, '..');
export const FUNCTION_PREFIX = 'helsekjop-';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export const localFunctionArn = (key: string): string =>
  `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FUNCTION_PREFIX}${key}`;

export const functionKeyFromArn = (arn: string): string => {
  const match =
    /function:helsekjop-([A-Za-z0-9]+)(?::.*)?$/.exec(arn) ?? /^helsekjop-([A-Za-z0-9]+)$/.exec(arn);
  if (!match?.[1])
    throw Object.assign(new Error(`Unknown local function ${arn}`), { name: 'ResourceNotFoundException' });
  return match[1];
};

/**
 * The access key a local function signs its AWS calls with (letters and digits only, as DynamoDB
 * Local requires): `local` + the function key, e.g. localTendersApi. The stand-ins read the caller from it.
 */
export const accessKeyOf = (key: string): string => `local${key[0]?.toUpperCase()}${key.slice(1)}`;
export const functionKeyFromAccessKey = (accessKeyId: string): string | undefined =>
  /^local[A-Z]/.test(accessKeyId) ? `${accessKeyId[5]?.toLowerCase()}${accessKeyId.slice(6)}` : undefined;

/**
 * The clock offset shared by the runtime and every function's worker: functions/shared/clock.ts
 * keeps it on globalThis; here that property is backed by shared memory, so a move of the local
 * clock is seen at once by every function.
 */
const clockBuffer = new SharedArrayBuffer(8);
shareClockOffset(clockBuffer);

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

class FunctionWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly line: (() => void)[] = [];
  private next = 0;
  private exitError: Error | undefined;
  private readonly timeoutMs: number;

  constructor(
    readonly key: string,
    spec: FunctionSpec,
    environment: Record<string, string>,
    private readonly onExit: () => void,
    private readonly concurrency: number,
  ) {
    this.timeoutMs = timeoutSecondsOf(spec) * 1000;
    this.worker = new Worker(new URL('./function-host.ts', import.meta.url), {
      env: environment,
      workerData: {
        key,
        entry: resolve(projectRoot, spec.entry),
        clock: clockBuffer,
        timeoutMs: this.timeoutMs,
        memoryMb: spec.memoryMb ?? 1024,
      },
      stdout: false,
      stderr: false,
    });
    this.worker.unref();
    this.worker.on(
      'message',
      (m: { id: number; result?: unknown; error?: { name: string; message: string; stack?: string } }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        this.dispatch();
        if (m.error)
          p.reject(Object.assign(new Error(m.error.message), { name: m.error.name, stack: m.error.stack }));
        else p.resolve(m.result);
      },
    );
    const fail = (error: Error) => {
      this.exitError = error;
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(error);
      }
      this.pending.clear();
      // Those waiting in line are handed to a dead worker: each fails with the worker's error.
      for (const start of this.line.splice(0)) start();
      this.onExit();
    };
    this.worker.on('error', (error) =>
      fail(Object.assign(new Error(`${key} crashed: ${error.message}`), { name: 'Lambda.Unknown' })),
    );
    this.worker.on('exit', (code) =>
      fail(Object.assign(new Error(`${key} exited (${code})`), { name: 'Lambda.Unknown' })),
    );
  }

  invoke(event: unknown): Promise<unknown> {
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise((resolvePromise, reject) => {
      const start = () => {
        if (this.exitError) return reject(this.exitError);
        const id = this.next++;
        // Lambda stops a function at its timeout; the caller sees Sandbox.Timedout.
        const timer = setTimeout(() => {
          this.pending.delete(id);
          this.dispatch();
          reject(
            Object.assign(new Error(`Task timed out after ${this.timeoutMs / 1000} seconds`), {
              name: 'Sandbox.Timedout',
            }),
          );
        }, this.timeoutMs);
        timer.unref();
        this.pending.set(id, { resolve: resolvePromise, reject, timer });
        this.worker.postMessage({ id, event, requestId: randomUUID() });
      };
      this.line.push(start);
      this.dispatch();
    });
  }

  /** Hands the next invocations in line to the worker, up to `concurrency` at once. */
  private dispatch(): void {
    while (this.pending.size < this.concurrency && this.line.length) this.line.shift()?.();
  }

  async terminate(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

const extra = new Map<string, Handler>();

/** For tests: a function that is not in the manifest, run in-process by every runtime. */
export const registerFunction = (key: string, handler: Handler): void => {
  extra.set(key, handler);
};

/** How the stand-ins call a function (Lambda's Invoke). */
export type Invoke = (key: string, event: unknown) => Promise<unknown>;

const inProcess = async (key: string, handler: Handler, event: unknown): Promise<unknown> =>
  handler(
    structuredClone(event),
    lambdaContext({
      requestId: randomUUID(),
      functionName: `${FUNCTION_PREFIX}${key}`,
      functionArn: localFunctionArn(key),
      memoryMb: 256,
      timeoutMs: 30_000,
    }),
  );

/**
 * The functions of one local runtime: a worker per function, started on its first invocation
 * (a cold start) with the environment the runtime gives it, ended when the runtime stops.
 */
export class LocalFunctions {
  private readonly workers = new Map<string, FunctionWorker>();
  private stopped = false;
  private running = 0;

  constructor(
    private readonly environmentOf: (key: FunctionKey) => Record<string, string>,
    private readonly concurrency = Number(process.env.LOCAL_FUNCTION_CONCURRENCY ?? 16) || 16,
  ) {}

  /** Invocations under way or in line (the local clock waits for them after each timer it fires). */
  get inFlight(): number {
    return this.running;
  }

  readonly invoke: Invoke = async (key, event) => {
    this.running++;
    try {
      return await this.invokeNow(key, event);
    } finally {
      this.running--;
    }
  };

  private async invokeNow(key: string, event: unknown): Promise<unknown> {
    const registered = extra.get(key);
    if (registered) return inProcess(key, registered, event);
    const spec = (functions as Record<string, FunctionSpec>)[key];
    if (!spec)
      throw Object.assign(new Error(`No function ${key} in the manifest`), {
        name: 'ResourceNotFoundException',
      });
    if (this.stopped)
      throw Object.assign(new Error('The local runtime has stopped'), { name: 'Lambda.Unknown' });
    let worker = this.workers.get(key);
    if (!worker) {
      const created: FunctionWorker = new FunctionWorker(
        key,
        spec,
        this.environmentOf(key as FunctionKey),
        () => {
          if (this.workers.get(key) === created) this.workers.delete(key);
        },
        this.concurrency,
      );
      worker = created;
      this.workers.set(key, worker);
    }
    return worker.invoke(event);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }
}
