/**
 * What a local Lambda sandbox shares with the runtime, used by the function workers
 * (local/function-host.ts) and by in-process test functions (local/functions.ts): the Lambda
 * context object, and the clock offset kept in shared memory.
 */
import type { Context } from 'aws-lambda';

/** The context Lambda hands a handler, for one invocation. */
export const lambdaContext = (f: {
  requestId: string;
  functionName: string;
  functionArn: string;
  memoryMb: number;
  timeoutMs: number;
}): Context => {
  const started = Date.now();
  return {
    awsRequestId: f.requestId,
    functionName: f.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: f.functionArn,
    memoryLimitInMB: String(f.memoryMb),
    logGroupName: `/aws/lambda/${f.functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, f.timeoutMs - (Date.now() - started)),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
};

/**
 * Backs the clock offset that functions/shared/clock.ts keeps on globalThis with shared memory,
 * so a move of the local clock is seen at once by the runtime and every function's worker.
 */
export const shareClockOffset = (buffer: SharedArrayBuffer): void => {
  const offset = new Float64Array(buffer);
  const key = Symbol.for('helsekjop.clockOffsetMs');
  const current = (globalThis as Record<symbol, unknown>)[key];
  if (typeof current === 'number') offset[0] = current;
  Object.defineProperty(globalThis, key, {
    get: () => offset[0],
    set: (value: number) => {
      offset[0] = value;
    },
    configurable: true,
  });
};
