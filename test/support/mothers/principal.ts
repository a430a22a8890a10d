import { createHash } from 'node:crypto';
import { PLATFORM_OPERATOR_ROLE, type Principal } from '../../../shared/domain/principal.js';

/** Tenants of the unit tests: Contoso's own, the platform's home tenant, another company's, an attacker's. */
export const CONTOSO_TENANT = '6a0c2b1e-1111-4c6e-9d2a-000000c0150a';
export const HOME_TENANT = '30984cb4-46f1-58b5-8a1c-c26dcfeb7f90';
export const FABRIKAM_TENANT = '7b1d3c2f-2222-4d7f-8e3b-00000fab41ca';
export const ATTACKER_TENANT = 'eeeeeeee-6666-4666-8666-0000a77ac4e5';

/** An object id that is stable per tenant and name, as Entra's is per tenant and user. */
export function objectIdOf(tenantId: string, name: string): string {
  const hex = createHash('sha256').update(`${tenantId}/${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function aPrincipal(overrides: Partial<Principal> = {}): Principal {
  const tenantId = overrides.tenantId ?? FABRIKAM_TENANT;
  return {
    issuer: `https://login.example.test/${tenantId}/v2.0`,
    subject: 'subject-1',
    tenantId,
    objectId: objectIdOf(tenantId, overrides.email ?? 'someone@elsewhere.example'),
    email: 'someone@elsewhere.example',
    roles: [],
    ...overrides,
  };
}

/** A Program Administrator of Contoso signing in from Contoso's tenant with a domain-verified email. */
export const anAdminOf = (email = 'ada@contoso.com', overrides: Partial<Principal> = {}): Principal =>
  aPrincipal({
    subject: 'subject-admin',
    tenantId: CONTOSO_TENANT,
    objectId: objectIdOf(CONTOSO_TENANT, email),
    email,
    verifiedEmail: email,
    ...overrides,
  });

export const anOperator = (overrides: Partial<Principal> = {}): Principal =>
  aPrincipal({
    subject: 'subject-operator',
    tenantId: HOME_TENANT,
    objectId: objectIdOf(HOME_TENANT, 'ops@platform.example'),
    email: 'ops@platform.example',
    roles: [PLATFORM_OPERATOR_ROLE],
    ...overrides,
  });

export const aStranger = (overrides: Partial<Principal> = {}): Principal =>
  aPrincipal({ subject: 'subject-stranger', email: 'eve@fabrikam.com', ...overrides });
