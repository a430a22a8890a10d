import type { BulkJob } from '../../domain/bulk.js';
import type { RowDecision } from '../../domain/bulk-plan.js';
import { isAppError } from '../../domain/errors.js';
import { assertAccess } from '../access.js';
import { lostRace } from '../commits.js';
import type { BulkChunk, BulkChunkMessage, ChunkCompletion, ChunkPlan, Versioned } from '../ports.js';
import { releasePerson, type Partner } from '../../domain/partner.js';
import { releaseSeat } from '../../domain/seats.js';
import { principalOf, type BulkDeps } from './deps.js';
import { documentsOf, emailsOf, personIdsOf, planChunk, refusedPlan } from './plan.js';
import { countOutcomes } from './results.js';

/** Emails of a chunk go to the queue this many at a time. */
const EMAIL_CONCURRENCY = 16;
const MAX_PLAN_ATTEMPTS = 50;

async function inParallel<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Decides a chunk and commits it: every seat and slot decision of its rows with one conditional replace
 * of the aggregate, in the same transaction as the chunk's plan. A lost race (someone changed the
 * aggregate since it was read) decides the chunk again on what is stored now.
 */
async function decideAndCommit(
  deps: BulkDeps,
  message: BulkChunkMessage,
): Promise<{
  job: BulkJob;
  chunk: BulkChunk;
  plan: ChunkPlan;
  partner: Partner;
  completion: ChunkCompletion | null;
} | null> {
  for (let attempt = 1; attempt <= MAX_PLAN_ATTEMPTS; attempt++) {
    const loaded = await deps.jobs.loadChunk(message.partnerId, message.jobId, message.chunk);
    const { job, chunk, partner, completion } = loaded;
    if (!job || !chunk || !partner) return null;
    if (chunk.value.plan) {
      return { job, chunk: chunk.value, plan: chunk.value.plan, partner: partner.value, completion };
    }
    const at = deps.clock();
    let plan: ChunkPlan;
    let decided: Partner = partner.value;
    try {
      assertAccess(partner.value, principalOf(job), 'manage');
      const known = await deps.partition.existing(
        job.partnerId,
        'person',
        personIdsOf(job.partnerId, chunk.value),
      );
      const planned = planChunk(
        { partner: partner.value, known },
        job,
        chunk.value,
        at,
        message.correlationId,
      );
      plan = planned.plan;
      decided = planned.state.partner;
    } catch (error) {
      // The administrator who submitted the job may no longer manage the partner: every row says so.
      if (!isAppError(error) || (error.code !== 'not-found' && error.code !== 'forbidden')) throw error;
      plan = refusedPlan(
        chunk.value,
        { code: error.code, message: error.message },
        at,
        message.correlationId,
      );
    }
    const planned: BulkChunk = { ...chunk.value, plan };
    const result = await deps.partition.commit(job.partnerId, [
      ...(decided === partner.value
        ? []
        : [{ op: 'replace', document: { kind: 'partner', value: decided }, ifMatch: partner.etag } as const]),
      { op: 'replace', document: { kind: 'bulk-chunk', value: planned }, ifMatch: chunk.etag },
    ]);
    if (result.ok) return { job, chunk: planned, plan, partner: decided, completion: null };
    if (!lostRace(result)) throw new Error(`The chunk's commit answered ${result.status}.`);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(5 * attempt, 100)));
  }
  throw new Error(`chunk ${message.chunk} of job ${message.jobId}: the partner changed on every attempt`);
}

/**
 * Runs one chunk of a bulk job: decided once against the aggregate (see decideAndCommit), then the
 * documents its decisions name are written with bulk operations, its invitation emails queued, its
 * counts recorded (the chunk is then done) and the next chunk queued. Every step is idempotent, so a
 * redelivered chunk changes nothing twice and one that failed halfway resumes where it stopped.
 */
export async function processBulkChunk(deps: BulkDeps, message: BulkChunkMessage): Promise<number> {
  const committed = await decideAndCommit(deps, message);
  if (!committed) return 0;
  const { job, plan, partner, completion } = committed;
  if (completion) {
    // Done: a late or duplicate delivery only makes sure the job goes on.
    await followCompletion(deps, job, message);
    return 0;
  }
  if (message.chunk === 0 && !job.startedAt)
    await deps.jobs.markStarted(job.partnerId, job.jobId, deps.clock());
  await writeDocuments(deps, job, partner, plan);
  await completeChunk(deps, job, message, plan);
  return plan.decisions.length;
}

/** Writes a decided chunk's documents and queues its emails (every write idempotent). */
async function writeDocuments(
  deps: BulkDeps,
  job: BulkJob,
  partner: Pick<Partner, 'program'>,
  plan: ChunkPlan,
): Promise<void> {
  const documents = documentsOf(deps, job, partner, plan);
  // People first: no assignment is ever written for a person who is not.
  await deps.partition.createAll(
    job.partnerId,
    documents.filter((d) => d.kind === 'person'),
  );
  await deps.partition.createAll(
    job.partnerId,
    documents.filter((d) => d.kind !== 'person'),
  );
  await inParallel(emailsOf(job, plan), EMAIL_CONCURRENCY, (email) => deps.emails.enqueue(email));
}

/**
 * A done chunk's counts are written once, by whichever delivery gets there first; only that delivery
 * queues the next chunk, then marks it queued, so however many deliveries of a chunk finish together,
 * its next chunk is queued once. The others follow (see followCompletion).
 */
async function completeChunk(
  deps: BulkDeps,
  job: BulkJob,
  message: BulkChunkMessage,
  plan: ChunkPlan,
): Promise<void> {
  const last = message.chunk + 1 >= job.chunks;
  const first = await deps.jobs.recordChunkCounts(job.partnerId, job.jobId, message.chunk, {
    ...countOutcomes(plan.decisions),
    nextQueued: last,
    recordedAt: deps.clock().toISOString(),
  });
  if (!first) return followCompletion(deps, job, message);
  if (last) return;
  await queueNextChunk(deps, job, message);
  await deps.jobs.markNextChunkQueued(job.partnerId, job.jobId, message.chunk);
}

/** Long enough for a live delivery to queue the next chunk after writing the counts (milliseconds). */
const HANDOVER_GRACE_MS = 5_000;

/**
 * A chunk another delivery completed: wait until it says the next chunk is queued. If it does not
 * within the grace period, that delivery died in between, and this one queues the next chunk for it.
 */
async function followCompletion(deps: BulkDeps, job: BulkJob, message: BulkChunkMessage) {
  for (;;) {
    const { completion } = await deps.jobs.loadChunk(job.partnerId, job.jobId, message.chunk);
    if (!completion || completion.nextQueued) return;
    if (deps.clock().getTime() - new Date(completion.recordedAt).getTime() >= HANDOVER_GRACE_MS) {
      await queueNextChunk(deps, job, message);
      await deps.jobs.markNextChunkQueued(job.partnerId, job.jobId, message.chunk);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function queueNextChunk(deps: BulkDeps, job: BulkJob, message: BulkChunkMessage): Promise<void> {
  if (message.chunk + 1 < job.chunks) await deps.queue.enqueue({ ...message, chunk: message.chunk + 1 });
}

/**
 * A chunk that kept failing, on its last attempt. Not yet decided: every row fails with
 * `processing-error`, and the chunk is committed so. Decided but its documents could not be written:
 * the rows that needed them fail with `processing-error`, and what they took on the aggregate (a seat,
 * a slot) is given back, so nothing is held for a document that does not exist. Then the job goes on.
 */
export async function failBulkChunk(
  deps: BulkDeps,
  message: BulkChunkMessage,
  reason: string,
): Promise<void> {
  const now = deps.clock();
  const failure = `The row could not be processed after several attempts (${reason}). Upload it again to retry.`;
  const loaded = await deps.jobs.loadChunk(message.partnerId, message.jobId, message.chunk);
  const { job, chunk, completion } = loaded;
  if (!job || !chunk) return;
  if (completion) return followCompletion(deps, job, message); // done after all
  const plan = chunk.value.plan
    ? await withoutUnwrittenRows(
        deps,
        job,
        chunk as Versioned<BulkChunk> & { value: { plan: ChunkPlan } },
        failure,
        now,
      )
    : await commitFailedPlan(deps, job, chunk, failure, now, message.correlationId);
  await completeChunk(deps, job, message, plan);
}

async function commitFailedPlan(
  deps: BulkDeps,
  job: BulkJob,
  chunk: Versioned<BulkChunk>,
  failure: string,
  now: Date,
  correlationId: string,
): Promise<ChunkPlan> {
  const plan = refusedPlan(chunk.value, { code: 'processing-error', message: failure }, now, correlationId);
  const result = await deps.partition.commit(job.partnerId, [
    { op: 'replace', document: { kind: 'bulk-chunk', value: { ...chunk.value, plan } }, ifMatch: chunk.etag },
  ]);
  if (!result.ok) throw new Error(`The failed chunk could not be recorded (${result.status}).`);
  return plan;
}

/**
 * A decided chunk whose documents could not all be written: each row whose person or assignment is
 * missing fails with `processing-error`, keeping what it did that is stored, and what it holds on the
 * aggregate for a missing document (a seat, the slot of a person never created) is given back.
 */
async function withoutUnwrittenRows(
  deps: BulkDeps,
  job: BulkJob,
  chunk: Versioned<BulkChunk> & { value: { plan: ChunkPlan } },
  failure: string,
  now: Date,
): Promise<ChunkPlan> {
  const plan = chunk.value.plan;
  const newPeople = plan.decisions.flatMap((d) => (d.newPerson ? [d.newPerson.personId] : []));
  const grants = plan.decisions.flatMap((d) => (d.grant ? [d.grant.assignmentId] : []));
  const [people, assignments] = await Promise.all([
    deps.partition.existing(job.partnerId, 'person', newPeople),
    deps.partition.existing(job.partnerId, 'assignment', grants),
  ]);
  const personLost = (d: RowDecision) => d.newPerson !== null && !people.has(d.newPerson.personId);
  const grantLost = (d: RowDecision) => d.grant !== null && !assignments.has(d.grant.assignmentId);
  const lost = plan.decisions.filter((d) => personLost(d) || grantLost(d));
  if (lost.length === 0) return plan;
  await deps.partners.update(job.partnerId, (partner) =>
    lost.reduce((current, d) => {
      let next = d.grant ? releaseSeat(current, d.grant.assignmentId, now, deps.policy) : current;
      if (personLost(d) && d.personId && d.email) {
        next = releasePerson(next, { personId: d.personId, email: d.email }, true, now);
      }
      return next;
    }, partner),
  );
  const decisions = plan.decisions.map((d): RowDecision => {
    if (!personLost(d) && !grantLost(d)) return d;
    const kept = personLost(d) ? [] : d.actions.filter((a) => a !== 'granted');
    return {
      ...d,
      outcome: 'failed',
      code: 'processing-error',
      failure,
      actions: kept,
      grant: null,
      ...(personLost(d) ? { newPerson: null, slot: null } : {}),
    };
  });
  const failedPlan = { ...plan, decisions };
  const result = await deps.partition.commit(job.partnerId, [
    {
      op: 'replace',
      document: { kind: 'bulk-chunk', value: { ...chunk.value, plan: failedPlan } },
      ifMatch: chunk.etag,
    },
  ]);
  if (!result.ok) throw new Error(`The failed chunk could not be recorded (${result.status}).`);
  return failedPlan;
}
