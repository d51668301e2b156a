/**
 * The layers of functions/, as data, and the import graph they are checked against: a file may
 * import files of its own layer or of a layer below it, entry points only their own folder, and no
 * import cycle may exist between files. test/contracts/layers.test.ts holds the code to this;
 * `npm run layers` rewrites the picture in docs/layers.md from the code as it is.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface Layer {
  name: string;
  /** Folders (or files) under the project root that make up the layer. */
  paths: readonly string[];
  what: string;
  /** Each folder of the layer stands alone: it imports nothing from its sibling folders. */
  isolated?: boolean;
}

/** Top to bottom: each layer may use the ones below it, never one above. */
export const layers: readonly Layer[] = [
  {
    name: 'entry points',
    paths: ['functions/handlers/api', 'functions/handlers/tasks', 'functions/handlers/events'],
    what: 'one Lambda handler per manifest function: HTTP areas, workflow tasks, timer/notifier/seed',
    isolated: true,
  },
  {
    name: 'description',
    paths: ['functions/manifest.ts', 'functions/access.ts'],
    what: 'the manifest (functions, routes, workflows, subscriptions) and the access it grants',
  },
  {
    name: 'HTTP edge',
    paths: ['functions/http'],
    what: 'route descriptions, the handler shape, RFC 9457 problems, the role policy, idempotency, OpenAPI',
  },
  {
    name: 'services',
    paths: ['functions/services'],
    what: 'what several entry points do alike: repositories per aggregate, waiting steps, reminders',
  },
  {
    name: 'adapters',
    paths: ['functions/adapters'],
    what: 'AWS behind small ports: DynamoDB store, Step Functions, Scheduler, EventBridge, clients, env',
  },
  {
    name: 'domain',
    paths: ['functions/domain'],
    what: 'the rules: pure transitions and validations, refusals, OCDS mapping, audit hashing',
  },
  {
    name: 'contracts',
    paths: ['functions/contracts'],
    what: 'shapes other systems rely on: events, timer input, table keys, environment names',
  },
  { name: 'shared', paths: ['functions/shared'], what: 'small utilities: clock, ids, canonical JSON, log' },
];

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

const specifiers = (text: string): string[] => [
  ...[...text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'/gms)].map((m) => m[1] as string),
  ...[...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map((m) => m[1] as string),
  ...[...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] as string),
];

/** Every file under functions/ and the files under functions/ it imports (relative imports only). */
export const importGraph = (): Map<string, string[]> => {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles('functions')) {
    const text = readFileSync(join(root, file), 'utf8');
    graph.set(
      file,
      specifiers(text)
        .filter((s) => s.startsWith('.'))
        .map((s) => relative(root, resolve(root, dirname(file), s))),
    );
  }
  return graph;
};

/** The layer (its index, top = 0) and the unit (the folder or file of the layer) a file belongs to. */
export const placeOf = (file: string): { layer: number; unit: string } | undefined => {
  for (const [index, layer] of layers.entries()) {
    const unit = layer.paths.find((p) => file === p || file.startsWith(`${p}/`));
    if (unit) return { layer: index, unit };
  }
  return undefined;
};

/** Imports that break the layering, as "from → to: why". */
export const violations = (graph: Map<string, string[]>): string[] => {
  const found: string[] = [];
  for (const [file, imports] of graph) {
    const from = placeOf(file);
    if (!from) {
      found.push(`${file}: in no layer (scripts/layers.ts)`);
      continue;
    }
    for (const target of imports) {
      const to = placeOf(target);
      if (!to) continue; // reported as a file of its own
      const layer = layers[from.layer] as Layer;
      if (to.layer < from.layer)
        found.push(`${file} → ${target}: ${layer.name} may not use ${layers[to.layer]?.name} (above it)`);
      else if (to.layer === from.layer && layer.isolated && to.unit !== from.unit)
        found.push(`${file} → ${target}: ${from.unit} may not use its sibling ${to.unit}`);
    }
  }
  return found;
};

/** The import cycles between files (strongly connected components of more than one file, or a self-import). */
export const cycles = (graph: Map<string, string[]>): string[][] => {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
};

const nodeId = (unit: string) => unit.replace(/^functions\//, '').replace(/[^A-Za-z0-9]/g, '_');

/** The picture: one box per unit inside its layer, one arrow per unit-to-unit dependency with its import count. */
export const picture = (graph: Map<string, string[]>): string => {
  const edges = new Map<string, number>();
  for (const [file, imports] of graph) {
    const from = placeOf(file);
    for (const target of imports) {
      const to = placeOf(target);
      if (!from || !to || from.unit === to.unit) continue;
      const key = `${from.unit}|${to.unit}`;
      edges.set(key, (edges.get(key) ?? 0) + 1);
    }
  }
  const files = (unit: string) => [...graph.keys()].filter((f) => placeOf(f)?.unit === unit).length;
  const lines = ['flowchart TD'];
  for (const layer of layers) {
    lines.push(`  subgraph layer_${nodeId(layer.name)}["${layer.name}"]`);
    for (const unit of layer.paths)
      lines.push(`    ${nodeId(unit)}["${unit.replace(/^functions\//, '')} (${files(unit)})"]`);
    lines.push('  end');
  }
  for (const [key, count] of [...edges].sort(([a], [b]) => a.localeCompare(b))) {
    const [from, to] = key.split('|') as [string, string];
    lines.push(`  ${nodeId(from)} -->|${count}| ${nodeId(to)}`);
  }
  return lines.join('\n');
};

export const PICTURE_FILE = 'docs/layers.md';

/** docs/layers.md as the code stands. */
export const layersDocument = (graph = importGraph()): string =>
  [
    '# The layers of functions/',
    '',
    '<!-- Generated by `npm run layers` from scripts/layers.ts and the imports under functions/; test/contracts/layers.test.ts fails when it is stale. -->',
    '',
    'Each layer may import its own and the layers below it, never one above; the entry-point folders',
    'import nothing from each other; no two files import each other, directly or around a loop. Boxes',
    'are folders (with their number of files), arrows are imports between them (with their number).',
    '',
    '| Layer | Where | What lives there |',
    '|---|---|---|',
    ...layers.map((l) => `| ${l.name} | ${l.paths.map((p) => `\`${p}\``).join(', ')} | ${l.what} |`),
    '',
    '```mermaid',
    picture(graph),
    '```',
    '',
  ].join('\n');

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { commandLine } = await import('../local/cli.ts');
  commandLine(
    `
Usage: npm run layers

Writes ${PICTURE_FILE}: the layers of functions/ and a picture of the imports between their folders
(test/contracts/layers.test.ts fails when it is stale).
`,
    {},
  );
  writeFileSync(join(root, PICTURE_FILE), layersDocument());
  console.log(`wrote ${PICTURE_FILE}`);
}
