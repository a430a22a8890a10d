import { describe, expect, it } from 'vitest';
import type { PersonRepository } from '../../shared/app/ports.js';
import type { Person } from '../../shared/domain/person.js';
import { aPerson } from '../support/mothers/person.js';
import { rejectionOf } from '../support/app-error.js';
import { allPages, freshPartnerId, type MakeSubject } from './support.js';

export interface PersonRepositorySubject {
  people: PersonRepository;
}

const personOf = (partnerId: string, personId: string, email: string, names: Partial<Person> = {}) =>
  aPerson({ partnerId, personId, email, emailLower: email.toLowerCase(), ...names });

/** What the people use cases rely on from the person documents' store. */
export function describePersonRepositoryContract(
  label: string,
  makeSubject: MakeSubject<PersonRepositorySubject>,
): void {
  describe(`PersonRepository contract: ${label}`, () => {
    const created = async () => {
      const { people } = await makeSubject();
      const person = personOf(freshPartnerId(), 'person-1', 'Grace@Contoso.com');
      const stored = await people.create(person);
      return { people, person, stored };
    };

    it('answers null for a person that does not exist', async () => {
      const { people } = await makeSubject();
      expect(await people.get(freshPartnerId(), 'nobody')).toBeNull();
    });

    it('reads back what it created at the ETag create answered, and refuses a second create', async () => {
      const { people, person, stored } = await created();
      expect(stored.value).toEqual(person);
      expect(await people.get(person.partnerId, person.personId)).toEqual({
        value: person,
        etag: stored.etag,
      });
      const error = await rejectionOf(people.create({ ...person, firstName: 'Other' }), 'already-exists');
      expect(error.details).toEqual({ personId: person.personId });
      expect((await people.get(person.partnerId, person.personId))?.value.firstName).toBe('Grace');
    });

    it('replaces at the current ETag with a new ETag, and refuses a stale one with precondition-failed', async () => {
      const { people, person, stored } = await created();
      const replaced = await people.replace({ ...person, firstName: 'Amazing Grace' }, stored.etag);
      expect(replaced.etag).not.toBe(stored.etag);
      expect(await people.get(person.partnerId, person.personId)).toEqual(replaced);
      await rejectionOf(
        people.replace({ ...person, firstName: 'Stale' }, stored.etag),
        'precondition-failed',
      );
      expect((await people.get(person.partnerId, person.personId))?.value.firstName).toBe('Amazing Grace');
    });

    it('fails a replace of a person that does not exist with not-found', async () => {
      const { people } = await makeSubject();
      const ghost = personOf(freshPartnerId(), 'ghost', 'ghost@contoso.com');
      await rejectionOf(people.replace(ghost, '"any"'), 'not-found');
    });

    it('deletes at the current ETag, refuses a stale one, and takes a second delete as done', async () => {
      const { people, person, stored } = await created();
      const replaced = await people.replace({ ...person, lastName: 'Murray Hopper' }, stored.etag);
      await rejectionOf(people.delete(person.partnerId, person.personId, stored.etag), 'precondition-failed');
      expect(await people.get(person.partnerId, person.personId)).not.toBeNull();
      await people.delete(person.partnerId, person.personId, replaced.etag);
      expect(await people.get(person.partnerId, person.personId)).toBeNull();
      // Deleting is idempotent: a retried disassociation must not fail on the person already gone.
      await expect(people.delete(person.partnerId, person.personId)).resolves.toBeUndefined();
      await expect(people.delete(person.partnerId, person.personId, replaced.etag)).resolves.toBeUndefined();
    });

    describe('list', () => {
      const emails = [
        'dora@contoso.com',
        'Bob@Contoso.com',
        'erin@contoso.com',
        'alice@contoso.com',
        'Carl@contoso.com',
      ];
      const seeded = async () => {
        const { people } = await makeSubject();
        const partnerId = freshPartnerId();
        for (const [i, email] of emails.entries()) {
          await people.create(
            personOf(partnerId, `p-${i}`, email, { firstName: `First${i}`, lastName: `Last${i}` }),
          );
        }
        // Someone else's person never shows up in this partner's lists.
        await people.create(personOf(freshPartnerId(), 'p-0', 'alice@contoso.com'));
        return { people, partnerId };
      };

      it('orders by lower-cased email and pages through everyone exactly once', async () => {
        const { people, partnerId } = await seeded();
        const { items, pages } = await allPages(2, (page) => people.list(partnerId, {}, page));
        expect(items.map((p) => p.emailLower)).toEqual([
          'alice@contoso.com',
          'bob@contoso.com',
          'carl@contoso.com',
          'dora@contoso.com',
          'erin@contoso.com',
        ]);
        expect(pages).toBeGreaterThanOrEqual(3);
      });

      it('matches the text case-insensitively in the email, first name or last name', async () => {
        const { people, partnerId } = await seeded();
        const ids = async (text: string) =>
          (await people.list(partnerId, { text }, { limit: 50 })).items.map((p) => p.personId).sort();
        expect(await ids('BOB@')).toEqual(['p-1']);
        expect(await ids('first3')).toEqual(['p-3']);
        expect(await ids('LAST4')).toEqual(['p-4']);
        expect(await ids('nobody-matches')).toEqual([]);
      });

      it('restricts to the person ids given', async () => {
        const { people, partnerId } = await seeded();
        const page = await people.list(partnerId, { personIds: ['p-2', 'p-0', 'p-missing'] }, { limit: 50 });
        expect(page.items.map((p) => p.personId)).toEqual(['p-0', 'p-2']);
        expect(page.nextCursor).toBeNull();
      });

      it('refuses a cursor it never gave with validation-failed', async () => {
        const { people, partnerId } = await seeded();
        await rejectionOf(people.list(partnerId, {}, { limit: 2, cursor: '!!!' }), 'validation-failed');
      });
    });
  });
}
