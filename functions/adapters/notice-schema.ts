/**
 * A notice's XML checked against the eForms SDK's XSDs (./eforms-xsd, copied from SDK 1.15.1) before
 * the product submits it: xmllint compiled to WebAssembly (xmllint-wasm), in the function itself, so
 * a notice the schema refuses never reaches Doffin and the officer reads xmllint's own words with
 * their line. The eForms Schematron rules need XSLT 2 (Saxon) and run where they can: in the tests
 * (test/conformance/eforms.test.ts) and in Doffin's own validation, which every submission passes.
 *
 * The wasm module and the XSDs are loaded on the first check, not at the function's start: only a
 * submission pays for them (about 0.3 s the first time). On Lambda the folder and the package sit
 * beside the bundle (lib/constructs/functions.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface SchemaError {
  message: string;
  line?: number;
}

/** The UBL main document each root element is checked against. */
const SCHEMA: Record<string, string> = {
  ContractNotice: 'UBL-ContractNotice-2.3.xsd',
  ContractAwardNotice: 'UBL-ContractAwardNotice-2.3.xsd',
};

let files: { fileName: string; contents: string }[] | undefined;
const schemaFiles = () => {
  if (!files) {
    const dir = new URL('./eforms-xsd/', import.meta.url);
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.xsd'))
      .map((f) => ({ fileName: f, contents: readFileSync(new URL(f, dir), 'utf8') }));
  }
  return files;
};

/** The XSD errors of a notice (none: valid). The root element picks the schema. */
export const schemaErrors = async (xml: string): Promise<SchemaError[]> => {
  const root = /<(?:\w+:)?(ContractNotice|ContractAwardNotice)[\s>]/.exec(xml)?.[1];
  const schema = root ? SCHEMA[root] : undefined;
  if (!schema) return [{ message: 'The root element is neither ContractNotice nor ContractAwardNotice' }];
  const all = schemaFiles();
  const { validateXML } = await import('xmllint-wasm');
  const result = await validateXML({
    xml: [{ fileName: 'notice.xml', contents: xml }],
    schema: all.filter((f) => f.fileName === schema),
    preload: all.filter((f) => f.fileName !== schema),
    maxMemoryPages: 4096,
  });
  return result.errors.map((e) => ({
    message: e.message,
    ...(e.loc?.lineNumber ? { line: e.loc.lineNumber } : {}),
  }));
};
