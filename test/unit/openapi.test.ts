/** The OpenAPI document generated from the route descriptions (the same ones handlers validate with). */
import { describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../functions/http/openapi.ts';
import { areas, routes } from '../../functions/manifest.ts';

// biome-ignore lint/suspicious/noExplicitAny: walking a generated JSON document
type Json = Record<string, any>;
const doc = buildOpenApi(areas) as Json;
const op = (method: string, path: string): Json => doc.paths[path][method.toLowerCase()];

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with every route of the manifest, each with an operation id', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const r of routes) {
      expect(op(r.method, r.path), `${r.method} ${r.path}`).toBeDefined();
      expect(op(r.method, r.path).operationId).toEqual(expect.any(String));
    }
    const count = Object.values(doc.paths as Json).reduce((n, p) => n + Object.keys(p).length, 0);
    expect(count).toBe(routes.length);
  });

  it('describes request bodies from the zod schemas, unknown fields rejected', () => {
    const body = op('POST', '/tenders').requestBody.content['application/json'].schema;
    expect(body.type).toBe('object');
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual(expect.arrayContaining(['title', 'lots', 'awardCriteria', 'bidDeadline']));
  });

  it('documents the Idempotency-Key header on creating POSTs, and problems as RFC 9457 bodies', () => {
    const params = op('POST', '/tenders').parameters as Json[];
    expect(params).toEqual(
      expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'Idempotency-Key' })]),
    );
    const problem = op('POST', '/tenders').responses['422'];
    expect(Object.keys(problem.content)).toEqual(['application/problem+json']);
    expect(doc.components.schemas.Problem.properties).toHaveProperty('errors');
  });

  it('marks the documentation routes public and every other route bearer-secured', () => {
    expect(doc.security).toEqual([{ bearer: [] }]);
    for (const r of routes)
      expect(op(r.method, r.path).security, r.path).toEqual(r.auth === 'none' ? [] : undefined);
  });
});
