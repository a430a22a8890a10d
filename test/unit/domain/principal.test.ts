import { describe, expect, it } from 'vitest';
import { effectiveRoles, sameEntraIdentity } from '../../../shared/domain/principal.js';
import { ATTACKER_TENANT, CONTOSO_TENANT, HOME_TENANT } from '../../support/mothers/principal.js';

describe('effectiveRoles', () => {
  it('keeps Platform.Operator from the home tenant, compared case-insensitively', () => {
    expect(effectiveRoles(['Platform.Operator'], HOME_TENANT, HOME_TENANT)).toEqual(['Platform.Operator']);
    expect(effectiveRoles(['Platform.Operator'], HOME_TENANT.toUpperCase(), HOME_TENANT)).toEqual([
      'Platform.Operator',
    ]);
  });

  it('ignores Platform.Operator assigned by any other tenant, keeping its other roles', () => {
    expect(effectiveRoles(['Platform.Operator'], ATTACKER_TENANT, HOME_TENANT)).toEqual([]);
    expect(effectiveRoles(['Reader', 'Platform.Operator'], CONTOSO_TENANT, HOME_TENANT)).toEqual(['Reader']);
  });
});

describe('sameEntraIdentity', () => {
  const ada = { tenantId: CONTOSO_TENANT, objectId: 'aaaaaaaa-0000-4000-8000-000000000001' };

  it('needs both the tenant and the object id to match (case aside)', () => {
    expect(sameEntraIdentity(ada, { ...ada, objectId: ada.objectId.toUpperCase() })).toBe(true);
    expect(sameEntraIdentity(ada, { ...ada, tenantId: ATTACKER_TENANT })).toBe(false);
    expect(sameEntraIdentity(ada, { ...ada, objectId: 'aaaaaaaa-0000-4000-8000-000000000002' })).toBe(false);
  });
});
