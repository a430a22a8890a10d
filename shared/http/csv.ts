import { stringify } from 'csv-stringify/sync';

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
