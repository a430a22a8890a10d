import type { NewPerson, Person } from '../../../shared/domain/person.js';
import { NOW } from './clock.js';

export function aNewPerson(overrides: Partial<NewPerson> = {}): NewPerson {
  return { email: 'grace@contoso.com', firstName: 'Grace', lastName: 'Hopper', ...overrides };
}

export function aPerson(overrides: Partial<Person> = {}): Person {
  const at = NOW.toISOString();
  return {
    personId: 'person-1',
    partnerId: 'contoso',
    email: 'Grace@Contoso.com',
    emailLower: 'grace@contoso.com',
    firstName: 'Grace',
    lastName: 'Hopper',
    notificationEmail: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}
