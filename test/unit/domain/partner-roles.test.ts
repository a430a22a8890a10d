import { describe, expect, it } from 'vitest';
import {
  administratorEmails,
  isDesignatedAdministrator,
  releasePerson,
  setRoles,
  slotOf,
  type Partner,
} from '../../../shared/domain/partner.js';
import { LATER, NOW } from '../../support/mothers/clock.js';
import { aPartner, ada, alice, bob } from '../../support/mothers/partner.js';
import { appErrorFrom } from '../../support/app-error.js';

describe('setRoles', () => {
  it('assigns a free slot', () => {
    const next = setRoles(aPartner(), alice, { technicalContact: 'first' }, LATER);
    expect(next.technicalContacts).toEqual({ first: alice.personId, second: null, third: null });
    expect(slotOf(next, alice.personId)).toBe('first');
    expect(next.updatedAt).toBe(LATER.toISOString());
  });

  it('does not change the partner it was given', () => {
    const partner = aPartner();
    setRoles(partner, alice, { technicalContact: 'first' }, LATER);
    expect(partner.technicalContacts).toEqual({ first: null, second: null, third: null });
  });

  it('refuses a slot held by another person with slot-taken naming the holder', () => {
    const partner = setRoles(aPartner(), alice, { technicalContact: 'second' }, NOW);
    const error = appErrorFrom(
      () => setRoles(partner, bob, { technicalContact: 'second' }, LATER),
      'slot-taken',
    );
    expect(error.details).toEqual({ slot: 'second', holderPersonId: alice.personId });
  });

  it('keeps the slot of someone who fails to take another’s slot', () => {
    const partner = setRoles(
      setRoles(aPartner(), alice, { technicalContact: 'first' }, NOW),
      bob,
      { technicalContact: 'third' },
      NOW,
    );
    appErrorFrom(() => setRoles(partner, bob, { technicalContact: 'first' }, LATER), 'slot-taken');
    expect(partner.technicalContacts).toEqual({ first: alice.personId, second: null, third: bob.personId });
  });

  it('moves a person from first to second, freeing first (one slot per person)', () => {
    const first = setRoles(aPartner(), alice, { technicalContact: 'first' }, NOW);
    const moved = setRoles(first, alice, { technicalContact: 'second' }, LATER);
    expect(moved.technicalContacts).toEqual({ first: null, second: alice.personId, third: null });
    // The freed slot can now go to someone else.
    const other = setRoles(moved, bob, { technicalContact: 'first' }, LATER);
    expect(other.technicalContacts).toEqual({ first: bob.personId, second: alice.personId, third: null });
  });

  it('frees the slot when set to null', () => {
    const held = setRoles(aPartner(), alice, { technicalContact: 'third' }, NOW);
    const freed = setRoles(held, alice, { technicalContact: null }, LATER);
    expect(freed.technicalContacts).toEqual({ first: null, second: null, third: null });
    expect(slotOf(freed, alice.personId)).toBeNull();
  });

  it('is idempotent when the same slot is set again', () => {
    const held = setRoles(aPartner(), alice, { technicalContact: 'first' }, NOW);
    const again = setRoles(held, alice, { technicalContact: 'first' }, LATER);
    expect(again.technicalContacts).toEqual({ first: alice.personId, second: null, third: null });
    expect(again.programAdministrators).toEqual(held.programAdministrators);
  });

  it('makes a person a Program Administrator (lower-cased, once)', () => {
    const next = setRoles(
      aPartner(),
      { personId: 'p-alice', email: 'Alice@Contoso.COM' },
      { technicalContact: null, programAdministrator: true },
      LATER,
    );
    expect(administratorEmails(next)).toEqual(['ada@contoso.com', 'alice@contoso.com']);
    const again = setRoles(next, alice, { technicalContact: null, programAdministrator: true }, LATER);
    expect(administratorEmails(again)).toEqual(['ada@contoso.com', 'alice@contoso.com']);
    expect(isDesignatedAdministrator(again, 'ALICE@contoso.com')).toBe(true);
  });

  it('refuses to make someone outside the verified domains a Program Administrator (as updatePartner does)', () => {
    // e.g. a person associated before the partner's domains changed
    const error = appErrorFrom(
      () =>
        setRoles(
          aPartner(),
          { personId: 'p-eve', email: 'eve@fabrikam.com' },
          { technicalContact: null, programAdministrator: true },
          LATER,
        ),
      'email-domain-not-verified',
    );
    expect(error.details).toMatchObject({ domain: 'fabrikam.com' });
  });

  it('removes a Program Administrator when programAdministrator is false', () => {
    const two = setRoles(aPartner(), alice, { technicalContact: null, programAdministrator: true }, NOW);
    const next = setRoles(two, ada, { technicalContact: null, programAdministrator: false }, LATER);
    expect(administratorEmails(next)).toEqual(['alice@contoso.com']);
  });

  it('leaves administrators alone when programAdministrator is not given', () => {
    const next = setRoles(aPartner(), ada, { technicalContact: 'first' }, LATER);
    expect(administratorEmails(next)).toEqual(['ada@contoso.com']);
  });

  it('refuses to remove the last Program Administrator with validation-failed', () => {
    const error = appErrorFrom(
      () => setRoles(aPartner(), ada, { technicalContact: null, programAdministrator: false }, LATER),
      'validation-failed',
    );
    expect(error.fieldProblems[0]?.path).toBe('programAdministrator');
  });

  it('treats programAdministrator false for a non-administrator as nothing to do', () => {
    const next = setRoles(aPartner(), alice, { technicalContact: null, programAdministrator: false }, LATER);
    expect(administratorEmails(next)).toEqual(['ada@contoso.com']);
  });
});

describe('releasePerson', () => {
  const holding = (): Partner => setRoles(aPartner(), alice, { technicalContact: 'second' }, NOW);

  it('refuses, without cascade, a person holding a slot with person-in-use naming the slot', () => {
    const error = appErrorFrom(() => releasePerson(holding(), alice, false, LATER), 'person-in-use');
    expect(error.details).toEqual({ technicalContact: 'second' });
  });

  it('frees the slot with cascade', () => {
    const released = releasePerson(holding(), alice, true, LATER);
    expect(released.technicalContacts).toEqual({ first: null, second: null, third: null });
    expect(released.updatedAt).toBe(LATER.toISOString());
  });

  it('leaves the other slots as they are', () => {
    const partner = setRoles(holding(), bob, { technicalContact: 'first' }, NOW);
    const released = releasePerson(partner, alice, true, LATER);
    expect(released.technicalContacts).toEqual({ first: bob.personId, second: null, third: null });
  });

  it('returns the very same object for a person holding nothing (the repository skips the write)', () => {
    const partner = holding();
    expect(releasePerson(partner, bob, false, LATER)).toBe(partner);
    expect(releasePerson(partner, bob, true, LATER)).toBe(partner);
  });

  it('refuses, without cascade, an administrator with person-in-use naming the role', () => {
    const partner = setRoles(aPartner(), alice, { technicalContact: null, programAdministrator: true }, NOW);
    const error = appErrorFrom(() => releasePerson(partner, alice, false, LATER), 'person-in-use');
    expect(error.details).toEqual({ programAdministrator: true });
    expect(error.message).toContain('Program Administrator');
  });

  it('removes the administration with cascade, together with a slot', () => {
    const admin = setRoles(aPartner(), alice, { technicalContact: 'third', programAdministrator: true }, NOW);
    const released = releasePerson(admin, alice, true, LATER);
    expect(administratorEmails(released)).toEqual(['ada@contoso.com']);
    expect(released.technicalContacts.third).toBeNull();
  });

  it('always refuses to disassociate the last administrator, cascade or not', () => {
    for (const cascade of [false, true]) {
      const error = appErrorFrom(() => releasePerson(aPartner(), ada, cascade, LATER), 'person-in-use');
      expect(error.details).toEqual({ programAdministrator: true, lastAdministrator: true });
    }
  });
});
