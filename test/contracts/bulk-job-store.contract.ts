import { describe, expect, it } from 'vitest';
import type { BulkChunk, BulkJobStore, PartnerPartition } from '../../shared/app/ports.js';
import type { BulkJob } from '../../shared/domain/bulk.js';
import { aPartner } from '../support/mothers/partner.js';
import { freshId, freshPartnerId, type MakeSubject } from './support.js';

/** The job store, and the partition through which a chunk's plan is committed with the aggregate. */
export interface BulkJobStoreSubject {
  jobs: BulkJobStore;
  partition: PartnerPartition;
}

const AT = '2025-03-10T12:00:00.000Z';

const aJob = (partnerId: string, jobId: string, chunks: number): BulkJob => ({
  jobId,
  partnerId,
  dryRun: false,
  total: chunks * 2,
  chunks,
  createdAt: AT,
  createdBy: {
    issuer: 'https://login.example/tenant/v2.0',
    subject: 'subject-admin',
    tenantId: 'tenant',
    objectId: 'object',
    email: 'ada@contoso.com',
    roles: [],
  },
  source: { format: 'csv', bytes: 120, blobName: null },
  startedAt: null,
});

const chunksOf = (job: BulkJob): BulkChunk[] =>
  Array.from({ length: job.chunks }, (_, index) => ({
    jobId: job.jobId,
    partnerId: job.partnerId,
    index,
    firstRow: index * 2 + 1,
    rows: [{ email: `row${index * 2 + 1}@contoso.com` }, { email: `row${index * 2 + 2}@contoso.com` }],
    plan: null,
  }));

const counts = (succeeded: number) => ({
  succeeded,
  failed: 1,
  skipped: 0,
  nextQueued: false,
  recordedAt: AT,
});

/** What submitting, running and reading a bulk job rely on from the job store. */
export function describeBulkJobStoreContract(
  label: string,
  makeSubject: MakeSubject<BulkJobStoreSubject>,
): void {
  describe(`BulkJobStore contract: ${label}`, () => {
    const created = async (chunks = 3) => {
      const subject = await makeSubject();
      const job = aJob(freshPartnerId(), freshId('job'), chunks);
      const chunkList = chunksOf(job);
      await subject.jobs.createJob(job, chunkList);
      return { ...subject, job, chunks: chunkList, partnerId: job.partnerId, jobId: job.jobId };
    };

    it('answers null for a job, a chunk and a load that find nothing', async () => {
      const { jobs } = await makeSubject();
      const partnerId = freshPartnerId();
      expect(await jobs.getJob(partnerId, 'job-none')).toBeNull();
      expect(await jobs.getChunk(partnerId, 'job-none', 0)).toBeNull();
      expect(await jobs.loadChunk(partnerId, 'job-none', 0)).toEqual({
        job: null,
        chunk: null,
        partner: null,
        completion: null,
      });
    });

    it('reads back the job and each of its chunks, each chunk at its own ETag', async () => {
      const { jobs, job, chunks, partnerId, jobId } = await created();
      expect(await jobs.getJob(partnerId, jobId)).toEqual(job);
      const read = await Promise.all(chunks.map((c) => jobs.getChunk(partnerId, jobId, c.index)));
      expect(read.map((c) => c?.value)).toEqual(chunks);
      expect(new Set(read.map((c) => c?.etag)).size).toBe(chunks.length);
      expect(await jobs.getChunk(partnerId, jobId, chunks.length)).toBeNull();
    });

    it('refuses a second job with the same id', async () => {
      const { jobs, job, chunks } = await created(1);
      await expect(jobs.createJob(job, chunks)).rejects.toThrow();
      expect(await jobs.getJob(job.partnerId, job.jobId)).toEqual(job);
    });

    it("loads a chunk's run in one: the job, the chunk, the partner aggregate and no completion yet", async () => {
      const { jobs, partition, job, chunks, partnerId, jobId } = await created();
      const seeded = await partition.commit(partnerId, [
        { op: 'create', document: { kind: 'partner', value: aPartner({ partnerId }) } },
      ]);
      if (!seeded.ok) throw new Error(`seeding the partner failed: ${JSON.stringify(seeded)}`);
      const loaded = await jobs.loadChunk(partnerId, jobId, 1);
      expect(loaded).toEqual({
        job,
        chunk: await jobs.getChunk(partnerId, jobId, 1),
        partner: { value: aPartner({ partnerId }), etag: seeded.etags[0] },
        completion: null,
      });
      expect(loaded.chunk?.value).toEqual(chunks[1]);
    });

    it('records a chunk\'s counts once: a second delivery is told "false" and changes nothing', async () => {
      const { jobs, partnerId, jobId } = await created();
      expect(await jobs.recordChunkCounts(partnerId, jobId, 1, counts(1))).toBe(true);
      expect(await jobs.recordChunkCounts(partnerId, jobId, 1, { ...counts(2), nextQueued: true })).toBe(
        false,
      );
      expect(await jobs.chunkCounts(partnerId, jobId, 3)).toEqual([
        null,
        { succeeded: 1, failed: 1, skipped: 0 },
        null,
      ]);
      expect((await jobs.loadChunk(partnerId, jobId, 1)).completion).toEqual({
        recordedAt: AT,
        nextQueued: false,
      });
      expect((await jobs.loadChunk(partnerId, jobId, 0)).completion).toBeNull();
    });

    it('marks the next chunk queued on a recorded chunk, and refuses to where nothing is recorded', async () => {
      const { jobs, partnerId, jobId } = await created();
      await jobs.recordChunkCounts(partnerId, jobId, 0, counts(2));
      await jobs.markNextChunkQueued(partnerId, jobId, 0);
      expect((await jobs.loadChunk(partnerId, jobId, 0)).completion).toEqual({
        recordedAt: AT,
        nextQueued: true,
      });
      await expect(jobs.markNextChunkQueued(partnerId, jobId, 2)).rejects.toThrow();
      expect((await jobs.loadChunk(partnerId, jobId, 2)).completion).toBeNull();
    });

    it('marks a job started, and refuses to for a job that does not exist', async () => {
      const { jobs, job, partnerId, jobId } = await created(1);
      await jobs.markStarted(partnerId, jobId, new Date(AT));
      expect(await jobs.getJob(partnerId, jobId)).toEqual({ ...job, startedAt: AT });
      await expect(jobs.markStarted(partnerId, 'job-none', new Date(AT))).rejects.toThrow();
      expect(await jobs.getJob(partnerId, 'job-none')).toBeNull();
    });

    it("commits a chunk's plan through the partition at the chunk's ETag, and refuses a stale one", async () => {
      const { jobs, partition, chunks, partnerId, jobId } = await created();
      const read = await jobs.getChunk(partnerId, jobId, 0);
      if (!read) throw new Error('chunk 0 is missing');
      const plan = { plannedAt: AT, correlationId: 'corr-1', decisions: [] };
      const planned = { ...chunks[0]!, plan };
      const result = await partition.commit(partnerId, [
        { op: 'replace', document: { kind: 'bulk-chunk', value: planned }, ifMatch: read.etag },
      ]);
      if (!result.ok) throw new Error(`commit failed: ${JSON.stringify(result)}`);
      expect(await jobs.getChunk(partnerId, jobId, 0)).toEqual({ value: planned, etag: result.etags[0] });
      expect(result.etags[0]).not.toBe(read.etag);
      // A second delivery that read the chunk before the plan was committed must not decide it again.
      const again = await partition.commit(partnerId, [
        { op: 'replace', document: { kind: 'bulk-chunk', value: planned }, ifMatch: read.etag },
      ]);
      expect(again).toEqual({ ok: false, index: 0, status: 412 });
    });
  });
}
