import { AppError } from './errors.js';
import { normalizeEmail, type Partner } from './partner.js';
import { sameEntraIdentity } from './principal.js';
import type { Assignment, SignedInIdentity, Subscriber, SubscriberProfile } from './assignment.js';

/** Using an invitation: whether its link still works, who may claim it, and activation (rule 5). */

export type InvitationProblem = 'not-pending' | 'used' | 'expired' | 'not-current';

/**
 * Why an invitation cannot be used now, or null when it can. `tokenIsCurrent` says whether the link's
 * token matches the current invitation (a resend replaces it); it is checked by the caller in constant time.
 */
export function invitationProblem(
  assignment: Assignment,
  tokenIsCurrent: boolean,
  at: Date,
): InvitationProblem | null {
  if (!tokenIsCurrent) return 'not-current';
  if (assignment.invitation.usedAt !== null || assignment.status === 'active') return 'used';
  if (assignment.status !== 'invited') return 'not-pending';
  if (new Date(assignment.invitation.expiresAt).getTime() <= at.getTime()) return 'expired';
  return null;
}

const INVITATION_MESSAGES: Record<InvitationProblem, string> = {
  'not-current':
    'This invitation link is not valid: it was replaced by a newer email, or it was copied incompletely.',
  used: 'This invitation link has already been used. Sign in to see your subscriptions.',
  'not-pending': 'This subscription is no longer on offer: it was revoked or has ended.',
  expired: 'This invitation link has expired. Ask your Program Administrator to send a new one.',
};

export function invitationInvalid(problem: InvitationProblem): AppError {
  return new AppError('invitation-invalid', INVITATION_MESSAGES[problem], { reason: problem });
}

const sameIdentity = (subscriber: Subscriber, identity: SignedInIdentity) =>
  sameEntraIdentity(subscriber, identity);

/**
 * Rule 5 at activation: the invitation is for one person. The signed-in identity must be an account of
 * the partner's own tenant (whose names that tenant vouches for), and one of its sign-in names must be
 * the invitee's work email. Anyone else is told which account is signed in and which one is invited.
 */
export function assertInvitee(
  partner: Pick<Partner, 'tenantId' | 'name'>,
  assignment: Pick<Assignment, 'personEmail'>,
  identity: SignedInIdentity,
): void {
  const invitee = normalizeEmail(assignment.personEmail);
  const signedInAs = identity.email ?? identity.signInNames[0] ?? 'an account without a sign-in name';
  const facts = { signedInAs, invitationFor: assignment.personEmail };
  if (identity.tenantId.toLowerCase() !== partner.tenantId.toLowerCase()) {
    throw new AppError(
      'forbidden',
      `You are signed in as ${signedInAs}, an account that does not belong to ${partner.name}'s organization. This invitation is for ${assignment.personEmail}: open the link again and sign in with that work account.`,
      { reason: 'identity-not-in-partner', ...facts },
    );
  }
  if (!identity.signInNames.map(normalizeEmail).includes(invitee)) {
    throw new AppError(
      'forbidden',
      `You are signed in as ${signedInAs}, but this invitation is for ${assignment.personEmail}. Open the link again and sign in as ${assignment.personEmail}, or ask your Program Administrator to send the invitation to the account you use.`,
      { reason: 'not-the-invitee', ...facts },
    );
  }
}

/**
 * Binds the signed-in identity to a pending invitation. The invitation must still be the one the sign-in
 * started from (`tokenHash`), unused and unexpired; an invitation already claimed by someone else is refused.
 */
export function bindSubscriber(
  assignment: Assignment,
  identity: SignedInIdentity,
  tokenHash: string,
  at: Date,
): Assignment {
  const problem = invitationProblem(assignment, assignment.invitation.tokenHash === tokenHash, at);
  if (problem) throw invitationInvalid(problem);
  const current =
    assignment.subscriber?.invitationVersion === assignment.invitation.version ? assignment.subscriber : null;
  if (current && !sameIdentity(current, identity)) {
    throw new AppError('invitation-invalid', 'This invitation was already claimed by another account.', {
      reason: 'claimed',
    });
  }
  if (current) return assignment;
  return {
    ...assignment,
    subscriber: {
      issuer: identity.issuer,
      subject: identity.subject,
      tenantId: identity.tenantId.toLowerCase(),
      objectId: identity.objectId.toLowerCase(),
      email: identity.email ?? null,
      invitationVersion: assignment.invitation.version,
      boundAt: at.toISOString(),
      profile: null,
    },
  };
}

/** The profile is submitted: the subscription becomes active and its invitation is spent. */
export function activateAssignment(
  assignment: Assignment,
  identity: SignedInIdentity,
  profile: SubscriberProfile,
  at: Date,
): Assignment {
  if (!assignment.subscriber || !sameIdentity(assignment.subscriber, identity)) {
    throw new AppError('invitation-invalid', 'Sign in from your invitation link first.', {
      reason: 'not-bound',
    });
  }
  if (assignment.status === 'active') return assignment;
  const problem = invitationProblem(assignment, true, at);
  if (problem) throw invitationInvalid(problem);
  const now = at.toISOString();
  return {
    ...assignment,
    status: 'active',
    activatedAt: now,
    invitation: { ...assignment.invitation, usedAt: now },
    subscriber: { ...assignment.subscriber, profile },
  };
}
