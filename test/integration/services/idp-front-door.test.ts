import { randomUUID } from 'node:crypto';
import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { CLI_CLIENT_ID, DEV_TENANT_PARAM } from '../../../scripts/idp/clients.js';
import { browse, CookieJar, request } from '../../../scripts/idp/https-client.js';
import { msalSystemFor } from '../../../scripts/idp/token-client.js';
import { HOME_TENANT_ID, objectIdFor, tenantIdFor } from '../../../scripts/idp/users.js';
import {
  API_CLIENT_ID,
  API_CLIENT_SECRET,
  API_REDIRECT_URI,
  AUDIENCE,
  cliAuthorization,
  codeFrom,
  CONTOSO,
  redeem,
  toCli,
  useIdentityProvider,
  verifyAccessToken,
  verifyIdToken,
} from '../../support/idp.js';

describe('local identity provider: the front door and code redemption', () => {
  const local = useIdentityProvider();

  it('front door authorization redirects (302) to the chosen tenant with the same parameters', async () => {
    const chosen = async (params: Record<string, string>) => {
      const query = new URLSearchParams({ client_id: CLI_CLIENT_ID, response_type: 'code', ...params });
      const res = await request(`${local.idp.authority}/auth?${query.toString()}`, { ca: local.ca });
      expect(res.status).toBe(302);
      const location = new URL(String(res.headers.location));
      expect(location.search).toBe(`?${query.toString()}`);
      const match = /^\/([^/]+)\/v2\.0\/auth$/.exec(location.pathname);
      expect(location.origin).toBe(local.idp.url);
      expect(match).not.toBeNull();
      return match![1];
    };
    const elsewhere = randomUUID();
    // The tenant that owns the e-mail's domain…
    expect(await chosen({ login_hint: 'ada.lovelace@contoso.com' })).toBe(CONTOSO);
    // …the home tenant for a configured operator, or a sign-in asking for the role…
    expect(await chosen({ login_hint: 'grace.hopper@navy.mil' })).toBe(HOME_TENANT_ID);
    expect(await chosen({ login_hint: 'ada.lovelace@contoso.com', dev_operator: 'true' })).toBe(
      HOME_TENANT_ID,
    );
    expect(await chosen({ login_hint: 'ada.lovelace@contoso.com', dev_operator: 'false' })).toBe(CONTOSO);
    // …and dev_tenant above all.
    expect(await chosen({ login_hint: 'grace.hopper@navy.mil', [DEV_TENANT_PARAM]: elsewhere })).toBe(
      elsewhere,
    );
    expect(await chosen({ [DEV_TENANT_PARAM]: elsewhere })).toBe(elsewhere);

    const bad = await request(
      `${local.idp.authority}/auth?client_id=${CLI_CLIENT_ID}&${DEV_TENANT_PARAM}=contoso`,
      {
        ca: local.ca,
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('dev_tenant must be a tenant id (a GUID), got &quot;contoso&quot;');
  });

  it("runs the API's confidential client code flow with MSAL through the front door, refresh included", async () => {
    const msal = msalSystemFor(local.idp.authority, local.ca);
    const app = new ConfidentialClientApplication({
      auth: { clientId: API_CLIENT_ID, clientSecret: API_CLIENT_SECRET, ...msal.auth },
      system: msal.system,
    });
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const state = randomUUID();
    const nonce = randomUUID();
    // Entra-style scope name for the API's delegated permission.
    const scopes = ['openid', 'profile', 'email', `${AUDIENCE}/access_as_user`];
    const authUrl = await app.getAuthCodeUrl({
      scopes,
      redirectUri: API_REDIRECT_URI,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      state,
      nonce,
      loginHint: 'katherine.johnson@nasa.gov',
    });
    expect(authUrl.startsWith(`${local.idp.authority}/auth?`)).toBe(true);
    const nasa = tenantIdFor('nasa.gov');

    const done = await browse(authUrl, {
      ca: local.ca,
      jar: new CookieJar(),
      isDestination: (location) => location.startsWith(`${API_REDIRECT_URI}?`),
    });
    if (done.kind !== 'redirect')
      throw new Error(`sign-in did not complete: ${done.status} ${done.body.slice(0, 200)}`);
    const params = new URL(done.location).searchParams;
    expect(params.get('state')).toBe(state);
    expect(params.get('iss')).toBe(local.idp.issuerFor(nasa));

    // MSAL redeems the code at the front door's token endpoint, which finds nasa's tenant.
    const result = await app.acquireTokenByCode({
      code: params.get('code')!,
      scopes,
      redirectUri: API_REDIRECT_URI,
      codeVerifier: verifier,
      state,
      nonce,
    });

    expect(result.account?.username).toBe('katherine.johnson@nasa.gov');
    expect(result.tenantId).toBe(nasa);
    expect(result.idTokenClaims).toMatchObject({
      iss: local.idp.issuerFor(nasa),
      aud: API_CLIENT_ID,
      tid: nasa,
      ver: '2.0',
      nonce,
      email: 'katherine.johnson@nasa.gov',
      preferred_username: 'katherine.johnson@nasa.gov',
      name: 'Katherine Johnson',
      given_name: 'Katherine',
      family_name: 'Johnson',
      xms_edov: true,
    });
    const idClaims = result.idTokenClaims as Record<string, unknown>;
    expect(idClaims).not.toHaveProperty('roles');
    expect(idClaims).not.toHaveProperty('scp');
    expect(idClaims.oid).toBe(objectIdFor(nasa, 'katherine.johnson@nasa.gov'));
    expect(decodeProtectedHeader(result.idToken).alg).toBe('RS256');
    await verifyIdToken(local.idp, local.ca, result.idToken, nasa, API_CLIENT_ID);

    const access = await verifyAccessToken(local.idp, local.ca, result.accessToken, nasa);
    expect(access).toMatchObject({
      client_id: API_CLIENT_ID,
      azp: API_CLIENT_ID,
      aud: AUDIENCE,
      scp: 'access_as_user',
      sub: idClaims.sub,
      oid: idClaims.oid,
      tid: nasa,
    });

    // The refresh token MSAL keeps goes through the front door too, to the tenant that issued it.
    const refreshed = await app.acquireTokenSilent({ account: result.account!, scopes, forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(result.accessToken);
    const again = await verifyAccessToken(local.idp, local.ca, refreshed.accessToken, nasa);
    expect(again).toMatchObject({
      sub: idClaims.sub,
      tid: nasa,
      email: 'katherine.johnson@nasa.gov',
      scp: 'access_as_user',
    });
  });

  it("redeems a code from a tenant's own endpoint through the front door, and nowhere else", async () => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    // A tenant-specific authorization endpoint means that tenant, whatever the e-mail's domain.
    const { url, verifier } = await cliAuthorization(`${local.idp.issuerFor(tenantA)}/auth`, {
      login_hint: 'ada.lovelace@contoso.com',
    });
    const { code, iss } = await codeFrom(url, local.ca, new CookieJar());
    expect(iss).toBe(local.idp.issuerFor(tenantA));

    // Tenants keep their own codes: B does not know A's.
    const atB = await redeem(`${local.idp.issuerFor(tenantB)}/token`, local.ca, code, verifier);
    expect(atB.status).toBe(400);
    expect(atB.body.error).toBe('invalid_grant');

    const viaFrontDoor = await redeem(`${local.idp.authority}/token`, local.ca, code, verifier);
    expect(viaFrontDoor.status).toBe(200);
    const id = decodeJwt(viaFrontDoor.body.id_token!);
    expect(id).toMatchObject({
      iss: local.idp.issuerFor(tenantA),
      tid: tenantA,
      email: 'ada.lovelace@contoso.com',
    });
    expect(id.oid).toBe(objectIdFor(tenantA, 'ada.lovelace@contoso.com'));
    const access = await verifyAccessToken(local.idp, local.ca, viaFrontDoor.body.access_token!, tenantA);
    expect(access.tid).toBe(tenantA);

    // The tenant's answer comes back verbatim, errors included: a code is spent once.
    const replayed = await redeem(`${local.idp.authority}/token`, local.ca, code, verifier);
    expect(replayed.status).toBe(400);
    expect(replayed.body.error).toBe('invalid_grant');
    const unknown = await redeem(`${local.idp.authority}/token`, local.ca, 'not-a-code', verifier);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('invalid_grant');

    // dev_tenant at a tenant's own endpoint can only name that tenant.
    const other = await cliAuthorization(`${local.idp.issuerFor(tenantA)}/auth`, {
      login_hint: 'ada.lovelace@contoso.com',
      [DEV_TENANT_PARAM]: tenantB,
    });
    const refused = await browse(other.url, { ca: local.ca, jar: new CookieJar(), isDestination: toCli });
    if (refused.kind !== 'redirect') throw new Error('expected an error redirect');
    expect(new URL(refused.location).searchParams.get('error')).toBe('invalid_request');
  });

  it("keeps two tenants' sessions apart in one cookie jar", async () => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    const jar = new CookieJar();
    const signIn = async (tenantId: string, extra: Record<string, string>) => {
      const { url, verifier } = await cliAuthorization(`${local.idp.issuerFor(tenantId)}/auth`, extra);
      const { code } = await codeFrom(url, local.ca, jar);
      const redeemed = await redeem(`${local.idp.authority}/token`, local.ca, code, verifier);
      expect(redeemed.status).toBe(200);
      return decodeJwt(redeemed.body.id_token!);
    };
    expect(await signIn(tenantA, { login_hint: 'alice@a.example' })).toMatchObject({ tid: tenantA });
    expect(await signIn(tenantB, { login_hint: 'bob@b.example' })).toMatchObject({ tid: tenantB });

    // Without login_hint each tenant reuses its own session (no sign-in page): nothing was overwritten.
    expect(await signIn(tenantA, {})).toMatchObject({ tid: tenantA, email: 'alice@a.example' });
    expect(await signIn(tenantB, {})).toMatchObject({ tid: tenantB, email: 'bob@b.example' });

    // A tenant the jar has no session with shows the sign-in page, with that tenant in the field.
    const tenantC = randomUUID();
    const fresh = await browse((await cliAuthorization(`${local.idp.issuerFor(tenantC)}/auth`)).url, {
      ca: local.ca,
      jar,
      isDestination: toCli,
    });
    if (fresh.kind !== 'page') throw new Error('expected the sign-in page');
    expect(fresh.body).toContain(`name="tenant" value="${tenantC}"`);
    expect(new URL(fresh.url).pathname.startsWith(`/${tenantC}/v2.0/interaction/`)).toBe(true);
  });

  it('requires PKCE and rejects an unknown resource, through the front door', async () => {
    const base = new URL(`${local.idp.authority}/auth`);
    base.search = new URLSearchParams({
      client_id: API_CLIENT_ID,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: API_REDIRECT_URI,
      state: 's',
      login_hint: 'x@y.com',
    }).toString();
    const isDestination = (location: string) => location.startsWith(`${API_REDIRECT_URI}?`);

    const noPkce = await browse(base.href, { ca: local.ca, jar: new CookieJar(), isDestination });
    if (noPkce.kind !== 'redirect') throw new Error('expected an error redirect');
    expect(new URL(noPkce.location).searchParams.get('error')).toBe('invalid_request');
    expect(new URL(noPkce.location).searchParams.get('error_description')).toContain('PKCE');

    const withPkce = new URL(base);
    withPkce.searchParams.set('code_challenge', (await new CryptoProvider().generatePkceCodes()).challenge);
    withPkce.searchParams.set('code_challenge_method', 'S256');
    withPkce.searchParams.set('resource', 'api://something-else');
    const wrongResource = await browse(withPkce.href, { ca: local.ca, jar: new CookieJar(), isDestination });
    if (wrongResource.kind !== 'redirect') throw new Error('expected an error redirect');
    expect(new URL(wrongResource.location).searchParams.get('error')).toBe('invalid_target');
  });
});
