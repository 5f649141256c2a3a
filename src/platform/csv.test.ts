import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CsvExport, toCsv } from './csv.js';

const FORMULAS = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '＝1+1', '＋1', '－1', '＠SUM(1)'];

describe('the CSV exporter', () => {
  it('starts with a UTF-8 byte-order mark so Excel keeps accents, and reads back exactly', () => {
    const csv = toCsv(['name', 'town'], [['Zoë Brontë', 'Saint-Étienne, "old town"']]);
    expect(csv.startsWith('\uFEFFname,town\n')).toBe(true);
    const rows = parse(csv, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows).toEqual([{ name: 'Zoë Brontë', town: 'Saint-Étienne, "old town"' }]);
  });

  it('defuses every cell a spreadsheet would run as a formula, and leaves numbers, dates and plain text alone', () => {
    const csv = new CsvExport(['text', 'n', 'when', 'flag'])
      .add(FORMULAS.map((f) => [f, -5, new Date(Date.UTC(2024, 0, 2)), true]))
      .add([['A. Person-Smith', 3, null, false]])
      .toString();
    const rows = parse(csv, { bom: true, from_line: 2, relax_column_count: false }) as string[][];
    expect(rows.map((r) => r[0])).toEqual([...FORMULAS.map((f) => `'${f}`), 'A. Person-Smith']);
    expect(rows[0]!.slice(1)).toEqual(['-5', '2024-01-02T00:00:00.000Z', 'yes']);
    expect(rows.at(-1)!.slice(1)).toEqual(['3', '', 'no']);
  });

  it('refuses a row whose cells do not match the columns', () => {
    expect(() => new CsvExport(['a', 'b']).add([['only one']])).toThrow('1 cells for 2 columns');
  });
});
