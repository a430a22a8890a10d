import type { PersonView } from '../app/people.js';

/** The public shape of a person: the stored lookup key stays inside. */
export function personBody(person: PersonView): Omit<PersonView, 'emailLower'> {
  const { emailLower: _emailLower, ...body } = person;
  return body;
}
