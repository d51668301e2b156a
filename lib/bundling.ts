/**
 * How every function is bundled, defined once: lib/service-function.ts hands these options to
 * NodejsFunction (which runs esbuild with them), and bench/cold-start.ts runs esbuild with the same
 * options to weigh and time the bundles the stack deploys. Plain data, no CDK import, so the bench
 * reads it without loading aws-cdk-lib.
 */
import type { BuildOptions } from 'esbuild';

/** Lets ESM bundles load the CommonJS dependencies some packages still carry. */
export const ESM_REQUIRE_SHIM =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** The bundling of every function: ESM for Node.js 24, minified, `@aws-sdk/*` from the Lambda runtime. */
export const functionBundling = {
  format: 'esm',
  target: 'node24',
  platform: 'node',
  mainFields: ['module', 'main'],
  minify: true,
  /** Written beside the bundle (`index.mjs.map`, without the sources) and named by it, so Node finds it. */
  sourceMap: 'linked',
  sourcesContent: false,
  banner: ESM_REQUIRE_SHIM,
  externalModules: ['@aws-sdk/*'],
} as const;

/**
 * The esbuild options NodejsFunction derives from `functionBundling` (aws-cdk-lib/aws-lambda-nodejs
 * Bundling: `--bundle --target --platform --format --minify --sourcemap=external
 * --sources-content=false --external:… --banner:js=… --main-fields=…`), for running esbuild directly.
 */
export const esbuildOptions = (packages: readonly string[] = []): BuildOptions => ({
  bundle: true,
  format: functionBundling.format,
  target: functionBundling.target,
  platform: functionBundling.platform,
  mainFields: [...functionBundling.mainFields],
  minify: functionBundling.minify,
  sourcemap: functionBundling.sourceMap,
  sourcesContent: functionBundling.sourcesContent,
  banner: { js: functionBundling.banner },
  // And the packages a function's manifest entry keeps out of its bundle (`packaging.packages`).
  external: [...functionBundling.externalModules, ...packages],
});
