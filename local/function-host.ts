/**
 * One local Lambda function: a worker thread of its own, started with exactly the environment the
 * stack gives the function (functions/access.ts) plus what Lambda itself provides (region, the
 * function's own credentials, its name) and the local endpoints. Its modules, SDK clients and
 * `process.env` are its own, as in a Lambda sandbox; it shares only the local clock with the
 * runtime (a shared buffer behind the offset functions/shared/clock.ts reads).
 *
 * Messages: { id, event, context } in; { id, result } or { id, error: { name, message, stack } } out.
 */
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { lambdaContext, shareClockOffset } from './sandbox.ts';

interface HostData {
  key: string;
  entry: string;
  clock: SharedArrayBuffer;
  timeoutMs: number;
  memoryMb: number;
}

interface Invocation {
  id: number;
  event: unknown;
  requestId: string;
}

const data = workerData as HostData;
shareClockOffset(data.clock);

type Handler = (event: unknown, context: Context) => Promise<unknown>;
const loaded: Promise<Handler> = import(pathToFileURL(data.entry).href).then((m) => {
  if (typeof m.handler !== 'function') throw new Error(`${data.entry} exports no handler`);
  return m.handler as Handler;
});
// An import failure is answered per invocation; keep it from being reported as unhandled.
loaded.catch(() => {});

const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? data.key;

const errorOf = (error: unknown) => {
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, message: e.message, stack: e.stack };
};

parentPort?.on('message', (message: Invocation) => {
  const context = lambdaContext({
    requestId: message.requestId,
    functionName,
    functionArn: process.env.LOCAL_FUNCTION_ARN ?? functionName,
    memoryMb: data.memoryMb,
    timeoutMs: data.timeoutMs,
  });
  loaded
    .then((handler) => handler(message.event, context))
    .then(
      (result) => parentPort?.postMessage({ id: message.id, result }),
      (error) => parentPort?.postMessage({ id: message.id, error: errorOf(error) }),
    );
});
