import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { apiClient } from '../../scripts/local-stack/api-client.js';

/** The shared test stack and a client that calls it over HTTP as a portal would. */
export function testApp() {
  const stack = inject('stack');
  const api = apiClient({ apiUrl: stack.apiUrl, idpUrl: stack.idpUrl, caCertPath: stack.caCertPath });
  const operator = { email: stack.operatorEmail, operator: true };
  return { stack, api, operator };
}

/** A partner id no other test uses, so tests can share one stack and run in parallel. */
export const uniquePartnerId = (prefix = 't') => `${prefix}-${randomUUID().slice(0, 12)}`;

/** A valid create-partner body; each test overrides what it is about. */
export function aPartnerBody(overrides: Record<string, unknown> = {}) {
  const partnerId = (overrides['partnerId'] as string | undefined) ?? uniquePartnerId();
  const domain = `${partnerId}.example.com`;
  return {
    partnerId,
    name: `Partner ${partnerId}`,
    program: 'action-pack',
    verifiedDomains: [domain],
    programAdministrators: [`admin@${domain}`],
    ...overrides,
  };
}

export const adminOf = (partner: { programAdministrators: readonly string[] }) =>
  partner.programAdministrators[0]!;
export const domainOf = (partner: { verifiedDomains: readonly string[] }) => partner.verifiedDomains[0]!;
