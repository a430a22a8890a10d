import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { tenantIdFor } from '../../scripts/idp/users.js';
import { getTokens } from '../../scripts/idp/token-client.js';
import { API_CLIENT_ID, API_CLIENT_SECRET } from '../../scripts/local-stack/stack.js';
import { aPartnerBody, createPartner, testApp } from '../support/app.js';

/**
 * The attacks of the identity review, each over HTTP against the running app with real tokens from the
 * local identity provider, which issues them per tenant as Entra does. An attacker runs their own tenant:
 * they can give their users any email claim and assign the app's roles, and nothing of that may count.
 */
const { stack, api, operator } = testApp();
const ATTACKER_TENANT = tenantIdFor('attacker.example');
const HOME_TENANT = stack.appEnv['AUTH_HOME_TENANT_ID']!;
const issuerOf = (tenantId: string) => stack.appEnv['AUTH_ISSUER']!.replace('{tenantid}', tenantId);
const foreignOperator = { email: 'mallory@attacker.example', operator: true, tenant: ATTACKER_TENANT };

/** The identity provider's own signing key, to mint tokens that are valid in every way but one. */
async function mint(claims: Record<string, unknown>) {
  const { keys } = JSON.parse(readFileSync(join(dirname(stack.caCertPath), 'jwks.json'), 'utf8')) as {
    keys: (JWK & { kid: string })[];
  };
  const jwk = keys[0]!;
  const tid = String(claims['tid']);
  return new SignJWT({ scp: 'access_as_user', ver: '2.0', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'at+jwt' })
    .setSubject(randomUUID())
    .setIssuer(issuerOf(tid))
    .setAudience(stack.appEnv['AUTH_AUDIENCE']!)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(await importJWK(jwk, 'RS256'));
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('platform operators', () => {
  it('an operator token from the home tenant creates partners (the control for the attack below)', async () => {
    const token = await api.token(operator.email, true);
    expect(decodeJwt(token)).toMatchObject({ tid: HOME_TENANT, roles: ['Platform.Operator'] });
    const created = await api.request('POST', '/partners', { as: operator, body: aPartnerBody() });
    expect(created.status).toBe(201);
  });

  it('the same role from a foreign tenant gets 403 creating a partner and 404 on every partner', async () => {
    const token = await api.token(foreignOperator.email, true, foreignOperator.tenant);
    expect(decodeJwt(token)).toMatchObject({ tid: ATTACKER_TENANT, roles: ['Platform.Operator'] });

    const create = await api.request<{ code: string }>('POST', '/partners', {
      as: foreignOperator,
      body: aPartnerBody(),
    });
    expect(create.status).toBe(403);
    expect(create.body.code).toBe('forbidden');

    const p = await createPartner();
    for (const [method, path, body] of [
      ['GET', p.base, undefined],
      ['PATCH', p.base, { name: 'Taken over' }],
      ['GET', `${p.base}/usage`, undefined],
      ['GET', `${p.base}/people`, undefined],
      ['GET', `${p.base}/audit`, undefined],
    ] as const) {
      const response = await api.request<{ code: string }>(method, path, { as: foreignOperator, body });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.code).toBe('not-found');
    }
    expect((await api.request<{ name: string }>('GET', p.base, { as: operator })).body.name).not.toBe(
      'Taken over',
    );
  });
});

describe('Program Administrators', () => {
  it('a foreign-tenant token that claims an administrator’s email gets 404, and binds nothing', async () => {
    const p = await createPartner();
    const impostor = { email: p.admin, operator: false, tenant: ATTACKER_TENANT };
    const impostorToken = decodeJwt(await api.token(impostor.email, false, impostor.tenant));
    expect(impostorToken).toMatchObject({ tid: ATTACKER_TENANT, email: p.admin });

    for (const path of [p.base, `${p.base}/people`, `${p.base}/assignments`]) {
      const response = await api.request<{ code: string }>('GET', path, { as: impostor });
      expect(response.status, path).toBe(404);
    }
    const grant = await api.request('POST', `${p.base}/people`, {
      as: impostor,
      body: { email: `x@${p.domain}`, firstName: 'X', lastName: 'Y' },
    });
    expect(grant.status).toBe(404);

    const partner = await api.request<{ programAdministrators: { objectId: string | null }[] }>(
      'GET',
      p.base,
      {
        as: operator,
      },
    );
    expect(partner.body.programAdministrators).toEqual([{ email: p.admin, objectId: null, boundAt: null }]);
    // The real administrator, from the partner's tenant, is bound at the first call.
    expect((await api.request('GET', p.base, { as: p.admin })).status).toBe(200);
    const bound = await api.request<{ programAdministrators: { objectId: string | null }[] }>('GET', p.base, {
      as: operator,
    });
    expect(bound.body.programAdministrators[0]!.objectId).toBe(decodeJwt(await api.token(p.admin)).oid);
  });

  it('a bound administrator whose email claim changes keeps access; a removed one loses it at once', async () => {
    const p = await createPartner();
    const adminToken = decodeJwt(await api.token(p.admin));
    expect((await api.request('GET', p.base, { as: p.admin })).status).toBe(200); // binds

    // The tenant renames the user: same tenant and object id, another email claim (not even verified).
    const renamed = await mint({ tid: adminToken.tid, oid: adminToken.oid, email: `renamed@${p.domain}` });
    expect((await api.request('GET', p.base, { headers: bearer(renamed) })).status).toBe(200);

    const removed = await api.request('PATCH', p.base, {
      as: operator,
      body: { programAdministrators: [`second@${p.domain}`] },
    });
    expect(removed.status).toBe(200);
    expect((await api.request('GET', p.base, { as: p.admin })).status).toBe(404);
    expect((await api.request('GET', p.base, { headers: bearer(renamed) })).status).toBe(404);
  });

  it('an email claim without the issuer’s domain verification does not bind an administrator', async () => {
    const p = await createPartner();
    const adminToken = decodeJwt(await api.token(p.admin));
    const unverified = await mint({ tid: adminToken.tid, oid: randomUUID(), email: p.admin });
    expect((await api.request('GET', p.base, { headers: bearer(unverified) })).status).toBe(404);
    const verified = await mint({ tid: adminToken.tid, oid: randomUUID(), email: p.admin, xms_edov: true });
    expect((await api.request('GET', p.base, { headers: bearer(verified) })).status).toBe(200);
  });

  it('changing an administrator’s email unbinds it: the new address must sign in to be bound', async () => {
    const p = await createPartner();
    expect((await api.request('GET', p.base, { as: p.admin })).status).toBe(200);
    const newAddress = `ada.new@${p.domain}`;
    const changed = await api.request<{ programAdministrators: unknown[] }>('PATCH', p.base, {
      as: operator,
      body: { programAdministrators: [newAddress] },
    });
    expect(changed.body.programAdministrators).toEqual([
      { email: newAddress, objectId: null, boundAt: null },
    ]);
    expect((await api.request('GET', p.base, { as: p.admin })).status).toBe(404);
    expect((await api.request('GET', p.base, { as: newAddress })).status).toBe(200);
  });

  it('disassociating a person who administers the partner is person-in-use unless cascade; the last one never', async () => {
    const p = await createPartner();
    const second = await p.associate('second');
    const roles = await api.request('PUT', `${p.base}/people/${second.personId}/roles`, {
      as: p.admin,
      body: { technicalContact: null, programAdministrator: true },
    });
    expect(roles.status).toBe(200);
    const refused = await api.request<{ code: string; programAdministrator: boolean }>(
      'DELETE',
      `${p.base}/people/${second.personId}`,
      { as: p.admin },
    );
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'person-in-use', programAdministrator: true });
    const cascaded = await api.request('DELETE', `${p.base}/people/${second.personId}?cascade=true`, {
      as: p.admin,
    });
    expect(cascaded.status).toBe(204);
    const partner = await api.request<{ programAdministrators: { email: string }[] }>('GET', p.base, {
      as: p.admin,
    });
    expect(partner.body.programAdministrators.map((a) => a.email)).toEqual([p.admin]);
    // The second administrator lost access with the person.
    expect((await api.request('GET', p.base, { as: second.email })).status).toBe(404);
  });
});

describe('bearer tokens are access tokens for this API', () => {
  it('an ID token used as a bearer gets 401, though its audience is this API’s client id', async () => {
    const { idToken, accessToken } = await getTokens({
      issuer: stack.idpUrl,
      caCertPath: stack.caCertPath,
      email: operator.email,
      operator: true,
      clientId: API_CLIENT_ID,
      clientSecret: API_CLIENT_SECRET,
      redirectUri: `${new URL(stack.apiUrl).origin}/api/auth/callback`,
    });
    expect(decodeJwt(idToken)).toMatchObject({ aud: API_CLIENT_ID, tid: HOME_TENANT });
    const refused = await api.request<{ code: string }>('GET', '/health', { headers: bearer(idToken) });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('unauthenticated');
    const partners = await api.request('POST', '/partners', {
      headers: bearer(idToken),
      body: aPartnerBody(),
    });
    expect(partners.status).toBe(401);
    // The access token of the same sign-in is accepted.
    expect((await api.request('GET', '/health', { headers: bearer(accessToken) })).status).toBe(200);
  });

  it('a token whose tid differs from the tenant of its issuer gets 401', async () => {
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'none' })
      .sign(new Uint8Array())
      .catch(() => null);
    expect(forged).toBeNull(); // jose will not even make an unsigned token; sign a real one below
    const { keys } = JSON.parse(readFileSync(join(dirname(stack.caCertPath), 'jwks.json'), 'utf8')) as {
      keys: (JWK & { kid: string })[];
    };
    const token = await new SignJWT({
      scp: 'access_as_user',
      tid: HOME_TENANT,
      oid: randomUUID(),
      roles: ['Platform.Operator'],
    })
      .setProtectedHeader({ alg: 'RS256', kid: keys[0]!.kid })
      .setSubject('x')
      .setIssuer(issuerOf(ATTACKER_TENANT))
      .setAudience(stack.appEnv['AUTH_AUDIENCE']!)
      .setExpirationTime('10m')
      .sign(await importJWK(keys[0]!, 'RS256'));
    const response = await api.request<{ code: string; detail: string }>('POST', '/partners', {
      headers: bearer(token),
      body: aPartnerBody(),
    });
    expect(response.status).toBe(401);
    expect(response.body.detail).toContain('tid');
  });

  it('a token for another resource or without the API’s scope gets 401', async () => {
    const { tid, oid } = decodeJwt(await api.token(operator.email, true));
    const noScope = await mint({ tid, oid, scp: 'User.Read', roles: ['Platform.Operator'] });
    expect((await api.request('GET', '/partners/contoso', { headers: bearer(noScope) })).status).toBe(401);
  });
});
