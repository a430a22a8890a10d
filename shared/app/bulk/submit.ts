import { BULK_LIMITS, chunkCount, type BulkJob } from '../../domain/bulk.js';
import { AppError } from '../../domain/errors.js';
import { loadPartner } from '../access.js';
import { recordChange } from '../audit.js';
import { newId } from '../ids.js';
import type { BulkChunk, CallContext } from '../ports.js';
import type { BulkDeps } from './deps.js';
import { dryRun } from './dry-run.js';
import { chunksOf } from './plan.js';
import { jobView, type BulkJobView } from './results.js';

/** Uploads at least this large are kept in Blob storage as they came. */
const KEEP_UPLOAD_FROM_BYTES = 256 * 1024;

export interface BulkUpload {
  rows: unknown[];
  format: 'csv' | 'json';
  raw: Buffer;
}

/**
 * Stores the job and its rows in chunks. A real run then queues its first chunk (chunks run in row
 * order, each queueing the next); a dry run decides every row at once, in order, on a copy of the
 * partner, and stores the decisions with its chunks, one document per chunk: nothing else changes.
 */
export async function submitBulkJob(
  deps: BulkDeps,
  ctx: CallContext,
  partnerId: string,
  upload: BulkUpload,
  options: { dryRun: boolean },
): Promise<BulkJobView> {
  const now = deps.clock();
  const { value: partner } = await loadPartner(deps, partnerId, ctx, 'manage');
  if (upload.rows.length === 0) throw new AppError('validation-failed', 'The upload has no rows.');
  if (upload.rows.length > BULK_LIMITS.maxRows) {
    throw new AppError(
      'payload-too-large',
      `A job takes at most ${BULK_LIMITS.maxRows} rows; this one has ${upload.rows.length}.`,
      { limitRows: BULK_LIMITS.maxRows },
    );
  }
  const jobId = newId();
  const blobName =
    upload.raw.length >= KEEP_UPLOAD_FROM_BYTES
      ? await deps.uploads.save(
          `${partnerId}/${jobId}.${upload.format}`,
          upload.raw,
          upload.format === 'csv' ? 'text/csv' : 'application/json',
        )
      : null;
  const job: BulkJob = {
    jobId,
    partnerId,
    dryRun: options.dryRun,
    total: upload.rows.length,
    chunks: chunkCount(upload.rows.length),
    createdAt: now.toISOString(),
    createdBy: {
      issuer: ctx.principal.issuer,
      subject: ctx.principal.subject,
      tenantId: ctx.principal.tenantId,
      objectId: ctx.principal.objectId,
      email: ctx.principal.email ?? null,
      roles: [...ctx.principal.roles],
    },
    source: { format: upload.format, bytes: upload.raw.length, blobName },
  };
  const chunks: BulkChunk[] = chunksOf(partnerId, jobId, upload.rows);
  if (options.dryRun) await dryRun(deps, partner, job, chunks, ctx);
  else {
    await deps.jobs.createJob(job, chunks);
    await deps.queue.enqueue({ partnerId, jobId, chunk: 0, correlationId: ctx.correlationId });
  }
  await recordChange(
    deps.audit,
    { ...ctx, at: now },
    partnerId,
    options.dryRun ? 'bulk.dry-run' : 'bulk.submitted',
    { type: 'bulk-job', id: jobId },
    { rows: job.total, format: upload.format },
  );
  return jobView(deps, job);
}
