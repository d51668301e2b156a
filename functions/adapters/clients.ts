/**
 * AWS SDK clients: module-scope singletons, created on first use. Locally the SDK is pointed at the
 * stand-ins by the standard AWS_ENDPOINT_URL_<SERVICE> variables; nothing here knows the difference.
 * On Lambda every client is captured by the Tracer, so each call is a subsegment of the trace;
 * elsewhere there is no Tracer and the clients are left as they are.
 */
import { createRequire } from 'node:module';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { canTrace, traceWith } from './observability.ts';

const resets: (() => void)[] = [];
/**
 * A client made on first use and forgotten by `resetClients`. Adapters that only some functions use
 * (the audit archive's S3 and KMS, the Doffin port's Secrets Manager) make theirs with it in their
 * own module, so that only those functions bundle and initialise them.
 */
export const lazy = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  resets.push(() => {
    value = undefined;
  });
  return () => {
    value ??= make();
    return value;
  };
};

/** Forgets the clients so the next use reads the endpoints again (a local runtime restarted in-process). */
export const resetClients = (): void => {
  for (const reset of resets) reset();
};

/**
 * The Tracer's CommonJS build, required when it is needed. esbuild bundles a `require` like any
 * import, but leaves it unevaluated until called; and the CommonJS build requires node:http as
 * CommonJS, where the ES module build's `import http from 'node:http'` (hoisted to the top of the
 * bundle, called or not) makes Node build a module facade of node:http that loads its fetch
 * implementation: some 10 ms of cold start for nothing. Outside a bundle (tsx, vitest) there is no
 * `require` in an ES module, and createRequire does the same.
 */
const requireTracer = (): typeof import('@aws-lambda-powertools/tracer') =>
  typeof require === 'function'
    ? require('@aws-lambda-powertools/tracer')
    : createRequire(import.meta.url)('@aws-lambda-powertools/tracer');

/**
 * The Tracer, made here, with the clients, so that only a function that calls AWS bundles the X-Ray
 * SDK; and made only where it can trace (functions/adapters/observability.ts), so that nothing else
 * evaluates it. withObservability traces the handler with it.
 */
export const tracer: Tracer | undefined = canTrace() ? new (requireTracer().Tracer)() : undefined;
if (tracer) traceWith(tracer);

/** The client with its calls traced (the document client shares the middleware stack of the client it wraps). */
export const traced = <T>(client: T): T => (tracer ? tracer.captureAWSv3Client(client) : client);

export const ddb = lazy(() =>
  DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  }),
);
export const sfn = lazy(() => traced(new SFNClient({})));
export const eventBridge = lazy(() => traced(new EventBridgeClient({})));
export const scheduler = lazy(() => traced(new SchedulerClient({})));
export const sns = lazy(() => traced(new SNSClient({})));
