import type { BulkJob } from '../../domain/bulk.js';
import type { PlanState } from '../../domain/bulk-plan.js';
import type { Partner } from '../../domain/partner.js';
import type { BulkChunk, CallContext } from '../ports.js';
import type { BulkDeps } from './deps.js';
import { personIdsOf, planChunk } from './plan.js';
import { countOutcomes } from './results.js';

/** How many chunks' people are looked up at once. */
const LOOKUP_CONCURRENCY = 8;

/**
 * A dry run: every row decided by the same planner as a real run, in row order across chunks, on the
 * partner as it is now and never committed. Its decisions are kept with its chunks (one document per
 * chunk, written together), so even 10,000 rows are a few writes, not one a row.
 */
export async function dryRun(
  deps: BulkDeps,
  partner: Partner,
  job: BulkJob,
  chunks: BulkChunk[],
  ctx: CallContext,
): Promise<void> {
  const now = deps.clock();
  const known = new Set<string>();
  for (let i = 0; i < chunks.length; i += LOOKUP_CONCURRENCY) {
    const found = await Promise.all(
      chunks
        .slice(i, i + LOOKUP_CONCURRENCY)
        .map((chunk) => deps.partition.existing(job.partnerId, 'person', personIdsOf(job.partnerId, chunk))),
    );
    for (const ids of found) for (const id of ids) known.add(id);
  }
  let state: PlanState = { partner, known };
  const planned = chunks.map((chunk) => {
    const result = planChunk(state, job, chunk, now, ctx.correlationId);
    state = result.state;
    return { ...chunk, plan: result.plan };
  });
  await deps.jobs.createJob(job, planned);
  await Promise.all(
    planned.map((chunk) =>
      deps.jobs.recordChunkCounts(job.partnerId, job.jobId, chunk.index, {
        ...countOutcomes(chunk.plan.decisions),
        nextQueued: true, // nothing runs after a dry run
        recordedAt: now.toISOString(),
      }),
    ),
  );
}
