/**
 * Cold start: every function of the manifest bundled the way the stack bundles it (lib/bundling.ts,
 * the options lib/service-function.ts hands to NodejsFunction), weighed with esbuild's metafile (the
 * application's own code under functions/, the third-party code from node_modules, per package) and
 * its module initialisation timed: a fresh node process importing the bundle, BENCH_RUNS times.
 *
 * Baseline, bundled the same way and timed in the same rounds: a bare handler that imports only the
 * DynamoDB client (`@aws-sdk/client-dynamodb` + `@aws-sdk/lib-dynamodb`) and makes a DocumentClient
 * at module scope, as a minimal Lambda would. The processes run in rounds (the baseline and every
 * function once per round), so that the load of a shared machine falls on all of them alike.
 *
 * Each process is given a Lambda's environment (AWS_EXECUTION_ENV, function name, region, memory,
 * X-Ray's context-missing strategy, NODE_OPTIONS=--enable-source-maps as the stack sets it): on
 * Lambda the functions trace, so the Tracer and the X-Ray SDK are made at initialisation, and so here.
 * `@aws-sdk/*` is external, as the Lambda runtime provides it; here it is loaded from node_modules.
 *
 * Which imports weigh: bytes per package from the metafiles, and the initialisation of each module
 * alone (each external SDK package, the Powertools logger, metrics and tracer, the X-Ray SDK, middy,
 * zod/mini), bundled the same way and timed in a fresh process; and, per function, which SDK
 * packages its process has loaded once the module is initialised (a resolve hook records them).
 *
 * The figures measured at the start of the work on lazy clients (issue 15) are kept as `before` in
 * docs/bench/cold-start.json (`--record-before` measures and keeps them); each run after that keeps
 * them and puts them beside its own.
 *
 *   npm run bench:cold-start            # writes docs/bench/cold-start.json (npm run bench assembles)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { type FunctionKey, type FunctionSpec, functions, routes } from '../functions/manifest.ts';
import { esbuildOptions } from '../lib/bundling.ts';
import { commandLine } from '../local/cli.ts';
import {
  fmt,
  ratio,
  root,
  type Section,
  type Summary,
  sectionsDir,
  summarise,
  table,
  writeSection,
} from './lib/report.ts';

const { values } = commandLine(
  `
Usage: npm run bench:cold-start [-- --record-before]

Bundles every function as the stack does, weighs its own and third-party code and times its module
initialisation against a bare DynamoDB handler bundled and timed in the same run; writes
docs/bench/cold-start.json (npm run bench assembles docs/benchmarks.md).
  --record-before   keep this run's figures as the 'before' of the section (the state before a change)
Environment: BENCH_RUNS (default 15) processes per bundle; BENCH_MODULE_RUNS (default BENCH_RUNS)
per module timed alone.
`,
  { 'record-before': { type: 'boolean' } },
);

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const MODULE_RUNS = Number(process.env.BENCH_MODULE_RUNS ?? RUNS);
/** Own code per bundle must stay under this (issue 15). */
const OWN_CODE_TARGET = 100 * 1024;
/** Initialisation at most this many times the bare handler's (issue 15). */
const INIT_TARGET = 1.5;
/** agreementsApi's own code in the last run before it was split (docs/bench/cold-start.json at that commit). */
const AGREEMENTS_BEFORE_SPLIT = { kb: '106.1', routes: 24, commit: '00d1d2d' };

const BARE = 'bare DynamoDB handler';
const EMPTY = '(empty module)';
/** Suffix of a module timed after the bare handler is loaded. */
const ON_BARE = ' (on the bare handler)';
/** Suffix of a function timed with tracing switched off (how the local runtime and the tests run it). */
const UNTRACED = ' (tracing off)';
const TRACING_OFF = { POWERTOOLS_TRACE_ENABLED: 'false' };
/** Suffix of a function timed with the SDK packages it loads on first use. */
const WITH_FIRST_USE = ' (with first-use packages)';
/**
 * Packages a function bundles but evaluates only on some paths (imported by a module it loads on
 * first use): the function is also timed with the package's bytes left out of the same bundle (what
 * they cost its initialisation: V8 compiles a module's whole text, evaluated or not), and the
 * package alone, bundled and as `require` would load it from node_modules on first use instead.
 */
const LAZILY_EVALUATED: Partial<Record<FunctionKey, string>> = { noticesApi: 'xmlbuilder2' };
/** Suffix of a function timed with its LAZILY_EVALUATED package left out. */
const LEFT_OUT = ' (lazily evaluated package left out)';
/** Suffix of a package timed as `require` loads it from node_modules (not bundled). */
const FROM_NODE_MODULES = ' (required from node_modules)';
/** The bare handler: only the DynamoDB client, a DocumentClient at module scope, one call. */
const BARE_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async (event) => {
  const { Item } = await ddb.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: event.id, SK: 'A' } }));
  return Item ?? null;
};
`;

/** Modules timed alone: big bundled packages (the SDK packages the bundles import are added). */
const BUNDLED_MODULES: Record<string, string> = {
  '@aws-lambda-powertools/logger': "export * from '@aws-lambda-powertools/logger';",
  '@aws-lambda-powertools/metrics': "export * from '@aws-lambda-powertools/metrics';",
  // As functions/adapters/clients.ts makes it on Lambda: the CommonJS build, required, constructed.
  'Tracer (@aws-lambda-powertools/tracer, made as on Lambda)':
    "const { Tracer } = require('@aws-lambda-powertools/tracer'); export const tracer = new Tracer();",
  'aws-xray-sdk-core': "export * from 'aws-xray-sdk-core';",
  '@middy/core': "export * from '@middy/core';",
  'zod/mini': "export * from 'zod/mini';",
};

const out = mkdtempSync(join(root, 'node_modules', '.bench-cold-start-'));

interface Bundle {
  name: string;
  file: string;
  bytes: number;
  ownBytes: number;
  thirdPartyBytes: number;
  /** Bytes in the bundle per package (from node_modules). */
  packages: Record<string, number>;
  /** Own code per folder of functions/ (`http`, `domain`, …). */
  ownByFolder: Record<string, number>;
  /** Own files that are not under functions/ (the bare handler's entry). */
  otherOwn: string[];
  /** External `@aws-sdk/*` packages imported statically (loaded at initialisation). */
  sdkStatic: string[];
  /**
   * Every `@aws-sdk/*` package the bundle names: imported, or loaded on first use (a `require` or an
   * `import()` of its name, e.g. functions/adapters/clients.ts's `sdk('@aws-sdk/client-sfn')`).
   */
  sdkNamed: string[];
}

/** The package a node_modules path belongs to (`@scope/name` or `name`), after its last node_modules/. */
const packageOf = (path: string): string => {
  const rest = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length).split('/');
  return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? path);
};

const bundle = async (
  name: string,
  entry: string,
  kept: readonly string[] = [],
  leaveOut?: string,
): Promise<Bundle> => {
  const dir = join(out, name.replaceAll(/[^\w-]/g, '_'));
  const file = join(dir, 'index.mjs');
  const result = await build({
    ...esbuildOptions(kept),
    // A package left out: its imports resolve to an empty CommonJS module (its bytes are not in the
    // bundle; a named import of it is undefined, and nothing calls it at initialisation).
    ...(leaveOut
      ? {
          plugins: [
            {
              name: 'leave-out',
              setup(b) {
                b.onResolve({ filter: new RegExp(`^${leaveOut}$`) }, () => ({
                  path: leaveOut,
                  namespace: 'left-out',
                }));
                b.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({
                  contents: 'module.exports = {};',
                  loader: 'js',
                }));
              },
            },
          ],
        }
      : {}),
    entryPoints: [entry],
    outfile: file,
    absWorkingDir: root,
    metafile: true,
    logLevel: 'silent',
  });
  const meta = result.metafile as Metafile;
  const output = meta.outputs[relative(root, file)];
  if (!output) throw new Error(`${name}: no output in the metafile`);
  const packages: Record<string, number> = {};
  let ownBytes = 0;
  const otherOwn: string[] = [];
  const ownByFolder: Record<string, number> = {};
  const benchDir = relative(root, out);
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (path.includes('node_modules/') && !path.startsWith(benchDir)) {
      const pkg = packageOf(path);
      packages[pkg] = (packages[pkg] ?? 0) + bytesInOutput;
    } else {
      ownBytes += bytesInOutput;
      if (!path.startsWith('functions/') && bytesInOutput > 0) otherOwn.push(path);
      const folder = path.startsWith('functions/') ? (path.split('/')[1] ?? path) : '(other)';
      ownByFolder[folder] = (ownByFolder[folder] ?? 0) + bytesInOutput;
    }
  }
  const sdk = (kind: string) =>
    [
      ...new Set(
        output.imports
          .filter((i) => i.external && i.kind === kind && i.path.startsWith('@aws-sdk/'))
          .map((i) => i.path),
      ),
    ].sort();
  return {
    name,
    file,
    bytes: statSync(file).size,
    ownBytes,
    thirdPartyBytes: Object.values(packages).reduce((a, b) => a + b, 0),
    packages,
    ownByFolder,
    otherOwn,
    sdkStatic: sdk('import-statement'),
    sdkNamed: [
      ...new Set(
        [...readFileSync(file, 'utf8').matchAll(/["'`](@aws-sdk\/[\w-]+)["'`]/g)].map((m) => m[1] as string),
      ),
    ].sort(),
  };
};

/** A Lambda's environment (what initialisation can see), not this shell's. */
const lambdaEnv = (name: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LANG: 'en_US.UTF-8',
  TZ: ':UTC',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: `Helsekjop-${name}`,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_REGION: 'eu-north-1',
  AWS_DEFAULT_REGION: 'eu-north-1',
  AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
  AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
  AWS_LAMBDA_LOG_FORMAT: 'JSON',
  POWERTOOLS_SERVICE_NAME: name,
  POWERTOOLS_METRICS_NAMESPACE: 'Helsekjop',
  NODE_OPTIONS: '--enable-source-maps',
  LOG_LEVEL: 'silent',
});

/**
 * Milliseconds a fresh node process takes to import `file` (the module's initialisation); with
 * `after`, what importing `file` adds once `after` is imported (not timed); with `also`, the
 * packages imported next, timed with it (what a function loads on first use, loaded at once).
 */
const importTime = (
  file: string,
  name: string,
  after?: string,
  also: readonly string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
): number => {
  const first = after ? `await import(${JSON.stringify(pathToFileURL(after).href)}); ` : '';
  const then = also.map((m) => `await import(${JSON.stringify(m)}); `).join('');
  const script = `${first}const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); ${then}process.stdout.write(String(performance.now() - t));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { ...lambdaEnv(name), ...extraEnv },
  });
  return Number(output.toString().trim());
};

/** The `@aws-sdk/*` packages a fresh process has loaded once `file` is imported (a resolve hook notes them). */
const sdkLoaded = (file: string, name: string): string[] => {
  const script = `import { registerHooks } from 'node:module';
const seen = new Set();
registerHooks({ resolve(specifier, context, next) {
  const m = /^@aws-sdk\\/(client-[^/]+|lib-dynamodb)$/.exec(specifier);
  if (m) seen.add(specifier);
  return next(specifier, context);
} });
await import(${JSON.stringify(pathToFileURL(file).href)});
process.stdout.write(JSON.stringify([...seen].sort()));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: lambdaEnv(name),
  });
  return JSON.parse(output.toString()) as string[];
};

/** Times every file in rounds (each once per round, after one warm-up round), so noise falls on all alike. */
interface Timed {
  /** Unique: the key of its summary. */
  id: string;
  /** The function's name (its environment). */
  name: string;
  file: string;
  after?: string;
  also?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

const timeInRounds = (targets: Timed[], runs: number): Map<string, Summary> => {
  const times = new Map<string, number[]>(targets.map((t) => [t.id, []]));
  const time = (t: Timed) => importTime(t.file, t.name, t.after, t.also, t.env);
  for (const t of targets) time(t);
  for (let round = 0; round < runs; round++) {
    for (const t of targets) times.get(t.id)?.push(time(t));
    process.stdout.write(`\r  round ${round + 1}/${runs}`);
  }
  process.stdout.write('\n');
  return new Map([...times].map(([name, values]) => [name, summarise(values)]));
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const short = (sdk: string) => sdk.replace('@aws-sdk/', '').replace('client-', '');

interface FunctionFigures {
  bytes: number;
  ownBytes: number;
  /** Own code per folder of functions/. */
  ownByFolder?: Record<string, number>;
  thirdPartyBytes: number;
  init: Summary;
  ratio: number;
  /** Initialisation and every SDK package it loads on first use, loaded at once (its heaviest first invocation). */
  initWithFirstUse?: Summary;
  /** Initialisation with tracing switched off (no Tracer, no X-Ray SDK evaluated). */
  initUntraced?: Summary;
  sdkAtInit: string[];
  sdkOnFirstUse: string[];
  heaviestPackages: [string, number][];
}

interface Figures {
  /** The machine's 1-minute load average when the timing started and when it ended. */
  load?: { start: number; end: number; cores: number };
  runs: number;
  moduleRuns: number;
  bare: { bytes: number; init: Summary };
  functions: Record<string, FunctionFigures>;
  /** Functions that could not be bundled, with esbuild's first line. */
  unbundled?: Record<string, string>;
  /**
   * Initialisation of each module alone, of each module once the bare handler is loaded (name with
   * the suffix ' (on the bare handler)'), and of the empty module (the floor of importing anything).
   */
  modules: Record<string, Summary>;
  packagesBytes: Record<string, { maxBytes: number; bundles: number }>;
  /** LAZILY_EVALUATED: each function timed in the same rounds with its package's bytes left out. */
  lazilyEvaluated?: Record<string, { package: string; packageBytes: number; bytes: number; init: Summary }>;
}

interface Before {
  measuredAt: string;
  commit: string;
  figures: Figures;
}

const measure = async (): Promise<Figures> => {
  mkdirSync(out, { recursive: true });
  const bareEntry = join(out, 'bare-entry.mjs');
  writeFileSync(bareEntry, BARE_SOURCE);
  console.log(`bundling the bare handler and ${Object.keys(functions).length} functions`);
  const bare = await bundle(BARE, bareEntry);
  const bundles: Bundle[] = [];
  const unbundled: Record<string, string> = {};
  for (const [key, spec] of Object.entries(functions)) {
    try {
      bundles.push(await bundle(key, join(root, spec.entry), (spec as FunctionSpec).packaging?.packages));
    } catch (error) {
      unbundled[key] = (error as Error).message.split('\n')[0] ?? 'failed';
      console.error(`  ${key}: could not be bundled: ${unbundled[key]}`);
    }
  }

  const leftOut: Bundle[] = [];
  for (const [key, pkg] of Object.entries(LAZILY_EVALUATED)) {
    const spec = functions[key as FunctionKey] as FunctionSpec;
    leftOut.push(await bundle(`${key}${LEFT_OUT}`, join(root, spec.entry), spec.packaging?.packages, pkg));
  }

  // What each function has loaded once initialised, and the SDK packages it loads only on first use.
  const atInit = new Map(bundles.map((b) => [b.name, sdkLoaded(b.file, b.name)]));
  const firstUse = new Map(
    bundles.map((b) => [
      b.name,
      b.sdkNamed.filter((s) => s.startsWith('@aws-sdk/client-') && !atInit.get(b.name)?.includes(s)),
    ]),
  );

  const sdkPackages = [...new Set(bundles.flatMap((b) => b.sdkNamed))].sort();
  // Each module alone, and what it adds to the bare handler (every function but docsApi loads DynamoDB).
  const moduleTargets: Timed[] = [];
  const emptyEntry = join(out, 'empty-entry.mjs');
  writeFileSync(emptyEntry, 'export const handler = async () => ({});\n');
  moduleTargets.push({ id: EMPTY, name: EMPTY, file: (await bundle(EMPTY, emptyEntry)).file });
  const lazyPackages = [...new Set(Object.values(LAZILY_EVALUATED))];
  const modules: Record<string, string> = {
    ...Object.fromEntries(sdkPackages.map((name) => [name, `export * from '${name}';`])),
    ...BUNDLED_MODULES,
    ...Object.fromEntries(lazyPackages.map((name) => [name, `export * from '${name}';`])),
  };
  for (const [name, source] of Object.entries(modules)) {
    const entry = join(out, `${name.replaceAll(/[^\w-]/g, '_')}-entry.mjs`);
    writeFileSync(entry, `${source}\n`);
    const { file } = await bundle(`module ${name}`, entry);
    moduleTargets.push({ id: name, name, file }, { id: `${name}${ON_BARE}`, name, file, after: bare.file });
  }
  // The same packages kept out of the bundle and required from node_modules, as on first use.
  for (const name of lazyPackages) {
    const entry = join(out, `${name.replaceAll(/[^\w-]/g, '_')}-require-entry.mjs`);
    writeFileSync(
      entry,
      `import { createRequire } from 'node:module';\nexport const loaded = createRequire(import.meta.url)('${name}');\n`,
    );
    const { file } = await bundle(`module ${name}${FROM_NODE_MODULES}`, entry, [name]);
    const id = `${name}${FROM_NODE_MODULES}`;
    moduleTargets.push({ id, name, file }, { id: `${id}${ON_BARE}`, name, file, after: bare.file });
  }

  const targets: Timed[] = [
    { id: BARE, name: BARE, file: bare.file },
    ...bundles.map((b) => ({ id: b.name, name: b.name, file: b.file })),
    ...bundles.map((b) => ({ id: `${b.name}${UNTRACED}`, name: b.name, file: b.file, env: TRACING_OFF })),
    ...leftOut.map((b) => ({ id: b.name, name: b.name.replace(LEFT_OUT, ''), file: b.file })),
    ...bundles
      .filter((b) => (firstUse.get(b.name) ?? []).length > 0)
      .map((b) => ({
        id: `${b.name}${WITH_FIRST_USE}`,
        name: b.name,
        file: b.file,
        also: firstUse.get(b.name),
      })),
  ];
  const loadAtStart = loadavg()[0] ?? 0;
  console.log(`timing module initialisation: ${RUNS} rounds of ${targets.length} bundles`);
  const inits = timeInRounds(targets, RUNS);
  console.log(`timing ${moduleTargets.length} modules alone: ${MODULE_RUNS} rounds`);
  const moduleTimes = timeInRounds(moduleTargets, MODULE_RUNS);

  const bareInit = inits.get(BARE) as Summary;
  const packagesBytes: Figures['packagesBytes'] = {};
  const figures: Figures['functions'] = {};
  for (const b of bundles) {
    if (b.otherOwn.length > 0)
      console.log(`  ${b.name}: own code outside functions/: ${b.otherOwn.join(', ')}`);
    for (const [pkg, bytes] of Object.entries(b.packages)) {
      const p = packagesBytes[pkg] ?? { maxBytes: 0, bundles: 0 };
      packagesBytes[pkg] = { maxBytes: Math.max(p.maxBytes, bytes), bundles: p.bundles + 1 };
    }
    const init = inits.get(b.name) as Summary;
    const withFirstUse = inits.get(`${b.name}${WITH_FIRST_USE}`);
    const untraced = inits.get(`${b.name}${UNTRACED}`);
    figures[b.name] = {
      bytes: b.bytes,
      ownBytes: b.ownBytes,
      ownByFolder: b.ownByFolder,
      thirdPartyBytes: b.thirdPartyBytes,
      init,
      ratio: init.median / bareInit.median,
      ...(withFirstUse ? { initWithFirstUse: withFirstUse } : {}),
      ...(untraced ? { initUntraced: untraced } : {}),
      sdkAtInit: atInit.get(b.name) ?? [],
      sdkOnFirstUse: firstUse.get(b.name) ?? [],
      heaviestPackages: Object.entries(b.packages)
        .sort((x, y) => y[1] - x[1])
        .slice(0, 3),
    };
    console.log(
      `  ${b.name}: ${kb(b.bytes)}, own ${kb(b.ownBytes)}, init ${fmt(init, 1, ' ms')}, ${ratio(init.median, bareInit.median)}`,
    );
  }
  return {
    load: { start: loadAtStart, end: loadavg()[0] ?? 0, cores: cpus().length },
    runs: RUNS,
    moduleRuns: MODULE_RUNS,
    bare: { bytes: bare.bytes, init: bareInit },
    functions: figures,
    unbundled,
    modules: Object.fromEntries(moduleTimes),
    packagesBytes,
    lazilyEvaluated: Object.fromEntries(
      leftOut.map((b) => {
        const key = b.name.replace(LEFT_OUT, '');
        const pkg = LAZILY_EVALUATED[key as FunctionKey] as string;
        const full = bundles.find((x) => x.name === key);
        // The package's own bytes and those of the packages only it brings in (its DOM, for xmlbuilder2).
        const packageBytes = (full?.bytes ?? 0) - b.bytes;
        return [key, { package: pkg, packageBytes, bytes: b.bytes, init: inits.get(b.name) as Summary }];
      }),
    ),
  };
};

const commit = () => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  } catch {
    return 'unknown';
  }
};

const previousBefore = (): Before | undefined => {
  const file = join(sectionsDir, 'cold-start.json');
  if (!existsSync(file)) return undefined;
  const section = JSON.parse(readFileSync(file, 'utf8')) as Section;
  return (section.figures as { before?: Before } | undefined)?.before;
};

const ms = (s: Summary) => fmt(s);
const times = (value: number, baseline: number) => ratio(value, baseline);

const report = (now: Figures, before: Before | undefined): { markdown: string; targetsMet: boolean } => {
  const keys = Object.keys(now.functions) as FunctionKey[];
  const fig = (k: string) => now.functions[k] as FunctionFigures;
  const routesOf = (k: FunctionKey) => routes.filter((r) => r.function === k).length;
  const bareMs = now.bare.init.median;
  const missedInit = keys.filter((k) => fig(k).ratio > INIT_TARGET);
  const missedOwn = keys.filter((k) => fig(k).ownBytes >= OWN_CODE_TARGET);
  const unbundled = Object.entries(now.unbundled ?? {});
  const targetsMet = missedInit.length === 0 && missedOwn.length === 0 && unbundled.length === 0;
  const bold = (text: string, missed: boolean) => (missed ? `**${text}**` : text);

  const perFunction = table(
    [
      'function',
      'bundle',
      'own code',
      'third-party',
      'init, ms',
      '× bare',
      'init, tracing off',
      'init + first-use SDK',
      'SDK loaded at init',
      'SDK loaded on first use',
    ],
    [
      [
        `*${BARE}*`,
        kb(now.bare.bytes),
        '—',
        '—',
        ms(now.bare.init),
        '1.00×',
        '—',
        '—',
        'dynamodb, lib-dynamodb',
        '—',
      ],
      ...keys.map((k) => {
        const f = fig(k);
        return [
          k,
          kb(f.bytes),
          bold(kb(f.ownBytes), f.ownBytes >= OWN_CODE_TARGET),
          kb(f.thirdPartyBytes),
          ms(f.init),
          bold(times(f.init.median, bareMs), f.ratio > INIT_TARGET),
          f.initUntraced ? `${ms(f.initUntraced)}, ${times(f.initUntraced.median, bareMs)}` : '—',
          f.initWithFirstUse ? `${ms(f.initWithFirstUse)}, ${times(f.initWithFirstUse.median, bareMs)}` : '—',
          f.sdkAtInit.map(short).join(', ') || '—',
          f.sdkOnFirstUse.map(short).join(', ') || '—',
        ];
      }),
    ],
  );

  const folders = ['http', 'domain', 'handlers', 'services', 'adapters', 'contracts', 'shared'];
  const ownTable = table(
    ['function', 'own code', ...folders.map((f) => `functions/${f}`), 'other'],
    keys.map((k) => {
      const by = fig(k).ownByFolder ?? {};
      const other = Object.entries(by)
        .filter(([f]) => !folders.includes(f))
        .reduce((a, [, b]) => a + b, 0);
      return [
        k,
        bold(kb(fig(k).ownBytes), fig(k).ownBytes >= OWN_CODE_TARGET),
        ...folders.map((f) => (by[f] ? kb(by[f]) : '—')),
        other ? kb(other) : '—',
      ];
    }),
  );

  const beforeAfter = before
    ? table(
        [
          'function',
          'init before, ms',
          '× bare before',
          'init after, ms',
          '× bare after',
          'SDK packages at init, before → after',
          'own code, before → after',
        ],
        keys.map((k) => {
          const b = before.figures.functions[k];
          const a = fig(k);
          return [
            k,
            b ? ms(b.init) : '(new)',
            b ? `${b.ratio.toFixed(2)}×` : '—',
            ms(a.init),
            `${a.ratio.toFixed(2)}×`,
            `${b ? b.sdkAtInit.length : '—'} → ${a.sdkAtInit.length}`,
            `${b ? kb(b.ownBytes) : '—'} → ${kb(a.ownBytes)}`,
          ];
        }),
      )
    : '';

  const heaviestBytes = table(
    ['package', 'bytes in a bundle (largest)', 'bundles holding it'],
    Object.entries(now.packagesBytes)
      .sort((x, y) => y[1].maxBytes - x[1].maxBytes)
      .slice(0, 12)
      .map(([pkg, p]) => [pkg, kb(p.maxBytes), `${p.bundles} of ${keys.length}`]),
  );

  const floor = now.modules[EMPTY];
  const loadedBy = (name: string) => keys.filter((k) => fig(k).sdkAtInit.includes(name)).length;
  const firstUseBy = (name: string) => keys.filter((k) => fig(k).sdkOnFirstUse.includes(name)).length;
  const onBare = (name: string) => now.modules[`${name}${ON_BARE}`]?.median ?? 0;
  const heaviestInit = table(
    [
      'module',
      'init alone, ms',
      'added to the bare handler, ms',
      'functions loading it at init',
      'on first use',
    ],
    Object.entries(now.modules)
      .filter(([name]) => name !== EMPTY && !name.endsWith(ON_BARE))
      .sort((x, y) => onBare(y[0]) - onBare(x[0]))
      .map(([name, alone]) => {
        const added = now.modules[`${name}${ON_BARE}`];
        const sdk = name.startsWith('@aws-sdk/');
        const lazyIn = Object.entries(LAZILY_EVALUATED)
          .filter(([, pkg]) => name === pkg || name === `${pkg}${FROM_NODE_MODULES}`)
          .map(([k]) => k);
        const atInit = name.endsWith(FROM_NODE_MODULES)
          ? 'not bundled'
          : lazyIn.length
            ? `bundled (${lazyIn.join(', ')}), evaluated on first use`
            : 'bundled';
        return [
          name,
          ms(alone),
          added ? ms(added) : '—',
          sdk ? `${loadedBy(name)} of ${keys.length}` : atInit,
          sdk ? `${firstUseBy(name)} of ${keys.length}` : '—',
        ];
      }),
  );

  // The Tracer's share of each function's init: traced minus untraced, in the same rounds.
  const tracerShare = keys
    .map((k) => (fig(k).initUntraced ? fig(k).init.median - (fig(k).initUntraced?.median ?? 0) : Number.NaN))
    .filter((x) => Number.isFinite(x))
    .sort((a, b) => a - b);
  const tracerMedian = tracerShare[Math.floor(tracerShare.length / 2)];

  /** Why a LAZILY_EVALUATED package stays bundled, from its figures (a sub-point of its function). */
  const lazyNote = (k: string): string | undefined => {
    const lazy = now.lazilyEvaluated?.[k];
    const bundled = lazy && now.modules[`${lazy.package}${ON_BARE}`];
    const required = lazy && now.modules[`${lazy.package}${FROM_NODE_MODULES}${ON_BARE}`];
    if (!lazy || !bundled || !required) return undefined;
    const saved = fig(k).init.median - lazy.init.median;
    const extra = required.median - bundled.median;
    return `  - ${lazy.package} (with the packages only it brings in, ${kb(lazy.packageBytes)} of the bundle) is evaluated only when the first notice is made (the module that imports it is loaded on first use), but V8 compiles a module's whole text at initialisation: the same bundle with ${lazy.package} left out initialises in ${fmt(lazy.init, 1, ' ms')} (${times(lazy.init.median, bareMs)}), so its bytes cost ${saved.toFixed(1)} ms of each cold start. Kept out of the bundle and required from node_modules on first use instead (manifest \`packaging\`), it would cost the first notice made ${fmt(required, 1, ' ms')} (on a process that has loaded DynamoDB), against ${fmt(bundled, 1, ' ms')} for its bundled copy: ${extra.toFixed(1)} ms more on that request. A noticesApi container's first requests list or make notices (a tender's notices are made to say their state), so they would pay more than the cold start saves: ${lazy.package} stays bundled.`;
  };
  const remains: string[] = [];
  for (const k of missedInit) {
    const f = fig(k);
    const untraced = f.initUntraced ? `${times(f.initUntraced.median, bareMs)} with tracing off` : '';
    remains.push(
      `- **${k}**: init ${times(f.init.median, bareMs)} the bare handler's${untraced ? ` (${untraced})` : ''}; at init it loads ${f.sdkAtInit.map(short).join(', ') || 'no SDK package'} and ${kb(f.ownBytes)} of own code, the heaviest packages being ${f.heaviestPackages.map(([p, b]) => `${p} (${kb(b)})`).join(', ')}.`,
    );
    const note = lazyNote(k);
    if (note) remains.push(note);
  }
  for (const k of missedOwn) {
    const by = Object.entries(fig(k).ownByFolder ?? {}).sort((x, y) => y[1] - x[1]);
    remains.push(
      `- **${k}**: ${kb(fig(k).ownBytes)} of own code, of which ${by
        .slice(0, 3)
        .map(([f, b]) => `functions/${f} ${kb(b)}`)
        .join(', ')}.`,
    );
  }
  for (const [k, error] of unbundled) remains.push(`- **${k}** could not be bundled: ${error}`);

  const markdown = `Each function of the manifest bundled as the stack bundles it (lib/bundling.ts, the options
lib/service-function.ts gives NodejsFunction: esbuild, ESM, minified, \`@aws-sdk/*\` external), weighed
with esbuild's metafile (own code: functions/; third-party: node_modules), and its module
initialisation timed: a fresh Node process importing the bundle with a Lambda's environment (tracing
on, so the Tracer and the X-Ray SDK are made at init as on Lambda), ${now.runs} rounds, median (min–max).
\`@aws-sdk/*\` is loaded from node_modules as the Lambda runtime would provide it. Baseline, bundled
and timed in the same rounds: the *${BARE}*, which imports only \`@aws-sdk/client-dynamodb\` and
\`@aws-sdk/lib-dynamodb\` and makes a DocumentClient at module scope. Importing an empty module takes
${floor ? fmt(floor, 1, ' ms') : '—'} (the floor). Also timed in the same rounds: each function with tracing
off (as the local runtime and the tests run it), and each function followed at once by every SDK
package it loads on first use (the most its first invocation can add).

${
  now.load && Math.max(now.load.start, now.load.end) > now.load.cores
    ? `**Measured on a loaded machine**: the load average was ${now.load.start.toFixed(1)} at the start and ${now.load.end.toFixed(1)} at the end, on ${now.load.cores} cores (other work ran beside it). Waiting for a core adds about the same time to every process, so the ratios to the bare handler are pulled towards 1 and look better than on a quiet machine; the minima (the least disturbed runs) are the better guide.

`
    : ''
}Targets (issue 15): initialisation at most ${INIT_TARGET}× the bare handler's, own code under
${OWN_CODE_TARGET / 1024} KB per bundle: **${targetsMet ? 'met' : 'missed'}**${
    missedInit.length > 0 ? `; init above ${INIT_TARGET}×: ${missedInit.join(', ')}` : ''
  }${missedOwn.length > 0 ? `; own code over ${OWN_CODE_TARGET / 1024} KB: ${missedOwn.join(', ')}` : ''}.

${perFunction}

"SDK loaded at init" is what the process has loaded once the module is imported (a resolve hook
records it); "on first use" is what the bundle names and loads only when a call needs it
(functions/adapters/clients.ts's \`sdk\`).

${
  before
    ? `### Before and after loading SDK clients on first use

*Before* was measured at the start of this work (commit ${before.commit}, ${before.measuredAt.slice(0, 16).replace('T', ' ')} UTC, the
same script, ${before.figures.runs} rounds; its ratios are to the bare handler of its own run,
${fmt(before.figures.bare.init, 1, ' ms')}); *after* is this run (bare handler ${fmt(now.bare.init, 1, ' ms')}).
Before, functions/adapters/clients.ts imported the EventBridge, Scheduler, Step Functions and SNS
clients for every function (its \`lazy\` deferred making a client, not loading its package), and the
audit archive imported S3 and KMS: every function but docsApi loaded six SDK packages at init, the
two audit functions eight. Now only DynamoDB's are imported; the others are required by the call
that first needs them, and a bundle leaves out the clients its function never uses.

${beforeAfter}

Own code, before → after, also counts the route documentation taken out of the API functions after
this *before*: each route's description and examples moved from its route spec to functions/http/docs/
(keyed by route, read only by the OpenAPI generator, so only docsApi bundles them; the OpenAPI
document is byte for byte the same), and the tender id schema to a module of its own (the other areas
imported it from the tender routes and so bundled every tender route). The run just before that change
(commit 8018148) measured own code of agreementsApi 146.4 KB, docsApi 125.7, auditApi 117.9,
noticesApi 109.5, tendersApi 91.6, biddingApi 86.7, referenceApi 71.0.${
        now.functions.performanceApi
          ? ` agreementsApi's *after* is also after its split (below): performanceApi, new, serves the routes
it gave up.`
          : ''
      }
`
    : ''
}
### Which imports weigh

Bytes per package, from the metafiles (the largest share of any one bundle):

${heaviestBytes}

Initialisation of each module (bundled the same way, a fresh process each, ${now.moduleRuns} rounds): alone,
and what it adds to a process that has loaded the bare handler (${fmt(now.bare.init, 1, ' ms')} in the
same run), which is what it costs a function that loads DynamoDB anyway. The SDK packages are those
the bundles name:

${heaviestInit}

Own code per folder:

${ownTable}

### Reading it

The SDK clients a function does not call on a path no longer load at its initialisation: each one
cost a function that already loads DynamoDB a few milliseconds (the table above, "added to the bare
handler"), S3 ${onBare('@aws-sdk/client-s3').toFixed(0)} ms. A path that calls one pays for it once per container, on its first call
("init + first-use SDK"); for the notifier (SNS) and the hourly digest (S3 and KMS, in an hour with
chain heads to sign) that is their main path, so their cold start as a whole gains less than their
init does. The Tracer (Powertools, which loads the X-Ray SDK) stays at initialisation: every function
is traced on Lambda, and making it on the first invocation would move its cost, not remove it${
    tracerMedian !== undefined
      ? `: it costs ${tracerMedian.toFixed(1)} ms of init (median over the functions of init with tracing on minus off, in the same rounds)`
      : ''
  }.
${remains.length > 0 ? `\nWhat remains:\n\n${remains.join('\n')}\n` : ''}${
  missedOwn.length > 0
    ? `
The route documentation (descriptions and examples, functions/http/docs/ and
functions/http/examples.ts) is in docsApi's bundle only; test/unit/openapi.test.ts bundles every
function that serves routes and fails if another one holds it.${
        missedOwn.includes('docsApi')
          ? `

**docsApi is the one accepted exception** (${kb(fig('docsApi').ownBytes)}): it serves the whole API
description (GET /openapi.json and /docs), so its own code is that description: every route with its
schemas, descriptions and examples (functions/http ${kb(fig('docsApi').ownByFolder?.http ?? 0)}), and it
grows with the API. It makes no AWS call and builds the document once per container. Serving a
document built at deploy time would trade that code for a file of the same size.`
          : ''
      }${
        missedOwn.includes('agreementsApi') || missedOwn.includes('performanceApi')
          ? `

**The agreement functions are still over** (agreementsApi ${kb(fig('agreementsApi').ownBytes)}, performanceApi
${now.functions.performanceApi ? kb(fig('performanceApi').ownBytes) : '—'}): see the split below; what is left in each is what its routes run.`
          : ''
      }
`
    : ''
}${
  now.functions.performanceApi
    ? `
### agreementsApi split (issue 15)

agreementsApi was ${AGREEMENTS_BEFORE_SPLIT.kb} KB of own code with ${AGREEMENTS_BEFORE_SPLIT.routes} routes (commit
${AGREEMENTS_BEFORE_SPLIT.commit}), over the target although every module in it served one of its routes. It
is now two functions: **agreementsApi ${kb(fig('agreementsApi').ownBytes)}** (${routesOf('agreementsApi')} routes:
framework agreements, options, termination and renewal decisions with successor tender drafts,
reminders and notifications, deadlines and reports) and **performanceApi ${kb(fig('performanceApi').ownBytes)}**
(${routesOf('performanceApi')} routes: the annual performance agreements and their yearly negotiation with the
renegotiation workflow, amendments, monthly usage reports). Together they carry more than the one
function did (${kb(fig('agreementsApi').ownBytes + fig('performanceApi').ownBytes)}): the HTTP edge, the store and the agreement
rules they share are in both bundles. Every path, method, action, schema and answer is unchanged and
GET /openapi.json is byte for byte the same (dumped through the docs handler before and after); only
the function behind those routes changed. The grants narrowed with it: starting the renegotiation,
answering its waiting task (SendTaskSuccess) and reading its history moved to performanceApi, so
agreementsApi no longer names the workflow (nor gets its ARN); performanceApi has no schedules and no
BatchGetItem (test/parity/access.test.ts checks both against what their bundles can call).
`
    : ''
}`;
  return { markdown, targetsMet };
};

const main = async () => {
  const now = await measure();
  const measuredAt = new Date().toISOString();
  const before: Before | undefined = values['record-before']
    ? { measuredAt, commit: commit(), figures: now }
    : previousBefore();
  const { markdown, targetsMet } = report(now, values['record-before'] ? undefined : before);
  writeSection({
    id: 'cold-start',
    title: 'Cold start: bundle weight and module initialisation per function',
    order: 10,
    command: 'npm run bench:cold-start',
    markdown,
    targetsMet,
    figures: { ...now, ...(before ? { before } : {}) },
  });
};

try {
  await main();
} finally {
  rmSync(out, { recursive: true, force: true });
}
