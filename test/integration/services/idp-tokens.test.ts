import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { CLI_CLIENT_ID } from '../../../scripts/idp/clients.js';
import type { AccessTokenOptions } from '../../../scripts/idp/token-client.js';
import {
  HOME_DOMAIN,
  HOME_TENANT_ID,
  objectIdFor,
  subjectFor,
  tenantIdFor,
} from '../../../scripts/idp/users.js';
import {
  API_CLIENT_ID,
  API_CLIENT_SECRET,
  API_REDIRECT_URI,
  AUDIENCE,
  CONTOSO,
  jwksOf,
  OPERATOR_ROLE,
  useIdentityProvider,
  UUID_V5,
  verifyAccessToken,
  verifyIdToken,
} from '../../support/idp.js';

describe('local identity provider: tokens like Entra v2', () => {
  const local = useIdentityProvider();
  const { tokens, claimsIn } = local;

  it('issues Entra v2 tokens per tenant: iss, tid, oid, pairwise sub, ver; scp and azp in access tokens only', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { access, id } = await claimsIn(CONTOSO, 'Ada.Lovelace@Contoso.com');
    const email = 'ada.lovelace@contoso.com';

    expect(access.iss).toBe(local.idp.issuerFor(CONTOSO));
    expect(access.aud).toBe(AUDIENCE);
    expect(access.exp! - access.iat!).toBe(3600);
    expect(access.iat!).toBeGreaterThanOrEqual(before - 1);
    expect(access).toMatchObject({
      tid: CONTOSO,
      ver: '2.0',
      email,
      preferred_username: email,
      given_name: 'Ada',
      family_name: 'Lovelace',
      name: 'Ada Lovelace',
      scp: 'access_as_user',
      azp: CLI_CLIENT_ID,
      client_id: CLI_CLIENT_ID,
    });
    expect(access.sub).toMatch(UUID_V5);
    expect(access.oid).toMatch(UUID_V5);
    expect(access.oid).not.toBe(access.sub);
    expect(access.oid).toBe(objectIdFor(CONTOSO, email));
    expect(access.sub).toBe(subjectFor(CONTOSO, email));

    // The ID token names the same user in the same tenant, for the client, without scp.
    expect(id).toMatchObject({
      iss: local.idp.issuerFor(CONTOSO),
      aud: CLI_CLIENT_ID,
      tid: CONTOSO,
      ver: '2.0',
      oid: access.oid,
      sub: access.sub,
      email,
      name: 'Ada Lovelace',
    });
    expect(id).not.toHaveProperty('scp');
    expect(id).not.toHaveProperty('roles');

    // Stable per (case-insensitive) e-mail and tenant.
    const again = decodeJwt((await tokens('ada.lovelace@contoso.com')).accessToken);
    expect([again.sub, again.oid, again.tid, again.iss]).toEqual([
      access.sub,
      access.oid,
      access.tid,
      access.iss,
    ]);
    const colleague = decodeJwt((await tokens('charles.babbage@contoso.com')).accessToken);
    expect(colleague.tid).toBe(CONTOSO);
    expect(colleague.oid).not.toBe(access.oid);
    expect(colleague.sub).not.toBe(access.sub);
    const elsewhere = decodeJwt((await tokens('ada.lovelace@fabrikam.com')).accessToken);
    expect(elsewhere.tid).toBe(tenantIdFor('fabrikam.com'));
    expect(elsewhere.iss).toBe(local.idp.issuerFor(tenantIdFor('fabrikam.com')));
  });

  it('the same e-mail address in two tenants is two users: different oid, sub and issuer', async () => {
    const attacker = randomUUID();
    const owner = await claimsIn(CONTOSO, 'ada.lovelace@contoso.com');
    const impostor = await claimsIn(attacker, 'ada.lovelace@contoso.com', { tenant: attacker });

    expect(impostor.access.email).toBe(owner.access.email);
    expect(impostor.access.tid).toBe(attacker);
    expect(impostor.access.iss).toBe(local.idp.issuerFor(attacker));
    expect(impostor.access.oid).not.toBe(owner.access.oid);
    expect(impostor.access.sub).not.toBe(owner.access.sub);
    expect(impostor.id.oid).toBe(impostor.access.oid);
    expect(impostor.id.sub).toBe(impostor.access.sub);
    expect(impostor.id.oid).not.toBe(owner.id.oid);
    expect(impostor.id.sub).not.toBe(owner.id.sub);

    // Signed with the same keys, but the token names its own issuer: it does not pass for contoso's.
    const impostorToken = (await tokens('ada.lovelace@contoso.com', { tenant: attacker })).accessToken;
    await expect(verifyAccessToken(local.idp, local.ca, impostorToken, CONTOSO)).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'iss',
    });
  });

  it('sets xms_edov only where the tenant owns the e-mail domain', async () => {
    const owner = await claimsIn(CONTOSO, 'ada.lovelace@contoso.com');
    expect(owner.access.xms_edov).toBe(true);
    expect(owner.id.xms_edov).toBe(true);

    const foreign = randomUUID();
    for (const tenantId of [foreign, HOME_TENANT_ID]) {
      const { access, id } = await claimsIn(tenantId, 'ada.lovelace@contoso.com', { tenant: tenantId });
      expect(access.tid).toBe(tenantId);
      expect(access).not.toHaveProperty('xms_edov');
      expect(id).not.toHaveProperty('xms_edov');
    }

    const homeUser = await claimsIn(HOME_TENANT_ID, `someone@${HOME_DOMAIN}`);
    expect(homeUser.access.xms_edov).toBe(true);
  });

  it('gives Platform.Operator to configured operators in the home tenant only, and to sign-ins that ask for it', async () => {
    const access = async (email: string, options: Partial<AccessTokenOptions> = {}) =>
      decodeJwt((await tokens(email, options)).accessToken);

    // A configured operator is sent to the home tenant, where the role is assigned.
    const home = await claimsIn(HOME_TENANT_ID, 'grace.hopper@navy.mil');
    expect(home.access.roles).toEqual([OPERATOR_ROLE]);
    expect(home.id.roles).toEqual([OPERATOR_ROLE]);
    expect((await access('GRACE.HOPPER@NAVY.MIL')).roles).toEqual([OPERATOR_ROLE]);
    expect((await access('grace.hopper@navy.mil', { tenant: HOME_TENANT_ID })).roles).toEqual([
      OPERATOR_ROLE,
    ]);

    // The same address in any other tenant has no role: the claim is absent, not empty.
    for (const tenant of [tenantIdFor('navy.mil'), randomUUID()]) {
      const { access: elsewhere, id } = await claimsIn(tenant, 'grace.hopper@navy.mil', { tenant });
      expect(elsewhere.tid).toBe(tenant);
      expect(elsewhere).not.toHaveProperty('roles');
      expect(id).not.toHaveProperty('roles');
    }

    // Asking for the role (dev_operator=true) lands in the home tenant with the role, for that sign-in only.
    const asked = await access('alan.turing@example.com', { operator: true });
    expect(asked).toMatchObject({ tid: HOME_TENANT_ID, roles: [OPERATOR_ROLE] });
    for (const options of [{}, { operator: false }]) {
      const plain = await access('alan.turing@example.com', options);
      expect(plain.tid).toBe(tenantIdFor('example.com'));
      expect(plain).not.toHaveProperty('roles');
    }
    expect(await access('someone.else@navy.mil')).not.toHaveProperty('roles');
  });

  it("lets any tenant assign the role to its own user: dev_operator in a foreign tenant yields that tenant's tid and the role", async () => {
    const attacker = randomUUID();
    const { access, id } = await claimsIn(attacker, 'grace.hopper@navy.mil', {
      tenant: attacker,
      operator: true,
    });
    expect(access).toMatchObject({
      tid: attacker,
      iss: local.idp.issuerFor(attacker),
      roles: [OPERATOR_ROLE],
    });
    expect(access.oid).not.toBe(objectIdFor(HOME_TENANT_ID, 'grace.hopper@navy.mil'));
    expect(access).not.toHaveProperty('xms_edov');
    expect(id).toMatchObject({ tid: attacker, roles: [OPERATOR_ROLE] });
  });

  it('getTokens signs in as the confidential client too: an ID token whose aud is the API client', async () => {
    const issued = await tokens('dorothy.vaughan@nasa.gov', {
      clientId: API_CLIENT_ID,
      clientSecret: API_CLIENT_SECRET,
      redirectUri: API_REDIRECT_URI,
    });
    const nasa = tenantIdFor('nasa.gov');
    const id = await verifyIdToken(local.idp, local.ca, issued.idToken, nasa, API_CLIENT_ID);
    expect(id).toMatchObject({ aud: API_CLIENT_ID, tid: nasa, email: 'dorothy.vaughan@nasa.gov' });
    const access = await verifyAccessToken(local.idp, local.ca, issued.accessToken, nasa);
    expect(access).toMatchObject({ azp: API_CLIENT_ID, aud: AUDIENCE, sub: id.sub });
    // An ID token is not an access token for the API: its aud is the client.
    await expect(
      jwtVerify(issued.idToken, createLocalJWKSet(await jwksOf(local.idp.authority, local.ca)), {
        audience: AUDIENCE,
      }),
    ).rejects.toMatchObject({ claim: 'aud' });
  });
});
