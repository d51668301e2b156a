/**
 * Logs, traces and metrics of every function, the one way: `withObservability(handler)` wraps a
 * handler in middy with the Powertools middlewares (the HTTP areas get it through `httpHandler`).
 *
 * - Logger (functions/shared/log.ts): the Lambda context on every entry, and the invocation's
 *   correlation ids, found in the event: `correlation_id` (the API Gateway request id, or the
 *   EventBridge event id), `tenderId`, `agreementId` and `executionArn` (top level, path
 *   parameters or an EventBridge `detail`). They are forgotten after the invocation.
 * - Tracer (X-Ray): the handler's subsegment with the ColdStart and Service annotations, the same
 *   ids as annotations, and the AWS SDK clients. The Tracer is created with the clients
 *   (functions/adapters/clients.ts), and only where it can trace (a Lambda sandbox, tracing not
 *   switched off): a function that calls no AWS service (docsApi) does not even bundle the X-Ray
 *   SDK, the heaviest module of all, and the local runtime and the tests never load it.
 * - Metrics (EMF, namespace POWERTOOLS_METRICS_NAMESPACE, default dimension `service` =
 *   POWERTOOLS_SERVICE_NAME, the function's manifest key): what a handler adds is written by the
 *   logMetrics middleware at the end of the invocation, whatever its outcome. An invocation that
 *   adds none writes nothing.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { log, logger } from '../shared/log.ts';

/** Counted once per HTTP request that ends in a 5xx problem; alarmed on by the stack. */
export const HTTP_SERVER_ERRORS = 'HttpServerErrors';

/** Tracing can be on: a Lambda sandbox (not SAM local), POWERTOOLS_TRACE_ENABLED not `false`. */
export const canTrace = (): boolean =>
  Boolean(process.env.AWS_EXECUTION_ENV) &&
  process.env.AWS_SAM_LOCAL !== 'true' &&
  process.env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false';

let tracer: Tracer | undefined;

/** The Tracer of the process, once functions/adapters/clients.ts has made it (on Lambda only). */
export const traceWith = (made: Tracer): void => {
  tracer = made;
};

/** captureLambdaHandler of the process's Tracer, if there is one when the invocation starts. */
const tracing = (): MiddlewareObj => {
  let capture: MiddlewareObj | undefined;
  // The response is not recorded in the trace: it may be large and carries people's data.
  const active = (): MiddlewareObj | undefined => {
    if (tracer && !capture) capture = captureLambdaHandler(tracer, { captureResponse: false });
    return capture;
  };
  return {
    name: 'tracing',
    before: (request) => active()?.before?.(request),
    after: (request) => active()?.after?.(request),
    onError: (request) => active()?.onError?.(request),
  };
};

const EMPTY_METRICS = 'No application metrics to publish';

/** The process's Metrics. Its own warnings go to the log, except "no metrics" (most invocations). */
export const metrics = new Metrics({
  logger: {
    debug: (message: string) => log.debug(String(message)),
    info: (message: string) => log.info(String(message)),
    warn: (message: string) => {
      if (!String(message).startsWith(EMPTY_METRICS)) log.warn(String(message));
    },
    error: (message: string) => log.error(String(message)),
  },
});

/** Adds one to a Count metric of this invocation (written by the logMetrics middleware). */
export const count = (name: string): void => {
  metrics.addMetric(name, MetricUnit.Count, 1);
};

const ID_KEYS = ['tenderId', 'agreementId', 'executionArn'] as const;

const record = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;

/** The correlation ids an event carries (see the module comment). */
export const correlationIds = (event: unknown): Record<string, string> => {
  const e = record(event);
  if (!e) return {};
  const ids: Record<string, string> = {};
  const requestId = record(e.requestContext)?.requestId;
  if (typeof requestId === 'string') ids.correlation_id = requestId;
  else if (typeof e.id === 'string' && 'detail-type' in e) ids.correlation_id = e.id;
  for (const source of [e, record(e.pathParameters), record(e.detail)]) {
    for (const key of ID_KEYS) {
      const value = source?.[key];
      if (typeof value === 'string' && value !== '' && ids[key] === undefined) ids[key] = value;
    }
  }
  return ids;
};

const correlation: MiddlewareObj = {
  name: 'correlation',
  before: ({ event }) => {
    const ids = correlationIds(event);
    logger.appendKeys(ids);
    if (tracer) {
      for (const key of ID_KEYS) {
        const value = ids[key];
        if (value) tracer.putAnnotation(key, value);
      }
    }
  },
};

/**
 * The handler in middy with the tracer (outermost: its subsegment covers the rest), the metrics
 * (flushed after the handler, on success and on error) and the logger (context and correlation ids,
 * reset after each invocation).
 */
export const withObservability = <E, R>(
  handler: (event: E, context: Context) => Promise<R>,
): MiddyfiedHandler<E, R> => {
  const wrapped = middy<E, R>()
    .use(tracing())
    .use(logMetrics(metrics))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlation);
  return wrapped.handler(handler);
};
