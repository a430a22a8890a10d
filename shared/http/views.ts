import type { Assignment } from '../domain/assignment.js';
import type { Partner } from '../domain/partner.js';
import { usageOf } from '../domain/seats.js';
import type { PersonView } from '../app/people.js';

/** The public shape of a partner: seat usage per benefit instead of the internal ledger. */
export function partnerBody(partner: Partner, at: Date) {
  const { seatLedger: _ledger, ...body } = partner;
  return { ...body, usage: usageOf(partner, at) };
}

/** The public shape of a person: the stored lookup key stays inside. */
export function personBody(person: PersonView): Omit<PersonView, 'emailLower'> {
  const { emailLower: _emailLower, ...body } = person;
  return body;
}

/** The public shape of an assignment: never the token hash. */
export function assignmentBody(assignment: Assignment) {
  const { tokenHash: _tokenHash, ...invitation } = assignment.invitation;
  return { ...assignment, invitation };
}
