import { describe, expect, it } from 'vitest';
import { submitBulkJob } from '../../../../shared/app/bulk/submit.js';
import { NOW } from '../../../support/mothers/clock.js';
import { CONTOSO_TENANT, aStranger, anOperator, objectIdOf } from '../../../support/mothers/principal.js';
import { rejectionOf } from '../../../support/app-error.js';
import {
  AP,
  CORRELATION,
  PARTNER,
  aWorld,
  associations,
  ctx,
  expectNothingStored,
  jsonUpload,
  messageFor,
  row,
  submit,
} from './world.js';

describe('submitBulkJob', () => {
  it('answers not-found to someone who is not an administrator of the partner, and stores nothing', async () => {
    const world = aWorld();
    await rejectionOf(submit(world, [row('grace@contoso.com')], false, aStranger()), 'not-found');
    expectNothingStored(world);
  });

  it('refuses a platform operator with forbidden (operators do not manage people), and stores nothing', async () => {
    const world = aWorld();
    await rejectionOf(submit(world, [row('grace@contoso.com')], false, anOperator()), 'forbidden');
    expectNothingStored(world);
  });

  it('answers not-found for a partner that does not exist', async () => {
    const world = aWorld();
    await rejectionOf(
      submitBulkJob(world.deps, ctx(), 'fabrikam', jsonUpload([row('grace@contoso.com')]), { dryRun: false }),
      'not-found',
    );
    expectNothingStored(world);
  });

  it('refuses an upload with no rows with validation-failed', async () => {
    const world = aWorld();
    await rejectionOf(submit(world, []), 'validation-failed');
    await rejectionOf(submit(world, [], true), 'validation-failed');
    expectNothingStored(world);
  });

  it('refuses 10,001 rows with payload-too-large naming the 10000-row limit, and stores nothing', async () => {
    const world = aWorld();
    const error = await rejectionOf(submit(world, associations(10_001)), 'payload-too-large');
    expect(error.message).toContain('10000');
    expect(error.details).toEqual({ limitRows: 10_000 });
    expectNothingStored(world);
  });

  it('takes exactly 10,000 rows, in 100 chunks', async () => {
    const world = aWorld();
    const view = await submit(world, associations(10_000));
    const job = world.jobs.job(PARTNER, view.jobId);
    expect(job.total).toBe(10_000);
    expect(job.chunks).toBe(100);
    const chunks = world.jobs.chunksOf(PARTNER, view.jobId);
    expect(chunks).toHaveLength(100);
    expect(chunks.at(-1)).toMatchObject({ index: 99, firstRow: 9_901 });
    expect(chunks.at(-1)!.rows).toHaveLength(100);
  });

  it('stores the job and its rows in chunks of 100 with the 1-based number of each chunk’s first row', async () => {
    const world = aWorld();
    const rows = associations(250);
    const upload = jsonUpload(rows);
    const view = await submitBulkJob(world.deps, ctx(), PARTNER, upload, { dryRun: false });

    expect(world.jobs.job(PARTNER, view.jobId)).toEqual({
      jobId: view.jobId,
      partnerId: PARTNER,
      dryRun: false,
      total: 250,
      chunks: 3,
      createdAt: NOW.toISOString(),
      createdBy: {
        issuer: `https://login.example.test/${CONTOSO_TENANT}/v2.0`,
        subject: 'subject-admin',
        tenantId: CONTOSO_TENANT,
        objectId: objectIdOf(CONTOSO_TENANT, 'ada@contoso.com'),
        email: 'ada@contoso.com',
        roles: [],
      },
      source: { format: 'json', bytes: upload.raw.length, blobName: null },
    });
    expect(world.jobs.chunksOf(PARTNER, view.jobId)).toEqual([
      { jobId: view.jobId, partnerId: PARTNER, index: 0, firstRow: 1, rows: rows.slice(0, 100) },
      { jobId: view.jobId, partnerId: PARTNER, index: 1, firstRow: 101, rows: rows.slice(100, 200) },
      { jobId: view.jobId, partnerId: PARTNER, index: 2, firstRow: 201, rows: rows.slice(200) },
    ]);
  });

  it('stores a job of exactly 100 rows as one chunk and of 101 rows as two', async () => {
    const world = aWorld();
    const hundred = await submit(world, associations(100));
    const hundredAndOne = await submit(world, associations(101));
    expect(world.jobs.chunksOf(PARTNER, hundred.jobId).map((c) => [c.firstRow, c.rows.length])).toEqual([
      [1, 100],
    ]);
    expect(world.jobs.chunksOf(PARTNER, hundredAndOne.jobId).map((c) => [c.firstRow, c.rows.length])).toEqual(
      [
        [1, 100],
        [101, 1],
      ],
    );
  });

  it('queues only the first chunk and answers the job as queued with every row pending', async () => {
    const world = aWorld();
    const view = await submit(world, associations(250));
    expect(world.queue.messages).toEqual([messageFor(view.jobId, 0)]);
    expect(view).toEqual({
      jobId: view.jobId,
      partnerId: PARTNER,
      dryRun: false,
      status: 'queued',
      counts: { total: 250, succeeded: 0, failed: 0, skipped: 0, pending: 250 },
      emails: { queued: 0, sent: 0, failed: 0 },
      createdAt: NOW.toISOString(),
      source: { format: 'json', bytes: jsonUpload(associations(250)).raw.length, blobName: null },
    });
  });

  it('runs no row at submission', async () => {
    const world = aWorld();
    await submit(world, [row('grace@contoso.com', { technicalContact: 'first', privilege: AP })]);
    expect(await world.people.list(PARTNER, {}, { limit: 10 })).toEqual({ items: [], nextCursor: null });
    expect(world.partners.updateCalls).toBe(0);
    expect(world.partition.commits).toBe(0);
    expect(world.assignments.all()).toEqual([]);
    expect(world.jobs.loads).toEqual([]);
  });

  /** Submits one row as an upload of the given format whose raw bytes are `raw`. */
  const submitUpload = (world: ReturnType<typeof aWorld>, format: 'csv' | 'json', raw: Buffer) =>
    submitBulkJob(
      world.deps,
      ctx(),
      PARTNER,
      { rows: [row('grace@contoso.com')], format, raw },
      { dryRun: false },
    );

  it('keeps an upload of 256 KiB in the upload store as it came, named after the partner and job', async () => {
    const world = aWorld();
    const raw = Buffer.alloc(256 * 1024, 'a');
    const view = await submitUpload(world, 'csv', raw);
    expect(world.uploads.saved).toHaveLength(1);
    const saved = world.uploads.saved[0]!;
    expect(saved.name).toBe(`contoso/${view.jobId}.csv`);
    expect(saved.contentType).toBe('text/csv');
    expect(saved.bytes.equals(raw)).toBe(true);
    expect(view.source).toEqual({ format: 'csv', bytes: 262_144, blobName: `contoso/${view.jobId}.csv` });
    expect(world.jobs.job(PARTNER, view.jobId).source.blobName).toBe(`contoso/${view.jobId}.csv`);
  });

  it('keeps a large JSON upload as application/json', async () => {
    const world = aWorld();
    const raw = Buffer.alloc(300 * 1024, ' ');
    const view = await submitUpload(world, 'json', raw);
    expect(world.uploads.saved.map((s) => [s.name, s.contentType])).toEqual([
      [`contoso/${view.jobId}.json`, 'application/json'],
    ]);
  });

  it('does not keep an upload one byte under 256 KiB', async () => {
    const world = aWorld();
    const raw = Buffer.alloc(256 * 1024 - 1, 'a');
    const view = await submitUpload(world, 'csv', raw);
    expect(world.uploads.saved).toEqual([]);
    expect(view.source).toEqual({ format: 'csv', bytes: 262_143, blobName: null });
  });

  it('records the submission in the audit log', async () => {
    const world = aWorld();
    const view = await submit(world, associations(3));
    expect(world.audit.events).toHaveLength(1);
    expect(world.audit.events[0]).toMatchObject({
      partnerId: PARTNER,
      at: NOW.toISOString(),
      actor: { subject: 'subject-admin', email: 'ada@contoso.com' },
      action: 'bulk.submitted',
      target: { type: 'bulk-job', id: view.jobId },
      details: { rows: 3, format: 'json' },
      correlationId: CORRELATION,
    });
  });

  it('gives each job its own id', async () => {
    const world = aWorld();
    const one = await submit(world, associations(1));
    const two = await submit(world, associations(1));
    expect(one.jobId).not.toBe(two.jobId);
  });
});
