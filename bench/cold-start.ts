/**
 * Bundle weight and module initialisation (most of a Lambda cold start) of every function in the
 * manifest, bundled the way the stack bundles them (esbuild, ESM, minified, @aws-sdk external —
 * here resolved from node_modules, as the Lambda runtime provides it).
 *
 * Baseline, same machine, same run: the same code bundled with zod's classic API in place of
 * zod/mini (an esbuild alias), and an empty handler (the floor: starting node itself).
 *
 *   npm run bench            # writes docs/benchmarks.md
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { functions } from '../functions/manifest.ts';
import { commandLine } from '../local/cli.ts';

commandLine(
  `
Usage: npm run bench

Bundles every function as the stack does and measures bundle size and module initialisation (most
of a cold start) against baselines in the same run; writes docs/benchmarks.md. Environment:
BENCH_RUNS (default 15).
`,
  {},
);

const root = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const out = mkdtempSync(join(root, 'node_modules', '.bench-'));

const bundle = async (entry: string, file: string, classicZod: boolean): Promise<number> => {
  await build({
    entryPoints: [join(root, entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    external: ['@aws-sdk/*'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    ...(classicZod ? { alias: { 'zod/mini': 'zod' } } : {}),
    logLevel: 'silent',
  });
  return statSync(file).size;
};

/** Median wall time, in ms, of a fresh node process importing the module (minus nothing: raw). */
const initTime = (file: string): number => {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});console.log(performance.now()-t)`;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, AWS_REGION: 'eu-north-1', TABLE_NAME: 't', LOG_LEVEL: 'silent' },
    });
    times.push(Number(output.toString().trim()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (t: number) => `${t.toFixed(1)} ms`;

const main = async () => {
  mkdirSync(out, { recursive: true });
  const empty = join(out, 'empty.mjs');
  writeFileSync(empty, 'export const handler = async () => ({});');
  const floor = initTime(empty);
  const rows: string[] = [];
  for (const [key, spec] of Object.entries(functions)) {
    const mini = join(out, `${key}.mjs`);
    const classic = join(out, `${key}.classic.mjs`);
    const miniSize = await bundle(spec.entry, mini, false);
    const classicSize = await bundle(spec.entry, classic, true);
    const miniInit = initTime(mini);
    const classicInit = initTime(classic);
    rows.push(
      `| ${key} | ${kb(miniSize)} | ${kb(classicSize)} | ${ms(miniInit)} | ${ms(classicInit)} | ${ms(miniInit - floor)} |`,
    );
    console.log(rows.at(-1));
  }
  const report = `# Benchmarks

## Cold start: bundle weight and module initialisation per function

Command: \`npm run bench\` (bench/cold-start.ts), ${RUNS} fresh Node ${process.version} processes per
bundle, median. Bundled as the stack bundles them (esbuild, ESM, minified, \`@aws-sdk/*\` external and
loaded from node_modules as the Lambda runtime would provide it). Baselines measured in the same run on
the same machine: the same code with zod's classic API aliased in place of \`zod/mini\`, and an empty
handler module (the floor: ${ms(floor)} to start importing anything at all). Absolute times on these shared
machines are noisy; compare columns, not runs.

| function | bundle (zod/mini) | bundle (classic zod) | init (zod/mini) | init (classic zod) | init above the empty-module floor |
|---|---|---|---|---|---|
${rows.join('\n')}

Measured on ${new Date().toISOString().slice(0, 10)}.

Reading it: every function that talks to AWS spends most of its initialisation loading the AWS SDK
clients (\`docsApi\`, which loads none, is the control); zod/mini halves the bundle and trims a few
milliseconds against classic zod. The SDK comes from the Lambda runtime (not bundled), so the next
lever is importing fewer SDK packages per function, not bundling tricks.
`;
  writeFileSync(join(root, 'docs', 'benchmarks.md'), report);
  console.log('\nwrote docs/benchmarks.md');
};

try {
  await main();
} finally {
  rmSync(out, { recursive: true, force: true });
}
