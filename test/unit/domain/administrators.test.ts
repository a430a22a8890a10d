import { describe, expect, it } from 'vitest';
import { createPartner, updatePartner } from '../../../shared/domain/partner.js';
import {
  administratorToBind,
  bindAdministrator,
  isProgramAdministrator,
} from '../../../shared/domain/administrators.js';
import { LATER, NOW } from '../../support/mothers/clock.js';
import { aNewPartner } from '../../support/mothers/partner.js';
import { ATTACKER_TENANT, CONTOSO_TENANT, objectIdOf } from '../../support/mothers/principal.js';

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
