/**
 * CSV as the product writes it (RFC 4180), safe to open in a spreadsheet: every CSV export goes
 * through `csvCell`/`csvDocument`, so no cell can run as a formula.
 */

/**
 * Spreadsheets (Excel, LibreOffice, Google Sheets) run a cell that starts with one of these as a
 * formula or a command (CSV/formula injection, OWASP): `=1+2`, `+cmd|…`, `-2+3`, `@SUM(…)`, and a
 * tab or carriage return in front of one.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell: a number as it is (a negative one stays a number), text neutralised with a leading `'`
 * when it starts like a formula, anything else as JSON; then quoted if it needs to be.
 */
export const csvCell = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

/** A CSV document: a header row of `columns`, then one row per record, each line ending in a newline. */
export const csvDocument = <C extends string>(
  columns: readonly C[],
  rows: readonly Partial<Record<C, unknown>>[],
): string =>
  `${[columns.map(csvCell).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n')}\n`;
