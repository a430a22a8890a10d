import { randomUUID } from 'node:crypto';
import { apiClient, type ApiResponse } from './local-stack/api-client.js';
import { tenantIdFor } from './idp/users.js';

/**
 * Demo data, created through the public API as a portal would: an Action Pack partner and a
 * Competency partner, each with a Program Administrator and a few people. Safe to run again.
 */
export const DEMO = {
  actionPack: {
    partnerId: 'contoso',
    name: 'Contoso Ltd',
    program: 'action-pack',
    verifiedDomains: ['contoso.com'],
    programAdministrators: ['admin@contoso.com'],
    people: [
      {
        email: 'ada.lovelace@contoso.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        technicalContact: 'first',
      },
      { email: 'alan.turing@contoso.com', firstName: 'Alan', lastName: 'Turing', technicalContact: 'second' },
      { email: 'grace.hopper@contoso.com', firstName: 'Grace', lastName: 'Hopper', technicalContact: null },
    ],
  },
  competency: {
    partnerId: 'fabrikam',
    name: 'Fabrikam Inc',
    program: 'competency',
    verifiedDomains: ['fabrikam.com'],
    programAdministrators: ['admin@fabrikam.com'],
    competencies: [
      { name: 'Cloud Platform', level: 'gold' },
      { name: 'Application Development', level: 'silver' },
    ],
    people: [
      {
        email: 'linus.torvalds@fabrikam.com',
        firstName: 'Linus',
        lastName: 'Torvalds',
        technicalContact: null,
      },
      {
        email: 'margaret.hamilton@fabrikam.com',
        firstName: 'Margaret',
        lastName: 'Hamilton',
        technicalContact: null,
      },
      {
        email: 'katherine.johnson@fabrikam.com',
        firstName: 'Katherine',
        lastName: 'Johnson',
        technicalContact: null,
      },
    ],
  },
} as const;

function expectStatus(response: ApiResponse, allowed: number[], what: string): void {
  if (!allowed.includes(response.status)) {
    throw new Error(`${what}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
  }
}

export async function seedDemoData(options: {
  apiUrl: string;
  idpUrl: string;
  caCertPath: string;
  operator: string;
}): Promise<string> {
  const api = apiClient(options);
  const operator = { email: options.operator, operator: true };
  const lines: string[] = ['Demo data:'];
  for (const demo of [DEMO.actionPack, DEMO.competency]) {
    const { people, ...partner } = demo;
    // Each demo partner is its own Entra tenant: the local IdP's tenant that owns its domain.
    const tenantId = tenantIdFor(partner.verifiedDomains[0]);
    const created = await api.request('POST', '/partners', {
      as: operator,
      body: { ...partner, tenantId },
      headers: { 'idempotency-key': randomUUID() },
    });
    expectStatus(created, [201, 409], `create partner ${partner.partnerId}`);
    const admin = partner.programAdministrators[0];
    for (const person of people) {
      const { technicalContact, ...body } = person;
      const associated = await api.request<{ personId: string }>(
        'POST',
        `/partners/${partner.partnerId}/people`,
        {
          as: admin,
          body,
        },
      );
      expectStatus(associated, [201, 409], `associate ${person.email}`);
      if (associated.status === 201 && technicalContact) {
        const roles = await api.request(
          'PUT',
          `/partners/${partner.partnerId}/people/${associated.body.personId}/roles`,
          {
            as: admin,
            body: { technicalContact },
          },
        );
        expectStatus(roles, [200], `set the ${technicalContact} Technical Contact for ${person.email}`);
      }
    }
    lines.push(
      `  ${partner.name} (${partner.program}, partnerId ${partner.partnerId}): Program Administrator ${admin}; people ${people.map((p) => p.email).join(', ')}`,
    );
  }
  return lines.join('\n');
}
