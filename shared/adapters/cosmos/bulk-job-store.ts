import type { Container, OperationInput } from '@azure/cosmos';
import type { BulkJob } from '../../domain/bulk.js';
import type { Partner } from '../../domain/partner.js';
import type { BulkChunk, BulkJobStore, BulkRowCounts, Versioned } from '../../app/ports.js';
import { cosmosCall, fromDocument, readTogether, statusOf } from './documents.js';
import {
  PARTNER_DOCUMENT_ID,
  bulkChunkDocumentId,
  bulkCountsDocumentId,
  bulkJobDocumentId,
  toCosmosDocument,
} from './partition.js';

const asVersioned = <T>(resource: Record<string, unknown> | undefined, type: string): Versioned<T> | null =>
  resource && resource['type'] === type
    ? { value: fromDocument<T>(resource), etag: String(resource['_etag']) }
    : null;

/** Bulk jobs: a job document, one document per chunk of rows (with its decisions), and per-chunk counts. */
export class CosmosBulkJobStore implements BulkJobStore {
  constructor(private readonly container: () => Promise<Container>) {}

  async createJob(job: BulkJob, chunks: BulkChunk[]): Promise<void> {
    const container = await this.container();
    // Chunks first, with bulk operations: the job document is only visible once all its rows are stored.
    const operations: OperationInput[] = chunks.map((chunk) => ({
      operationType: 'Upsert',
      partitionKey: job.partnerId,
      resourceBody: toCosmosDocument({ kind: 'bulk-chunk', value: chunk }),
    }));
    for (let start = 0; start < operations.length; start += 100) {
      const results = await cosmosCall(() =>
        container.items.bulk(operations.slice(start, start + 100), { continueOnError: true }),
      );
      const failed = results.find((r) => r.statusCode >= 400);
      if (failed)
        throw Object.assign(new Error(`Storing a chunk answered ${failed.statusCode}.`), {
          code: failed.statusCode,
        });
    }
    await cosmosCall(() =>
      container.items.create({ id: bulkJobDocumentId(job.jobId), type: 'bulk-job', ...job }),
    );
  }

  async getJob(partnerId: string, jobId: string): Promise<BulkJob | null> {
    const container = await this.container();
    const { resource } = await cosmosCall(() => container.item(bulkJobDocumentId(jobId), partnerId).read());
    return asVersioned<BulkJob>(resource, 'bulk-job')?.value ?? null;
  }

  async getChunk(partnerId: string, jobId: string, index: number): Promise<Versioned<BulkChunk> | null> {
    const container = await this.container();
    const { resource } = await cosmosCall(() =>
      container.item(bulkChunkDocumentId(jobId, index), partnerId).read(),
    );
    return asVersioned<BulkChunk>(resource, 'bulk-chunk');
  }

  async loadChunk(partnerId: string, jobId: string, index: number) {
    const container = await this.container();
    const [job, chunk, partner, counts] = await readTogether(container, partnerId, [
      bulkJobDocumentId(jobId),
      bulkChunkDocumentId(jobId, index),
      PARTNER_DOCUMENT_ID,
      bulkCountsDocumentId(jobId, index),
    ]);
    return {
      job: asVersioned<BulkJob>(job, 'bulk-job')?.value ?? null,
      chunk: asVersioned<BulkChunk>(chunk, 'bulk-chunk'),
      partner: asVersioned<Partner>(partner, 'partner'),
      completion: counts
        ? { recordedAt: String(counts['recordedAt']), nextQueued: counts['nextQueued'] === true }
        : null,
    };
  }

  async recordChunkCounts(
    partnerId: string,
    jobId: string,
    chunk: number,
    counts: BulkRowCounts & { nextQueued: boolean; recordedAt: string },
  ): Promise<boolean> {
    const container = await this.container();
    try {
      await cosmosCall(() =>
        container.items.create({
          id: bulkCountsDocumentId(jobId, chunk),
          type: 'bulk-chunk-counts',
          partnerId,
          jobId,
          chunk,
          ...counts,
        }),
      );
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async markNextChunkQueued(partnerId: string, jobId: string, chunk: number): Promise<void> {
    const container = await this.container();
    await cosmosCall(() =>
      container
        .item(bulkCountsDocumentId(jobId, chunk), partnerId)
        .patch([{ op: 'set', path: '/nextQueued', value: true }]),
    );
  }

  async chunkCounts(partnerId: string, jobId: string, chunks: number): Promise<(BulkRowCounts | null)[]> {
    const container = await this.container();
    const found = await readTogether(
      container,
      partnerId,
      Array.from({ length: chunks }, (_, chunk) => bulkCountsDocumentId(jobId, chunk)),
    );
    return found.map((resource) =>
      resource
        ? {
            succeeded: Number(resource['succeeded']),
            failed: Number(resource['failed']),
            skipped: Number(resource['skipped']),
          }
        : null,
    );
  }

  async markStarted(partnerId: string, jobId: string, at: Date): Promise<void> {
    const container = await this.container();
    await cosmosCall(() =>
      container
        .item(bulkJobDocumentId(jobId), partnerId)
        .patch([{ op: 'set', path: '/startedAt', value: at.toISOString() }]),
    );
  }
}
