/**
 * A route's one description: method, path, the action it authorizes, its schemas and its answers.
 * Handlers validate with it, the OpenAPI document is generated from it, the manifest (read by the
 * CDK stack and the local runtime) lists it. Its documentation (description, examples) is given
 * beside it, by route, in functions/http/docs/: only the OpenAPI generator reads it, so only docsApi
 * bundles it; the generator reads the route with its documentation as one RouteSpec.
 */
import type * as z from 'zod/mini';
import type { Action } from './auth.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodMiniType;
  /**
   * A real answer (given in functions/http/docs/), shown in Swagger UI; `schema` parses it
   * (test/unit/openapi.test.ts), so it cannot drift from what the route answers.
   */
  example?: unknown;
  /** A raw answer's examples by media type (HTML, CSS, JavaScript) instead of one JSON `example`. */
  rawExamples?: Record<string, unknown>;
}

export interface RouteSpec {
  method: Method;
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** `null` for public routes (the API documentation). */
  action: Action | null;
  params?: z.ZodMiniType;
  query?: z.ZodMiniType;
  body?: z.ZodMiniType;
  /** A real request body (given in functions/http/docs/) that `body` accepts (test/unit/openapi.test.ts). */
  bodyExample?: unknown;
  /** The header `Idempotency-Key` is honoured (POST that creates). */
  idempotent?: boolean;
  /** Success answer(s) by status. */
  responses: Record<number, ResponseSpec>;
  /** Problem statuses this route can answer with, besides 400/401/403/500 which all routes can. */
  problems?: number[];
  /** Raw answer (HTML, JSON document) instead of JSON of the declared schema. */
  raw?: boolean;
}

export interface AreaRoutes<R extends Record<string, RouteSpec> = Record<string, RouteSpec>> {
  /** The key of the function (in the manifest) that serves these routes. */
  function: string;
  routes: R;
}

export const defineRoutes = <const R extends Record<string, RouteSpec>>(
  fn: string,
  routes: R,
): AreaRoutes<R> => ({
  function: fn,
  routes,
});

export const routeKey = (r: Pick<RouteSpec, 'method' | 'path'>): string => `${r.method} ${r.path}`;
