import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createPartner, testApp } from '../support/app.js';
import { BULK_CSV_HEADER, allRows, bulkJobFinished, uploadBulk } from '../support/bulk.js';

/** The bulk upload's template: anyone may download it, and its own example is a row the upload takes. */

const { api } = testApp();

describe('the bulk CSV template', () => {
  it('is served to anyone as a CSV attachment: the header the upload reads and one example row', async () => {
    const response = await api.request<string>('GET', '/bulk-assignments/template.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="bulk-assignments-template.csv"',
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const lines = response.text.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(BULK_CSV_HEADER);
    expect(lines).toHaveLength(2);
  });

  it("answers the same with a bearer token, and its example (moved to the partner's domain) passes a dry run", async () => {
    const p = await createPartner();
    const response = await api.request<string>('GET', '/bulk-assignments/template.csv', { as: p.admin });
    expect(response.status).toBe(200);
    const [example] = parse(response.text, { columns: true }) as Record<string, string>[];
    expect(example).toMatchObject({ firstName: expect.any(String), lastName: expect.any(String) });
    const email = `${example!['email']!.split('@')[0]}@${p.domain}`;
    const csv = `${BULK_CSV_HEADER}\r\n${BULK_CSV_HEADER.split(',')
      .map((column) => (column === 'email' ? email : example![column]))
      .join(',')}\r\n`;
    const accepted = await uploadBulk(p, csv, { dryRun: true });
    expect(accepted.status).toBe(202);
    expect((await bulkJobFinished(p, accepted.body.jobId)).counts).toMatchObject({ total: 1, succeeded: 1 });
    expect((await allRows(p, accepted.body.jobId))[0]).toMatchObject({ email, outcome: 'succeeded' });
  });

  it('takes no other method', async () => {
    const response = await api.request('POST', '/bulk-assignments/template.csv', { rawBody: 'x' });
    expect(response.status).toBeGreaterThanOrEqual(400);
  });
});
