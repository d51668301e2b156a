/**
 * `npm run bench`: runs the benchmarks one after the other (never side by side: they would measure
 * each other), each in its own process, then assembles docs/benchmarks.md from the sections they
 * wrote under docs/bench/. `--only` runs some again and keeps the others' last sections;
 * `--assemble` only rebuilds the report.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine } from '../local/cli.ts';
import { machine, root, type Section, sectionsDir } from './lib/report.ts';

/** The benchmarks, in the order they run: id (docs/bench/<id>.json) → script. */
export const benches = {
  'cold-start': 'bench/cold-start.ts',
  overhead: 'bench/overhead.ts',
  ranking: 'bench/ranking.ts',
  burst: 'bench/bid-burst.ts',
  sweep: 'bench/reminder-sweep.ts',
  audit: 'bench/audit-verify.ts',
  partitions: 'bench/partitions.ts',
} as const;

const { values } = commandLine(
  `
Usage: npm run bench [-- --only <id>[,<id>…]] [-- --assemble]

Runs every benchmark under bench/ one after the other and writes docs/benchmarks.md. Each script
also runs alone (npm run bench:<id>) and keeps its section in docs/bench/<id>.json.
Benchmarks: ${Object.keys(benches).join(', ')}.
`,
  { only: { type: 'string' }, assemble: { type: 'boolean' } },
);

const chosen = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(benches);
for (const id of chosen) {
  if (!(id in benches)) {
    console.error(`unknown benchmark '${id}': one of ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
}

const failed: string[] = [];
if (!values.assemble) {
  for (const id of chosen) {
    const script = benches[id as keyof typeof benches];
    if (!existsSync(join(root, script))) {
      console.error(`\n== ${id}: ${script} is missing`);
      failed.push(id);
      continue;
    }
    console.log(`\n== ${id} (${script})`);
    const started = Date.now();
    try {
      execFileSync(join(root, 'node_modules', '.bin', 'tsx'), [script], { cwd: root, stdio: 'inherit' });
      console.log(`== ${id}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    } catch {
      console.error(`== ${id} failed`);
      failed.push(id);
    }
  }
}

const sections: Section[] = existsSync(sectionsDir)
  ? readdirSync(sectionsDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(sectionsDir, f), 'utf8')) as Section)
      .filter((s) => s.id in benches)
      .sort((a, b) => a.order - b.order)
  : [];

const here = machine();
const machines = [...new Set(sections.map((s) => JSON.stringify(s.machine ?? here)))];
const verdict = (s: Section) => (s.targetsMet === undefined ? '—' : s.targetsMet ? 'met' : '**missed**');
const report = `# Benchmarks

Written by \`npm run bench\` (bench/run.ts) from the sections under docs/bench/; do not edit by hand.
Each figure is a median with its spread (min–max) over several runs, next to a baseline measured in
the same run on the same machine: these machines are shared and noisy, so read the ratios, not the
absolute times, and compare runs only through their ratios. No test in the suite times anything.

Machine${machines.length > 1 ? 's' : ''}: ${machines
  .map((m) => {
    const x = JSON.parse(m) as ReturnType<typeof machine>;
    return `${x.cpu}, ${x.cores} cores, ${x.memoryGb} GB, Node ${x.node}`;
  })
  .join('; ')}.

| benchmark | targets | measured | command |
|---|---|---|---|
${sections.map((s) => `| [${s.title}](#${anchor(s.title)}) | ${verdict(s)} | ${s.measuredAt?.slice(0, 16).replace('T', ' ')} UTC | \`${s.command}\` |`).join('\n')}

${sections.map((s) => `## ${s.title}\n\n${s.markdown.trim()}\n`).join('\n')}`;

function anchor(title: string) {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replaceAll(' ', '-');
}

writeFileSync(join(root, 'docs', 'benchmarks.md'), report);
console.log(`\nwrote docs/benchmarks.md (${sections.length} sections)`);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exit(1);
}
