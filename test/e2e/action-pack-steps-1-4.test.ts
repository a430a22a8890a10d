import { describe, expect, it } from 'vitest';
import { tenantIdFor } from '../../scripts/idp/users.js';
import { testApp, uniquePartnerId } from '../support/app.js';

const { api, operator } = testApp();

/**
 * Action Pack steps 1 to 4 over HTTP, as a portal drives them: an operator creates the partner; its
 * Program Administrator signs in (a real token from the identity provider), associates people and
 * gives them the three Technical Contact slots.
 */
describe('Action Pack, steps 1 to 4', () => {
  it('walks from a new partner to three Technical Contacts', async () => {
    const partnerId = uniquePartnerId('ap');
    const domain = `${partnerId}.example.com`;
    const admin = `program.admin@${domain}`;

    const created = await api.request('POST', '/partners', {
      as: operator,
      body: {
        partnerId,
        name: 'Walkthrough Ltd',
        program: 'action-pack',
        verifiedDomains: [domain],
        // The partner's Entra tenant: the local IdP's tenant that owns its domain.
        tenantId: tenantIdFor(domain),
        programAdministrators: [admin],
      },
      headers: { 'idempotency-key': `create-${partnerId}` },
    });
    expect(created.status).toBe(201);

    // Step 1: the Program Administrator signs in (a token for their identity) and sees the partner.
    const partner = await api.request<{ program: string }>('GET', `/partners/${partnerId}`, { as: admin });
    expect(partner.status).toBe(200);
    expect(partner.body.program).toBe('action-pack');

    // Step 2: they associate the people who work there.
    const people: { personId: string; email: string }[] = [];
    for (const name of ['ada', 'alan', 'grace', 'linus']) {
      const response = await api.request<{ personId: string; email: string }>(
        'POST',
        `/partners/${partnerId}/people`,
        {
          as: admin,
          body: { email: `${name}@${domain}`, firstName: name, lastName: 'Example' },
          headers: { 'idempotency-key': `associate-${partnerId}-${name}` },
        },
      );
      expect(response.status).toBe(201);
      people.push(response.body);
    }

    // Step 3: they give three of them the First, Second and Third Technical Contact roles.
    const slots = ['first', 'second', 'third'] as const;
    for (const [index, slot] of slots.entries()) {
      const response = await api.request<{ roles: { technicalContact: string } }>(
        'PUT',
        `/partners/${partnerId}/people/${people[index]!.personId}/roles`,
        { as: admin, body: { technicalContact: slot } },
      );
      expect(response.status).toBe(200);
      expect(response.body.roles.technicalContact).toBe(slot);
    }
    // A fourth person cannot take a slot that is held.
    const fourth = await api.request('PUT', `/partners/${partnerId}/people/${people[3]!.personId}/roles`, {
      as: admin,
      body: { technicalContact: 'first' },
    });
    expect(fourth.status).toBe(409);

    const after = await api.request<{ technicalContacts: Record<string, string> }>(
      'GET',
      `/partners/${partnerId}`,
      {
        as: admin,
      },
    );
    expect(after.body.technicalContacts).toEqual({
      first: people[0]!.personId,
      second: people[1]!.personId,
      third: people[2]!.personId,
    });
    const contacts = await api.request<{ items: unknown[] }>(
      'GET',
      `/partners/${partnerId}/people?role=technical-contact`,
      {
        as: admin,
      },
    );
    expect(contacts.body.items).toHaveLength(3);

    const audit = await api.request<{ items: { action: string }[] }>(
      'GET',
      `/partners/${partnerId}/audit?limit=200`,
      {
        as: admin,
      },
    );
    expect(audit.body.items.filter((e) => e.action === 'person.associated')).toHaveLength(4);
    expect(audit.body.items.filter((e) => e.action === 'person.roles-changed')).toHaveLength(3);
  });
});
