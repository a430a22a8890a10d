import { AppError, notFound } from '../../../shared/domain/errors.js';
import type { BulkJob, BulkRowResult } from '../../../shared/domain/bulk.js';
import { rowResult } from '../../../shared/domain/bulk-plan.js';
import type { Partner } from '../../../shared/domain/partner.js';
import type {
  BulkChunk,
  BulkJobStore,
  BulkRowCounts,
  ChunkCompletion,
  Versioned,
} from '../../../shared/app/ports.js';
import type { FakePartnerRepository } from './repositories.js';
import { VersionedStore, clone } from './store.js';

/**
 * Bulk jobs, chunks (with their decisions once made) and per-chunk counts, as the Cosmos store keeps
 * them. The partner aggregate is the partner fake's, so `loadChunk` reads what a commit wrote.
 */
export class FakeBulkJobStore implements BulkJobStore {
  private readonly jobs = new Map<string, BulkJob>();
  readonly chunks = new VersionedStore<BulkChunk>();
  private readonly counts = new Map<string, BulkRowCounts>();
  private readonly completions = new Map<string, ChunkCompletion>();
  /** Every `loadChunk`, for assertions. */
  readonly loads: number[] = [];

  constructor(private readonly partners: FakePartnerRepository) {}

  static jobKey(partnerId: string, jobId: string): string {
    return `${partnerId}/${jobId}`;
  }

  static chunkKey(partnerId: string, jobId: string, n: number): string {
    return `${partnerId}/${jobId}/${n}`;
  }

  /** The stored job, for assertions (throws if there is none). */
  job(partnerId: string, jobId: string): BulkJob {
    const found = this.jobs.get(FakeBulkJobStore.jobKey(partnerId, jobId));
    if (!found) throw new Error(`no bulk job ${jobId} in the fake`);
    return clone(found);
  }

  allJobs(): BulkJob[] {
    return [...this.jobs.values()].map(clone);
  }

  /** The stored chunks of a job, in index order. */
  chunksOf(partnerId: string, jobId: string): BulkChunk[] {
    return this.chunks
      .values()
      .filter((c) => c.partnerId === partnerId && c.jobId === jobId)
      .sort((a, b) => a.index - b.index);
  }

  /** The outcomes of a job's decided chunks, in row order. */
  results(partnerId: string, jobId: string): BulkRowResult[] {
    const job = this.job(partnerId, jobId);
    return this.chunksOf(partnerId, jobId).flatMap((chunk) =>
      (chunk.plan?.decisions ?? []).map((d) => rowResult(d, job, new Date(chunk.plan!.plannedAt))),
    );
  }

  /** The counts recorded for one chunk, or null. */
  recordedCounts(partnerId: string, jobId: string, chunk: number): BulkRowCounts | null {
    const found = this.counts.get(FakeBulkJobStore.chunkKey(partnerId, jobId, chunk));
    return found ? clone(found) : null;
  }

  async createJob(job: BulkJob, chunks: BulkChunk[]): Promise<void> {
    const key = FakeBulkJobStore.jobKey(job.partnerId, job.jobId);
    if (this.jobs.has(key)) throw new AppError('already-exists', `Bulk job ${job.jobId} already exists.`);
    for (const chunk of chunks) {
      this.chunks.write(FakeBulkJobStore.chunkKey(chunk.partnerId, chunk.jobId, chunk.index), chunk);
    }
    this.jobs.set(key, clone(job));
  }

  async getJob(partnerId: string, jobId: string): Promise<BulkJob | null> {
    const found = this.jobs.get(FakeBulkJobStore.jobKey(partnerId, jobId));
    return found ? clone(found) : null;
  }

  async getChunk(partnerId: string, jobId: string, index: number): Promise<Versioned<BulkChunk> | null> {
    return this.chunks.read(FakeBulkJobStore.chunkKey(partnerId, jobId, index));
  }

  async loadChunk(partnerId: string, jobId: string, index: number) {
    this.loads.push(index);
    const partner: Versioned<Partner> | null = await this.partners.get(partnerId);
    return {
      job: await this.getJob(partnerId, jobId),
      chunk: await this.getChunk(partnerId, jobId, index),
      partner,
      completion: this.completion(partnerId, jobId, index),
    };
  }

  async recordChunkCounts(
    partnerId: string,
    jobId: string,
    chunk: number,
    counts: BulkRowCounts & ChunkCompletion,
  ): Promise<boolean> {
    const key = FakeBulkJobStore.chunkKey(partnerId, jobId, chunk);
    if (this.counts.has(key)) return false;
    const { nextQueued, recordedAt, ...rest } = counts;
    this.counts.set(key, clone(rest));
    this.completions.set(key, { nextQueued, recordedAt });
    return true;
  }

  async markNextChunkQueued(partnerId: string, jobId: string, chunk: number): Promise<void> {
    const key = FakeBulkJobStore.chunkKey(partnerId, jobId, chunk);
    const found = this.completions.get(key);
    if (!found) throw notFound(`Counts of chunk ${chunk}`);
    this.completions.set(key, { ...found, nextQueued: true });
  }

  /** The completion record of one chunk, or null. */
  completion(partnerId: string, jobId: string, chunk: number): ChunkCompletion | null {
    const found = this.completions.get(FakeBulkJobStore.chunkKey(partnerId, jobId, chunk));
    return found ? { ...found } : null;
  }

  async chunkCounts(partnerId: string, jobId: string, chunks: number): Promise<(BulkRowCounts | null)[]> {
    return Array.from({ length: chunks }, (_, chunk) => this.recordedCounts(partnerId, jobId, chunk));
  }

  async markStarted(partnerId: string, jobId: string, at: Date): Promise<void> {
    const key = FakeBulkJobStore.jobKey(partnerId, jobId);
    const found = this.jobs.get(key);
    if (!found) throw notFound(`Bulk job ${jobId}`);
    this.jobs.set(key, { ...clone(found), startedAt: at.toISOString() });
  }
}
