import { describe, expect, it } from 'vitest';
import { aPartnerBody, adminOf, testApp, uniquePartnerId } from '../support/app.js';

const { api, operator } = testApp();

interface Partner {
  partnerId: string;
  program: string;
  entitlements: { benefit: string; seats: number; startsOn: string; expiresOn: string }[];
  programAdministrators: string[];
  technicalContacts: Record<string, string | null>;
  name: string;
}

describe('partners', () => {
  it('an operator creates an Action Pack partner with the default entitlement of 3 Professional seats', async () => {
    const body = aPartnerBody();
    const created = await api.request<Partner>('POST', '/partners', { as: operator, body });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/partners/${body.partnerId}`);
    expect(created.headers.get('etag')).toBeTruthy();
    const [entitlement] = created.body.entitlements;
    expect(entitlement).toMatchObject({ benefit: 'vs-professional', seats: 3 });
    const today = new Date().toISOString().slice(0, 10);
    expect(entitlement!.startsOn).toBe(today);
    expect(Number(entitlement!.expiresOn.slice(0, 4))).toBe(Number(today.slice(0, 4)) + 1);
    expect(created.body.technicalContacts).toEqual({ first: null, second: null, third: null });
  });

  it('a Competency partner defaults its Enterprise seats from its competencies', async () => {
    const body = aPartnerBody({
      program: 'competency',
      competencies: [
        { name: 'Cloud Platform', level: 'gold' },
        { name: 'Data Analytics', level: 'silver' },
        { name: 'Security', level: 'gold' },
      ],
    });
    const created = await api.request<Partner>('POST', '/partners', { as: operator, body });
    expect(created.status).toBe(201);
    expect(created.body.entitlements).toEqual([
      expect.objectContaining({ benefit: 'vs-enterprise', seats: 10 + 5 + 25 }),
    ]);
  });

  it('takes entitlement dates as days or ISO 8601 date-times, and keeps the day', async () => {
    const body = aPartnerBody({
      entitlements: [
        {
          benefit: 'vs-professional',
          seats: 3,
          startsOn: '2026-01-01T00:00:00+01:00',
          expiresOn: '2027-01-01T00:00:00.000Z',
        },
      ],
    });
    const created = await api.request<Partner>('POST', '/partners', { as: operator, body });
    expect(created.status).toBe(201);
    expect(created.body.entitlements[0]).toMatchObject({ startsOn: '2026-01-01', expiresOn: '2027-01-01' });
  });

  it('only an operator creates partners', async () => {
    const body = aPartnerBody();
    const response = await api.request('POST', '/partners', { as: adminOf(body), body });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('a second partner with the same id is already-exists', async () => {
    const body = aPartnerBody();
    expect((await api.request('POST', '/partners', { as: operator, body })).status).toBe(201);
    const again = await api.request('POST', '/partners', { as: operator, body: { ...body, name: 'Other' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'already-exists' });
  });

  it('administrators outside the verified domains are refused', async () => {
    const body = aPartnerBody({ programAdministrators: ['someone@elsewhere.example.org'] });
    const response = await api.request('POST', '/partners', { as: operator, body });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'email-domain-not-verified' });
  });

  it.each([
    ['a missing field', { program: undefined }, 'program'],
    ['a wrong type', { verifiedDomains: 'contoso.com' }, 'verifiedDomains'],
    ['an unknown field', { colour: 'blue' }, '(root)'],
    ['an over-long name', { name: 'x'.repeat(201) }, 'name'],
    ['a malformed email', { programAdministrators: ['not-an-email'] }, 'programAdministrators.0'],
    ['a bad partner id', { partnerId: 'Has Spaces' }, 'partnerId'],
    [
      'a bad date',
      {
        entitlements: [
          { benefit: 'vs-professional', seats: 3, startsOn: '2026-13-01', expiresOn: '2027-01-01' },
        ],
      },
      'entitlements.0.startsOn',
    ],
    [
      'negative seats',
      {
        entitlements: [
          { benefit: 'vs-professional', seats: -1, startsOn: '2026-01-01', expiresOn: '2027-01-01' },
        ],
      },
      'entitlements.0.seats',
    ],
  ])('%s is a 400 naming the field', async (_case, override, path) => {
    const body = { ...aPartnerBody(), ...override };
    const response = await api.request<{ code: string; errors: { path: string }[] }>('POST', '/partners', {
      as: operator,
      body,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.code).toBe('validation-failed');
    expect(response.body.errors.map((e) => e.path)).toContain(path);
  });

  it('malformed JSON is a 400, a wrong content type a 415, neither a 500', async () => {
    const malformed = await api.request('POST', '/partners', {
      as: operator,
      rawBody: '{"partnerId": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'validation-failed' });
    const wrongType = await api.request('POST', '/partners', {
      as: operator,
      rawBody: 'partnerId=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body).toMatchObject({ code: 'unsupported-media-type' });
  });

  it('a body over the size limit is a 413', async () => {
    const response = await api.request('POST', '/partners', {
      as: operator,
      rawBody: JSON.stringify({ ...aPartnerBody(), name: 'x'.repeat(1_100_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ code: 'payload-too-large' });
  });

  it('its administrator and operators read it with an ETag; anyone else gets 404', async () => {
    const body = aPartnerBody();
    await api.request('POST', '/partners', { as: operator, body });
    const byAdmin = await api.request<Partner>('GET', `/partners/${body.partnerId}`, { as: adminOf(body) });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.headers.get('etag')).toMatch(/^"?.+"?$/);
    expect((await api.request('GET', `/partners/${body.partnerId}`, { as: operator })).status).toBe(200);
    const stranger = await api.request('GET', `/partners/${body.partnerId}`, {
      as: 'admin@other.example.com',
    });
    expect(stranger.status).toBe(404);
    expect(stranger.body).toMatchObject({ code: 'not-found' });
    const missing = await api.request('GET', `/partners/${uniquePartnerId()}`, { as: operator });
    expect(missing.status).toBe(404);
  });

  it('PATCH honours If-Match and is for operators only', async () => {
    const body = aPartnerBody();
    const created = await api.request<Partner>('POST', '/partners', { as: operator, body });
    const etag = created.headers.get('etag')!;
    const renamed = await api.request<Partner>('PATCH', `/partners/${body.partnerId}`, {
      as: operator,
      body: { name: 'Renamed' },
      headers: { 'if-match': etag },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Renamed');
    const stale = await api.request('PATCH', `/partners/${body.partnerId}`, {
      as: operator,
      body: { name: 'Again' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'precondition-failed' });
    const byAdmin = await api.request('PATCH', `/partners/${body.partnerId}`, {
      as: adminOf(body),
      body: { name: 'Mine' },
    });
    expect(byAdmin.status).toBe(403);
    const byStranger = await api.request('PATCH', `/partners/${body.partnerId}`, {
      as: 'x@stranger.example.com',
      body: { name: 'Mine' },
    });
    expect(byStranger.status).toBe(404);
  });

  it('the same Idempotency-Key replays the first response; with another body it is refused', async () => {
    const body = aPartnerBody();
    const key = `key-${body.partnerId}`;
    const first = await api.request('POST', '/partners', {
      as: operator,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    const replay = await api.request('POST', '/partners', {
      as: operator,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const other = await api.request('POST', '/partners', {
      as: operator,
      body: { ...body, name: 'Different' },
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'idempotency-key-reused' });
  });

  it('every change is in the audit log, newest first', async () => {
    const body = aPartnerBody();
    await api.request('POST', '/partners', { as: operator, body });
    await api.request('PATCH', `/partners/${body.partnerId}`, { as: operator, body: { name: 'Renamed' } });
    const audit = await api.request<{ items: { action: string; actor: { email: string } }[] }>(
      'GET',
      `/partners/${body.partnerId}/audit`,
      { as: adminOf(body) },
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((e) => e.action)).toEqual(['partner.updated', 'partner.created']);
    expect(audit.body.items[0]!.actor.email).toBe(operator.email);
  });
});
