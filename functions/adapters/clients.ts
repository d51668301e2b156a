/**
 * AWS SDK clients: module-scope singletons, created on first use. Locally the SDK is pointed at the
 * stand-ins by the standard AWS_ENDPOINT_URL_<SERVICE> variables; nothing here knows the difference.
 * On Lambda every client is captured by the Tracer, so each call is a subsegment of the trace;
 * elsewhere there is no Tracer and the clients are left as they are.
 *
 * Only DynamoDB's packages are imported: every function but docsApi reads or writes the table. Every
 * other SDK package is loaded on first use (`sdk`), by the call that needs it, so that a function's
 * initialisation loads only DynamoDB, and a path that never publishes, schedules or starts a
 * workflow never loads those clients at all (bench/cold-start.ts measures what each one costs).
 */
import { createRequire } from 'node:module';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { canTrace, traceWith } from './observability.ts';

/** The SDK packages loaded on first use, by name. */
interface LazySdk {
  '@aws-sdk/client-eventbridge': typeof import('@aws-sdk/client-eventbridge');
  '@aws-sdk/client-kms': typeof import('@aws-sdk/client-kms');
  '@aws-sdk/client-s3': typeof import('@aws-sdk/client-s3');
  '@aws-sdk/client-scheduler': typeof import('@aws-sdk/client-scheduler');
  '@aws-sdk/client-secrets-manager': typeof import('@aws-sdk/client-secrets-manager');
  '@aws-sdk/client-sfn': typeof import('@aws-sdk/client-sfn');
  '@aws-sdk/client-sns': typeof import('@aws-sdk/client-sns');
}

/**
 * `require` where the code runs: the bundle's (the banner of lib/bundling.ts makes one), or one made
 * here where there is none (an ES module under tsx or vitest).
 */
const requireHere = (): NodeJS.Require =>
  typeof require === 'function' ? require : createRequire(import.meta.url);

/**
 * An SDK package, loaded when a call first needs it (`const { PutEventsCommand } =
 * sdk('@aws-sdk/client-eventbridge')`), not at initialisation. Required, not imported: the SDK's
 * packages have no `exports` map, so Node loads their CommonJS build (dist-cjs) for an `import` and
 * a `require` alike, and both give the one module object Node caches: the classes a handler test
 * mocks (aws-sdk-client-mock, by client class) are the ones the code sends with, whichever loaded
 * first. `@aws-sdk/*` stays external to the bundle (lib/bundling.ts), so esbuild leaves the call.
 */
export const sdk = <N extends keyof LazySdk>(name: N): LazySdk[N] => requireHere()(name) as LazySdk[N];

const resets: (() => void)[] = [];
/**
 * A client made on first use and forgotten by `resetClients`. Adapters that only some functions use
 * (the audit archive's S3 and KMS, the Doffin port's Secrets Manager) make theirs with it in their
 * own module. It defers making the client, not loading its package: that is `sdk`'s.
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
// Pure: a bundle leaves out the clients its function never uses (esbuild drops unused pure calls).
export const sfn = /* @__PURE__ */ lazy(() => traced(new (sdk('@aws-sdk/client-sfn').SFNClient)({})));
export const eventBridge = /* @__PURE__ */ lazy(() =>
  traced(new (sdk('@aws-sdk/client-eventbridge').EventBridgeClient)({})),
);
export const scheduler = /* @__PURE__ */ lazy(() =>
  traced(new (sdk('@aws-sdk/client-scheduler').SchedulerClient)({})),
);
export const sns = /* @__PURE__ */ lazy(() => traced(new (sdk('@aws-sdk/client-sns').SNSClient)({})));
