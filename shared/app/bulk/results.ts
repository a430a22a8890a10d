import { rowResult } from '../../domain/bulk-plan.js';
import {
  jobStatus,
  type BulkCounts,
  type BulkJob,
  type BulkJobStatus,
  type BulkRowResult,
  type RowOutcome,
} from '../../domain/bulk.js';
import type { RowDecision } from '../../domain/bulk-plan.js';
import { AppError } from '../../domain/errors.js';
import { loadPartner } from '../access.js';
import type { BulkRowCounts, CallContext, Page, PageRequest } from '../ports.js';
import type { BulkDeps } from './deps.js';

export interface BulkJobView {
  jobId: string;
  partnerId: string;
  dryRun: boolean;
  status: BulkJobStatus;
  counts: BulkCounts;
  /**
   * The job's invitation emails by delivery state (a real run): Communication Services sends 30 a
   * minute and 100 an hour by default, so they can lag the rows by hours, and this says how far along.
   */
  emails: { queued: number; sent: number; failed: number } | null;
  createdAt: string;
  source: BulkJob['source'];
}

export function countOutcomes(decisions: Pick<RowDecision, 'outcome'>[]): BulkRowCounts {
  return {
    succeeded: decisions.filter((d) => d.outcome === 'succeeded').length,
    failed: decisions.filter((d) => d.outcome === 'failed').length,
    skipped: decisions.filter((d) => d.outcome === 'skipped').length,
  };
}

/** Progress from the per-chunk counts: one small read per chunk, all together, never a query over rows. */
export async function jobView(
  deps: Pick<BulkDeps, 'jobs' | 'assignments'>,
  job: BulkJob,
): Promise<BulkJobView> {
  const [perChunk, emails] = await Promise.all([
    deps.jobs.chunkCounts(job.partnerId, job.jobId, job.chunks),
    job.dryRun ? null : deps.assignments.deliveryStates(job.partnerId, job.jobId),
  ]);
  const sum = (key: keyof BulkRowCounts) => perChunk.reduce((total, c) => total + (c?.[key] ?? 0), 0);
  const counts: BulkCounts = {
    total: job.total,
    succeeded: sum('succeeded'),
    failed: sum('failed'),
    skipped: sum('skipped'),
    pending: 0,
  };
  counts.pending = Math.max(0, job.total - counts.succeeded - counts.failed - counts.skipped);
  return {
    jobId: job.jobId,
    partnerId: job.partnerId,
    dryRun: job.dryRun,
    status: jobStatus(counts, Boolean(job.startedAt) || perChunk.some((c) => c !== null)),
    counts,
    emails,
    createdAt: job.createdAt,
    source: job.source,
  };
}

async function loadJob(
  deps: Pick<BulkDeps, 'jobs' | 'partners' | 'clock'>,
  ctx: CallContext,
  partnerId: string,
  jobId: string,
) {
  await loadPartner(deps, partnerId, ctx, 'read');
  const job = await deps.jobs.getJob(partnerId, jobId);
  if (!job) throw new AppError('not-found', `Bulk job ${jobId} was not found.`);
  return job;
}

export async function getBulkJob(
  deps: Pick<BulkDeps, 'jobs' | 'partners' | 'assignments' | 'clock'>,
  ctx: CallContext,
  partnerId: string,
  jobId: string,
): Promise<BulkJobView> {
  return jobView(deps, await loadJob(deps, ctx, partnerId, jobId));
}

/** A cursor names a chunk and a row offset in it (`<chunk>.<offset>`); anything else is not ours. */
function decodeCursor(cursor: string | undefined): { chunk: number; offset: number } {
  if (cursor === undefined) return { chunk: 0, offset: 0 };
  const match = /^(\d{1,5})\.(\d{1,3})$/.exec(cursor);
  if (!match) {
    throw new AppError('validation-failed', 'The cursor is not one this API returned.', {}, [
      { path: 'cursor', message: 'unknown cursor' },
    ]);
  }
  return { chunk: Number(match[1]), offset: Number(match[2]) };
}

/**
 * The rows' outcomes in row order, read from the chunks that are done (a row has an outcome once its
 * chunk's documents are all written); chunks with no row of the outcome asked for are not read.
 */
export async function listBulkRows(
  deps: Pick<BulkDeps, 'jobs' | 'partners' | 'clock'>,
  ctx: CallContext,
  partnerId: string,
  jobId: string,
  filter: { outcome?: RowOutcome | undefined },
  page: PageRequest,
): Promise<Page<BulkRowResult>> {
  const job = await loadJob(deps, ctx, partnerId, jobId);
  const counts = await deps.jobs.chunkCounts(partnerId, jobId, job.chunks);
  const items: BulkRowResult[] = [];
  let { chunk, offset } = decodeCursor(page.cursor);
  for (; chunk < job.chunks; chunk++, offset = 0) {
    const done = counts[chunk];
    if (!done) continue; // not finished yet: its rows have no outcome to show
    if (filter.outcome && done[filter.outcome] === 0) continue;
    const stored = await deps.jobs.getChunk(partnerId, jobId, chunk);
    const decisions = stored?.value.plan?.decisions ?? [];
    for (let i = offset; i < decisions.length; i++) {
      const decision = decisions[i]!;
      if (filter.outcome && decision.outcome !== filter.outcome) continue;
      if (items.length === page.limit) return { items, nextCursor: `${chunk}.${i}` };
      items.push(rowResult(decision, job, new Date(stored!.value.plan!.plannedAt)));
    }
  }
  return { items, nextCursor: null };
}
