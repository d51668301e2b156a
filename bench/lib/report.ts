/**
 * One frame for every benchmark: statistics over repeated runs, the machine they ran on, and the
 * section each script contributes to docs/benchmarks.md.
 *
 * Each script under bench/ measures its figures and their baseline in the same run (these machines
 * are shared and noisy: a ratio to a baseline measured minutes apart on the same cores is worth more
 * than an absolute time) and calls `writeSection`. The section is kept as JSON under docs/bench/ so
 * that `npm run bench` can run one script again (`-- --only <id>`) and still assemble the whole report.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..', '..');
export const sectionsDir = join(root, 'docs', 'bench');

export interface Section {
  /** File name under docs/bench/ and the `--only` name: `cold-start`, `overhead`, … */
  id: string;
  /** Heading in docs/benchmarks.md. */
  title: string;
  /** Where the section sits in the report (ascending). */
  order: number;
  /** The command that measured it. */
  command: string;
  /** Markdown body: what was measured against what baseline, the table, and how to read it. */
  markdown: string;
  /** Whether every target the issue set was met (undefined: the section sets none). */
  targetsMet?: boolean;
  /** The raw figures, for whoever wants to compare runs. */
  figures: unknown;
  /** Filled in by writeSection. */
  machine?: Machine;
  measuredAt?: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
}

export const machine = (): Machine => ({
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  cores: cpus().length,
  memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  node: process.version,
});

export const writeSection = (section: Section): string => {
  mkdirSync(sectionsDir, { recursive: true });
  const file = join(sectionsDir, `${section.id}.json`);
  const full: Section = { ...section, machine: machine(), measuredAt: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
  return file;
};

/** Sorted copy. */
const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);

/** The q-quantile (0..1) by nearest rank. */
export const quantile = (values: readonly number[], q: number): number => {
  const s = sorted(values);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
};

export const median = (values: readonly number[]) => quantile(values, 0.5);

export interface Summary {
  runs: number;
  median: number;
  min: number;
  max: number;
}

/** Median with its spread (min–max over the runs). */
export const summarise = (values: readonly number[]): Summary => {
  const s = sorted(values);
  return { runs: s.length, median: median(s), min: s[0] ?? Number.NaN, max: s.at(-1) ?? Number.NaN };
};

/** `12.3 (11.9–13.0)`: a median and its spread, in the given unit. */
export const fmt = (s: Summary, digits = 1, unit = '') =>
  `${s.median.toFixed(digits)}${unit} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

/** `1.12×`. */
export const ratio = (value: number, baseline: number, digits = 2) =>
  `${(value / baseline).toFixed(digits)}×`;

/** `1 234 567`: thousands spaced as the docs write them. */
export const count = (n: number) => Math.round(n).toLocaleString('en-US').replaceAll(',', ' ');

/** A markdown table. */
export const table = (head: readonly string[], rows: readonly (readonly string[])[]) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
