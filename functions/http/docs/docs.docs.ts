/**
 * The descriptions and examples of the documentation routes (functions/http/routes/docs.routes.ts),
 * read only by the OpenAPI generator (functions/http/openapi.ts), so only docsApi bundles them.
 */
import * as ex from '../examples.ts';
import { docsRoutes } from '../routes/docs.routes.ts';
import { documentRoutes } from './route-docs.ts';

export const docsDocs = documentRoutes(docsRoutes, {
  openapi: {
    description:
      'This document, generated from the route descriptions the handlers validate with: every route with its roles (`x-roles-action`), parameters, request and response schemas, examples and problems. Public: no token needed.',
    responses: { 200: { example: ex.openApiExample } },
  },
  docs: {
    description:
      'Swagger UI on this document: read every route, then "Authorize" with a bearer token (locally `npm run token -- --role officer --entity helse-sor-ost`) and try them. Public: no token needed to read.',
    responses: { 200: { rawExamples: { 'text/html': ex.docsPageExample } } },
  },
  docsAsset: {
    description:
      "Swagger UI's stylesheet and scripts, served by the product itself (no CDN). Only the three files named here; any other name is a 400 problem. Public, cached a day.",
    responses: { 200: { rawExamples: ex.docsAssetExamples } },
  },
});
