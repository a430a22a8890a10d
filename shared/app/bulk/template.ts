import { PRIVILEGES } from '../../domain/program.js';
import { TECHNICAL_CONTACT_SLOTS } from '../../domain/partner.js';
import { BULK_COLUMNS, BulkRowSchema } from '../bulk-row-schema.js';

export interface BulkTemplate {
  columns: string[];
  /** One example row, a cell per column, valid against the row schema. */
  example: string[];
}

const EXAMPLE: Record<string, string> = {
  email: 'ada.lovelace@contoso.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  notificationEmail: '',
  technicalContact: TECHNICAL_CONTACT_SLOTS[0],
  privilege: PRIVILEGES[0],
};

/**
 * The bulk upload's template: the header the parser reads (the same column list) and one example row.
 * Anyone may have it: it names no partner and nothing stored.
 */
export function bulkTemplate(): BulkTemplate {
  const columns = [...BULK_COLUMNS];
  const example = columns.map((name) => EXAMPLE[name] ?? '');
  const row = Object.fromEntries(columns.map((name, i) => [name, example[i]!]));
  // A template whose own example the upload would refuse helps nobody: checked when it is built.
  if (!BulkRowSchema.safeParse(row).success) throw new Error('The bulk template example is not a valid row.');
  return { columns, example };
}
