import { AppError } from './errors.js';
import type { Benefit, Privilege } from './program.js';
import { addDays } from './dates.js';

/**
 * One grant of a subscription to a person, with its invitation and the delivery of its latest email.
 * The seat it holds is on the partner aggregate; this document carries the details.
 */
export type AssignmentStatus = 'invited' | 'active' | 'revoked' | 'expired';
export const ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = ['invited', 'active', 'revoked', 'expired'];
export type EmailKind = 'invitation' | 'revocation';
export type DeliveryState = 'queued' | 'sent' | 'failed';

export interface Invitation {
  /** Bumped by every resend: a link carries a token whose hash must match the current version's. */
  version: number;
  tokenHash: string;
  issuedAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export interface Delivery {
  /** Bumped for every email; a queue message for an older sequence is stale and dropped. */
  sequence: number;
  kind: EmailKind;
  to: string;
  state: DeliveryState;
  attempts: number;
  lastError: string | null;
  queuedAt: string;
  nextAttemptAt: string | null;
  sentAt: string | null;
}

/**
 * The signed-in identity an invitation was claimed by (tenant + object id), and the profile they gave.
 * The binding belongs to one invitation version: a resend clears it.
 */
export interface Subscriber {
  issuer: string;
  subject: string;
  tenantId: string;
  objectId: string;
  email: string | null;
  invitationVersion: number;
  boundAt: string;
  profile: SubscriberProfile | null;
}

export interface SubscriberProfile {
  firstName: string;
  lastName: string;
  contactEmail: string;
}

/** A verified ID token's identity: who signed in, and the names their tenant gave the account. */
export interface SignedInIdentity {
  issuer: string;
  subject: string;
  tenantId: string;
  objectId: string;
  /** For display: the first of email, preferred_username, upn. */
  email?: string | undefined;
  /** Every sign-in name the tenant set (`email`, `preferred_username`, `upn`), lower-cased. */
  signInNames: string[];
}

export interface Assignment {
  assignmentId: string;
  partnerId: string;
  personId: string;
  personEmail: string;
  privilege: Privilege;
  benefit: Benefit;
  status: AssignmentStatus;
  assignedAt: string;
  assignedBy: { subject: string; email: string | null };
  activatedAt: string | null;
  endedAt: string | null;
  endReason: 'revoked' | 'expired' | 'disassociated' | null;
  invitation: Invitation;
  delivery: Delivery;
  subscriber: Subscriber | null;
  /** The bulk job that granted it, if one did (its status counts the job's emails). */
  bulkJobId?: string;
}

export interface InvitationPolicy {
  invitationTtlDays: number;
}

export interface NewAssignment {
  assignmentId: string;
  partnerId: string;
  personId: string;
  personEmail: string;
  deliverTo: string;
  privilege: Privilege;
  benefit: Benefit;
  assignedBy: { subject: string; email: string | null };
  tokenHash: string;
  bulkJobId?: string | undefined;
}

export const isLive = (assignment: Pick<Assignment, 'status'>): boolean =>
  assignment.status === 'invited' || assignment.status === 'active';

function queued(kind: EmailKind, sequence: number, to: string, at: Date): Delivery {
  return {
    sequence,
    kind,
    to,
    state: 'queued',
    attempts: 0,
    lastError: null,
    queuedAt: at.toISOString(),
    nextAttemptAt: null,
    sentAt: null,
  };
}

export function newAssignment(input: NewAssignment, at: Date, policy: InvitationPolicy): Assignment {
  const now = at.toISOString();
  return {
    assignmentId: input.assignmentId,
    partnerId: input.partnerId,
    personId: input.personId,
    personEmail: input.personEmail,
    privilege: input.privilege,
    benefit: input.benefit,
    status: 'invited',
    assignedAt: now,
    assignedBy: input.assignedBy,
    activatedAt: null,
    endedAt: null,
    endReason: null,
    invitation: {
      version: 1,
      tokenHash: input.tokenHash,
      issuedAt: now,
      expiresAt: addDays(at, policy.invitationTtlDays).toISOString(),
      usedAt: null,
    },
    delivery: queued('invitation', 1, input.deliverTo, at),
    subscriber: null,
    ...(input.bulkJobId ? { bulkJobId: input.bulkJobId } : {}),
  };
}

/** A resend: a new link (the old one dies: its version is superseded) and a new email. */
export function reissueInvitation(
  assignment: Assignment,
  tokenHashFor: (version: number) => string,
  deliverTo: string,
  at: Date,
  policy: InvitationPolicy,
): Assignment {
  if (assignment.status !== 'invited') {
    throw new AppError(
      'already-assigned',
      `The subscription is ${assignment.status}; only a pending invitation can be sent again.`,
      { status: assignment.status },
    );
  }
  const now = at.toISOString();
  const version = assignment.invitation.version + 1;
  return {
    ...assignment,
    invitation: {
      version,
      tokenHash: tokenHashFor(version),
      issuedAt: now,
      expiresAt: addDays(at, policy.invitationTtlDays).toISOString(),
      usedAt: null,
    },
    delivery: queued('invitation', assignment.delivery.sequence + 1, deliverTo, at),
    // Whoever claimed the old link (perhaps the wrong account) has no hold on the new one.
    subscriber: null,
  };
}

/** Ends a live assignment; a revocation also queues a short notice to the person. */
export function endAssignment(
  assignment: Assignment,
  reason: 'revoked' | 'expired' | 'disassociated',
  deliverTo: string,
  at: Date,
): Assignment {
  if (!isLive(assignment)) return assignment;
  const ended: Assignment = {
    ...assignment,
    status: reason === 'expired' ? 'expired' : 'revoked',
    endedAt: at.toISOString(),
    endReason: reason,
  };
  return reason === 'expired'
    ? ended
    : { ...ended, delivery: queued('revocation', assignment.delivery.sequence + 1, deliverTo, at) };
}

/** Sent: `to` is where it went (the person's address when it was sent, which may have changed since it was queued). */
export function recordSent(assignment: Assignment, sequence: number, at: Date, to?: string): Assignment {
  if (sequence !== assignment.delivery.sequence || assignment.delivery.state === 'sent') return assignment;
  return {
    ...assignment,
    delivery: {
      ...assignment.delivery,
      to: to ?? assignment.delivery.to,
      state: 'sent',
      attempts: assignment.delivery.attempts + 1,
      sentAt: at.toISOString(),
      nextAttemptAt: null,
      lastError: null,
    },
  };
}

/** Throttled or failing for now: still queued, with what went wrong and when it is tried again. */
export function recordAttempt(
  assignment: Assignment,
  sequence: number,
  error: string,
  nextAttemptAt: Date | null,
): Assignment {
  if (sequence !== assignment.delivery.sequence || assignment.delivery.state !== 'queued') return assignment;
  return {
    ...assignment,
    delivery: {
      ...assignment.delivery,
      attempts: assignment.delivery.attempts + 1,
      lastError: error,
      nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
    },
  };
}

export function recordFailed(assignment: Assignment, sequence: number, error: string): Assignment {
  if (sequence !== assignment.delivery.sequence || assignment.delivery.state === 'sent') return assignment;
  return { ...assignment, delivery: { ...assignment.delivery, state: 'failed', lastError: error } };
}

/**
 * An email left queued too long (its enqueue after the commit may have failed) goes out again under a
 * new sequence. The link stays the same: its token is derived from the invitation, not stored.
 */
export function requeueDelivery(assignment: Assignment, at: Date): Assignment {
  return {
    ...assignment,
    delivery: queued(assignment.delivery.kind, assignment.delivery.sequence + 1, assignment.delivery.to, at),
  };
}

/** Whether a queued email has waited longer than it should, counting any throttling delay it was given. */
export function isDeliveryStale(assignment: Assignment, at: Date, staleAfterMinutes: number): boolean {
  if (assignment.delivery.state !== 'queued') return false;
  if (assignment.delivery.kind === 'invitation' && assignment.status !== 'invited') return false;
  const since = new Date(assignment.delivery.nextAttemptAt ?? assignment.delivery.queuedAt);
  return at.getTime() - since.getTime() > staleAfterMinutes * 60_000;
}
