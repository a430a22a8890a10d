import { BlobServiceClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { createPartner, testApp } from '../support/app.js';
import { BULK_CSV_HEADER, bulkJobFinished, uploadBulk } from '../support/bulk.js';

/** What a bulk upload may be: its size and row limits, content types, columns, CSV dialects and JSON. */

const { stack, api } = testApp();

describe('bulk upload limits and formats', () => {
  it('over 5 MB is a 413 naming the limit', async () => {
    const p = await createPartner({ program: 'competency' });
    const big = `${BULK_CSV_HEADER}\r\n${`a@${p.domain},${'x'.repeat(90)},Y,,,\r\n`.repeat(60_000)}`;
    const response = await uploadBulk(p, big);
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('payload-too-large');
    expect(response.body.detail).toContain('5 MB');
  });

  it('over 10,000 rows is a 413 naming the limit', async () => {
    const p = await createPartner({ program: 'competency' });
    const rows = Array.from({ length: 10_001 }, (_, i) => ({
      email: `p${i}@${p.domain}`,
      firstName: 'P',
      lastName: 'Q',
    }));
    const response = await uploadBulk(p, { rows });
    expect(response.status).toBe(413);
    expect(response.body.detail).toContain('10000 rows');
  });

  it('a wrong content type is 415; a CSV without the required columns or with unknown ones is 400', async () => {
    const p = await createPartner({ program: 'competency' });
    expect((await uploadBulk(p, 'hello', { contentType: 'text/plain' })).status).toBe(415);
    const missing = await uploadBulk(p, `email,firstName\r\na@${p.domain},A\r\n`);
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('header.lastName');
    const unknown = await uploadBulk(p, `${BULK_CSV_HEADER},shoeSize\r\na@${p.domain},A,B,,,,42\r\n`);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('header.shoeSize');
    expect((await uploadBulk(p, `${BULK_CSV_HEADER}\r\n`)).status).toBe(400);
  });

  it('reads quoted fields, a byte-order mark and CRLF with a real CSV parser; JSON rows work too', async () => {
    const p = await createPartner({ program: 'competency' });
    const csv = `\uFEFF${BULK_CSV_HEADER}\r\n"quoted@${p.domain}","O'Brien, Jr.","Smith ""Smitty""",,,\r\n`;
    const accepted = await uploadBulk(p, csv);
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe(`/api${p.base}/bulk-assignments/${accepted.body.jobId}`);
    const job = await bulkJobFinished(p, accepted.body.jobId);
    expect(job.status).toBe('completed');
    const people = await api.request<{ items: { firstName: string; lastName: string }[] }>(
      'GET',
      `${p.base}/people`,
      {
        as: p.admin,
      },
    );
    expect(people.body.items).toEqual([
      expect.objectContaining({ firstName: "O'Brien, Jr.", lastName: 'Smith "Smitty"' }),
    ]);

    const json = await uploadBulk(p, {
      rows: [{ email: `json@${p.domain}`, firstName: 'Jay', lastName: 'Son' }],
    });
    expect(json.status).toBe(202);
    expect((await bulkJobFinished(p, json.body.jobId)).counts).toMatchObject({ total: 1, succeeded: 1 });
  });

  it('keeps a large upload in Blob storage as it came', async () => {
    const p = await createPartner({ program: 'competency' });
    const rows = Array.from(
      { length: 3_000 },
      (_, i) => `big${i}@${p.domain},${'N'.repeat(60)},Person ${i},,,`,
    );
    const csv = [BULK_CSV_HEADER, ...rows].join('\r\n');
    expect(Buffer.byteLength(csv)).toBeGreaterThan(256 * 1024);
    const response = await uploadBulk(p, csv, { dryRun: true });
    expect(response.status).toBe(202);
    const blobName = (response.body as unknown as { source: { blobName: string | null } }).source.blobName;
    expect(blobName).toBe(`${p.body.partnerId}/${response.body.jobId}.csv`);
    const blob = BlobServiceClient.fromConnectionString(stack.storageConnectionString)
      .getContainerClient('bulk-uploads')
      .getBlobClient(blobName!);
    expect((await blob.downloadToBuffer()).toString('utf8')).toBe(csv);
    expect((await bulkJobFinished(p, response.body.jobId)).counts).toMatchObject({
      total: 3_000,
      succeeded: 3_000,
    });
  });
});
