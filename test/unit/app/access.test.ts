import { describe, expect, it } from 'vitest';
import { assertAccess, assertOperator, type PartnerAccessNeed } from '../../../shared/app/access.js';
import { aPartner } from '../../mothers/partner.js';
import { aPrincipal, aStranger, anAdminOf, anOperator } from '../../mothers/principal.js';
import { appErrorFrom } from '../support/app-error.js';

const NEEDS: PartnerAccessNeed[] = ['read', 'manage', 'operate'];

describe('assertAccess', () => {
  const partner = aPartner({ programAdministrators: ['ada@contoso.com', 'alan@contoso.com'] });

  it.each(['read', 'manage'] as const)('lets a Program Administrator %s', (need) => {
    expect(() => assertAccess(partner, anAdminOf('ada@contoso.com'), need)).not.toThrow();
    expect(() => assertAccess(partner, anAdminOf('alan@contoso.com'), need)).not.toThrow();
  });

  it('matches the administrator’s email case-insensitively', () => {
    expect(() => assertAccess(partner, anAdminOf('Ada@CONTOSO.com'), 'manage')).not.toThrow();
    expect(() => assertAccess(partner, anAdminOf(' ADA@contoso.COM '), 'read')).not.toThrow();
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

  it.each(NEEDS)('answers not-found for %s to a colleague who is not an administrator', (need) => {
    appErrorFrom(() => assertAccess(partner, aPrincipal({ email: 'grace@contoso.com' }), need), 'not-found');
  });

  it.each(NEEDS)('answers not-found for %s to a caller without an email', (need) => {
    appErrorFrom(() => assertAccess(partner, aPrincipal({ email: undefined }), need), 'not-found');
  });

  it('does not match an administrator of another partner', () => {
    const other = aPartner({
      partnerId: 'fabrikam',
      verifiedDomains: ['fabrikam.com'],
      programAdministrators: ['eve@fabrikam.com'],
    });
    appErrorFrom(() => assertAccess(partner, anAdminOf('eve@fabrikam.com'), 'read'), 'not-found');
    expect(() => assertAccess(other, anAdminOf('eve@fabrikam.com'), 'manage')).not.toThrow();
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
