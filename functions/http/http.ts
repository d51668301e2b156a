/**
 * The one HTTP handler shape: `httpHandler(area, impl)` dispatches on the API Gateway v2 routeKey,
 * authenticates, checks the route's role, validates path, query and body with the route's zod
 * schemas (unknown fields rejected), limits the body size and maps every error to an RFC 9457
 * problem. Identical on AWS and in the local runtime. It is wrapped by `withObservability`
 * (logs, traces, metrics: functions/adapters/observability.ts), and every request that ends in a
 * 5xx problem adds one to the `HttpServerErrors` metric of the function.
 */
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import * as z from 'zod/mini';
import { count, HTTP_SERVER_ERRORS, withObservability } from '../adapters/observability.ts';
import { InvalidCursor, StoreBusy, StoreConflict } from '../adapters/store-errors.ts';
import { isTransient } from '../adapters/transient.ts';
import type { Principal } from '../domain/actors.ts';
import { type ProblemItem, Refusal } from '../domain/refusal.ts';
import { log } from '../shared/log.ts';
import { assertRole, principalFromClaims } from './auth.ts';
import { conflict, Problem, refusalProblem, validationProblem } from './errors.ts';
import type { AreaRoutes, RouteSpec } from './route.ts';
import { routeKey } from './route.ts';
import '../shared/zod-locale.ts';

/**
 * The largest request body, in bytes. Every change is written as its item and its audit event, each
 * a DynamoDB item of at most 400 KB, and an event of an edit holds what a field was and what it
 * becomes: 128 KiB keeps both within the limit, with room for the item's own fields.
 */
export const MAX_BODY_BYTES = 128 * 1024;

type Infer<S> = S extends z.ZodMiniType ? z.infer<S> : undefined;

export interface HttpRequest<R extends RouteSpec = RouteSpec> {
  principal: R['action'] extends null ? undefined : Principal;
  params: Infer<R['params']>;
  query: Infer<R['query']>;
  body: Infer<R['body']>;
  headers: Record<string, string | undefined>;
  idempotencyKey: string | undefined;
  requestId: string;
  /** The path of the request, used as a problem's `instance`. */
  path: string;
}

export interface HttpResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send `body` as it is (a string) with this content type, not as JSON. */
  contentType?: string;
}

export type Handlers<A extends AreaRoutes> = {
  [K in keyof A['routes']]: (req: HttpRequest<A['routes'][K]>) => Promise<HttpResult>;
};

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

const escapePointer = (segment: PropertyKey): string =>
  String(segment).replaceAll('~', '~0').replaceAll('/', '~1');

export const issuesToItems = (
  issues: readonly z.core.$ZodIssue[],
  where: 'body' | 'path' | 'query',
): ProblemItem[] =>
  issues.flatMap((issue) => {
    const keys =
      issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    return keys.map((path) => {
      const detail =
        issue.code === 'unrecognized_keys'
          ? `Unknown field "${String(path.at(-1))}" is not allowed`
          : issue.message;
      if (where === 'body')
        return { pointer: `#/${path.map(escapePointer).join('/')}`.replace(/\/$/, ''), detail };
      return { parameter: path.map(String).join('.') || where, detail };
    });
  });

export const parseWith = <S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
  where: 'body' | 'path' | 'query',
): z.infer<S> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const items = issuesToItems(result.error.issues, where);
  const first = items[0];
  const at = first ? (first.pointer ?? first.parameter) : where;
  throw validationProblem(
    `${where === 'body' ? 'The request body has' : `The ${where} parameters have`} ${items.length === 1 ? 'one error' : `${items.length} errors`}; the first is at ${at}: ${first?.detail ?? 'invalid'}`,
    items,
  );
};

const noQuery = z.strictObject({});

const readBody = (event: Event, route: RouteSpec): unknown => {
  if (!route.body) {
    if (event.body)
      throw validationProblem('This request takes no body', [{ pointer: '#', detail: 'Remove the body' }]);
    return undefined;
  }
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new Problem(
      413,
      'payload-too-large',
      'The request body is too large',
      `The body has ${Buffer.byteLength(raw, 'utf8')} bytes; it may have at most ${MAX_BODY_BYTES} (${MAX_BODY_BYTES / 1024} KiB)`,
    );
  }
  const contentType = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  if (raw && !/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new Problem(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      'Send the body as application/json',
      [{ header: 'Content-Type', detail: `Expected application/json, got "${contentType || 'nothing'}"` }],
    );
  }
  if (!raw)
    throw validationProblem('A JSON body is required', [{ pointer: '#', detail: 'The body is empty' }]);
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw validationProblem('The body is not valid JSON', [
      { pointer: '#', detail: (error as Error).message },
    ]);
  }
};

const lowerCaseHeaders = (headers: Event['headers'] | undefined): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

const problemResult = (problem: Problem, instance: string): Result => {
  if (problem.status >= 500) count(HTTP_SERVER_ERRORS);
  return {
    statusCode: problem.status,
    headers: {
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      // Every 503 is worth repeating: say when.
      ...(problem.status === 503 ? { 'retry-after': '1' } : {}),
    },
    body: JSON.stringify(problem.toBody(instance)),
  };
};

const unavailable = (error: unknown): Problem =>
  new Problem(
    503,
    'temporarily-unavailable',
    'Temporarily unavailable',
    `A service this request needs failed for a moment (${(error as Error).name}); changes are written whole or not at all, so send the request again`,
  );

/**
 * DynamoDB refused to store an item over its 400 KB: the transaction wrote nothing, and what the
 * request would have made is too large (a 413 problem, not a 500).
 */
const itemTooLarge = (error: unknown): Problem | undefined => {
  const e = error as { name?: string; message?: string } | undefined;
  if (e?.name !== 'ValidationException' || !/item size (to update )?has exceeded/i.test(e.message ?? ''))
    return undefined;
  return new Problem(
    413,
    'payload-too-large',
    'The change is too large to store',
    'What this request would store is larger than the 400 KB a stored item may hold; nothing was written. Send less: shorter texts, fewer entries',
  );
};

/**
 * The one mapping of errors to problems: a Problem is answered as it is, a domain Refusal by its
 * kind (refusalProblem), a write that lost to another writer (the store's VersionConflict or
 * AlreadyExists) as a 409, a page cursor that is not the list's as a 400, an item DynamoDB
 * refused as too large as a 413, a transient AWS failure as a 503; anything else is not expected
 * here (undefined: a 500).
 */
export const asProblem = (error: unknown): Problem | undefined => {
  if (error instanceof Problem) return error;
  if (error instanceof Refusal) return refusalProblem(error);
  if (error instanceof StoreConflict) return conflict(error.message, { currentVersionUnknown: true });
  if (error instanceof InvalidCursor)
    return validationProblem(error.message, [
      { parameter: 'cursor', detail: 'Pass the nextCursor of the previous page unchanged' },
    ]);
  const tooLarge = itemTooLarge(error);
  if (tooLarge) return tooLarge;
  if (error instanceof StoreBusy || isTransient(error)) return unavailable(error);
  return undefined;
};

const toResult = (result: HttpResult, route: RouteSpec): Result => {
  const status = result.status ?? Number(Object.keys(route.responses)[0] ?? 200);
  if (result.contentType) {
    return {
      statusCode: status,
      headers: { 'content-type': result.contentType, ...result.headers },
      body: String(result.body ?? ''),
    };
  }
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...result.headers },
    ...(result.body === undefined ? {} : { body: JSON.stringify(result.body) }),
  };
};

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

export const httpHandler = <A extends AreaRoutes>(area: A, impl: Handlers<A>) => {
  const byKey = new Map<string, [string, RouteSpec]>(
    Object.entries(area.routes as Record<string, RouteSpec>).map(([id, spec]) => [
      routeKey(spec),
      [id, spec],
    ]),
  );

  const lambdaHandler = async (event: Event, context: Context): Promise<Result> => {
    const path = event.rawPath ?? '/';
    const found = byKey.get(event.routeKey);
    if (!found) {
      return problemResult(new Problem(404, 'not-found', 'Not found', `No route ${event.routeKey}`), path);
    }
    const [operationId, route] = found;
    try {
      const principal =
        route.action === null
          ? undefined
          : principalFromClaims(event.requestContext?.authorizer?.jwt?.claims);
      if (principal && route.action) assertRole(principal, route.action);
      const headers = lowerCaseHeaders(event.headers);
      const idempotencyKey = route.idempotent ? headers['idempotency-key'] : undefined;
      if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw validationProblem('The Idempotency-Key header is not valid', [
          { header: 'Idempotency-Key', detail: '8 to 128 characters: letters, digits, "_", ".", ":" or "-"' },
        ]);
      }
      const request: HttpRequest = {
        principal: principal as never,
        params: route.params ? parseWith(route.params, event.pathParameters ?? {}, 'path') : undefined,
        // A route that takes no query parameters refuses any, as a body's unknown field is refused:
        // a misspelt filter must not quietly list everything.
        query: parseWith(route.query ?? noQuery, event.queryStringParameters ?? {}, 'query'),
        body: route.body ? parseWith(route.body, readBody(event, route), 'body') : readBody(event, route),
        headers,
        idempotencyKey,
        requestId: context.awsRequestId,
        path,
      };
      const fn = (impl as Record<string, (req: HttpRequest) => Promise<HttpResult>>)[operationId];
      if (!fn) throw new Error(`No implementation for ${operationId}`);
      return toResult(await fn(request), route);
    } catch (error) {
      const problem = asProblem(error);
      if (problem && problem.status >= 500 && !(error instanceof Problem))
        log.error('dependency unavailable', { routeKey: event.routeKey, error });
      if (problem) return problemResult(problem, path);
      log.error('unhandled error', { routeKey: event.routeKey, error });
      return problemResult(
        new Problem(
          500,
          'internal-error',
          'Internal error',
          `Something went wrong on our side (request ${context.awsRequestId})`,
        ),
        path,
      );
    }
  };

  return withObservability<Event, Result>(lambdaHandler);
};
