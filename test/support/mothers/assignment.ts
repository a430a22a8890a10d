import {
  endAssignment,
  newAssignment,
  recordSent,
  type Assignment,
  type InvitationPolicy,
  type NewAssignment,
} from '../../../shared/domain/assignment.js';
import { LATER, NOW } from './clock.js';

/** The default invitation lifetime of domain rule 9. */
export const INVITATION_POLICY: InvitationPolicy = { invitationTtlDays: 30 };

/** The input of `newAssignment`: Grace at Contoso gets the Action Pack privilege from Ada. */
export function aNewAssignment(overrides: Partial<NewAssignment> = {}): NewAssignment {
  return {
    assignmentId: 'a-1',
    partnerId: 'contoso',
    personId: 'person-1',
    personEmail: 'grace@contoso.com',
    deliverTo: 'grace@contoso.com',
    privilege: 'visual-studio-subscriptions',
    benefit: 'vs-professional',
    assignedBy: { subject: 'subject-admin', email: 'ada@contoso.com' },
    tokenHash: 'token-hash-1',
    ...overrides,
  };
}

/** An assignment as the domain creates it (invited, invitation v1, delivery 1 queued), then overridden. */
export function anAssignment(
  overrides: Partial<Assignment> = {},
  input: Partial<NewAssignment> = {},
  at: Date = NOW,
): Assignment {
  return { ...newAssignment(aNewAssignment(input), at, INVITATION_POLICY), ...overrides };
}

/** An assignment whose first invitation was sent at NOW. */
export const aSentAssignment = (assignment: Assignment = anAssignment()) => recordSent(assignment, 1, NOW);

/** An assignment revoked by Grace at LATER. */
export const aRevokedAssignment = (assignment: Assignment = anAssignment()) =>
  endAssignment(assignment, 'revoked', 'grace@contoso.com', LATER);
