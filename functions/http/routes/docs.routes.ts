/** Public routes: the OpenAPI document and the interactive documentation. */
import * as z from 'zod/mini';
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
    action: null,
    responses: {
      200: {
        description: 'OpenAPI document',
        schema: z.looseObject({
          openapi: z.literal('3.1.0'),
          info: z.looseObject({ title: z.string(), version: z.string() }),
          paths: z.record(z.string(), z.unknown()),
        }),
      },
    },
  },
  docs: {
    method: 'GET',
    path: '/docs',
    tag: 'Documentation',
    summary: 'Interactive documentation (Swagger UI)',
    action: null,
    responses: {
      200: { description: 'HTML page', schema: z.string() },
    },
  },
  docsAsset: {
    method: 'GET',
    path: '/docs/{asset}',
    tag: 'Documentation',
    summary: 'A static file of the documentation page',
    action: null,
    params: z.strictObject({ asset: z.enum(docsAssets) }),
    responses: {
      200: { description: 'CSS or JavaScript', schema: z.string() },
    },
    problems: [400],
  },
});
