/**
 * The OpenAPI document generated from the route descriptions (the same ones handlers validate with)
 * and their documentation (functions/http/docs/), which only docsApi bundles.
 */
import { isDeepStrictEqual } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { nextOption } from '../../functions/domain/agreement.ts';
import { registerAgreement } from '../../functions/domain/agreement-lifecycle.ts';
import { bidProblems } from '../../functions/domain/bid.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import { supplierIdFromName, supplierProblems } from '../../functions/domain/suppliers.ts';
import {
  completeContent,
  type Lot,
  type Tender,
  tenderContentProblems,
} from '../../functions/domain/tender.ts';
import { routeDocs } from '../../functions/http/docs/index.ts';
import { withDocs } from '../../functions/http/docs/route-docs.ts';
import * as ex from '../../functions/http/examples.ts';
import { buildOpenApi } from '../../functions/http/openapi.ts';
import { type RouteSpec, routeKey } from '../../functions/http/route.ts';
import { registerAgreementBody } from '../../functions/http/routes/agreements.routes.ts';
import { bidBody, biddingRoutes, scoresBody } from '../../functions/http/routes/bidding.routes.ts';
import {
  createSupplierBody,
  patchSupplierBody,
  referenceRoutes,
} from '../../functions/http/routes/reference.routes.ts';
import { createTenderBody, tenderRoutes } from '../../functions/http/routes/tenders.routes.ts';
import { areas, functions, routes } from '../../functions/manifest.ts';
import { esbuildOptions } from '../../lib/bundling.ts';

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

/** A route with its documentation, as the OpenAPI generator reads it. */
const documented = (route: RouteSpec): RouteSpec => withDocs(route, routeDocs[routeKey(route)]);

/** A documented route's example answer with this status. */
const exampleOf = (route: RouteSpec, status: number): unknown => {
  const answer = route.responses[status];
  if (!answer) throw new Error(`${routeKey(route)} answers no ${status}`);
  return answer.example;
};

/** Every route of every area with its key, as the OpenAPI document names it, and its documentation. */
const described = areas.flatMap((a) =>
  Object.entries(a.routes).map(([id, route]) => ({ id, key: routeKey(route), route: documented(route) })),
);

describe('documentation beside the routes (functions/http/docs/)', () => {
  it('documents every route of the manifest, and no route that does not exist', () => {
    expect(Object.keys(routeDocs).sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('keeps descriptions and examples out of the route specs every function bundles', () => {
    const inline: string[] = [];
    for (const a of areas)
      for (const route of Object.values(a.routes)) {
        const key = routeKey(route);
        if (route.description !== undefined) inline.push(`${key}: description`);
        if (route.bodyExample !== undefined) inline.push(`${key}: bodyExample`);
        for (const [status, r] of Object.entries(route.responses))
          if (r.example !== undefined || r.rawExamples !== undefined)
            inline.push(`${key} ${status}: example`);
      }
    expect(inline).toEqual([]);
  });

  it('bundles the documentation into docsApi only', async () => {
    const documentation = (path: string) =>
      path.startsWith('functions/http/docs/') || path === 'functions/http/examples.ts';
    // The functions that serve routes, bundled as the stack bundles them (nothing written).
    const served = [...new Set(routes.map((r) => r.function))];
    const bundled: Record<string, string[]> = {};
    for (const name of served) {
      const result = await build({
        ...esbuildOptions(),
        entryPoints: [functions[name].entry],
        outfile: `${name}/index.mjs`,
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      bundled[name] = Object.keys(result.metafile.inputs).filter(documentation);
    }
    expect(bundled.docsApi).toEqual(expect.arrayContaining(['functions/http/examples.ts']));
    const elsewhere = Object.entries(bundled).filter(([name, files]) => name !== 'docsApi' && files.length);
    expect(elsewhere).toEqual([]);
  });
});

describe('descriptions and examples (read in Swagger UI at /docs)', () => {
  it('gives every operation a description that says more than its summary', () => {
    const missing = described
      .filter(({ route }) => !route.description?.trim() || route.description === route.summary)
      .map(({ key }) => key);
    expect(missing).toEqual([]);
  });

  it('gives every request body an example, and every success answer one', () => {
    const missing: string[] = [];
    for (const { key, route } of described) {
      if (route.body && route.bodyExample === undefined) missing.push(`${key}: body`);
      const successes = Object.entries(route.responses).filter(([status]) => status.startsWith('2'));
      if (!successes.length) missing.push(`${key}: no success answer`);
      for (const [status, r] of successes)
        if (r.example === undefined && !Object.keys(r.rawExamples ?? {}).length)
          missing.push(`${key}: ${status}`);
    }
    expect(missing).toEqual([]);
  });

  it('carries each route description and example into its operation', () => {
    for (const { key, route } of described) {
      const operation = op(route.method, route.path);
      expect(operation.description, key).toBe(route.description);
      if (route.body)
        expect(operation.requestBody.content['application/json'].example, key).toEqual(route.bodyExample);
      for (const [status, r] of Object.entries(route.responses)) {
        const examples = r.rawExamples ?? (r.example === undefined ? {} : { 'application/json': r.example });
        for (const [type, example] of Object.entries(examples))
          expect(operation.responses[status].content[type].example, `${key} ${status}`).toEqual(example);
      }
    }
  });

  it('gives only examples the route itself accepts as its body', () => {
    const wrong: string[] = [];
    for (const { key, route } of described) {
      if (route.bodyExample === undefined) continue;
      if (!route.body) wrong.push(`${key}: an example of a body it does not take`);
      const parsed = route.body?.safeParse(route.bodyExample);
      if (parsed && !parsed.success) wrong.push(`${key}: ${JSON.stringify(parsed.error.issues)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('gives only answers its response schema parses, with no field the schema does not know', () => {
    const wrong: string[] = [];
    for (const { key, route } of described) {
      for (const [status, r] of Object.entries(route.responses)) {
        const examples = r.rawExamples ?? (r.example === undefined ? {} : { 'application/json': r.example });
        for (const [type, example] of Object.entries(examples)) {
          if (!r.schema) continue;
          const parsed = r.schema.safeParse(example);
          if (!parsed.success) wrong.push(`${key} ${status}: ${JSON.stringify(parsed.error.issues)}`);
          // The response schemas strip unknown fields: an example with a field the route never
          // answers comes back without it.
          else if (type === 'application/json' && !isDeepStrictEqual(parsed.data, example))
            wrong.push(`${key} ${status}: a field the response schema does not know`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('writes ids in examples as the product makes them', () => {
    const examples = described.map(({ route }) => [
      route.bodyExample,
      Object.values(route.responses).map((r) => [r.example, r.rawExamples]),
    ]);
    const text = JSON.stringify(examples);
    const prefixed = text.match(/\b(tnd|bid|qst|agr|amd|ntf)_[0-9a-z]+/g) ?? [];
    expect(prefixed.length).toBeGreaterThan(0);
    for (const id of prefixed) expect(id).toMatch(/^(tnd|bid|qst|agr|amd|ntf)_[0-9a-f]{32}$/);
  });
});

describe('names (entityId everywhere)', () => {
  it('names the entity of GET /reference/hospital-areas entityId, its older spelling entity deprecated', () => {
    const params = op('GET', '/reference/hospital-areas').parameters as Json[];
    expect(params).toEqual([
      expect.objectContaining({ name: 'entityId', in: 'query', required: false }),
      expect.objectContaining({ name: 'entity', in: 'query', required: false, deprecated: true }),
    ]);
    expect(params[0]).not.toHaveProperty('deprecated');
  });

  it('names no query or path parameter entity anywhere else', () => {
    for (const { key, route } of described) {
      const params = (op(route.method, route.path).parameters as Json[]).filter((p) => p.in !== 'header');
      for (const p of params)
        if (p.name === 'entity')
          expect(`${key}: ${p.deprecated ? 'deprecated' : 'current'}`).toBe(
            'GET /reference/hospital-areas: deprecated',
          );
    }
  });
});

describe('examples the domain accepts too', () => {
  it('drafts a tender that meets every content rule on the day its example says it was created', () => {
    const route = documented(tenderRoutes.routes.createTender);
    const entityId = 'helse-sor-ost';
    const content = completeContent(createTenderBody.parse(route.bodyExample), entityId, referenceLookups);
    const createdAt = new Date((exampleOf(route, 201) as { createdAt: string }).createdAt);
    expect(tenderContentProblems(content, entityId, createdAt, referenceLookups)).toEqual([]);
  });

  it("submits a bid that meets the bid rules of the example tender's lot", () => {
    const tender = exampleOf(documented(tenderRoutes.routes.getTender), 200) as Tender;
    const submitBid = documented(biddingRoutes.routes.submitBid);
    const lotId = (exampleOf(submitBid, 201) as { lotId: string }).lotId;
    const lot = tender.lots.find((l) => l.id === lotId) as Lot;
    const bid = bidBody.parse(submitBid.bodyExample);
    expect(bidProblems(bid, tender, lot, referenceLookups)).toEqual([]);
  });

  it('registers the Helse og arbeid agreement exactly as the example answer shows it', () => {
    const body = registerAgreementBody.parse(ex.registerAgreementExample);
    const { version, nextOption: shown, ...answer } = ex.agreementExample;
    const registered = registerAgreement(
      body,
      { id: answer.id, entityId: answer.entityId, supplierKnown: true, at: answer.createdAt },
      referenceLookups,
    );
    expect(registered).toEqual(answer);
    expect(nextOption(registered)).toEqual(shown);
    expect(version).toBe(1);
  });

  it('registers a supplier whose organisation number has a valid check digit and whose sites lie in known areas', () => {
    const createSupplier = documented(referenceRoutes.routes.createSupplier);
    const body = createSupplierBody.parse(createSupplier.bodyExample);
    expect(supplierProblems(body, referenceLookups)).toEqual([]);
    expect(supplierIdFromName(body.name)).toBe((exampleOf(createSupplier, 201) as { id: string }).id);
  });
});

describe('problems name what they check', () => {
  const messages = (schema: z.ZodMiniType, value: unknown) => {
    const parsed = schema.safeParse(value);
    return parsed.success ? [] : parsed.error.issues.map((i) => i.message);
  };

  it("says a score's criterion id is a criterion id (it said a lot id)", () => {
    expect(messages(scoresBody, { scores: [{ criterionId: 'Kvalitet', score: 5 }] })).toEqual([
      'A criterion id: lower-case letters, digits and "-"',
    ]);
  });

  it('says what a supplier id and an edited organisation number look like, as the other routes do', () => {
    const supplierParams = referenceRoutes.routes.getSupplier.params;
    expect(messages(supplierParams, { supplierId: 'Falck Norge' })).toEqual([
      'A supplier id: lower-case letters, digits and "-"',
    ]);
    expect(messages(patchSupplierBody, { version: 1, organisationNumber: '96571862X' })).toEqual([
      'Digits only: 9 for Norway, 8 for Denmark',
    ]);
  });
});
