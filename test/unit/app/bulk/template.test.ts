import { describe, expect, it } from 'vitest';
import { bulkTemplate } from '../../../../shared/app/bulk/template.js';
import { BULK_COLUMNS, BulkRowSchema } from '../../../../shared/app/bulk-row-schema.js';

describe('the bulk template', () => {
  it('has the columns the upload reads, in order, and an example row that is valid', () => {
    const { columns, example } = bulkTemplate();
    expect(columns).toEqual(BULK_COLUMNS);
    expect(example).toHaveLength(columns.length);
    const row = Object.fromEntries(columns.map((name, i) => [name, example[i]]));
    expect(BulkRowSchema.safeParse(row).success).toBe(true);
  });
});
