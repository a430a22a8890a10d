import {
  endAssignment,
  isLive,
  newAssignment,
  reissueInvitation,
  type Assignment,
  type AssignmentStatus,
} from '../domain/assignment.js';
import { notFound } from '../domain/errors.js';
import { deliveryAddress } from '../domain/person.js';
import type { Privilege } from '../domain/program.js';
import {
  benefitForPrivilege,
  grantSeat,
  liveSeatsOf,
  releaseSeat,
  usageOf,
  type BenefitUsage,
} from '../domain/seats.js';
import { authorizeRead, loadPartner } from './access.js';
import { auditEvent } from './audit.js';
import { lostRace, untilCommitted } from './commits.js';
import { newId } from './ids.js';
import type {
  AssignmentRepository,
  AuditLog,
  CallContext,
  Clock,
  EmailQueue,
  Page,
  PageRequest,
  PartitionWrite,
  PartnerPartition,
  PartnerRepository,
  PersonRepository,
  Versioned,
} from './ports.js';
import { hashToken, type InvitationTokens } from './tokens.js';

export interface AssignmentPolicy {
  cooldownDays: number;
  invitationTtlDays: number;
}

export interface AssignmentDeps {
  partners: PartnerRepository;
  partition: PartnerPartition;
  people: PersonRepository;
  assignments: AssignmentRepository;
  audit: AuditLog;
  clock: Clock;
  emails: EmailQueue;
  invitations: InvitationTokens;
  policy: AssignmentPolicy;
  /** Failures after the commit that a timer repairs: logged, never thrown at the caller. */
  warn: (event: string, fields: Record<string, unknown>) => void;
}

/** The hash of the token of an invitation version: all that is stored of a link. */
export const invitationTokenHash =
  (invitations: InvitationTokens, partnerId: string, assignmentId: string) =>
  (version: number): string =>
    hashToken(invitations.tokenFor({ partnerId, assignmentId, version }));

async function queueEmail(deps: AssignmentDeps, ctx: CallContext, assignment: Assignment) {
  try {
    await deps.emails.enqueue({
      partnerId: assignment.partnerId,
      assignmentId: assignment.assignmentId,
      sequence: assignment.delivery.sequence,
      correlationId: ctx.correlationId,
    });
  } catch (error) {
    // The email stays `queued`; the re-queue timer sends it (with a fresh link) once it is stale.
    deps.warn('email.enqueue-failed', {
      partnerId: assignment.partnerId,
      assignmentId: assignment.assignmentId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * Grants a privilege in two round trips: one read of the aggregate with the person, one commit of the
 * seat (the aggregate replaced at the version read, so the seat limit holds under any concurrency), the
 * assignment and its audit event together; then the invitation email is queued. The person is written
 * back unchanged at the version read, first: a person disassociated meanwhile fails the commit, so a
 * seat never outlives its holder. A commit that lost a race decides again on what is stored now.
 */
export async function grantPrivilege(
  deps: AssignmentDeps,
  ctx: CallContext,
  partnerId: string,
  input: { personId: string; privilege: Privilege },
): Promise<Versioned<Assignment>> {
  const now = deps.clock();
  const assignmentId = newId();
  const granted = await untilCommitted(`Partner ${partnerId}`, async () => {
    const read = await deps.partition.load(partnerId, { personId: input.personId });
    const partner = await authorizeRead(deps, read.partner, partnerId, ctx, 'manage');
    const person = read.person;
    if (!person) throw notFound(`Person ${input.personId}`);
    const benefit = benefitForPrivilege(partner.value, input.privilege);
    const seated = grantSeat(
      partner.value,
      { assignmentId, personId: input.personId, privilege: input.privilege },
      now,
    );
    const assignment = newAssignment(
      {
        assignmentId,
        partnerId,
        personId: input.personId,
        personEmail: person.value.email,
        deliverTo: deliveryAddress(person.value),
        privilege: input.privilege,
        benefit,
        assignedBy: { subject: ctx.principal.subject, email: ctx.principal.email ?? null },
        tokenHash: invitationTokenHash(deps.invitations, partnerId, assignmentId)(1),
      },
      now,
      deps.policy,
    );
    const event = auditEvent(
      { ...ctx, at: now },
      partnerId,
      'assignment.granted',
      { type: 'assignment', id: assignmentId },
      {
        personId: input.personId,
        privilege: input.privilege,
        benefit,
      },
    );
    const result = await deps.partition.commit(partnerId, [
      { op: 'replace', document: { kind: 'person', value: person.value }, ifMatch: person.etag },
      { op: 'replace', document: { kind: 'partner', value: seated }, ifMatch: partner.etag },
      { op: 'create', document: { kind: 'assignment', value: assignment } },
      { op: 'create', document: { kind: 'audit', value: event } },
    ]);
    if (!result.ok) {
      if (lostRace(result)) return 'conflict';
      throw new Error(`The grant's commit answered ${result.status} at write ${result.index}.`);
    }
    return { done: { value: assignment, etag: result.etags[2]! } };
  });
  await queueEmail(deps, ctx, granted.value);
  return granted;
}

/**
 * Ends a live assignment in two round trips: the aggregate and the assignment read together, then the
 * seat released (after the cooldown if it was activated), the assignment ended and the event recorded
 * in one commit; the revocation notice is queued. Idempotent: an assignment no longer live is answered
 * as it is.
 */
async function endOne(
  deps: AssignmentDeps,
  ctx: CallContext,
  partnerId: string,
  assignmentId: string,
  reason: 'revoked' | 'disassociated',
): Promise<Versioned<Assignment>> {
  const now = deps.clock();
  const outcome = await untilCommitted(`Partner ${partnerId}`, async () => {
    const read = await deps.partition.load(partnerId, { assignmentId });
    const partner = await authorizeRead(deps, read.partner, partnerId, ctx, 'manage');
    const current = read.assignment;
    if (!current) throw notFound(`Assignment ${assignmentId}`);
    if (!isLive(current.value)) return { done: { assignment: current, ended: false } };
    const ended = endAssignment(current.value, reason, current.value.delivery.to, now);
    const released = releaseSeat(partner.value, assignmentId, now, deps.policy);
    const event = auditEvent(
      { ...ctx, at: now },
      partnerId,
      'assignment.revoked',
      { type: 'assignment', id: assignmentId },
      {
        personId: current.value.personId,
        reason,
      },
    );
    // The aggregate first: it is the write most likely to lose a race, and where a store runs a batch
    // without undoing it (the emulator), a lost race then writes nothing; a retry heals the rarer rest.
    const writes: PartitionWrite[] = [
      ...(released === partner.value
        ? []
        : [
            { op: 'replace', document: { kind: 'partner', value: released }, ifMatch: partner.etag } as const,
          ]),
      { op: 'replace', document: { kind: 'assignment', value: ended }, ifMatch: current.etag },
      { op: 'create', document: { kind: 'audit', value: event } },
    ];
    const result = await deps.partition.commit(partnerId, writes);
    if (!result.ok) {
      if (lostRace(result)) return 'conflict';
      throw new Error(`The revocation's commit answered ${result.status} at write ${result.index}.`);
    }
    return { done: { assignment: { value: ended, etag: result.etags.at(-2)! }, ended: true } };
  });
  if (outcome.ended) await queueEmail(deps, ctx, outcome.assignment.value);
  return outcome.assignment;
}

/** Revokes a live assignment and frees its seat (after the cooldown if it was activated). Idempotent. */
export async function revokeAssignment(
  deps: AssignmentDeps,
  ctx: CallContext,
  partnerId: string,
  assignmentId: string,
): Promise<Versioned<Assignment>> {
  return endOne(deps, ctx, partnerId, assignmentId, 'revoked');
}

/** Ends every live assignment of a person who is being disassociated with cascade. */
export async function revokeAllOf(
  deps: AssignmentDeps,
  ctx: CallContext,
  partnerId: string,
  personId: string,
) {
  const now = deps.clock();
  const partner = await deps.partners.get(partnerId);
  if (!partner) throw notFound(`Partner ${partnerId}`);
  for (const seat of liveSeatsOf(partner.value, personId)) {
    const exists = await deps.assignments.get(partnerId, seat.assignmentId);
    if (exists) await endOne(deps, ctx, partnerId, seat.assignmentId, 'disassociated');
    else await deps.partners.update(partnerId, (p) => releaseSeat(p, seat.assignmentId, now, deps.policy));
  }
}

/**
 * A new invitation link (the previous one stops working) and a new email, in two round trips: the
 * aggregate (for access) and the assignment read together, the assignment and the event committed.
 */
export async function resendInvitation(
  deps: AssignmentDeps,
  ctx: CallContext,
  partnerId: string,
  assignmentId: string,
): Promise<Versioned<Assignment>> {
  const now = deps.clock();
  const resent = await untilCommitted(`Assignment ${assignmentId}`, async () => {
    const read = await deps.partition.load(partnerId, { assignmentId });
    await authorizeRead(deps, read.partner, partnerId, ctx, 'manage');
    const current = read.assignment;
    if (!current) throw notFound(`Assignment ${assignmentId}`);
    const reissued = reissueInvitation(
      current.value,
      invitationTokenHash(deps.invitations, partnerId, assignmentId),
      current.value.delivery.to,
      now,
      deps.policy,
    );
    const event = auditEvent(
      { ...ctx, at: now },
      partnerId,
      'assignment.invitation-resent',
      { type: 'assignment', id: assignmentId },
      { version: reissued.invitation.version },
    );
    const result = await deps.partition.commit(partnerId, [
      { op: 'replace', document: { kind: 'assignment', value: reissued }, ifMatch: current.etag },
      { op: 'create', document: { kind: 'audit', value: event } },
    ]);
    if (!result.ok) {
      if (lostRace(result)) return 'conflict';
      throw new Error(`The resend's commit answered ${result.status} at write ${result.index}.`);
    }
    return { done: { value: reissued, etag: result.etags[0]! } };
  });
  await queueEmail(deps, ctx, resent.value);
  return resent;
}

async function loadAssignment(deps: AssignmentDeps, partnerId: string, assignmentId: string) {
  const found = await deps.assignments.get(partnerId, assignmentId);
  if (!found) throw notFound(`Assignment ${assignmentId}`);
  return found;
}

export async function getAssignment(
  deps: AssignmentDeps,
  ctx: CallContext,
  partnerId: string,
  assignmentId: string,
) {
  await loadPartner(deps, partnerId, ctx, 'read');
  return loadAssignment(deps, partnerId, assignmentId);
}

export async function listAssignments(
  deps: Pick<AssignmentDeps, 'partners' | 'assignments' | 'clock'>,
  ctx: CallContext,
  partnerId: string,
  query: { status?: AssignmentStatus | undefined; personId?: string | undefined },
  page: PageRequest,
): Promise<Page<Assignment>> {
  await loadPartner(deps, partnerId, ctx, 'read');
  return deps.assignments.list(partnerId, query, page);
}

/** Every assignment matching the query, page by page (for exports). */
export async function* allAssignments(
  deps: Pick<AssignmentDeps, 'partners' | 'assignments' | 'clock'>,
  ctx: CallContext,
  partnerId: string,
  query: { status?: AssignmentStatus | undefined },
): AsyncIterable<Assignment> {
  await loadPartner(deps, partnerId, ctx, 'read');
  let cursor: string | undefined;
  do {
    const page = await deps.assignments.list(partnerId, query, { limit: 200, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

export interface UsageReport {
  partnerId: string;
  at: string;
  benefits: BenefitUsage[];
}

export async function getUsage(
  deps: Pick<AssignmentDeps, 'partners' | 'clock'>,
  ctx: CallContext,
  partnerId: string,
): Promise<UsageReport> {
  const now = deps.clock();
  const { value: partner } = await loadPartner(deps, partnerId, ctx, 'read');
  return { partnerId, at: now.toISOString(), benefits: usageOf(partner, now) };
}
