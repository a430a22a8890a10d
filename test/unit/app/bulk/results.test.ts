import { describe, expect, it } from 'vitest';
import { getBulkJob, listBulkRows } from '../../../../shared/app/bulk/results.js';
import { planChunk } from '../../../../shared/app/bulk/plan.js';
import { NOW } from '../../../support/mothers/clock.js';
import { aCompetencyPartner } from '../../../support/mothers/partner.js';
import { aStranger, anOperator } from '../../../support/mothers/principal.js';
import { rejectionOf } from '../../../support/app-error.js';
import { PARTNER, aWorld, associations, ctx, jsonUpload, row, runJob, submit, withSeats } from './world.js';

/** What a completed chunk's record holds beside its counts. */
const DONE = { nextQueued: true, recordedAt: NOW.toISOString() };

/** Records chunk `index` of the job as done with these counts. */
const chunkDone = (
  world: ReturnType<typeof aWorld>,
  jobId: string,
  index: number,
  counts: { succeeded: number; failed: number; skipped: number },
) => world.jobs.recordChunkCounts(PARTNER, jobId, index, { ...counts, ...DONE });

/** The job as its administrator reads it. */
const jobOf = (world: ReturnType<typeof aWorld>, jobId: string) =>
  getBulkJob(world.deps, ctx(), PARTNER, jobId);

describe('getBulkJob', () => {
  it('sums the recorded chunk counts; pending is the total less the rows done', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(250));
    await chunkDone(world, jobId, 0, { succeeded: 90, failed: 6, skipped: 4 });
    await chunkDone(world, jobId, 2, { succeeded: 45, failed: 0, skipped: 5 });

    expect(await jobOf(world, jobId)).toEqual({
      jobId,
      partnerId: PARTNER,
      dryRun: false,
      status: 'running',
      counts: { total: 250, succeeded: 135, failed: 6, skipped: 9, pending: 100 },
      emails: { queued: 0, sent: 0, failed: 0 },
      createdAt: NOW.toISOString(),
      source: { format: 'json', bytes: jsonUpload(associations(250)).raw.length, blobName: null },
    });

    await chunkDone(world, jobId, 1, { succeeded: 100, failed: 0, skipped: 0 });
    expect(await jobOf(world, jobId)).toMatchObject({
      status: 'completed-with-errors',
      counts: { total: 250, succeeded: 235, failed: 6, skipped: 9, pending: 0 },
    });
  });

  it('reads completed when every chunk is counted without failures', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(150));
    await chunkDone(world, jobId, 0, { succeeded: 100, failed: 0, skipped: 0 });
    await chunkDone(world, jobId, 1, { succeeded: 10, failed: 0, skipped: 40 });
    expect(await jobOf(world, jobId)).toMatchObject({
      status: 'completed',
      counts: { total: 150, succeeded: 110, failed: 0, skipped: 40, pending: 0 },
    });
  });

  it('counts a chunk only once it is done, not when it is decided but its documents are not written yet', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(3));
    const stored = (await world.jobs.getChunk(PARTNER, jobId, 0))!;
    const { plan } = planChunk(
      { partner: world.partners.current(PARTNER), known: new Set() },
      world.jobs.job(PARTNER, jobId),
      stored.value,
      NOW,
      'c',
    );
    world.jobs.chunks.write(`${PARTNER}/${jobId}/0`, { ...stored.value, plan });
    expect(await jobOf(world, jobId)).toMatchObject({
      status: 'queued',
      counts: { total: 3, succeeded: 0, failed: 0, skipped: 0, pending: 3 },
    });
    expect((await listBulkRows(world.deps, ctx(), PARTNER, jobId, {}, { limit: 10 })).items).toEqual([]);
  });

  it('answers not-found for an unknown job and to someone outside the partner; an operator may read', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(1));
    await rejectionOf(getBulkJob(world.deps, ctx(), PARTNER, 'no-such-job'), 'not-found');
    await rejectionOf(getBulkJob(world.deps, ctx(aStranger()), PARTNER, jobId), 'not-found');
    expect((await getBulkJob(world.deps, ctx(anOperator()), PARTNER, jobId)).jobId).toBe(jobId);
  });
});

describe('the job’s emails', () => {
  it('counts the invitations of the job’s grants by delivery state, and none for a dry run', async () => {
    const world = aWorld(withSeats(aCompetencyPartner(), 5));
    const rows = ['a', 'b', 'c'].map((n) => row(`${n}@contoso.com`, { privilege: 'msdn-subscriptions' }));
    const { jobId } = await runJob(world, rows);
    const [first, second] = world.assignments.all();
    world.assignments.put({ ...first!, delivery: { ...first!.delivery, state: 'sent' } });
    world.assignments.put({ ...second!, delivery: { ...second!.delivery, state: 'failed' } });
    expect((await jobOf(world, jobId)).emails).toEqual({
      queued: 1,
      sent: 1,
      failed: 1,
    });
    const dry = await submit(world, rows, true);
    expect(dry.emails).toBeNull();
  });
});

describe('listBulkRows', () => {
  it('lists the row outcomes in row order, filtered by outcome and paged', async () => {
    const world = aWorld();
    const { jobId } = await runJob(world, [
      row('a@contoso.com'),
      row('eve@fabrikam.com'),
      row('b@contoso.com'),
    ]);
    const all = await listBulkRows(world.deps, ctx(), PARTNER, jobId, {}, { limit: 2 });
    expect(all.items.map((r) => r.row)).toEqual([1, 2]);
    const rest = await listBulkRows(
      world.deps,
      ctx(),
      PARTNER,
      jobId,
      {},
      {
        limit: 2,
        cursor: all.nextCursor ?? undefined,
      },
    );
    expect(rest).toMatchObject({ items: [{ row: 3 }], nextCursor: null });
    const failed = await listBulkRows(
      world.deps,
      ctx(),
      PARTNER,
      jobId,
      { outcome: 'failed' },
      { limit: 50 },
    );
    expect(failed.items.map((r) => [r.row, r.code])).toEqual([[2, 'email-domain-not-verified']]);
  });

  it('pages across chunks, and skips the chunks without a row of the outcome asked for', async () => {
    const world = aWorld();
    const rows = associations(250);
    rows[219] = row('eve@fabrikam.com'); // row 220, in the third chunk
    const { jobId } = await runJob(world, rows);
    const rowsSeen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listBulkRows(world.deps, ctx(), PARTNER, jobId, {}, { limit: 60, cursor });
      rowsSeen.push(...page.items.map((r) => r.row));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(rowsSeen).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));

    const getChunk = world.jobs.getChunk.bind(world.jobs);
    const read: number[] = [];
    world.jobs.getChunk = async (partnerId, id, index) => (read.push(index), getChunk(partnerId, id, index));
    const failed = await listBulkRows(
      world.deps,
      ctx(),
      PARTNER,
      jobId,
      { outcome: 'failed' },
      { limit: 50 },
    );
    expect(failed.items.map((r) => r.row)).toEqual([220]);
    expect(read).toEqual([2]);
  });

  it('refuses a cursor it did not make', async () => {
    const world = aWorld();
    const { jobId } = await runJob(world, [row('a@contoso.com')]);
    await rejectionOf(
      listBulkRows(world.deps, ctx(), PARTNER, jobId, {}, { limit: 10, cursor: 'x' }),
      'validation-failed',
    );
  });

  it('answers not-found to someone outside the partner', async () => {
    const world = aWorld();
    const { jobId } = await runJob(world, [row('a@contoso.com')]);
    await rejectionOf(
      listBulkRows(world.deps, ctx(aStranger()), PARTNER, jobId, {}, { limit: 10 }),
      'not-found',
    );
  });
});
