import type { Container } from '@azure/cosmos';
import type { BulkJob, BulkRowResult, RowOutcome } from '../../domain/bulk.js';
import type { BulkChunk, BulkJobStore, BulkRowCounts, Page, PageRequest } from '../../app/ports.js';
import { ROW_CLAIM_TIMEOUT_MS } from '../../app/bulk.js';
import { cosmosCall, fromDocument, queryPage, statusOf } from './documents.js';

const jobDocId = (jobId: string) => `bulk-${jobId}`;
const chunkDocId = (jobId: string, index: number) => `bulk-${jobId}-chunk-${index}`;
const rowDocId = (jobId: string, row: number) => `bulk-${jobId}-row-${row}`;
const countsDocId = (jobId: string, chunk: number) => `bulk-${jobId}-chunk-${chunk}-counts`;

interface RowDocument {
  id: string;
  type: 'bulk-row';
  partnerId: string;
  jobId: string;
  row: number;
  state: 'processing' | 'done';
  claimedAt: string;
  result?: BulkRowResult;
  outcome?: RowOutcome;
}

export class CosmosBulkJobStore implements BulkJobStore {
  constructor(private readonly container: () => Promise<Container>) {}

  async createJob(job: BulkJob, chunks: BulkChunk[]): Promise<void> {
    const container = await this.container();
    // Chunks first: a job document is only visible once all its rows are stored.
    for (let i = 0; i < chunks.length; i += 20) {
      await Promise.all(
        chunks.slice(i, i + 20).map((chunk) =>
          cosmosCall(() =>
            container.items.upsert({
              id: chunkDocId(job.jobId, chunk.index),
              type: 'bulk-chunk',
              ...chunk,
            }),
          ),
        ),
      );
    }
    await cosmosCall(() => container.items.create({ id: jobDocId(job.jobId), type: 'bulk-job', ...job }));
  }

  async getJob(partnerId: string, jobId: string): Promise<BulkJob | null> {
    const container = await this.container();
    const { resource } = await cosmosCall(() => container.item(jobDocId(jobId), partnerId).read());
    return resource && resource['type'] === 'bulk-job' ? fromDocument<BulkJob>(resource) : null;
  }

  async getChunk(partnerId: string, jobId: string, index: number): Promise<BulkChunk | null> {
    const container = await this.container();
    const { resource } = await cosmosCall(() => container.item(chunkDocId(jobId, index), partnerId).read());
    return resource ? fromDocument<BulkChunk>(resource) : null;
  }

  async claimRow(
    partnerId: string,
    jobId: string,
    row: number,
    now: Date,
  ): Promise<'claimed' | 'done' | 'busy'> {
    const container = await this.container();
    const document: RowDocument = {
      id: rowDocId(jobId, row),
      type: 'bulk-row',
      partnerId,
      jobId,
      row,
      state: 'processing',
      claimedAt: now.toISOString(),
    };
    try {
      await cosmosCall(() => container.items.create(document));
      return 'claimed';
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    const { resource } = await cosmosCall(() => container.item(document.id, partnerId).read<RowDocument>());
    if (!resource) return this.claimRow(partnerId, jobId, row, now);
    if (resource.state === 'done') return 'done';
    if (now.getTime() - new Date(resource.claimedAt).getTime() < ROW_CLAIM_TIMEOUT_MS) return 'busy';
    try {
      // The attempt that claimed it died: take it over, unless someone else just did.
      await cosmosCall(() =>
        container
          .item(document.id, partnerId)
          .replace(document, { accessCondition: { type: 'IfMatch', condition: resource._etag! } }),
      );
      return 'claimed';
    } catch (error) {
      if (statusOf(error) === 412) return 'busy';
      throw error;
    }
  }

  async releaseRow(partnerId: string, jobId: string, row: number): Promise<void> {
    const container = await this.container();
    await cosmosCall(() => container.item(rowDocId(jobId, row), partnerId).delete()).catch(
      (error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      },
    );
  }

  async finishRow(result: BulkRowResult): Promise<void> {
    const container = await this.container();
    const document: RowDocument = {
      id: rowDocId(result.jobId, result.row),
      type: 'bulk-row',
      partnerId: result.partnerId,
      jobId: result.jobId,
      row: result.row,
      state: 'done',
      claimedAt: result.finishedAt,
      outcome: result.outcome,
      result,
    };
    await cosmosCall(() => container.items.upsert(document));
  }

  async rowOutcomes(partnerId: string, jobId: string, rows: number[]): Promise<(RowOutcome | null)[]> {
    const container = await this.container();
    return Promise.all(
      rows.map(async (row) => {
        const { resource } = await cosmosCall(() =>
          container.item(rowDocId(jobId, row), partnerId).read<RowDocument>(),
        );
        return resource?.state === 'done' ? (resource.outcome ?? null) : null;
      }),
    );
  }

  async recordChunkCounts(
    partnerId: string,
    jobId: string,
    chunk: number,
    counts: BulkRowCounts,
  ): Promise<void> {
    const container = await this.container();
    await cosmosCall(() =>
      container.items.upsert({
        id: countsDocId(jobId, chunk),
        type: 'bulk-chunk-counts',
        partnerId,
        jobId,
        chunk,
        ...counts,
      }),
    );
  }

  async chunkCounts(partnerId: string, jobId: string, chunks: number): Promise<(BulkRowCounts | null)[]> {
    const container = await this.container();
    return Promise.all(
      Array.from({ length: chunks }, async (_, chunk) => {
        const { resource } = await cosmosCall(() =>
          container.item(countsDocId(jobId, chunk), partnerId).read<BulkRowCounts>(),
        );
        return resource
          ? { succeeded: resource.succeeded, failed: resource.failed, skipped: resource.skipped }
          : null;
      }),
    );
  }

  async markStarted(partnerId: string, jobId: string, at: Date): Promise<void> {
    const container = await this.container();
    await cosmosCall(() =>
      container
        .item(jobDocId(jobId), partnerId)
        .patch([{ op: 'set', path: '/startedAt', value: at.toISOString() }]),
    );
  }

  async listRows(
    partnerId: string,
    jobId: string,
    filter: { outcome?: RowOutcome | undefined },
    page: PageRequest,
  ): Promise<Page<BulkRowResult>> {
    const container = await this.container();
    const where = ['c.partnerId = @partnerId', "c.type = 'bulk-row'", 'c.jobId = @jobId', "c.state = 'done'"];
    const parameters: { name: string; value: unknown }[] = [
      { name: '@partnerId', value: partnerId },
      { name: '@jobId', value: jobId },
    ];
    if (filter.outcome) {
      where.push('c.outcome = @outcome');
      parameters.push({ name: '@outcome', value: filter.outcome });
    }
    return queryPage(
      container,
      partnerId,
      `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.row`,
      parameters,
      page,
      (document) => (document as unknown as RowDocument).result!,
    );
  }
}
