/**
 * Local Lambda: a function key from the manifest is its module, imported in-process and called
 * with a Lambda-like context. Tests may register extra functions.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { functions } from '../functions/manifest.ts';

export const ACCOUNT = '000000000000';
export const REGION = 'eu-north-1';
export const projectRoot = resolve(import.meta.dirname, '..');

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const extra = new Map<string, Handler>();
const loaded = new Map<string, Promise<Handler>>();

export const localFunctionArn = (key: string): string =>
  `arn:aws:lambda:${REGION}:${ACCOUNT}:function:helsekjop-${key}`;

export const functionKeyFromArn = (arn: string): string => {
  const match =
    /function:helsekjop-([A-Za-z0-9]+)(?::.*)?$/.exec(arn) ?? /^helsekjop-([A-Za-z0-9]+)$/.exec(arn);
  if (!match?.[1])
    throw Object.assign(new Error(`Unknown local function ${arn}`), { name: 'ResourceNotFoundException' });
  return match[1];
};

/** For tests: a function that is not in the manifest. */
export const registerFunction = (key: string, handler: Handler): void => {
  extra.set(key, handler);
};

const load = (key: string): Promise<Handler> => {
  const registered = extra.get(key);
  if (registered) return Promise.resolve(registered);
  let pending = loaded.get(key);
  if (!pending) {
    const spec = (functions as Record<string, { entry: string }>)[key];
    if (!spec)
      throw Object.assign(new Error(`No function ${key} in the manifest`), {
        name: 'ResourceNotFoundException',
      });
    pending = import(pathToFileURL(resolve(projectRoot, spec.entry)).href).then((m) => m.handler as Handler);
    loaded.set(key, pending);
  }
  return pending;
};

export const invokeFunction = async (key: string, event: unknown): Promise<unknown> => {
  const handler = await load(key);
  const started = Date.now();
  const context = {
    awsRequestId: randomUUID(),
    functionName: `helsekjop-${key}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(key),
    memoryLimitInMB: '256',
    logGroupName: `/aws/lambda/helsekjop-${key}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, 30_000 - (Date.now() - started)),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  } as Context;
  return handler(structuredClone(event), context);
};
