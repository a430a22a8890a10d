import { describe, expect, it } from 'vitest';
import {
  createPartner,
  emailDomain,
  isInVerifiedDomain,
  administratorEmails,
  administratorToBind,
  bindAdministrator,
  isProgramAdministrator,
  isDesignatedAdministrator,
  releasePerson,
  setRoles,
  slotOf,
  updatePartner,
  type Entitlement,
  type Partner,
} from '../../../shared/domain/partner.js';
import { LATER, NOW, TODAY } from '../../support/mothers/clock.js';
import {
  aCompetencyPartner,
  aNewPartner,
  aPartner,
  ada,
  alice,
  bob,
  gold,
  silver,
} from '../../support/mothers/partner.js';
import { ATTACKER_TENANT, CONTOSO_TENANT, objectIdOf } from '../../support/mothers/principal.js';
import { appErrorFrom } from '../../support/app-error.js';

const anEntitlement = (overrides: Partial<Entitlement> = {}): Entitlement => ({
  benefit: 'vs-professional',
  seats: 7,
  startsOn: '2025-01-01',
  expiresOn: '2026-01-01',
  ...overrides,
});

describe('createPartner', () => {
  it('defaults an Action Pack partner to one vs-professional entitlement of 3 seats from today for one year', () => {
    const partner = createPartner(aNewPartner(), NOW);
    expect(partner.entitlements).toEqual([
      { benefit: 'vs-professional', seats: 3, startsOn: TODAY, expiresOn: '2026-03-10' },
    ]);
  });

  it('defaults a Competency partner to vs-enterprise with seats from its competencies', () => {
    const partner = aCompetencyPartner({ competencies: [gold(), silver()] });
    expect(partner.entitlements).toEqual([
      { benefit: 'vs-enterprise', seats: 15, startsOn: TODAY, expiresOn: '2026-03-10' },
    ]);
    expect(partner.competencies).toEqual([gold(), silver()]);
  });

  it('defaults a Competency partner without competencies to the silver core of 5', () => {
    const partner = aCompetencyPartner();
    expect(partner.entitlements).toEqual([
      { benefit: 'vs-enterprise', seats: 5, startsOn: TODAY, expiresOn: '2026-03-10' },
    ]);
    expect(partner.competencies).toEqual([]);
  });

  it('uses the UTC date of now as startsOn', () => {
    const partner = createPartner(aNewPartner(), new Date('2025-06-30T23:59:59.999Z'));
    expect(partner.entitlements[0]?.startsOn).toBe('2025-06-30');
    expect(partner.entitlements[0]?.expiresOn).toBe('2026-06-30');
  });

  it('ends an entitlement that starts on 29 February on 28 February of the next year', () => {
    const partner = createPartner(aNewPartner(), new Date('2024-02-29T10:00:00Z'));
    expect(partner.entitlements[0]).toMatchObject({ startsOn: '2024-02-29', expiresOn: '2025-02-28' });
  });

  it('keeps given entitlements instead of the defaults', () => {
    const given = [anEntitlement({ seats: 12 })];
    const partner = createPartner(aNewPartner({ entitlements: given }), NOW);
    expect(partner.entitlements).toEqual(given);
  });

  it('sets the remaining fields: no slots held, tenant lower-cased, timestamps at now', () => {
    const partner = createPartner(aNewPartner({ tenantId: 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE' }), NOW);
    expect(partner).toMatchObject({
      partnerId: 'contoso',
      name: 'Contoso Ltd',
      program: 'action-pack',
      tenantId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      technicalContacts: { first: null, second: null, third: null },
      createdAt: '2025-03-10T12:00:00.000Z',
      updatedAt: '2025-03-10T12:00:00.000Z',
    });
  });

  it('designates the administrators by email, none of them bound yet', () => {
    const partner = createPartner(
      aNewPartner({ programAdministrators: ['ada@contoso.com', 'bob@contoso.com'] }),
      NOW,
    );
    expect(partner.programAdministrators).toEqual([
      { email: 'ada@contoso.com', objectId: null, boundAt: null },
      { email: 'bob@contoso.com', objectId: null, boundAt: null },
    ]);
  });

  it('lower-cases and de-duplicates verified domains and administrators (administrators trimmed too)', () => {
    const partner = createPartner(
      aNewPartner({
        verifiedDomains: ['Contoso.COM', 'contoso.com', 'Fabrikam.com'],
        programAdministrators: [' Ada@Contoso.COM ', 'ada@contoso.com', 'Bob@FABRIKAM.com'],
      }),
      NOW,
    );
    expect(partner.verifiedDomains).toEqual(['contoso.com', 'fabrikam.com']);
    expect(administratorEmails(partner)).toEqual(['ada@contoso.com', 'bob@fabrikam.com']);
  });

  it('refuses an administrator outside the verified domains with email-domain-not-verified', () => {
    const error = appErrorFrom(
      () =>
        createPartner(
          aNewPartner({ programAdministrators: ['ada@contoso.com', 'mallory@evil.example'] }),
          NOW,
        ),
      'email-domain-not-verified',
    );
    expect(error.details).toMatchObject({ domain: 'evil.example', verifiedDomains: ['contoso.com'] });
    expect(error.fieldProblems[0]?.path).toBe('programAdministrators.1');
  });

  it('refuses an administrator in a sub-domain of a verified domain', () => {
    appErrorFrom(
      () => createPartner(aNewPartner({ programAdministrators: ['ada@eu.contoso.com'] }), NOW),
      'email-domain-not-verified',
    );
  });

  it('refuses competencies on an Action Pack partner with validation-failed', () => {
    const error = appErrorFrom(
      () => createPartner(aNewPartner({ program: 'action-pack', competencies: [gold()] }), NOW),
      'validation-failed',
    );
    expect(error.fieldProblems[0]?.path).toBe('competencies');
  });

  it('refuses an entitlement whose benefit is not the program’s with validation-failed', () => {
    const error = appErrorFrom(
      () =>
        createPartner(
          aNewPartner({
            program: 'action-pack',
            entitlements: [anEntitlement({ benefit: 'vs-enterprise' })],
          }),
          NOW,
        ),
      'validation-failed',
    );
    expect(error.fieldProblems[0]?.path).toBe('entitlements.0.benefit');
    appErrorFrom(
      () =>
        createPartner(
          aNewPartner({
            program: 'competency',
            entitlements: [anEntitlement({ benefit: 'vs-professional' })],
          }),
          NOW,
        ),
      'validation-failed',
    );
  });

  it('refuses an entitlement that expires on the day it starts', () => {
    const error = appErrorFrom(
      () =>
        createPartner(
          aNewPartner({ entitlements: [anEntitlement({ startsOn: '2025-05-01', expiresOn: '2025-05-01' })] }),
          NOW,
        ),
      'validation-failed',
    );
    expect(error.fieldProblems[0]?.path).toBe('entitlements.0.expiresOn');
  });

  it('refuses an entitlement that expires before it starts', () => {
    appErrorFrom(
      () =>
        createPartner(
          aNewPartner({ entitlements: [anEntitlement({ startsOn: '2025-05-02', expiresOn: '2025-05-01' })] }),
          NOW,
        ),
      'validation-failed',
    );
  });

  it('refuses two entitlements for the same benefit', () => {
    const error = appErrorFrom(
      () =>
        createPartner(
          aNewPartner({
            entitlements: [
              anEntitlement(),
              anEntitlement({ seats: 4, startsOn: '2026-01-01', expiresOn: '2027-01-01' }),
            ],
          }),
          NOW,
        ),
      'validation-failed',
    );
    expect(error.fieldProblems[0]?.path).toBe('entitlements');
  });
});

describe('updatePartner', () => {
  it('changes the name and stamps updatedAt, without touching the original', () => {
    const partner = aPartner();
    const next = updatePartner(partner, { name: 'Contoso Europe' }, LATER);
    expect(next.name).toBe('Contoso Europe');
    expect(next.updatedAt).toBe(LATER.toISOString());
    expect(next.createdAt).toBe(partner.createdAt);
    expect(partner.name).toBe('Contoso Ltd');
    expect(partner.updatedAt).toBe(NOW.toISOString());
  });

  it('lower-cases new domains and administrators', () => {
    const next = updatePartner(
      aPartner(),
      {
        verifiedDomains: ['CONTOSO.com', 'Fabrikam.com'],
        programAdministrators: ['Ada@Contoso.com', 'BOB@fabrikam.COM'],
      },
      LATER,
    );
    expect(next.verifiedDomains).toEqual(['contoso.com', 'fabrikam.com']);
    expect(administratorEmails(next)).toEqual(['ada@contoso.com', 'bob@fabrikam.com']);
  });

  it('refuses an empty administrator list with validation-failed', () => {
    const error = appErrorFrom(
      () => updatePartner(aPartner(), { programAdministrators: [] }, LATER),
      'validation-failed',
    );
    expect(error.fieldProblems[0]?.path).toBe('programAdministrators');
  });

  it('refuses a new administrator outside the verified domains', () => {
    appErrorFrom(
      () =>
        updatePartner(aPartner(), { programAdministrators: ['ada@contoso.com', 'eve@fabrikam.com'] }, LATER),
      'email-domain-not-verified',
    );
  });

  it('refuses a domain change that leaves an existing administrator outside the verified domains', () => {
    const error = appErrorFrom(
      () => updatePartner(aPartner(), { verifiedDomains: ['fabrikam.com'] }, LATER),
      'email-domain-not-verified',
    );
    expect(error.details).toMatchObject({ domain: 'contoso.com', verifiedDomains: ['fabrikam.com'] });
  });

  it('accepts a domain change together with administrators in the new domain', () => {
    const next = updatePartner(
      aPartner(),
      { verifiedDomains: ['fabrikam.com'], programAdministrators: ['eve@fabrikam.com'] },
      LATER,
    );
    expect(next.verifiedDomains).toEqual(['fabrikam.com']);
    expect(administratorEmails(next)).toEqual(['eve@fabrikam.com']);
  });

  it('validates new entitlements against the partner’s program', () => {
    appErrorFrom(
      () => updatePartner(aPartner(), { entitlements: [anEntitlement({ benefit: 'vs-enterprise' })] }, LATER),
      'validation-failed',
    );
    appErrorFrom(
      () =>
        updatePartner(
          aPartner(),
          { entitlements: [anEntitlement({ startsOn: '2026-01-01', expiresOn: '2025-12-31' })] },
          LATER,
        ),
      'validation-failed',
    );
    const next = updatePartner(aPartner(), { entitlements: [anEntitlement({ seats: 9 })] }, LATER);
    expect(next.entitlements).toEqual([anEntitlement({ seats: 9 })]);
  });
});

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

describe('administrators are identities of the partner tenant', () => {
  /** A new partner: Ada is designated by email, not bound yet. */
  const designated = () => createPartner(aNewPartner(), NOW);
  const adaIdentity = {
    tenantId: CONTOSO_TENANT,
    objectId: objectIdOf(CONTOSO_TENANT, 'ada'),
    verifiedEmail: 'ada@contoso.com',
  };

  it('binds a designated administrator from the partner tenant by a verified email, once', () => {
    expect(administratorToBind(designated(), adaIdentity)).toBe('ada@contoso.com');
    const bound = bindAdministrator(designated(), adaIdentity, LATER);
    expect(bound.programAdministrators).toEqual([
      { email: 'ada@contoso.com', objectId: adaIdentity.objectId, boundAt: LATER.toISOString() },
    ]);
    expect(isProgramAdministrator(bound, adaIdentity)).toBe(true);
    expect(administratorToBind(bound, adaIdentity)).toBeNull();
    expect(bindAdministrator(bound, adaIdentity, LATER)).toBe(bound);
  });

  it('matches the email of the binding case-insensitively', () => {
    expect(administratorToBind(designated(), { ...adaIdentity, verifiedEmail: 'ADA@Contoso.com' })).toBe(
      'ada@contoso.com',
    );
  });

  it('never binds without a verified email, from another tenant, or to an address nobody designated', () => {
    expect(administratorToBind(designated(), { ...adaIdentity, verifiedEmail: undefined })).toBeNull();
    expect(administratorToBind(designated(), { ...adaIdentity, tenantId: ATTACKER_TENANT })).toBeNull();
    expect(
      administratorToBind(designated(), { ...adaIdentity, verifiedEmail: 'grace@contoso.com' }),
    ).toBeNull();
  });

  it('is not an administrator before binding, nor from another tenant with the bound object id', () => {
    expect(isProgramAdministrator(designated(), adaIdentity)).toBe(false);
    const bound = bindAdministrator(designated(), adaIdentity, LATER);
    expect(isProgramAdministrator(bound, { ...adaIdentity, tenantId: ATTACKER_TENANT })).toBe(false);
    expect(
      isProgramAdministrator(bound, { ...adaIdentity, objectId: objectIdOf(CONTOSO_TENANT, 'eve') }),
    ).toBe(false);
  });

  it('keeps the binding of an administrator kept by updatePartner, and unbinds a changed email', () => {
    const bound = bindAdministrator(
      updatePartner(designated(), { programAdministrators: ['ada@contoso.com', 'bob@contoso.com'] }, NOW),
      adaIdentity,
      NOW,
    );
    const kept = updatePartner(
      bound,
      { programAdministrators: ['bob@contoso.com', 'ADA@contoso.com'] },
      LATER,
    );
    expect(kept.programAdministrators.find((a) => a.email === 'ada@contoso.com')?.objectId).toBe(
      adaIdentity.objectId,
    );
    const changed = updatePartner(bound, { programAdministrators: ['ada.lovelace@contoso.com'] }, LATER);
    expect(changed.programAdministrators).toEqual([
      { email: 'ada.lovelace@contoso.com', objectId: null, boundAt: null },
    ]);
    expect(isProgramAdministrator(changed, adaIdentity)).toBe(false);
  });

  it('removes a bound administrator’s access at once when it is taken off the list', () => {
    const bound = bindAdministrator(
      updatePartner(designated(), { programAdministrators: ['ada@contoso.com', 'bob@contoso.com'] }, NOW),
      adaIdentity,
      NOW,
    );
    const removed = updatePartner(bound, { programAdministrators: ['bob@contoso.com'] }, LATER);
    expect(isProgramAdministrator(removed, adaIdentity)).toBe(false);
  });
});

describe('isInVerifiedDomain / emailDomain', () => {
  const partner = aPartner();

  it('matches the verified domain whatever the case of the email', () => {
    expect(isInVerifiedDomain(partner, 'grace@contoso.com')).toBe(true);
    expect(isInVerifiedDomain(partner, 'Grace@CONTOSO.COM')).toBe(true);
    expect(isInVerifiedDomain(partner, 'grace@Contoso.Com')).toBe(true);
  });

  it('matches on the part after the last @', () => {
    expect(emailDomain('"a@fabrikam.com"@contoso.com')).toBe('contoso.com');
    expect(isInVerifiedDomain(partner, '"a@fabrikam.com"@contoso.com')).toBe(true);
    expect(isInVerifiedDomain(partner, '"a@contoso.com"@fabrikam.com')).toBe(false);
  });

  it('does not match other domains, sub-domains, look-alikes or a missing @', () => {
    expect(isInVerifiedDomain(partner, 'eve@fabrikam.com')).toBe(false);
    expect(isInVerifiedDomain(partner, 'eve@mail.contoso.com')).toBe(false);
    expect(isInVerifiedDomain(partner, 'eve@contoso.com.evil.example')).toBe(false);
    expect(isInVerifiedDomain(partner, 'eve@notcontoso.com')).toBe(false);
    expect(isInVerifiedDomain(partner, 'contoso.com')).toBe(false);
    expect(emailDomain('contoso.com')).toBe('');
  });
});
