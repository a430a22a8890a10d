import { describe, expect, it } from 'vitest';
import { aPartnerBody, adminOf, domainOf, testApp } from '../support/app.js';

const { api, operator } = testApp();

interface Person {
  personId: string;
  email: string;
  firstName: string;
  lastName: string;
  notificationEmail: string | null;
  roles: { technicalContact: string | null; programAdministrator: boolean };
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

async function aPartner(overrides: Record<string, unknown> = {}) {
  const body = aPartnerBody(overrides);
  const created = await api.request('POST', '/partners', { as: operator, body });
  expect(created.status).toBe(201);
  const admin = adminOf(body);
  const domain = domainOf(body);
  const base = `/partners/${body.partnerId}`;
  const associate = async (local: string, extra: Record<string, unknown> = {}) => {
    const response = await api.request<Person>('POST', `${base}/people`, {
      as: admin,
      body: { email: `${local}@${domain}`, firstName: local, lastName: 'Tester', ...extra },
    });
    expect(response.status, response.text).toBe(201);
    return response.body;
  };
  const setSlot = (personId: string, technicalContact: string | null, headers: Record<string, string> = {}) =>
    api.request<Person & { code?: string; holderPersonId?: string }>(
      'PUT',
      `${base}/people/${personId}/roles`,
      {
        as: admin,
        body: { technicalContact },
        headers,
      },
    );
  return { body, admin, domain, base, associate, setSlot };
}

describe('people', () => {
  it('associates a person in a verified domain, and refuses other domains', async () => {
    const p = await aPartner();
    const ada = await p.associate('ada', { notificationEmail: 'ada.home@example.org' });
    expect(ada).toMatchObject({
      email: `ada@${p.domain}`,
      notificationEmail: 'ada.home@example.org',
      roles: { technicalContact: null, programAdministrator: false },
    });
    const outside = await api.request('POST', `${p.base}/people`, {
      as: p.admin,
      body: { email: 'eve@elsewhere.example.org', firstName: 'Eve', lastName: 'X' },
    });
    expect(outside.status).toBe(422);
    expect(outside.body).toMatchObject({ code: 'email-domain-not-verified' });
  });

  it('emails are unique per partner, case-insensitively', async () => {
    const p = await aPartner();
    await p.associate('grace');
    const again = await api.request('POST', `${p.base}/people`, {
      as: p.admin,
      body: { email: `GRACE@${p.domain.toUpperCase()}`, firstName: 'Grace', lastName: 'Again' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'already-exists' });
  });

  it('only the partner’s administrators manage people; others see 404, operators 403', async () => {
    const p = await aPartner();
    const body = { email: `x@${p.domain}`, firstName: 'X', lastName: 'Y' };
    const stranger = await api.request('POST', `${p.base}/people`, {
      as: 'admin@stranger.example.com',
      body,
    });
    expect(stranger.status).toBe(404);
    const byOperator = await api.request('POST', `${p.base}/people`, { as: operator, body });
    expect(byOperator.status).toBe(403);
  });

  it('lists, searches and pages people', async () => {
    const p = await aPartner();
    for (const name of ['anna', 'bert', 'carl', 'dora', 'emil']) await p.associate(name);
    const firstPage = await api.request<Page<Person>>('GET', `${p.base}/people?limit=2`, { as: p.admin });
    expect(firstPage.status).toBe(200);
    expect(firstPage.body.items.map((x) => x.firstName)).toEqual(['anna', 'bert']);
    expect(firstPage.body.nextCursor).toBeTruthy();
    const seen = [...firstPage.body.items];
    let cursor = firstPage.body.nextCursor;
    while (cursor) {
      const page = await api.request<Page<Person>>(
        'GET',
        `${p.base}/people?limit=2&cursor=${encodeURIComponent(cursor)}`,
        {
          as: p.admin,
        },
      );
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    expect(seen.map((x) => x.firstName)).toEqual(['anna', 'bert', 'carl', 'dora', 'emil']);
    const search = await api.request<Page<Person>>('GET', `${p.base}/people?q=DOR`, { as: p.admin });
    expect(search.body.items.map((x) => x.firstName)).toEqual(['dora']);
    const badLimit = await api.request('GET', `${p.base}/people?limit=500`, { as: p.admin });
    expect(badLimit.status).toBe(400);
    const badCursor = await api.request('GET', `${p.base}/people?cursor=%%%`, { as: p.admin });
    expect(badCursor.status).toBe(400);
    const unknownParameter = await api.request('GET', `${p.base}/people?colour=blue`, { as: p.admin });
    expect(unknownParameter.status).toBe(400);
  });

  it('filters people by role', async () => {
    const p = await aPartner();
    const ada = await p.associate('ada');
    const bob = await p.associate('bob');
    await p.associate('cid');
    expect((await p.setSlot(ada.personId, 'first')).status).toBe(200);
    expect((await p.setSlot(bob.personId, 'third')).status).toBe(200);
    const first = await api.request<Page<Person>>('GET', `${p.base}/people?role=first`, { as: p.admin });
    expect(first.body.items.map((x) => x.personId)).toEqual([ada.personId]);
    const contacts = await api.request<Page<Person>>('GET', `${p.base}/people?role=technical-contact`, {
      as: p.admin,
    });
    expect(contacts.body.items.map((x) => x.personId).sort()).toEqual([ada.personId, bob.personId].sort());
    const second = await api.request<Page<Person>>('GET', `${p.base}/people?role=second`, { as: p.admin });
    expect(second.body.items).toEqual([]);
  });

  it('reads and updates a person with ETag and If-Match', async () => {
    const p = await aPartner();
    const ada = await p.associate('ada');
    const read = await api.request<Person>('GET', `${p.base}/people/${ada.personId}`, { as: p.admin });
    expect(read.status).toBe(200);
    const etag = read.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const updated = await api.request<Person>('PATCH', `${p.base}/people/${ada.personId}`, {
      as: p.admin,
      body: { lastName: 'Lovelace', notificationEmail: null },
      headers: { 'if-match': etag },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ lastName: 'Lovelace', notificationEmail: null });
    const stale = await api.request('PATCH', `${p.base}/people/${ada.personId}`, {
      as: p.admin,
      body: { lastName: 'Byron' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    const nothing = await api.request('PATCH', `${p.base}/people/${ada.personId}`, { as: p.admin, body: {} });
    expect(nothing.status).toBe(400);
    const missing = await api.request('GET', `${p.base}/people/p-000000000000000000000000`, { as: p.admin });
    expect(missing.status).toBe(404);
  });

  it('a person holding a slot is person-in-use unless cascade=true', async () => {
    const p = await aPartner();
    const ada = await p.associate('ada');
    await p.setSlot(ada.personId, 'second');
    const refused = await api.request('DELETE', `${p.base}/people/${ada.personId}`, { as: p.admin });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'person-in-use', technicalContact: 'second' });
    const cascaded = await api.request('DELETE', `${p.base}/people/${ada.personId}?cascade=true`, {
      as: p.admin,
    });
    expect(cascaded.status).toBe(204);
    const partner = await api.request<{ technicalContacts: Record<string, string | null> }>('GET', p.base, {
      as: p.admin,
    });
    expect(partner.body.technicalContacts['second']).toBeNull();
    expect((await api.request('GET', `${p.base}/people/${ada.personId}`, { as: p.admin })).status).toBe(404);
  });

  it('a person without roles is disassociated at once', async () => {
    const p = await aPartner();
    const bob = await p.associate('bob');
    expect((await api.request('DELETE', `${p.base}/people/${bob.personId}`, { as: p.admin })).status).toBe(
      204,
    );
  });
});

describe('Technical Contact roles', () => {
  it('one person per slot: slot-taken names the holder', async () => {
    const p = await aPartner();
    const ada = await p.associate('ada');
    const bob = await p.associate('bob');
    expect((await p.setSlot(ada.personId, 'first')).body.roles.technicalContact).toBe('first');
    const taken = await p.setSlot(bob.personId, 'first');
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'slot-taken', slot: 'first', holderPersonId: ada.personId });
  });

  it('one slot per person: moving a person frees the slot they held', async () => {
    const p = await aPartner();
    const ada = await p.associate('ada');
    const bob = await p.associate('bob');
    await p.setSlot(ada.personId, 'first');
    expect((await p.setSlot(ada.personId, 'third')).status).toBe(200);
    expect((await p.setSlot(bob.personId, 'first')).status).toBe(200);
    const partner = await api.request<{ technicalContacts: Record<string, string | null> }>('GET', p.base, {
      as: p.admin,
    });
    expect(partner.body.technicalContacts).toEqual({
      first: bob.personId,
      second: null,
      third: ada.personId,
    });
    expect((await p.setSlot(ada.personId, null)).body.roles.technicalContact).toBeNull();
  });

  it('a person made Program Administrator can manage the partner', async () => {
    const p = await aPartner();
    const ada = await p.associate('ada');
    const made = await api.request<Person>('PUT', `${p.base}/people/${ada.personId}/roles`, {
      as: p.admin,
      body: { technicalContact: null, programAdministrator: true },
    });
    expect(made.body.roles.programAdministrator).toBe(true);
    const asAda = await api.request('GET', `${p.base}/people`, { as: ada.email });
    expect(asAda.status).toBe(200);
  });

  it('roles honour If-Match', async () => {
    const p = await aPartner();
    const ada = await p.associate('ada');
    const read = await api.request('GET', `${p.base}/people/${ada.personId}`, { as: p.admin });
    const etag = read.headers.get('etag')!;
    expect((await p.setSlot(ada.personId, 'first', { 'if-match': etag })).status).toBe(200);
    const stale = await p.setSlot(ada.personId, 'second', { 'if-match': etag });
    expect(stale.status).toBe(412);
  });
});

describe('concurrency', () => {
  it('50 parallel requests for the First slot by 50 people: exactly one holder, 49 slot-taken', async () => {
    const p = await aPartner();
    const people = await Promise.all(Array.from({ length: 50 }, (_, i) => p.associate(`person${i}`)));
    const results = await Promise.all(people.map((person) => p.setSlot(person.personId, 'first')));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.code === 'slot-taken')).toHaveLength(49);
    const winner = results.find((r) => r.status === 200)!.body.personId;
    const partner = await api.request<{ technicalContacts: Record<string, string | null> }>('GET', p.base, {
      as: p.admin,
    });
    expect(partner.body.technicalContacts['first']).toBe(winner);
  });

  it('50 parallel associations of one email create exactly one person', async () => {
    const p = await aPartner();
    const body = { email: `same@${p.domain}`, firstName: 'Same', lastName: 'Person' };
    const results = await Promise.all(
      Array.from({ length: 50 }, () => api.request('POST', `${p.base}/people`, { as: p.admin, body })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
    const listed = await api.request<Page<Person>>('GET', `${p.base}/people?q=same`, { as: p.admin });
    expect(listed.body.items).toHaveLength(1);
  });
});
