import type { FastifyReply } from 'fastify';
import { stringify } from 'csv-stringify/sync';

/** A value a CSV cell can hold: dates become ISO timestamps, booleans yes/no, null and undefined an empty cell. */
export type CsvCell = string | number | boolean | Date | null | undefined;

const UTF8_BOM = '\uFEFF';

/**
 * The one writer behind every CSV download. Text that a spreadsheet would run as a formula (starting with =, +, -, @,
 * a tab or a carriage return, or their full-width forms) gets a leading apostrophe, so a name typed into a public form
 * cannot become a live formula in an editor's spreadsheet; numbers stay numbers. The text starts with a UTF-8
 * byte-order mark, without which Excel reads the file as Windows-1252 and mangles accents.
 */
export class CsvExport {
  private readonly chunks: string[];

  constructor(private readonly columns: readonly string[]) {
    this.chunks = [stringify([[...columns]], OPTIONS)];
  }

  /** Adds rows, each with one cell per column in the order the columns were given. */
  add(rows: ReadonlyArray<readonly CsvCell[]>): this {
    for (const row of rows) {
      if (row.length !== this.columns.length) throw new Error(`A CSV row has ${row.length} cells for ${this.columns.length} columns`);
    }
    if (rows.length) this.chunks.push(stringify(rows as CsvCell[][], OPTIONS));
    return this;
  }

  /** The whole file: byte-order mark, header line, then the rows. */
  toString(): string {
    return UTF8_BOM + this.chunks.join('');
  }
}

const OPTIONS = {
  escape_formulas: true,
  cast: {
    date: (d: Date) => d.toISOString(),
    boolean: (b: boolean) => (b ? 'yes' : 'no'),
  },
} as const;

/** A whole CSV file from its columns and rows, through the one exporter. */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return new CsvExport(columns).add(rows).toString();
}

/** Sends a CSV file as a download, with the charset and file name every export uses. */
export function sendCsv(reply: FastifyReply, filename: string, csv: string | CsvExport): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`)
    .send(String(csv));
}
