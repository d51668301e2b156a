/** Public routes: the OpenAPI document and the interactive documentation. */
import * as z from 'zod/mini';
import * as ex from '../examples.ts';
import { defineRoutes } from '../route.ts';

export const docsAssets = [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
] as const;

export const docsRoutes = defineRoutes('docsApi', {
  openapi: {
    method: 'GET',
    path: '/openapi.json',
    tag: 'Documentation',
    summary: 'The OpenAPI 3.1 document',
    description:
      'This document, generated from the route descriptions the handlers validate with: every route with its roles (`x-roles-action`), parameters, request and response schemas, examples and problems. Public: no token needed.',
    action: null,
    responses: {
      200: {
        description: 'OpenAPI document',
        schema: z.looseObject({
          openapi: z.literal('3.1.0'),
          info: z.looseObject({ title: z.string(), version: z.string() }),
          paths: z.record(z.string(), z.unknown()),
        }),
        example: ex.openApiExample,
      },
    },
  },
  docs: {
    method: 'GET',
    path: '/docs',
    tag: 'Documentation',
    summary: 'Interactive documentation (Swagger UI)',
    description:
      'Swagger UI on this document: read every route, then "Authorize" with a bearer token (locally `npm run token -- --role officer --entity helse-sor-ost`) and try them. Public: no token needed to read.',
    action: null,
    responses: {
      200: { description: 'HTML page', schema: z.string(), rawExamples: { 'text/html': ex.docsPageExample } },
    },
  },
  docsAsset: {
    method: 'GET',
    path: '/docs/{asset}',
    tag: 'Documentation',
    summary: 'A static file of the documentation page',
    description:
      "Swagger UI's stylesheet and scripts, served by the product itself (no CDN). Only the three files named here; any other name is a 400 problem. Public, cached a day.",
    action: null,
    params: z.strictObject({ asset: z.enum(docsAssets) }),
    responses: {
      200: { description: 'CSS or JavaScript', schema: z.string(), rawExamples: ex.docsAssetExamples },
    },
    problems: [400],
  },
});
