import { AppError } from './errors.js';
import { assertEmailInVerifiedDomain, normalizeEmail, type Partner } from './partner.js';

/** A person associated with a partner. Roles live on the partner aggregate, not here. */
export interface Person {
  personId: string;
  partnerId: string;
  email: string;
  emailLower: string;
  firstName: string;
  lastName: string;
  notificationEmail: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewPerson {
  email: string;
  firstName: string;
  lastName: string;
  notificationEmail?: string | null | undefined;
}

export function associatePerson(partner: Partner, personId: string, input: NewPerson, now: Date): Person {
  assertEmailInVerifiedDomain(partner, input.email);
  const at = now.toISOString();
  return {
    personId,
    partnerId: partner.partnerId,
    email: input.email.trim(),
    emailLower: normalizeEmail(input.email),
    firstName: input.firstName,
    lastName: input.lastName,
    notificationEmail: input.notificationEmail ?? null,
    createdAt: at,
    updatedAt: at,
  };
}

export interface PersonChanges {
  firstName?: string | undefined;
  lastName?: string | undefined;
  notificationEmail?: string | null | undefined;
}

export function updatePerson(person: Person, changes: PersonChanges, now: Date): Person {
  if (
    changes.firstName === undefined &&
    changes.lastName === undefined &&
    changes.notificationEmail === undefined
  ) {
    throw new AppError(
      'validation-failed',
      'Nothing to change: give firstName, lastName or notificationEmail.',
    );
  }
  return {
    ...person,
    firstName: changes.firstName ?? person.firstName,
    lastName: changes.lastName ?? person.lastName,
    notificationEmail:
      changes.notificationEmail === undefined ? person.notificationEmail : changes.notificationEmail,
    updatedAt: now.toISOString(),
  };
}

/** Where a person's emails go: their notification address if set, else their work email. */
export const deliveryAddress = (person: Person): string => person.notificationEmail ?? person.email;
