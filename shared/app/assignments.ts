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
  liveSeat,
  liveSeatsOf,
  releaseSeat,
  usageOf,
  type BenefitUsage,
} from '../domain/seats.js';
import { loadPartner } from './access.js';
import { recordChange } from './audit.js';
import { newId } from './ids.js';
import type {
  AssignmentRepository,
  AuditLog,
  CallContext,
  EmailQueue,
  Page,
  PageRequest,
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
  people: PersonRepository;
  assignments: AssignmentRepository;
  audit: AuditLog;
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
 * Grants a privilege: the seat is taken in the partner aggregate's conditional write (so the seat
 * limit holds under any concurrency), then the assignment is stored and its invitation email queued.
 */
export async function grantPrivilege(
  deps: AssignmentDeps,
  ctx: CallContext,
  partnerId: string,
  input: { personId: string; privilege: Privilege; assignmentId?: string | undefined },
): Promise<Versioned<Assignment>> {
  const { value: partner } = await loadPartner(deps.partners, partnerId, ctx, 'manage');
  const person = await deps.people.get(partnerId, input.personId);
  if (!person) throw notFound(`Person ${input.personId}`);
  benefitForPrivilege(partner, input.privilege);

  // A caller-chosen id (a bulk row's) makes the grant idempotent: a retry finds what the first attempt did.
  const assignmentId = input.assignmentId ?? newId();
  if (input.assignmentId) {
    const existing = await deps.assignments.get(partnerId, assignmentId);
    if (existing) return existing;
  }
  const updated = await deps.partners.update(partnerId, (current) =>
    liveSeat(current, assignmentId)
      ? current
      : grantSeat(current, { assignmentId, personId: input.personId, privilege: input.privilege }, ctx.now),
  );
  const release = () =>
    deps.partners.update(partnerId, (current) => releaseSeat(current, assignmentId, ctx.now, deps.policy));

  if (!(await deps.people.get(partnerId, input.personId))) {
    await release(); // disassociated while we granted: a seat must never outlive its holder
    throw notFound(`Person ${input.personId}`);
  }
  const benefit = benefitForPrivilege(updated.value, input.privilege);
  let created: Versioned<Assignment>;
  try {
    created = await deps.assignments.create(
      newAssignment(
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
        ctx.now,
        deps.policy,
      ),
    );
  } catch (error) {
    const raced = input.assignmentId ? await deps.assignments.get(partnerId, assignmentId) : null;
    if (raced) return raced;
    await release().catch(() => undefined);
    throw error;
  }
  await queueEmail(deps, ctx, created.value);
  await recordChange(
    deps.audit,
    ctx,
    partnerId,
    'assignment.granted',
    { type: 'assignment', id: assignmentId },
    {
      personId: input.personId,
      privilege: input.privilege,
      benefit,
    },
  );
  return created;
}

/** Where the person's email goes now: their notification address may have changed since the grant. */
async function currentAddress(deps: AssignmentDeps, assignment: Assignment): Promise<string> {
  const person = await deps.people.get(assignment.partnerId, assignment.personId);
  return person ? deliveryAddress(person.value) : assignment.delivery.to;
}

async function loadAssignment(deps: AssignmentDeps, partnerId: string, assignmentId: string) {
  const found = await deps.assignments.get(partnerId, assignmentId);
  if (!found) throw notFound(`Assignment ${assignmentId}`);
  return found;
}

async function endOne(
  deps: AssignmentDeps,
  ctx: CallContext,
  partnerId: string,
  assignmentId: string,
  reason: 'revoked' | 'disassociated',
): Promise<Versioned<Assignment>> {
  const current = await loadAssignment(deps, partnerId, assignmentId);
  if (!isLive(current.value)) return current;
  await deps.partners.update(partnerId, (partner) =>
    releaseSeat(partner, assignmentId, ctx.now, deps.policy),
  );
  const to = await currentAddress(deps, current.value);
  const ended = await deps.assignments.update(partnerId, assignmentId, (a) =>
    endAssignment(a, reason, to, ctx.now),
  );
  if (ended.value.status !== current.value.status) {
    await queueEmail(deps, ctx, ended.value);
    await recordChange(
      deps.audit,
      ctx,
      partnerId,
      'assignment.revoked',
      { type: 'assignment', id: assignmentId },
      {
        personId: current.value.personId,
        reason,
      },
    );
  }
  return ended;
}

/** Revokes a live assignment and frees its seat (after the cooldown if it was activated). Idempotent. */
export async function revokeAssignment(
  deps: AssignmentDeps,
  ctx: CallContext,
  partnerId: string,
  assignmentId: string,
): Promise<Versioned<Assignment>> {
  await loadPartner(deps.partners, partnerId, ctx, 'manage');
  return endOne(deps, ctx, partnerId, assignmentId, 'revoked');
}

/** Ends every live assignment of a person who is being disassociated with cascade. */
export async function revokeAllOf(
  deps: AssignmentDeps,
  ctx: CallContext,
  partnerId: string,
  personId: string,
) {
  const partner = await deps.partners.get(partnerId);
  if (!partner) throw notFound(`Partner ${partnerId}`);
  for (const seat of liveSeatsOf(partner.value, personId)) {
    const exists = await deps.assignments.get(partnerId, seat.assignmentId);
    if (exists) await endOne(deps, ctx, partnerId, seat.assignmentId, 'disassociated');
    else
      await deps.partners.update(partnerId, (p) => releaseSeat(p, seat.assignmentId, ctx.now, deps.policy));
  }
}

/** A new invitation link (the previous one stops working) and a new email. */
export async function resendInvitation(
  deps: AssignmentDeps,
  ctx: CallContext,
  partnerId: string,
  assignmentId: string,
): Promise<Versioned<Assignment>> {
  await loadPartner(deps.partners, partnerId, ctx, 'manage');
  const current = await loadAssignment(deps, partnerId, assignmentId);
  const to = await currentAddress(deps, current.value);
  const updated = await deps.assignments.update(partnerId, assignmentId, (a) =>
    reissueInvitation(
      a,
      invitationTokenHash(deps.invitations, partnerId, assignmentId),
      to,
      ctx.now,
      deps.policy,
    ),
  );
  await queueEmail(deps, ctx, updated.value);
  await recordChange(
    deps.audit,
    ctx,
    partnerId,
    'assignment.invitation-resent',
    {
      type: 'assignment',
      id: assignmentId,
    },
    { version: updated.value.invitation.version },
  );
  return updated;
}

export async function getAssignment(
  deps: AssignmentDeps,
  ctx: CallContext,
  partnerId: string,
  assignmentId: string,
) {
  await loadPartner(deps.partners, partnerId, ctx, 'read');
  return loadAssignment(deps, partnerId, assignmentId);
}

export async function listAssignments(
  deps: Pick<AssignmentDeps, 'partners' | 'assignments'>,
  ctx: CallContext,
  partnerId: string,
  query: { status?: AssignmentStatus | undefined; personId?: string | undefined },
  page: PageRequest,
): Promise<Page<Assignment>> {
  await loadPartner(deps.partners, partnerId, ctx, 'read');
  return deps.assignments.list(partnerId, query, page);
}

/** Every assignment matching the query, page by page (for exports). */
export async function* allAssignments(
  deps: Pick<AssignmentDeps, 'partners' | 'assignments'>,
  ctx: CallContext,
  partnerId: string,
  query: { status?: AssignmentStatus | undefined },
): AsyncIterable<Assignment> {
  await loadPartner(deps.partners, partnerId, ctx, 'read');
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
  deps: Pick<AssignmentDeps, 'partners'>,
  ctx: CallContext,
  partnerId: string,
): Promise<UsageReport> {
  const { value: partner } = await loadPartner(deps.partners, partnerId, ctx, 'read');
  return { partnerId, at: ctx.now.toISOString(), benefits: usageOf(partner, ctx.now) };
}
