/**
 * The OpenAPI 3.1 document, generated from the route descriptions (their zod schemas included) and
 * their documentation (functions/http/docs/: descriptions and examples, which only this module
 * imports, so that only docsApi bundles them).
 */
import * as z from 'zod/mini';
import { routeDocs } from './docs/index.ts';
import { withDocs } from './docs/route-docs.ts';
import { type AreaRoutes, type RouteSpec, routeKey } from './route.ts';

type Json = Record<string, unknown>;

const schemaOf = (schema: z.ZodMiniType, io: 'input' | 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as Json;
  return rest;
};

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['detail'],
        properties: {
          pointer: { type: 'string', description: 'JSON Pointer into the request body' },
          parameter: { type: 'string', description: 'A path or query parameter' },
          header: { type: 'string' },
          detail: { type: 'string' },
        },
      },
    },
  },
};

const problemTitles: Record<number, string> = {
  400: 'The request is malformed or fails validation',
  401: 'No valid bearer token',
  403: 'The role may not do this, or the resource belongs to another entity',
  404: 'Not found, or not visible to the caller',
  409: 'Version conflict or not possible in the current state',
  413: 'The body is too large',
  415: 'The body is not JSON',
  422: 'A business rule is broken',
  500: 'Internal error',
  503: 'A dependency is unavailable; repeat the request',
};

const parameters = (schema: z.ZodMiniType | undefined, where: 'path' | 'query'): Json[] => {
  if (!schema) return [];
  const json = schemaOf(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  // Swagger UI reads `deprecated` and `description` on the parameter, not inside its schema.
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    ...(s.deprecated === true ? { deprecated: true } : {}),
    schema: s,
  }));
};

const operation = (id: string, route: RouteSpec): Json => {
  const authenticated = route.action !== null;
  const problems = [
    ...new Set([...(authenticated ? [400, 401, 403, 500] : [500]), ...(route.problems ?? [])]),
  ].sort();
  const responses: Json = {};
  for (const [status, r] of Object.entries(route.responses)) {
    const schema = r.schema ? { schema: schemaOf(r.schema, 'output') } : {};
    const content = r.rawExamples
      ? Object.fromEntries(
          Object.entries(r.rawExamples).map(([type, example]) => [type, { ...schema, example }]),
        )
      : r.schema || r.example !== undefined
        ? { 'application/json': { ...schema, ...(r.example !== undefined ? { example: r.example } : {}) } }
        : undefined;
    responses[status] = { description: r.description, ...(content ? { content } : {}) };
  }
  for (const status of problems) {
    responses[status] = {
      description: problemTitles[status] ?? 'Problem',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return {
    operationId: id,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(authenticated ? { 'x-roles-action': route.action } : { security: [] }),
    parameters: [
      ...parameters(route.params, 'path'),
      ...parameters(route.query, 'query'),
      ...(route.idempotent
        ? [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'Makes a retried create return the first answer instead of creating twice (kept 24 hours)',
              schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,128}$' },
            },
          ]
        : []),
    ],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: schemaOf(route.body, 'input'),
                ...(route.bodyExample !== undefined ? { example: route.bodyExample } : {}),
              },
            },
          },
        }
      : {}),
    responses,
  };
};

export const buildOpenApi = (areas: AreaRoutes[], serverUrl = '/'): Json => {
  const paths: Record<string, Json> = {};
  for (const area of areas) {
    for (const [id, route] of Object.entries(area.routes)) {
      paths[route.path] ??= {};
      (paths[route.path] as Json)[route.method.toLowerCase()] = operation(
        id,
        withDocs(route, routeDocs[routeKey(route)]),
      );
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Helsekjøp API',
      version: '0.1.0',
      description:
        'Tender lifecycle for public health purchasers. Roles: officer, evaluator, auditor (each of one procuring entity) and supplier (of one supplier organisation). Send `Authorization: Bearer <token>` (Cognito ID token on AWS; locally `npm run token -- --role officer --entity helse-sor-ost`). Errors are RFC 9457 problem details.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: problemSchema },
    },
    paths,
  };
};
