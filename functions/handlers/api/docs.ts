/** Serves the OpenAPI document (built once per cold start) and Swagger UI from swagger-ui-dist. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpHandler } from '../../http/http.ts';
import { buildOpenApi } from '../../http/openapi.ts';
import { docsRoutes } from '../../http/routes/docs.routes.ts';
import { areas } from '../../manifest.ts';

let document: string | undefined;

/** Next to the bundled handler on AWS (copied by the stack), else from the package in node_modules. */
const assetDir = (): string => {
  const here = dirname(fileURLToPath(import.meta.url));
  if (existsSync(join(here, 'swagger-ui-bundle.js'))) return here;
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
};

const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Helsekjøp API</title><link rel="stylesheet" href="docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="docs/swagger-ui-bundle.js"></script><script src="docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#ui', persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });</script>
</body></html>`;

export const handler = httpHandler(docsRoutes, {
  openapi: async () => {
    document ??= JSON.stringify(buildOpenApi(areas));
    return { body: document, contentType: 'application/json', headers: { 'cache-control': 'max-age=300' } };
  },
  docs: async () => ({ body: page, contentType: 'text/html; charset=utf-8' }),
  docsAsset: async ({ params }) => ({
    body: readFileSync(join(assetDir(), params.asset), 'utf8'),
    contentType: params.asset.endsWith('.css') ? 'text/css' : 'text/javascript',
    headers: { 'cache-control': 'max-age=86400' },
  }),
});
