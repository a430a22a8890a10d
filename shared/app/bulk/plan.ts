import { newAssignment } from '../../domain/assignment.js';
import { BULK_LIMITS, type BulkJob } from '../../domain/bulk.js';
import { planRows, type PlanState, type PlannedInput, type RowDecision } from '../../domain/bulk-plan.js';
import type { Partner } from '../../domain/partner.js';
import { benefitForPrivilege } from '../../domain/seats.js';
import { invitationTokenHash } from '../assignments.js';
import { auditEvent, type AuditContext } from '../audit.js';
import { BulkRowSchema } from '../bulk-row-schema.js';
import { personIdFor } from '../ids.js';
import type { BulkChunk, ChunkPlan, EmailDispatchMessage, PartitionDocument } from '../ports.js';
import { deterministicUuid } from '../tokens.js';
import { principalOf, type BulkDeps } from './deps.js';

function describeIssues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .map((issue) => `${issue.path.map(String).join('.') || 'row'}: ${issue.message}`)
    .join('; ');
}

/** A row as uploaded, checked against the row schema (a bad row fails alone, with what was wrong). */
export function parseRow(raw: unknown): PlannedInput {
  const parsed = BulkRowSchema.safeParse(raw);
  if (parsed.success) return { ok: true, row: parsed.data };
  const email =
    typeof raw === 'object' && raw !== null && typeof (raw as { email?: unknown }).email === 'string'
      ? (raw as { email: string }).email.trim() || null
      : null;
  return { ok: false, message: describeIssues(parsed.error), email };
}

/** A row's assignment id is derived from the job and the row, so its documents are the same on every try. */
export const bulkAssignmentId = (jobId: string) => (row: number) => deterministicUuid(`bulk:${jobId}:${row}`);

/** The chunks of an upload: rows in order, 100 to a chunk, numbered from 1 as a person counts them. */
export function chunksOf(partnerId: string, jobId: string, rows: unknown[]): BulkChunk[] {
  const chunks: BulkChunk[] = [];
  for (let start = 0; start < rows.length; start += BULK_LIMITS.chunkSize) {
    chunks.push({
      jobId,
      partnerId,
      index: chunks.length,
      firstRow: start + 1,
      rows: rows.slice(start, start + BULK_LIMITS.chunkSize),
    });
  }
  return chunks;
}

/** The person ids a chunk's valid rows name, to ask the store which of them exist. */
export function personIdsOf(partnerId: string, chunk: Pick<BulkChunk, 'rows'>): string[] {
  const ids = chunk.rows
    .map(parseRow)
    .flatMap((input) => (input.ok ? [personIdFor(partnerId, input.row.email)] : []));
  return [...new Set(ids)];
}

/** Decides a chunk's rows in order on `state`, pure: the same chunk and state give the same plan. */
export function planChunk(
  state: PlanState,
  job: Pick<BulkJob, 'jobId' | 'partnerId'>,
  chunk: Pick<BulkChunk, 'rows' | 'firstRow'>,
  at: Date,
  correlationId: string,
): { state: PlanState; plan: ChunkPlan } {
  const { state: next, decisions } = planRows(
    state,
    chunk.rows.map((raw, offset) => ({ row: chunk.firstRow + offset, input: parseRow(raw) })),
    {
      personId: (email) => personIdFor(job.partnerId, email),
      assignmentId: bulkAssignmentId(job.jobId),
      now: at,
    },
  );
  return { state: next, plan: { plannedAt: at.toISOString(), correlationId, decisions } };
}

/** Every row failed as it was refused: the job's administrator no longer manages the partner, say. */
export function refusedPlan(
  chunk: Pick<BulkChunk, 'rows' | 'firstRow'>,
  error: { code: RowDecision['code']; message: string },
  at: Date,
  correlationId: string,
): ChunkPlan {
  return {
    plannedAt: at.toISOString(),
    correlationId,
    decisions: chunk.rows.map((raw, offset) => {
      const input = parseRow(raw);
      return {
        row: chunk.firstRow + offset,
        email: input.ok ? input.row.email : input.email,
        outcome: 'failed',
        code: error.code,
        failure: error.message,
        actions: [],
        personId: null,
        newPerson: null,
        grant: null,
        slot: null,
      };
    }),
  };
}

const eventId = (jobId: string, row: number, action: string) => `bulk-${jobId}-${row}-${action}`;

/**
 * The documents a committed plan names, derived from the plan alone (so every try writes the same
 * ones): the people it associated, the assignments it granted, and an audit event per change, with the
 * same actions as the single endpoints record.
 */
export function documentsOf(
  deps: Pick<BulkDeps, 'invitations' | 'policy'>,
  job: BulkJob,
  partner: Pick<Partner, 'program'>,
  plan: ChunkPlan,
): PartitionDocument[] {
  const at = new Date(plan.plannedAt);
  const ctx: AuditContext = { principal: principalOf(job), correlationId: plan.correlationId, at };
  const documents: PartitionDocument[] = [];
  for (const decision of plan.decisions) {
    const { personId, row } = decision;
    if (!personId || !decision.email) continue;
    if (decision.newPerson) {
      documents.push({ kind: 'person', value: decision.newPerson });
      const event = auditEvent(
        ctx,
        job.partnerId,
        'person.associated',
        { type: 'person', id: personId },
        {
          email: decision.newPerson.email,
          bulkJobId: job.jobId,
          row,
        },
        eventId(job.jobId, row, 'associated'),
      );
      documents.push({ kind: 'audit', value: event });
    }
    if (decision.slot) {
      const event = auditEvent(
        ctx,
        job.partnerId,
        'person.roles-changed',
        { type: 'person', id: personId },
        {
          before: { technicalContact: decision.slot.from },
          after: { technicalContact: decision.slot.to },
          bulkJobId: job.jobId,
          row,
        },
        eventId(job.jobId, row, 'slot-set'),
      );
      documents.push({ kind: 'audit', value: event });
    }
    if (decision.grant) {
      const { assignmentId, privilege } = decision.grant;
      const benefit = benefitForPrivilege(partner, privilege);
      documents.push({
        kind: 'assignment',
        value: newAssignment(
          {
            assignmentId,
            partnerId: job.partnerId,
            personId,
            personEmail: decision.newPerson?.email ?? decision.email,
            // The dispatcher sends to the person's address at the time it sends.
            deliverTo: decision.newPerson?.notificationEmail ?? decision.email,
            privilege,
            benefit,
            assignedBy: { subject: job.createdBy.subject, email: job.createdBy.email },
            tokenHash: invitationTokenHash(deps.invitations, job.partnerId, assignmentId)(1),
            bulkJobId: job.jobId,
          },
          at,
          deps.policy,
        ),
      });
      const event = auditEvent(
        ctx,
        job.partnerId,
        'assignment.granted',
        { type: 'assignment', id: assignmentId },
        {
          personId,
          privilege,
          benefit,
          bulkJobId: job.jobId,
          row,
        },
        eventId(job.jobId, row, 'granted'),
      );
      documents.push({ kind: 'audit', value: event });
    }
  }
  return documents;
}

/** The invitation emails of a committed plan: one per granted row. */
export const emailsOf = (job: Pick<BulkJob, 'partnerId'>, plan: ChunkPlan): EmailDispatchMessage[] =>
  plan.decisions.flatMap((decision) =>
    decision.grant
      ? [
          {
            partnerId: job.partnerId,
            assignmentId: decision.grant.assignmentId,
            sequence: 1,
            correlationId: plan.correlationId,
          },
        ]
      : [],
  );
