/**
 * A route's documentation, kept beside its route description rather than in it: the long
 * description and the examples Swagger UI shows (functions/http/examples.ts). Only the OpenAPI
 * generator (functions/http/openapi.ts, served by docsApi) reads them, so only docsApi bundles them;
 * the route specs the handlers, the stack and the local runtime read stay small.
 *
 * Each area's documentation is keyed by its route ids (the operation ids), typed against the area's
 * routes: a route without documentation, a documented route that does not exist, a body without its
 * example or a success status without its example does not compile. test/unit/openapi.test.ts parses
 * every example with its route's own schemas.
 */
import type * as z from 'zod/mini';
import { type AreaRoutes, type RouteSpec, routeKey } from '../route.ts';

/** A success answer's example: one JSON answer, or raw answers by media type (HTML, CSS, JavaScript). */
export type ResponseDocs = { example: unknown } | { rawExamples: Record<string, unknown> };

/** What the OpenAPI document says of a route beyond its spec. */
export type RouteDocs<S extends RouteSpec = RouteSpec> = {
  /** More than the summary: who may call it, what it does, what it refuses. */
  description: string;
  /** An example of each answer the route declares. */
  responses: { [K in keyof S['responses']]: ResponseDocs };
} & (S extends { body: z.ZodMiniType }
  ? { /** A real request body that `body` accepts. */ bodyExample: unknown }
  : { bodyExample?: never });

/** Route documentation by route key (`GET /tenders/{tenderId}`, as routeKey makes it). */
export type RoutesDocs = Record<string, RouteDocs>;

/** An area's documentation, given by route id and returned by route key. */
export const documentRoutes = <R extends Record<string, RouteSpec>>(
  area: AreaRoutes<R>,
  docs: { [K in keyof R]: RouteDocs<R[K]> },
): RoutesDocs =>
  Object.fromEntries(
    Object.entries(area.routes).map(([id, route]) => [routeKey(route), docs[id] as RouteDocs]),
  );

/** The route with its documentation, as the OpenAPI generator reads it. */
export const withDocs = (route: RouteSpec, docs: RouteDocs | undefined): RouteSpec => ({
  ...route,
  description: docs?.description,
  bodyExample: docs?.bodyExample,
  responses: Object.fromEntries(
    Object.entries(route.responses).map(([status, r]) => [
      status,
      { ...r, ...(docs?.responses as Record<string, ResponseDocs> | undefined)?.[status] },
    ]),
  ),
});
