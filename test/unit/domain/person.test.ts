import { describe, expect, it } from 'vitest';
import { associatePerson, deliveryAddress, updatePerson } from '../../../shared/domain/person.js';
import { LATER, NOW } from '../../support/mothers/clock.js';
import { aPartner } from '../../support/mothers/partner.js';
import { aNewPerson, aPerson } from '../../support/mothers/person.js';
import { appErrorFrom } from '../../support/app-error.js';

describe('associatePerson', () => {
  it('creates the person in the partner with emailLower and timestamps', () => {
    const person = associatePerson(
      aPartner(),
      'person-9',
      aNewPerson({ email: 'Grace.Hopper@Contoso.COM' }),
      NOW,
    );
    expect(person).toEqual({
      personId: 'person-9',
      partnerId: 'contoso',
      email: 'Grace.Hopper@Contoso.COM',
      emailLower: 'grace.hopper@contoso.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      notificationEmail: null,
      createdAt: '2025-03-10T12:00:00.000Z',
      updatedAt: '2025-03-10T12:00:00.000Z',
    });
  });

  it('checks the domain of the trimmed email it stores (surrounding spaces are not part of the domain)', () => {
    // associatePerson stores `email.trim()`, so padded input is expected; the domain check must use it too.
    const person = associatePerson(
      aPartner(),
      'person-9',
      aNewPerson({ email: ' Grace.Hopper@Contoso.COM ' }),
      NOW,
    );
    expect(person.email).toBe('Grace.Hopper@Contoso.COM');
    expect(person.emailLower).toBe('grace.hopper@contoso.com');
  });

  it('defaults notificationEmail to null and keeps one that is given', () => {
    expect(
      associatePerson(aPartner(), 'p', aNewPerson({ notificationEmail: undefined }), NOW).notificationEmail,
    ).toBeNull();
    expect(
      associatePerson(aPartner(), 'p', aNewPerson({ notificationEmail: null }), NOW).notificationEmail,
    ).toBeNull();
    expect(
      associatePerson(aPartner(), 'p', aNewPerson({ notificationEmail: 'grace@home.example' }), NOW)
        .notificationEmail,
    ).toBe('grace@home.example');
  });

  it('refuses a work email outside the partner’s verified domains with email-domain-not-verified', () => {
    const error = appErrorFrom(
      () => associatePerson(aPartner(), 'p', aNewPerson({ email: 'eve@fabrikam.com' }), NOW),
      'email-domain-not-verified',
    );
    expect(error.details).toMatchObject({ domain: 'fabrikam.com' });
    expect(error.fieldProblems).toEqual([
      { path: 'email', message: 'the email domain is not verified for this partner' },
    ]);
  });

  it('accepts a work email in any of the verified domains, whatever its case', () => {
    const partner = aPartner({ verifiedDomains: ['contoso.com', 'fabrikam.com'] });
    expect(associatePerson(partner, 'p', aNewPerson({ email: 'Eve@FABRIKAM.com' }), NOW).emailLower).toBe(
      'eve@fabrikam.com',
    );
  });

  it('does not check the notification email’s domain (it may be personal)', () => {
    const person = associatePerson(
      aPartner(),
      'p',
      aNewPerson({ notificationEmail: 'grace@gmail.com' }),
      NOW,
    );
    expect(person.notificationEmail).toBe('grace@gmail.com');
  });
});

describe('updatePerson', () => {
  it('refuses a change with nothing to change with validation-failed', () => {
    appErrorFrom(() => updatePerson(aPerson(), {}, LATER), 'validation-failed');
    appErrorFrom(
      () =>
        updatePerson(
          aPerson(),
          { firstName: undefined, lastName: undefined, notificationEmail: undefined },
          LATER,
        ),
      'validation-failed',
    );
  });

  it('changes the names given and keeps the others', () => {
    const next = updatePerson(aPerson(), { firstName: 'Amazing' }, LATER);
    expect(next).toMatchObject({ firstName: 'Amazing', lastName: 'Hopper', updatedAt: LATER.toISOString() });
    expect(next.createdAt).toBe(NOW.toISOString());
    expect(updatePerson(aPerson(), { lastName: 'Murray' }, LATER)).toMatchObject({
      firstName: 'Grace',
      lastName: 'Murray',
    });
  });

  it('clears the notification email with null', () => {
    const person = aPerson({ notificationEmail: 'grace@home.example' });
    expect(updatePerson(person, { notificationEmail: null }, LATER).notificationEmail).toBeNull();
  });

  it('keeps the notification email when it is undefined', () => {
    const person = aPerson({ notificationEmail: 'grace@home.example' });
    expect(
      updatePerson(person, { firstName: 'G.', notificationEmail: undefined }, LATER).notificationEmail,
    ).toBe('grace@home.example');
  });

  it('sets a new notification email', () => {
    expect(updatePerson(aPerson(), { notificationEmail: 'g@home.example' }, LATER).notificationEmail).toBe(
      'g@home.example',
    );
  });

  it('never changes identity fields', () => {
    const next = updatePerson(aPerson(), { firstName: 'X' }, LATER);
    expect(next).toMatchObject({
      personId: 'person-1',
      partnerId: 'contoso',
      email: 'Grace@Contoso.com',
      emailLower: 'grace@contoso.com',
    });
  });
});

describe('deliveryAddress', () => {
  it('is the notification email when set', () => {
    expect(deliveryAddress(aPerson({ notificationEmail: 'grace@home.example' }))).toBe('grace@home.example');
  });

  it('is the work email otherwise', () => {
    expect(deliveryAddress(aPerson({ notificationEmail: null }))).toBe('Grace@Contoso.com');
  });
});
