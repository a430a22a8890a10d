import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { AppError } from '../domain/errors.js';
import { BULK_COLUMNS } from '../app/bulk-row-schema.js';

/**
 * A cell a spreadsheet would read as a formula (=, +, -, @, tab, carriage return) is prefixed with a
 * single quote, so an exported file cannot run anything when opened (CSV injection).
 */
export function neutralizeFormula(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return stringify([header, ...rows.map((row) => row.map(neutralizeFormula))], {
    record_delimiter: '\r\n',
    quoted_match: /[\r\n]/,
  });
}

export const csvResponse = (body: string, filename: string) => ({
  status: 200,
  headers: {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
    'x-content-type-options': 'nosniff',
  },
  body,
});

const REQUIRED_COLUMNS = ['email', 'firstName', 'lastName'];

/**
 * A bulk upload's CSV, read by a real parser (quoted fields, a byte-order mark, CRLF): one object per
 * row, keyed by the header. A header without the required columns, or with unknown ones, is refused.
 */
export function parseCsvRows(bytes: Buffer): Record<string, string>[] {
  let records: string[][];
  try {
    records = parse(bytes, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      // A file edited on several systems may mix line endings: any of them ends a record.
      record_delimiter: ['\r\n', '\n', '\r'],
    });
  } catch (error) {
    throw new AppError(
      'validation-failed',
      `The CSV cannot be read: ${error instanceof Error ? error.message : 'malformed'}.`,
    );
  }
  const [header, ...rows] = records;
  if (!header) throw new AppError('validation-failed', 'The CSV is empty: it needs a header and rows.');
  const columns = header.map((name) => name.trim());
  const unknown = columns.filter((name) => !BULK_COLUMNS.includes(name));
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.includes(name));
  if (unknown.length || missing.length) {
    throw new AppError(
      'validation-failed',
      `The CSV header must be ${BULK_COLUMNS.join(',')} (the last three optional).`,
      {},
      [
        ...missing.map((name) => ({ path: `header.${name}`, message: 'required column is missing' })),
        ...unknown.map((name) => ({ path: `header.${name}`, message: 'unknown column' })),
      ],
    );
  }
  return rows.map((cells) => {
    const row: Record<string, string> = Object.fromEntries(columns.map((name, i) => [name, cells[i] ?? '']));
    // More cells than columns (an unquoted comma, say) fails that row, not the upload.
    if (cells.length > columns.length) row['extraCells'] = cells.slice(columns.length).join(',');
    return row;
  });
}
