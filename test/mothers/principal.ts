import { PLATFORM_OPERATOR_ROLE, type Principal } from '../../shared/domain/principal.js';

export function aPrincipal(overrides: Partial<Principal> = {}): Principal {
  return {
    issuer: 'https://login.example.test/tenant/v2.0',
    subject: 'subject-1',
    email: 'someone@elsewhere.example',
    roles: [],
    ...overrides,
  };
}

export const anAdminOf = (email = 'ada@contoso.com', overrides: Partial<Principal> = {}): Principal =>
  aPrincipal({ subject: 'subject-admin', email, ...overrides });

export const anOperator = (overrides: Partial<Principal> = {}): Principal =>
  aPrincipal({
    subject: 'subject-operator',
    email: 'ops@platform.example',
    roles: [PLATFORM_OPERATOR_ROLE],
    ...overrides,
  });

export const aStranger = (overrides: Partial<Principal> = {}): Principal =>
  aPrincipal({ subject: 'subject-stranger', email: 'eve@fabrikam.com', ...overrides });
