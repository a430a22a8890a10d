import {
  BULK_LIMITS,
  chunkCount,
  jobStatus,
  type BulkCounts,
  type BulkJob,
  type BulkJobStatus,
  type BulkRowInput,
  type BulkRowResult,
  type RowAction,
  type RowOutcome,
} from '../domain/bulk.js';
import { AppError, isAppError } from '../domain/errors.js';
import { setRoles, slotOf, type Partner } from '../domain/partner.js';
import type { Principal } from '../domain/principal.js';
import { associatePerson as buildPerson } from '../domain/person.js';
import { benefitForPrivilege, grantSeat, liveSeatsOf } from '../domain/seats.js';
import { loadPartner } from './access.js';
import { grantPrivilege, type AssignmentDeps } from './assignments.js';
import { recordChange } from './audit.js';
import { BulkRowSchema } from './bulk-row-schema.js';
import { newId, personIdFor } from './ids.js';
import { associatePerson, setPersonRoles, type PeopleDeps } from './people.js';
import type {
  BulkChunk,
  BulkChunkMessage,
  BulkJobStore,
  BulkRowCounts,
  BulkQueue,
  CallContext,
  Page,
  PageRequest,
  UploadStore,
} from './ports.js';
import { deterministicUuid } from './tokens.js';

export interface BulkDeps {
  jobs: BulkJobStore;
  queue: BulkQueue;
  uploads: UploadStore;
  people: PeopleDeps;
  assignments: AssignmentDeps;
}

/** Uploads at least this large are kept in Blob storage as they came. */
const KEEP_UPLOAD_FROM_BYTES = 256 * 1024;
/** A row claimed longer ago than this by an attempt that died is run again. */
export const ROW_CLAIM_TIMEOUT_MS = 2 * 60_000;

export interface BulkUpload {
  rows: unknown[];
  format: 'csv' | 'json';
  raw: Buffer;
}

export interface BulkJobView {
  jobId: string;
  partnerId: string;
  dryRun: boolean;
  status: BulkJobStatus;
  counts: BulkCounts;
  createdAt: string;
  source: BulkJob['source'];
}

function describeIssues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .map((issue) => `${issue.path.map(String).join('.') || 'row'}: ${issue.message}`)
    .join('; ');
}

const result = (
  base: Pick<BulkRowResult, 'jobId' | 'partnerId' | 'row'>,
  fields: Partial<BulkRowResult> & Pick<BulkRowResult, 'outcome' | 'message'>,
  now: Date,
): BulkRowResult => ({
  email: null,
  code: null,
  actions: [],
  personId: null,
  assignmentId: null,
  finishedAt: now.toISOString(),
  ...base,
  ...fields,
});

function parseRow(
  raw: unknown,
): { ok: true; row: BulkRowInput } | { ok: false; message: string; email: string | null } {
  const parsed = BulkRowSchema.safeParse(raw);
  if (parsed.success) return { ok: true, row: parsed.data };
  const email =
    typeof raw === 'object' && raw !== null && typeof (raw as { email?: unknown }).email === 'string'
      ? (raw as { email: string }).email.trim() || null
      : null;
  return { ok: false, message: describeIssues(parsed.error), email };
}

/** Stores the job and its rows in chunks, then queues the first chunk (chunks run in row order). */
export async function submitBulkJob(
  deps: BulkDeps,
  ctx: CallContext,
  partnerId: string,
  upload: BulkUpload,
  options: { dryRun: boolean },
): Promise<BulkJobView> {
  const { value: partner } = await loadPartner(deps.people.partners, partnerId, ctx, 'manage');
  if (upload.rows.length === 0) throw new AppError('validation-failed', 'The upload has no rows.');
  if (upload.rows.length > BULK_LIMITS.maxRows) {
    throw new AppError(
      'payload-too-large',
      `A job takes at most ${BULK_LIMITS.maxRows} rows; this one has ${upload.rows.length}.`,
      {
        limitRows: BULK_LIMITS.maxRows,
      },
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
  const chunks: BulkChunk[] = [];
  for (let start = 0; start < upload.rows.length; start += BULK_LIMITS.chunkSize) {
    chunks.push({
      jobId,
      partnerId,
      index: chunks.length,
      firstRow: start + 1,
      rows: upload.rows.slice(start, start + BULK_LIMITS.chunkSize),
    });
  }
  const job: BulkJob = {
    jobId,
    partnerId,
    dryRun: options.dryRun,
    total: upload.rows.length,
    chunks: chunkCount(upload.rows.length),
    createdAt: ctx.now.toISOString(),
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
  await deps.jobs.createJob(job, options.dryRun ? [] : chunks);
  if (options.dryRun) {
    const outcomes = await simulate(deps, partner, job, upload.rows, ctx.now);
    for (const outcome of outcomes) await deps.jobs.finishRow(outcome);
    for (let chunk = 0; chunk < job.chunks; chunk++) {
      const slice = outcomes.slice(chunk * BULK_LIMITS.chunkSize, (chunk + 1) * BULK_LIMITS.chunkSize);
      await deps.jobs.recordChunkCounts(partnerId, jobId, chunk, countOutcomes(slice.map((o) => o.outcome)));
    }
  } else {
    await deps.queue.enqueue({ partnerId, jobId, chunk: 0, correlationId: ctx.correlationId });
  }
  await recordChange(
    deps.people.audit,
    ctx,
    partnerId,
    options.dryRun ? 'bulk.dry-run' : 'bulk.submitted',
    {
      type: 'bulk-job',
      id: jobId,
    },
    { rows: job.total, format: upload.format },
  );
  return jobView(deps, job);
}

function countOutcomes(outcomes: (RowOutcome | null)[]): BulkRowCounts {
  return {
    succeeded: outcomes.filter((o) => o === 'succeeded').length,
    failed: outcomes.filter((o) => o === 'failed').length,
    skipped: outcomes.filter((o) => o === 'skipped').length,
  };
}

async function jobView(deps: Pick<BulkDeps, 'jobs'>, job: BulkJob): Promise<BulkJobView> {
  const perChunk = await deps.jobs.chunkCounts(job.partnerId, job.jobId, job.chunks);
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
    createdAt: job.createdAt,
    source: job.source,
  };
}

export async function getBulkJob(
  deps: BulkDeps,
  ctx: CallContext,
  partnerId: string,
  jobId: string,
): Promise<BulkJobView> {
  await loadPartner(deps.people.partners, partnerId, ctx, 'read');
  const job = await deps.jobs.getJob(partnerId, jobId);
  if (!job) throw new AppError('not-found', `Bulk job ${jobId} was not found.`);
  return jobView(deps, job);
}

export async function listBulkRows(
  deps: BulkDeps,
  ctx: CallContext,
  partnerId: string,
  jobId: string,
  filter: { outcome?: RowOutcome | undefined },
  page: PageRequest,
): Promise<Page<BulkRowResult>> {
  await getBulkJob(deps, ctx, partnerId, jobId);
  return deps.jobs.listRows(partnerId, jobId, filter, page);
}

const principalOf = (job: BulkJob): Principal => ({
  issuer: job.createdBy.issuer,
  subject: job.createdBy.subject,
  tenantId: job.createdBy.tenantId,
  objectId: job.createdBy.objectId,
  email: job.createdBy.email ?? undefined,
  roles: job.createdBy.roles,
});

/** One row, through the same use cases as the single endpoints. Unexpected failures are thrown (retry). */
async function runRow(
  deps: BulkDeps,
  ctx: CallContext,
  job: BulkJob,
  rowNumber: number,
  raw: unknown,
): Promise<BulkRowResult> {
  const base = { jobId: job.jobId, partnerId: job.partnerId, row: rowNumber };
  const parsed = parseRow(raw);
  if (!parsed.ok) {
    return result(
      base,
      { outcome: 'failed', code: 'validation-failed', message: parsed.message, email: parsed.email },
      ctx.now,
    );
  }
  const row = parsed.row;
  const actions: RowAction[] = [];
  const personId = personIdFor(job.partnerId, row.email);
  let assignmentId: string | null = null;
  try {
    if (await deps.people.people.get(job.partnerId, personId)) {
      actions.push('matched');
    } else {
      try {
        await associatePerson(deps.people, ctx, job.partnerId, {
          email: row.email,
          firstName: row.firstName,
          lastName: row.lastName,
          notificationEmail: row.notificationEmail,
        });
        actions.push('associated');
      } catch (error) {
        if (!isAppError(error) || error.code !== 'already-exists') throw error;
        actions.push('matched');
      }
    }
    if (row.technicalContact) {
      const partner = await deps.people.partners.get(job.partnerId);
      if (partner && slotOf(partner.value, personId) !== row.technicalContact) {
        await setPersonRoles(
          deps.people,
          ctx,
          job.partnerId,
          personId,
          { technicalContact: row.technicalContact },
          undefined,
        );
        actions.push('slot-set');
      }
    }
    if (row.privilege) {
      const id = deterministicUuid(`bulk:${job.jobId}:${rowNumber}`);
      const granted = await grantPrivilege(deps.assignments, ctx, job.partnerId, {
        personId,
        privilege: row.privilege,
        assignmentId: id,
      });
      assignmentId = granted.value.assignmentId;
      actions.push('granted');
    }
  } catch (error) {
    if (!isAppError(error) || error.code === 'internal' || error.code === 'dependency-unavailable')
      throw error;
    return result(
      base,
      {
        outcome: 'failed',
        code: error.code,
        message: error.message,
        email: row.email,
        actions,
        personId,
        assignmentId,
      },
      ctx.now,
    );
  }
  const changed = actions.some((a) => a !== 'matched');
  return result(
    base,
    {
      outcome: changed ? 'succeeded' : 'skipped',
      message: changed ? describeActions(actions) : 'Already associated; the row asks for nothing more.',
      email: row.email,
      actions,
      personId,
      assignmentId,
    },
    ctx.now,
  );
}

function describeActions(actions: RowAction[]): string {
  const words: Record<RowAction, string> = {
    associated: 'associated the person',
    matched: 'found the person',
    'slot-set': 'set the Technical Contact slot',
    granted: 'granted the subscription (invitation queued)',
  };
  const text = actions.map((a) => words[a]).join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

/**
 * Runs one chunk's rows in order. Each row is claimed by its own document first, so a redelivered chunk
 * skips rows already done and never repeats or doubles anything; then the next chunk is queued.
 */
export async function processBulkChunk(
  deps: BulkDeps,
  message: BulkChunkMessage,
  now: () => Date,
): Promise<number> {
  const job = await deps.jobs.getJob(message.partnerId, message.jobId);
  const chunk = job && (await deps.jobs.getChunk(message.partnerId, message.jobId, message.chunk));
  if (!job || !chunk) return 0;
  if (message.chunk === 0 && !job.startedAt) await deps.jobs.markStarted(job.partnerId, job.jobId, now());
  let ran = 0;
  for (const [offset, raw] of chunk.rows.entries()) {
    const rowNumber = chunk.firstRow + offset;
    const claim = await deps.jobs.claimRow(job.partnerId, job.jobId, rowNumber, now());
    if (claim === 'done') continue;
    if (claim === 'busy') throw new Error(`row ${rowNumber} is being processed by another attempt`);
    const ctx: CallContext = {
      principal: principalOf(job),
      correlationId: message.correlationId,
      now: now(),
    };
    try {
      await deps.jobs.finishRow(await runRow(deps, ctx, job, rowNumber, raw));
    } catch (error) {
      await deps.jobs.releaseRow(job.partnerId, job.jobId, rowNumber).catch(() => undefined);
      throw error;
    }
    ran++;
  }
  await recordCounts(deps, job, chunk);
  await queueNextChunk(deps, job, message);
  return ran;
}

/** Counts a finished chunk from its rows' documents, so a redelivered chunk records the same numbers. */
async function recordCounts(deps: BulkDeps, job: BulkJob, chunk: BulkChunk): Promise<void> {
  const rows = chunk.rows.map((_, offset) => chunk.firstRow + offset);
  const outcomes = await deps.jobs.rowOutcomes(job.partnerId, job.jobId, rows);
  await deps.jobs.recordChunkCounts(job.partnerId, job.jobId, chunk.index, countOutcomes(outcomes));
}

async function queueNextChunk(deps: BulkDeps, job: BulkJob, message: BulkChunkMessage): Promise<void> {
  if (message.chunk + 1 < job.chunks) {
    await deps.queue.enqueue({ ...message, chunk: message.chunk + 1 });
  }
}

/**
 * A chunk that kept failing: every row of it without an outcome is marked failed (`processing-error`),
 * and the job goes on with the next chunk, so it still completes.
 */
export async function failBulkChunk(
  deps: BulkDeps,
  message: BulkChunkMessage,
  reason: string,
  now: Date,
): Promise<void> {
  const job = await deps.jobs.getJob(message.partnerId, message.jobId);
  const chunk = job && (await deps.jobs.getChunk(message.partnerId, message.jobId, message.chunk));
  if (!job || !chunk) return;
  for (const [offset, raw] of chunk.rows.entries()) {
    const rowNumber = chunk.firstRow + offset;
    const claim = await deps.jobs.claimRow(
      job.partnerId,
      job.jobId,
      rowNumber,
      new Date(now.getTime() + ROW_CLAIM_TIMEOUT_MS + 1),
    );
    if (claim === 'done') continue;
    const email =
      typeof (raw as { email?: unknown })?.email === 'string' ? (raw as { email: string }).email : null;
    await deps.jobs.finishRow(
      result(
        { jobId: job.jobId, partnerId: job.partnerId, row: rowNumber },
        {
          outcome: 'failed',
          code: 'processing-error',
          message: `The row could not be processed after several attempts (${reason}). Upload it again to retry.`,
          email,
        },
        now,
      ),
    );
  }
  await recordCounts(deps, job, chunk);
  await queueNextChunk(deps, job, message);
}

/**
 * A dry run: every row through the same domain rules, on a copy of the partner and of its people, in row
 * order, so rows competing for seats or slots are judged as they would be. Nothing is changed.
 */
async function simulate(
  deps: BulkDeps,
  partnerAtStart: Partner,
  job: BulkJob,
  rows: unknown[],
  now: Date,
): Promise<BulkRowResult[]> {
  let partner = partnerAtStart;
  const known = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await deps.people.people.list(job.partnerId, {}, { limit: 200, cursor });
    for (const person of page.items) known.add(person.personId);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  return rows.map((raw, index) => {
    const base = { jobId: job.jobId, partnerId: job.partnerId, row: index + 1 };
    const parsed = parseRow(raw);
    if (!parsed.ok) {
      return result(
        base,
        { outcome: 'failed', code: 'validation-failed', message: parsed.message, email: parsed.email },
        now,
      );
    }
    const row = parsed.row;
    const personId = personIdFor(job.partnerId, row.email);
    const actions: RowAction[] = [];
    let next = partner;
    try {
      if (known.has(personId)) actions.push('matched');
      else {
        buildPerson(next, personId, row, now);
        actions.push('associated');
      }
      if (row.technicalContact && slotOf(next, personId) !== row.technicalContact) {
        next = setRoles(
          next,
          { personId, email: row.email },
          { technicalContact: row.technicalContact },
          now,
        );
        actions.push('slot-set');
      }
      if (row.privilege) {
        const benefit = benefitForPrivilege(next, row.privilege);
        if (!liveSeatsOf(next, personId).some((seat) => seat.benefit === benefit)) {
          next = grantSeat(
            next,
            { assignmentId: `dry-run-${index + 1}`, personId, privilege: row.privilege },
            now,
          );
          actions.push('granted');
        } else {
          throw new AppError('already-assigned', `The person already holds a ${benefit} subscription.`);
        }
      }
    } catch (error) {
      if (!isAppError(error)) throw error;
      // As in a real run, what the row did before it failed (association, slot) stays done.
      partner = next;
      if (actions.length > 0) known.add(personId);
      return result(
        base,
        { outcome: 'failed', code: error.code, message: error.message, email: row.email, actions, personId },
        now,
      );
    }
    partner = next;
    known.add(personId);
    const changed = actions.some((a) => a !== 'matched');
    return result(
      base,
      {
        outcome: changed ? 'succeeded' : 'skipped',
        message: changed
          ? `Would have: ${describeActions(actions).toLowerCase()}`
          : 'Already associated; the row asks for nothing more.',
        email: row.email,
        actions,
        personId,
      },
      now,
    );
  });
}
