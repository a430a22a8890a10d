import { describe, expect, it } from 'vitest';
import {
  assertAccess,
  assertOperator,
  authorizeScope,
  loadPartner,
  type PartnerAccessNeed,
} from '../../../shared/app/access.js';
import { aBoundAdministrator, aPartner, anUnboundAdministrator } from '../../support/mothers/partner.js';
import {
  ATTACKER_TENANT,
  CONTOSO_TENANT,
  aPrincipal,
  aStranger,
  anAdminOf,
  anOperator,
  objectIdOf,
} from '../../support/mothers/principal.js';
import { NOW } from '../../support/mothers/clock.js';
import { FakePartnerRepository } from '../../support/fakes/index.js';
import { appErrorFrom, rejectionOf } from '../../support/app-error.js';

const NEEDS: PartnerAccessNeed[] = ['read', 'manage', 'operate'];

describe('assertAccess', () => {
  const partner = aPartner({
    programAdministrators: [aBoundAdministrator('ada@contoso.com'), aBoundAdministrator('alan@contoso.com')],
  });

  it.each(['read', 'manage'] as const)('lets a bound Program Administrator %s', (need) => {
    expect(() => assertAccess(partner, anAdminOf('ada@contoso.com'), need)).not.toThrow();
    expect(() => assertAccess(partner, anAdminOf('alan@contoso.com'), need)).not.toThrow();
  });

  it('matches a bound administrator on tenant + object id, whatever its email claim says now', () => {
    const renamed = anAdminOf('ada@contoso.com', {
      email: 'ada.lovelace@contoso.com',
      verifiedEmail: undefined,
    });
    expect(() => assertAccess(partner, renamed, 'manage')).not.toThrow();
  });

  it.each(NEEDS)(
    'answers not-found for %s to a foreign-tenant token that claims an administrator’s email, verified or not',
    (need) => {
      const impostor = aPrincipal({
        tenantId: ATTACKER_TENANT,
        email: 'ada@contoso.com',
        verifiedEmail: 'ada@contoso.com',
      });
      appErrorFrom(() => assertAccess(partner, impostor, need), 'not-found');
    },
  );

  it('answers not-found to the administrator’s object id presented from another tenant', () => {
    const sameOid = aPrincipal({
      tenantId: ATTACKER_TENANT,
      objectId: objectIdOf(CONTOSO_TENANT, 'ada@contoso.com'),
    });
    appErrorFrom(() => assertAccess(partner, sameOid, 'read'), 'not-found');
  });

  it('answers not-found to a partner-tenant colleague whose email claim is an administrator’s', () => {
    const colleague = anAdminOf('ada@contoso.com', { objectId: objectIdOf(CONTOSO_TENANT, 'grace') });
    appErrorFrom(() => assertAccess(partner, colleague, 'read'), 'not-found');
  });

  it('does not let a designated but unbound administrator in by assertAccess alone', () => {
    const unbound = aPartner({ programAdministrators: [anUnboundAdministrator('ada@contoso.com')] });
    appErrorFrom(() => assertAccess(unbound, anAdminOf('ada@contoso.com'), 'read'), 'not-found');
  });

  it('refuses an administrator who tries to operate with forbidden', () => {
    appErrorFrom(() => assertAccess(partner, anAdminOf('ada@contoso.com'), 'operate'), 'forbidden');
  });

  it.each(['read', 'operate'] as const)('lets a platform operator %s', (need) => {
    expect(() => assertAccess(partner, anOperator(), need)).not.toThrow();
  });

  it('refuses an operator who tries to manage with forbidden (not not-found: the operator may know the partner)', () => {
    appErrorFrom(() => assertAccess(partner, anOperator(), 'manage'), 'forbidden');
  });

  it('recognises the operator by the Platform.Operator role only', () => {
    appErrorFrom(
      () => assertAccess(partner, anOperator({ roles: ['platform.operator'] }), 'read'),
      'not-found',
    );
    appErrorFrom(
      () => assertAccess(partner, anOperator({ roles: ['Platform.Reader'] }), 'read'),
      'not-found',
    );
    expect(() =>
      assertAccess(partner, anOperator({ roles: ['Other', 'Platform.Operator'] }), 'read'),
    ).not.toThrow();
  });

  it('lets someone who is both administrator and operator do everything', () => {
    const both = anAdminOf('ada@contoso.com', { roles: ['Platform.Operator'] });
    for (const need of NEEDS) expect(() => assertAccess(partner, both, need)).not.toThrow();
  });

  it.each(NEEDS)('answers a stranger not-found (never forbidden) for %s', (need) => {
    const error = appErrorFrom(() => assertAccess(partner, aStranger(), need), 'not-found');
    expect(error.message).toContain('contoso');
  });

  it('does not match an administrator of another partner', () => {
    const other = aPartner({
      partnerId: 'fabrikam',
      verifiedDomains: ['fabrikam.com'],
      programAdministrators: [aBoundAdministrator('eve@contoso.com')],
    });
    appErrorFrom(() => assertAccess(partner, anAdminOf('eve@contoso.com'), 'read'), 'not-found');
    expect(() => assertAccess(other, anAdminOf('eve@contoso.com'), 'manage')).not.toThrow();
  });
});

describe('loadPartner binds a designated administrator at its first call', () => {
  async function repositoryWith(...emails: string[]) {
    const partners = new FakePartnerRepository();
    await partners.create(aPartner({ programAdministrators: emails.map(anUnboundAdministrator) }));
    return partners;
  }

  it('binds from the partner’s tenant with a domain-verified email, then matches on the object id alone', async () => {
    const partners = await repositoryWith('ada@contoso.com');
    const ada = anAdminOf('ada@contoso.com');
    const loaded = await loadPartner({ partners, clock: () => NOW }, 'contoso', { principal: ada }, 'manage');
    expect(loaded.value.programAdministrators).toEqual([
      { email: 'ada@contoso.com', objectId: ada.objectId, boundAt: NOW.toISOString() },
    ]);
    const laterWithoutEmail = { ...ada, email: 'someone.else@contoso.com', verifiedEmail: undefined };
    await expect(
      loadPartner({ partners, clock: () => NOW }, 'contoso', { principal: laterWithoutEmail }, 'manage'),
    ).resolves.toBeTruthy();
  });

  it('does not bind on an email the issuer did not verify (no xms_edov)', async () => {
    const partners = await repositoryWith('ada@contoso.com');
    const unverified = anAdminOf('ada@contoso.com', { verifiedEmail: undefined });
    await rejectionOf(
      loadPartner({ partners, clock: () => NOW }, 'contoso', { principal: unverified }, 'read'),
      'not-found',
    );
    expect((await partners.get('contoso'))!.value.programAdministrators[0]!.objectId).toBeNull();
  });

  it('does not bind a foreign-tenant identity, even with a verified email of the administrator', async () => {
    const partners = await repositoryWith('ada@contoso.com');
    const impostor = aPrincipal({
      tenantId: ATTACKER_TENANT,
      email: 'ada@contoso.com',
      verifiedEmail: 'ada@contoso.com',
    });
    await rejectionOf(
      loadPartner({ partners, clock: () => NOW }, 'contoso', { principal: impostor }, 'read'),
      'not-found',
    );
    expect((await partners.get('contoso'))!.value.programAdministrators[0]!.objectId).toBeNull();
  });

  it('never rebinds: a second identity with the same verified email is refused once the first is bound', async () => {
    const partners = await repositoryWith('ada@contoso.com');
    await loadPartner(
      { partners, clock: () => NOW },
      'contoso',
      { principal: anAdminOf('ada@contoso.com') },
      'read',
    );
    const second = anAdminOf('ada@contoso.com', { objectId: objectIdOf(CONTOSO_TENANT, 'a-new-account') });
    await rejectionOf(
      loadPartner({ partners, clock: () => NOW }, 'contoso', { principal: second }, 'read'),
      'not-found',
    );
  });

  it('answers not-found for a partner that does not exist', async () => {
    const partners = await repositoryWith('ada@contoso.com');
    await rejectionOf(
      loadPartner(
        { partners, clock: () => NOW },
        'nobody',
        { principal: anAdminOf('ada@contoso.com') },
        'read',
      ),
      'not-found',
    );
  });
});

describe('authorizeScope', () => {
  it('needs an operator for the platform scope', async () => {
    const partners = new FakePartnerRepository();
    await expect(
      authorizeScope({ partners, clock: () => NOW }, { principal: anOperator() }, { kind: 'platform' }),
    ).resolves.toBeUndefined();
    await rejectionOf(
      authorizeScope({ partners, clock: () => NOW }, { principal: anAdminOf() }, { kind: 'platform' }),
      'forbidden',
    );
  });

  it('needs the partner access asked for in a partner scope', async () => {
    const partners = new FakePartnerRepository();
    await partners.create(aPartner({ programAdministrators: [aBoundAdministrator('ada@contoso.com')] }));
    const scope = { kind: 'partner', partnerId: 'contoso', need: 'manage' } as const;
    await expect(
      authorizeScope({ partners, clock: () => NOW }, { principal: anAdminOf() }, scope),
    ).resolves.toBeUndefined();
    await rejectionOf(
      authorizeScope({ partners, clock: () => NOW }, { principal: aStranger() }, scope),
      'not-found',
    );
    await rejectionOf(
      authorizeScope({ partners, clock: () => NOW }, { principal: anOperator() }, scope),
      'forbidden',
    );
  });
});

describe('assertOperator', () => {
  it('lets a platform operator through', () => {
    expect(() => assertOperator(anOperator())).not.toThrow();
  });

  it('refuses anyone else with forbidden', () => {
    appErrorFrom(() => assertOperator(anAdminOf()), 'forbidden');
    appErrorFrom(() => assertOperator(aStranger()), 'forbidden');
  });
});
