/** CSV exports: no cell can run as a formula when the file is opened in a spreadsheet. */
import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument } from '../../functions/shared/csv.ts';

describe('csvCell', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+SUM(A1:A2)', "'+SUM(A1:A2)"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1+2', "'\t=1+2"],
    ['=HYPERLINK("http://evil.example","x")', '"\'=HYPERLINK(""http://evil.example"",""x"")"'],
    ['\r=1', '"\'\r=1"'],
  ])('neutralises %j with a leading apostrophe', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('leaves ordinary text, numbers (negative ones too) and JSON as they are, quoting where CSV needs it', () => {
    expect(csvCell('Kari Nordmann')).toBe('Kari Nordmann');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(42)).toBe('42');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(null)).toBe('');
  });

  it('writes a document whose every cell is neutralised, header included', () => {
    const csv = csvDocument(['at', 'reason'] as const, [
      { at: '2026-01-01', reason: '=1+2' },
      { at: '2026-01-02' },
    ]);
    expect(csv).toBe("at,reason\n2026-01-01,'=1+2\n2026-01-02,\n");
  });
});
