import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { apiClient } from '../../scripts/local-stack/api-client.js';
import { tenantIdFor } from '../../scripts/idp/users.js';

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
    // The local IdP's tenant that owns the domain: its people sign in there.
    tenantId: tenantIdFor(domain),
    programAdministrators: [`admin@${domain}`],
    ...overrides,
  };
}

export const adminOf = (partner: { programAdministrators: readonly string[] }) =>
  partner.programAdministrators[0]!;
export const domainOf = (partner: { verifiedDomains: readonly string[] }) => partner.verifiedDomains[0]!;

export interface PersonBody {
  personId: string;
  email: string;
  firstName: string;
  roles: { technicalContact: string | null; programAdministrator: boolean };
  subscriptions: { assignmentId: string; benefit: string; status: string }[];
}

export interface AssignmentBody {
  assignmentId: string;
  personId: string;
  status: string;
  benefit: string;
  privilege: string;
  invitation: { version: number; expiresAt: string; usedAt: string | null };
  delivery: {
    state: string;
    sequence: number;
    attempts: number;
    lastError: string | null;
    to: string;
    kind: string;
  };
  code?: string;
}

/** Creates a partner as an operator and returns helpers that act as its Program Administrator. */
export async function createPartner(overrides: Record<string, unknown> = {}) {
  const { api, operator } = testApp();
  const body = aPartnerBody(overrides);
  const created = await api.request('POST', '/partners', { as: operator, body });
  if (created.status !== 201)
    throw new Error(`creating the partner failed: ${created.status} ${created.text}`);
  const admin = adminOf(body);
  const domain = domainOf(body);
  const base = `/partners/${body.partnerId}`;
  const privilege = body.program === 'competency' ? 'msdn-subscriptions' : 'visual-studio-subscriptions';
  const associate = async (local: string, extra: Record<string, unknown> = {}) => {
    const response = await api.request<PersonBody>('POST', `${base}/people`, {
      as: admin,
      body: { email: `${local}@${domain}`, firstName: local, lastName: 'Tester', ...extra },
    });
    if (response.status !== 201)
      throw new Error(`associating ${local} failed: ${response.status} ${response.text}`);
    return response.body;
  };
  const setSlot = (personId: string, technicalContact: string | null) =>
    api.request<PersonBody & { code?: string }>('PUT', `${base}/people/${personId}/roles`, {
      as: admin,
      body: { technicalContact },
    });
  const grant = (personId: string, grantPrivilege = privilege) =>
    api.request<AssignmentBody>('POST', `${base}/assignments`, {
      as: admin,
      body: { personId, privilege: grantPrivilege },
    });
  const assignment = (assignmentId: string) =>
    api.request<AssignmentBody>('GET', `${base}/assignments/${assignmentId}`, { as: admin });
  return { api, body, admin, domain, base, privilege, associate, setSlot, grant, assignment };
}
