import type { Assignment, SignedInIdentity, SubscriberProfile } from '../domain/assignment.js';
import {
  activateAssignment,
  assertInvitee,
  bindSubscriber,
  invitationInvalid,
  invitationProblem,
} from '../domain/invitation.js';
import { AppError } from '../domain/errors.js';
import { sameEntraIdentity } from '../domain/principal.js';
import { PROGRAM_TERMS } from '../domain/program.js';
import { activateSeat } from '../domain/seats.js';
import { recordChange } from './audit.js';
import type { AssignmentRepository, AuditLog, Clock, PartnerRepository, PersonRepository } from './ports.js';
import { hashToken, tokenMatches } from './tokens.js';

export interface ActivationDeps {
  partners: PartnerRepository;
  people: PersonRepository;
  assignments: AssignmentRepository;
  audit: AuditLog;
  clock: Clock;
}

export interface InvitationRef {
  partnerId: string;
  assignmentId: string;
}

/** Every failure of a link looks the same from outside unless the token itself was right. */
async function loadInvitation(deps: ActivationDeps, ref: InvitationRef): Promise<Assignment> {
  const found = await deps.assignments.get(ref.partnerId, ref.assignmentId);
  if (!found) throw invitationInvalid('not-current');
  return found.value;
}

/**
 * Checks an emailed link: the token's hash must match the current invitation (in constant time), and it
 * must be unused, unexpired and still pending. Returns what the sign-in needs.
 */
export async function checkInvitationLink(
  deps: ActivationDeps,
  link: InvitationRef & { token: string },
): Promise<{ loginHint: string; tokenHash: string; partnerName: string }> {
  const now = deps.clock();
  const assignment = await loadInvitation(deps, link);
  const problem = invitationProblem(
    assignment,
    tokenMatches(assignment.invitation.tokenHash, link.token),
    now,
  );
  if (problem) throw invitationInvalid(problem);
  const partner = await deps.partners.get(link.partnerId);
  if (!partner) throw invitationInvalid('not-pending');
  return {
    loginHint: assignment.personEmail,
    tokenHash: hashToken(link.token),
    partnerName: partner.value.name,
  };
}

const asPrincipal = (identity: SignedInIdentity) => ({
  issuer: identity.issuer,
  subject: identity.subject,
  tenantId: identity.tenantId,
  objectId: identity.objectId,
  email: identity.email,
  roles: [],
});

/**
 * After sign-in: the identity must be the invitee, an account of the partner's tenant (rule 5); then it
 * is bound to the invitation version the sign-in started from. Anyone else is told which account is
 * signed in and which one is invited, and nothing is bound.
 */
export async function claimInvitation(
  deps: ActivationDeps,
  ref: InvitationRef & { tokenHash: string },
  identity: SignedInIdentity,
  correlationId: string,
): Promise<Assignment> {
  const now = deps.clock();
  const partner = await deps.partners.get(ref.partnerId);
  if (!partner) throw invitationInvalid('not-pending');
  const invited = await loadInvitation(deps, ref);
  assertInvitee(partner.value, invited, identity);
  const bound = await deps.assignments.update(ref.partnerId, ref.assignmentId, (a) =>
    bindSubscriber(a, identity, ref.tokenHash, now),
  );
  await recordChange(
    deps.audit,
    { principal: asPrincipal(identity), correlationId, at: now },
    ref.partnerId,
    'assignment.claimed',
    { type: 'assignment', id: ref.assignmentId },
    { subscriberEmail: identity.email ?? null },
  );
  return bound.value;
}

export interface ProfilePage {
  assignment: Assignment;
  partnerName: string;
  benefitName: string;
  prefill: SubscriberProfile;
}

/** The profile form for a claimed invitation, prefilled from the sign-in and the person record. */
export async function profileFor(
  deps: ActivationDeps,
  ref: InvitationRef,
  identity: SignedInIdentity & { givenName?: string | undefined; familyName?: string | undefined },
): Promise<ProfilePage> {
  const found = await deps.assignments.get(ref.partnerId, ref.assignmentId);
  const assignment = found?.value;
  if (!assignment?.subscriber || !sameEntraIdentity(assignment.subscriber, identity)) {
    throw new AppError('invitation-invalid', 'Sign in from your invitation link first.', {
      reason: 'not-bound',
    });
  }
  const partner = await deps.partners.get(ref.partnerId);
  if (!partner) throw invitationInvalid('not-pending');
  const person = await deps.people.get(ref.partnerId, assignment.personId);
  return {
    assignment,
    partnerName: partner.value.name,
    benefitName: PROGRAM_TERMS[partner.value.program].benefitName,
    prefill: assignment.subscriber.profile ?? {
      firstName: identity.givenName ?? person?.value.firstName ?? '',
      lastName: identity.familyName ?? person?.value.lastName ?? '',
      contactEmail: person?.value.notificationEmail ?? identity.email ?? person?.value.email ?? '',
    },
  };
}

/**
 * The subscriber submits the profile: the seat becomes active on the partner aggregate, then the
 * assignment is marked active and its invitation spent. Checked first, so a refused activation changes nothing.
 */
export async function activateSubscription(
  deps: ActivationDeps,
  ref: InvitationRef,
  identity: SignedInIdentity,
  profile: SubscriberProfile,
  correlationId: string,
): Promise<Assignment> {
  const now = deps.clock();
  const current = await deps.assignments.get(ref.partnerId, ref.assignmentId);
  if (!current) throw invitationInvalid('not-pending');
  activateAssignment(current.value, identity, profile, now); // throws if it cannot be activated
  await deps.partners.update(ref.partnerId, (partner) => activateSeat(partner, ref.assignmentId, now));
  const activated = await deps.assignments.update(ref.partnerId, ref.assignmentId, (a) =>
    activateAssignment(a, identity, profile, now),
  );
  await recordChange(
    deps.audit,
    { principal: asPrincipal(identity), correlationId, at: now },
    ref.partnerId,
    'assignment.activated',
    { type: 'assignment', id: ref.assignmentId },
    { subscriberEmail: identity.email ?? null },
  );
  return activated.value;
}

export interface SubscriptionSummary {
  partnerId: string;
  partnerName: string;
  assignmentId: string;
  benefit: string;
  level: string;
  status: string;
  since: string | null;
  includes: readonly string[];
}

/** The subscriptions a signed-in person holds, across partners. */
export async function subscriptionsOf(
  deps: Pick<ActivationDeps, 'partners' | 'assignments'>,
  identity: { tenantId: string; objectId: string },
): Promise<SubscriptionSummary[]> {
  const assignments = await deps.assignments.listBySubscriber(identity);
  const names = new Map<string, { name: string; program: keyof typeof PROGRAM_TERMS }>();
  const summaries: SubscriptionSummary[] = [];
  for (const a of assignments) {
    if (a.status !== 'active' && a.status !== 'invited') continue;
    if (!names.has(a.partnerId)) {
      const partner = await deps.partners.get(a.partnerId);
      if (!partner) continue;
      names.set(a.partnerId, { name: partner.value.name, program: partner.value.program });
    }
    const partner = names.get(a.partnerId)!;
    const terms = PROGRAM_TERMS[partner.program];
    summaries.push({
      partnerId: a.partnerId,
      partnerName: partner.name,
      assignmentId: a.assignmentId,
      benefit: a.benefit,
      level: terms.benefitName,
      status: a.status,
      since: a.activatedAt,
      includes: terms.includes,
    });
  }
  return summaries.sort((x, y) => (y.since ?? '').localeCompare(x.since ?? ''));
}
