import type { BulkRowInput, BulkRowResult, RowAction, RowOutcome } from './bulk.js';
import { AppError, isAppError, type ErrorCode } from './errors.js';
import { setRoles, slotOf, type Partner } from './partner.js';
import { associatePerson, type Person } from './person.js';
import type { Privilege } from './program.js';
import { benefitForPrivilege, grantSeat, liveSeatsOf } from './seats.js';

/**
 * The one row planner of bulk jobs, for real runs and dry runs alike: a row is decided against the
 * partner aggregate as it stands after the rows before it (row N before row N+1, so rows competing for
 * seats and slots are judged in the order of the file), by the same domain rules as the single
 * endpoints. Deciding changes nothing stored; the caller commits the aggregate and writes what the
 * decisions name.
 */

/** A row as it was uploaded: valid (parsed) or not, with what could be read of its email. */
export type PlannedInput =
  { ok: true; row: BulkRowInput } | { ok: false; message: string; email: string | null };

export interface PlanState {
  partner: Partner;
  /** Ids of the people associated before the row (stored, or by an earlier row of the job). */
  known: ReadonlySet<string>;
}

/** What one row decided: its outcome, and what it changes beside the aggregate. */
export interface RowDecision {
  row: number;
  email: string | null;
  outcome: RowOutcome;
  code: ErrorCode | 'processing-error' | null;
  /** The rule's own sentence for a failure; null when the row did what it asked. */
  failure: string | null;
  actions: RowAction[];
  personId: string | null;
  /** The person to create when the row associated one. */
  newPerson: Person | null;
  grant: { assignmentId: string; privilege: Privilege } | null;
  slot: { from: string | null; to: string } | null;
}

export interface RowContext {
  row: number;
  personId: (email: string) => string;
  assignmentId: (row: number) => string;
  now: Date;
}

/**
 * Decides one row on `state` and returns the aggregate the next row is decided on; a person the row
 * associates is `decision.newPerson`, which the caller adds to what is known.
 */
export function planRow(
  state: PlanState,
  input: PlannedInput,
  context: RowContext,
): { state: PlanState; decision: RowDecision } {
  const base = { row: context.row, newPerson: null, grant: null, slot: null };
  if (!input.ok) {
    return {
      state,
      decision: {
        ...base,
        email: input.email,
        outcome: 'failed',
        code: 'validation-failed',
        failure: input.message,
        actions: [],
        personId: null,
      },
    };
  }
  const { row } = input;
  const personId = context.personId(row.email);
  const actions: RowAction[] = [];
  let partner = state.partner;
  let newPerson: Person | null = null;
  let grant: RowDecision['grant'] = null;
  let slot: RowDecision['slot'] = null;
  const decided = (outcome: RowOutcome, code: ErrorCode | null, failure: string | null): RowDecision => ({
    row: context.row,
    email: row.email,
    outcome,
    code,
    failure,
    actions: [...actions],
    personId,
    newPerson,
    grant,
    slot,
  });
  // The next rows see the person this one associated; planRows keeps the set (a copy per row would
  // cost quadratic time over 10,000 rows).
  const after = (): PlanState => ({ partner, known: state.known });
  try {
    if (state.known.has(personId)) actions.push('matched');
    else {
      newPerson = associatePerson(partner, personId, row, context.now);
      actions.push('associated');
    }
    const currentSlot = slotOf(partner, personId);
    if (row.technicalContact && currentSlot !== row.technicalContact) {
      partner = setRoles(
        partner,
        { personId, email: row.email },
        { technicalContact: row.technicalContact },
        context.now,
      );
      slot = { from: currentSlot, to: row.technicalContact };
      actions.push('slot-set');
    }
    if (row.privilege) {
      const benefit = benefitForPrivilege(partner, row.privilege);
      const held = liveSeatsOf(partner, personId).find((seat) => seat.benefit === benefit);
      if (held) {
        throw new AppError(
          'already-assigned',
          `The person already holds a ${held.status} ${benefit} subscription.`,
          {
            assignmentId: held.assignmentId,
          },
        );
      }
      const assignmentId = context.assignmentId(context.row);
      partner = grantSeat(partner, { assignmentId, personId, privilege: row.privilege }, context.now);
      grant = { assignmentId, privilege: row.privilege };
      actions.push('granted');
    }
  } catch (error) {
    if (!isAppError(error)) throw error;
    // As with the single endpoints, what the row did before it failed (association, slot) stays done.
    return { state: after(), decision: decided('failed', error.code, error.message) };
  }
  const changed = actions.some((a) => a !== 'matched');
  return { state: after(), decision: decided(changed ? 'succeeded' : 'skipped', null, null) };
}

/** Decides rows in order, each on the state the rows before it left. */
export function planRows(
  state: PlanState,
  inputs: { row: number; input: PlannedInput }[],
  context: Omit<RowContext, 'row'>,
): { state: PlanState; decisions: RowDecision[] } {
  const decisions: RowDecision[] = [];
  const known = new Set(state.known);
  let partner = state.partner;
  for (const { row, input } of inputs) {
    const planned = planRow({ partner, known }, input, { ...context, row });
    partner = planned.state.partner;
    if (planned.decision.newPerson) known.add(planned.decision.newPerson.personId);
    decisions.push(planned.decision);
  }
  return { state: { partner, known }, decisions };
}

const ACTION_WORDS: Record<RowAction, string> = {
  associated: 'associated the person',
  matched: 'found the person',
  'slot-set': 'set the Technical Contact slot',
  granted: 'granted the subscription (invitation queued)',
};

/** The sentence a person reads for a row: what it did (or, in a dry run, would have done), or why not. */
export function describeDecision(decision: RowDecision, dryRun: boolean): string {
  if (decision.failure !== null) return decision.failure;
  if (decision.outcome === 'skipped') return 'Already associated; the row asks for nothing more.';
  const text = decision.actions.map((a) => ACTION_WORDS[a]).join(', ');
  return dryRun ? `Would have: ${text.toLowerCase()}.` : `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** The public row outcome of a decision. */
export function rowResult(
  decision: RowDecision,
  job: { jobId: string; partnerId: string; dryRun: boolean },
  finishedAt: Date,
): BulkRowResult {
  return {
    jobId: job.jobId,
    partnerId: job.partnerId,
    row: decision.row,
    email: decision.email,
    outcome: decision.outcome,
    code: decision.code,
    message: describeDecision(decision, job.dryRun),
    actions: decision.actions,
    personId: decision.personId,
    assignmentId: job.dryRun ? null : (decision.grant?.assignmentId ?? null),
    finishedAt: finishedAt.toISOString(),
  };
}
