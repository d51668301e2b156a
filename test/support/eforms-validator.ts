/**
 * Validates eForms notices against the official eForms SDK in ../shared/eforms, as TED does: the
 * UBL 2.3 XSDs (xmllint) and the Schematron business rules (SchXslt on Saxon-HE). Doffin checks
 * these and DFØ's Norwegian rules, which are not built here (docs/eforms.md).
 *
 * The Schematron: complete-validation.sch includes the patterns of every notice subtype; each phase
 * `eforms-<subtype>` names the patterns that subtype is validated with (shared stages 1a, 2b, 3a, 3b,
 * 4m, 5, 5m and the subtype's own 1b, 2a, 3b, 4). The subtype patterns guard every rule with
 * `[$noticeSubType = '<subtype>']` (checked here before compiling), so one schema with the union of
 * the phases of the subtypes asked for gives each notice exactly the asserts of its own phase: a
 * 15 MB XSLT for 20, 33, 38, E3 and E4 instead of the 72 MB of every subtype, which Saxon loads in
 * a few seconds instead of 20-45 (and which gave the same findings on every notice of the test). It is compiled once and cached under node_modules/.cache/eforms,
 * keyed by the SDK's Schematron files, SchXslt and the subtypes; all notices are then validated in
 * one Java process (Saxon's Transform over a directory).
 *
 * Nothing here is product code: tests and later end-to-end tests use it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const EFORMS = resolve(here, '../../../shared/eforms');
export const SAXON_JAR = process.env.SAXON_JAR ?? '/usr/share/java/Saxon-HE.jar';
const SCHEMATRONS = join(EFORMS, 'sdk/schematrons/static');
const SCHXSLT = join(EFORMS, 'schxslt/core/src/main/resources/xslt/2.0/pipeline-for-svrl.xsl');
const CACHE = resolve(here, '../../node_modules/.cache/eforms');

const XSD: Record<string, string> = {
  ContractNotice: 'sdk/schemas/maindoc/UBL-ContractNotice-2.3.xsd',
  ContractAwardNotice: 'sdk/schemas/maindoc/UBL-ContractAwardNotice-2.3.xsd',
  PriorInformationNotice: 'sdk/schemas/maindoc/UBL-PriorInformationNotice-2.3.xsd',
};

const onPath = (command: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** Why the validation cannot run here (a clear message for a skipped test), or undefined when it can. */
export const eformsValidationMissing = (): string | undefined => {
  if (!existsSync(join(SCHEMATRONS, 'complete-validation.sch')))
    return `the eForms SDK is absent at ${EFORMS} (../shared/eforms)`;
  if (!onPath('java')) return 'java is not installed (apt-get install openjdk-17-jre-headless)';
  if (!existsSync(SAXON_JAR)) return `Saxon-HE is absent at ${SAXON_JAR} (apt-get install libsaxonhe-java)`;
  if (!onPath('xmllint')) return 'xmllint is not installed (apt-get install libxml2-utils)';
  return undefined;
};

export interface FailedAssert {
  id: string;
  role: string;
  location: string;
  test: string;
}

export interface NoticeReport {
  name: string;
  /** xmllint's complaints against the notice's XSD; empty when valid. */
  xsdErrors: string[];
  /** Failed Schematron asserts (and successful reports) with role ERROR (or no role: an error too). */
  errors: FailedAssert[];
  /** Those with role WARN (or INFO). */
  warnings: FailedAssert[];
}

export interface Validation {
  reports: NoticeReport[];
  /** Seconds to compile the Schematron (0 when the cached XSLT was used). */
  compileSeconds: number;
  /** Seconds of the Saxon run that validated every notice (loading the XSLT included). */
  schematronSeconds: number;
  xsdSeconds: number;
}

const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** The patterns of the phases `eforms-<subtype>` of complete-validation.sch. */
const patternsOf = (complete: string, subtypes: string[]): Set<string> => {
  const active = new Set<string>();
  for (const m of complete.matchAll(/<phase id="eforms-([^"]+)">([\s\S]*?)<\/phase>/g))
    if (subtypes.includes(m[1] as string))
      for (const a of (m[2] as string).matchAll(/pattern="([^"]+)"/g)) active.add(a[1] as string);
  for (const s of subtypes)
    if (![...complete.matchAll(/<phase id="eforms-([^"]+)">/g)].some((m) => m[1] === s))
      throw new Error(`The SDK defines no phase eforms-${s}`);
  return active;
};

/**
 * complete-validation.sch with only the patterns of `subtypes`' phases (and no phases), including
 * the SDK's files by absolute URI. Throws when a subtype's own pattern has a rule without its
 * subtype guard: the union would then apply it to the other subtypes' notices.
 */
const subsetSchema = (subtypes: string[]): string => {
  const complete = readFileSync(join(SCHEMATRONS, 'complete-validation.sch'), 'utf8');
  const active = patternsOf(complete, subtypes);
  for (const id of active) {
    const own = /-(\w+)$/.exec(id)?.[1] as string;
    if (!subtypes.includes(own)) continue;
    const file = readFileSync(join(SCHEMATRONS, `${id.replace(/^EFORMS-/, '')}.sch`), 'utf8');
    for (const m of file.matchAll(/<rule context="([^"]*)"/g))
      if (!(m[1] as string).includes(`[$noticeSubType = '${own}']`))
        throw new Error(
          `${id}: rule ${m[1]} is not guarded by its subtype; validate with the complete schema`,
        );
  }
  const included = complete.replace(/<include href="([^"]+)"\/>/g, (_all, href: string) =>
    active.has(`EFORMS-${href.replace(/\.sch$/, '')}`)
      ? `<include href="file://${join(SCHEMATRONS, href)}"/>`
      : '',
  );
  return included.replace(/\s*<phase id="[^"]+">[\s\S]*?<\/phase>/g, '');
};

/**
 * Saxon in a JVM tuned for one short run: C1 only (C2 would spend the cores optimising code that
 * runs once: loading the XSLT took 30 s with it and 7 s without on a busy 2-core machine) and the
 * serial collector (half the memory).
 */
const java = (args: string[]) =>
  execFileSync(
    'java',
    [
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-Xss8m',
      '-cp',
      SAXON_JAR,
      'net.sf.saxon.Transform',
      ...args,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    },
  );

/** The compiled Schematron of `subtypes`, from the cache or compiled now (with the seconds it took). */
export const compiledSchematron = (subtypes: string[]): { xsl: string; seconds: number } => {
  const wanted = [...new Set(subtypes)].sort();
  const key = sha(
    [
      ...readdirSync(SCHEMATRONS)
        .sort()
        .map((f) => `${f}:${sha(readFileSync(join(SCHEMATRONS, f)))}`),
      sha(readFileSync(SCHXSLT)),
      wanted.join(','),
      readFileSync(fileURLToPath(import.meta.url), 'utf8'),
    ].join('\n'),
  ).slice(0, 16);
  const xsl = join(CACHE, `eforms-${wanted.join('-')}-${key}.xsl`);
  if (existsSync(xsl)) return { xsl, seconds: 0 };
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, 'compile-'));
  try {
    const sch = join(work, 'rules.sch');
    writeFileSync(sch, subsetSchema(wanted));
    const started = performance.now();
    java([`-s:${sch}`, `-xsl:${SCHXSLT}`, `-o:${join(work, 'rules.xsl')}`]);
    const seconds = (performance.now() - started) / 1000;
    // Renamed into place whole: a concurrent run sees either no file or the complete one.
    renameSync(join(work, 'rules.xsl'), xsl);
    return { xsl, seconds };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

const attribute = (tag: string, name: string): string =>
  new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]?.replaceAll('&apos;', "'").replaceAll('&quot;', '"') ??
  '';

/** The failed asserts and successful reports of an SVRL report. */
export const svrlFindings = (svrl: string): FailedAssert[] =>
  [...svrl.matchAll(/<svrl:(?:failed-assert|successful-report)\b[^>]*>/g)].map((m) => ({
    id: attribute(m[0], 'id'),
    role: attribute(m[0], 'role') || 'ERROR',
    location: attribute(m[0], 'location'),
    test: attribute(m[0], 'test'),
  }));

/**
 * What Doffin sends on to TED for a Norwegian notice: DFØ's nor-to-eforms.xslt (eforms-sdk-nor)
 * keeps the texts in official EU languages and rebuilds BT-702 from them. One Saxon run.
 */
export const tedForm = (notices: { name: string; xml: string }[]): { name: string; xml: string }[] => {
  const work = mkdtempSync(join(tmpdir(), 'eforms-ted-'));
  try {
    mkdirSync(join(work, 'in'));
    mkdirSync(join(work, 'out'));
    for (const n of notices) writeFileSync(join(work, 'in', `${n.name}.xml`), n.xml);
    java([
      `-s:${join(work, 'in')}`,
      `-xsl:${join(EFORMS, 'nor/src/xslt/nor-to-eforms.xslt')}`,
      `-o:${join(work, 'out')}`,
    ]);
    return notices.map((n) => ({
      name: n.name,
      xml: readFileSync(join(work, 'out', `${n.name}.xml`), 'utf8'),
    }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

/** The official EU languages, as the SDK's rules list them. */
const OFFICIAL =
  "('BUL', 'CES', 'DAN', 'DEU', 'ELL', 'ENG', 'EST', 'FIN', 'FRA', 'GLE', 'HRV', 'HUN', 'ITA', 'LAV', 'LIT', 'MLT', 'NLD', 'POL', 'POR', 'RON', 'SLK', 'SLV', 'SPA', 'SWE')";

/**
 * An assert that allows only the official EU languages: BT-702 (BR-BT-00702-0102, -0103) and the
 * languageID of every text field. DFØ's rules for Doffin (eforms-sdk-nor) take Norwegian as well:
 * they leave out the BT-702 asserts (src/xslt/sch-cleanup-eu.xslt) and build the languageID lists
 * from their own language codelist, which has NOR.
 */
export const officialLanguagesOnly = (f: FailedAssert): boolean => f.test.includes(OFFICIAL);

const rootOf = (xml: string): string =>
  /<([A-Za-z]+)[\s>]/.exec(xml.replace(/<\?[^>]*\?>|<!--[\s\S]*?-->/g, ''))?.[1] ?? '';

/**
 * Validates `notices` (name → XML): XSD with xmllint (one call per document type), the Schematron
 * of `subtypes` (default: the subtypes the notices carry) in one Saxon run.
 */
export const validateNotices = (
  notices: { name: string; xml: string }[],
  subtypes?: string[],
): Validation => {
  const missing = eformsValidationMissing();
  if (missing) throw new Error(`eForms validation cannot run: ${missing}`);
  const names = new Set(notices.map((n) => n.name));
  if (names.size !== notices.length || [...names].some((n) => !/^[\w.-]+$/.test(n)))
    throw new Error('Notice names must be unique and plain (letters, digits, ".", "-", "_")');
  const kinds =
    subtypes ??
    [...new Set(notices.map((n) => /<cbc:SubTypeCode[^>]*>\s*([^<\s]+)\s*</.exec(n.xml)?.[1] ?? ''))].filter(
      Boolean,
    );
  const work = mkdtempSync(join(tmpdir(), 'eforms-'));
  try {
    const input = join(work, 'in');
    const output = join(work, 'out');
    mkdirSync(input);
    mkdirSync(output);
    for (const n of notices) writeFileSync(join(input, `${n.name}.xml`), n.xml);

    const xsdErrors = new Map<string, string[]>(notices.map((n) => [n.name, []]));
    const xsdStart = performance.now();
    const byRoot = new Map<string, string[]>();
    for (const n of notices) byRoot.set(rootOf(n.xml), [...(byRoot.get(rootOf(n.xml)) ?? []), n.name]);
    for (const [root, group] of byRoot) {
      const xsd = XSD[root];
      if (!xsd) {
        for (const name of group) xsdErrors.get(name)?.push(`No eForms XSD for the root element <${root}>`);
        continue;
      }
      const run = spawnSync(
        'xmllint',
        ['--noout', '--schema', join(EFORMS, xsd), ...group.map((name) => join(input, `${name}.xml`))],
        { encoding: 'utf8' },
      );
      for (const line of run.stderr.split('\n')) {
        const name = /\/in\/([\w.-]+)\.xml:/.exec(line)?.[1];
        if (name && !line.endsWith(' validates') && !line.includes('fails to validate'))
          xsdErrors.get(name)?.push(line);
      }
      if (run.status !== 0 && group.every((name) => xsdErrors.get(name)?.length === 0))
        throw new Error(`xmllint failed: ${run.stderr}`);
    }
    const xsdSeconds = (performance.now() - xsdStart) / 1000;

    const { xsl, seconds: compileSeconds } = compiledSchematron(kinds);
    const started = performance.now();
    java([`-s:${input}`, `-xsl:${xsl}`, `-o:${output}`]);
    const schematronSeconds = (performance.now() - started) / 1000;
    const reports = notices.map((n) => {
      const findings = svrlFindings(readFileSync(join(output, `${n.name}.xml`), 'utf8'));
      return {
        name: n.name,
        xsdErrors: xsdErrors.get(n.name) ?? [],
        errors: findings.filter((f) => f.role === 'ERROR' || f.role === 'FATAL'),
        warnings: findings.filter((f) => f.role !== 'ERROR' && f.role !== 'FATAL'),
      };
    });
    return { reports, compileSeconds, schematronSeconds, xsdSeconds };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
