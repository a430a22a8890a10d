import { execFile } from 'node:child_process';
import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type PeerCertificate } from 'node:tls';
import { CryptoProvider, ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_CLIENT_ID, CLI_REDIRECT_URI, DEV_TENANT_PARAM } from '../../../scripts/idp/clients.js';
import { browse, CookieJar, request } from '../../../scripts/idp/https-client.js';
import { startIdentityProvider, type RunningIdentityProvider } from '../../../scripts/idp/server.js';
import {
  getAccessToken,
  getTokens,
  msalSystemFor,
  type AccessTokenOptions,
} from '../../../scripts/idp/token-client.js';
import {
  HOME_DOMAIN,
  HOME_TENANT_ID,
  objectIdFor,
  subjectFor,
  tenantIdFor,
} from '../../../scripts/idp/users.js';
import { freePort } from 'functions-devhost/process';

const AUDIENCE = 'api://partner-subscriptions';
const API_CLIENT_ID = 'partner-subscriptions-api';
const API_CLIENT_SECRET = 'test-secret';
const API_REDIRECT_URI = 'http://localhost:7071/api/auth/callback';
const CONFIGURED_OPERATOR = 'Grace.Hopper@Navy.mil';
const OPERATOR_ROLE = 'Platform.Operator';
const TOKEN_SCRIPT = fileURLToPath(new URL('../../../scripts/token.ts', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A version-5 (name-based) UUID. */
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const CONTOSO = tenantIdFor('contoso.com');

async function startIn(
  dataDir: string,
  port: number,
  lines: string[] = [],
): Promise<RunningIdentityProvider> {
  return startIdentityProvider({
    port,
    dataDir,
    operators: [CONFIGURED_OPERATOR],
    clients: {
      apiClientId: API_CLIENT_ID,
      apiClientSecret: API_CLIENT_SECRET,
      redirectUris: [API_REDIRECT_URI],
    },
    audience: AUDIENCE,
    log: (line) => lines.push(line),
  });
}

async function getJson(url: string, ca: string): Promise<Record<string, unknown>> {
  const res = await request(url, { ca });
  expect(res.status, `GET ${url}`).toBe(200);
  return JSON.parse(res.body) as Record<string, unknown>;
}

/** The discovery document of an issuer or of the front door. */
const discoveryOf = (base: string, ca: string) => getJson(`${base}/.well-known/openid-configuration`, ca);

async function jwksOf(base: string, ca: string): Promise<JSONWebKeySet> {
  const discovery = await discoveryOf(base, ca);
  return (await getJson(String(discovery.jwks_uri), ca)) as unknown as JSONWebKeySet;
}

/** Verifies an access token as the API does: the front door's keys, the tenant's issuer, the audience. */
async function verifyAccessToken(
  idp: RunningIdentityProvider,
  ca: string,
  token: string,
  tenantId: string,
): Promise<JWTPayload> {
  const { payload, protectedHeader } = await jwtVerify(
    token,
    createLocalJWKSet(await jwksOf(idp.authority, ca)),
    { issuer: idp.issuerFor(tenantId), audience: AUDIENCE, algorithms: ['RS256'] },
  );
  expect(protectedHeader.typ).toBe('at+jwt');
  return payload;
}

async function verifyIdToken(
  idp: RunningIdentityProvider,
  ca: string,
  token: string,
  tenantId: string,
  clientId: string,
): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, createLocalJWKSet(await jwksOf(idp.authority, ca)), {
    issuer: idp.issuerFor(tenantId),
    audience: clientId,
    algorithms: ['RS256'],
  });
  return payload;
}

/** TLS handshake with the IdP trusting `ca` only, or the default roots when `ca` is undefined. */
function peerCertificate(url: string, ca?: string): Promise<{ authorized: boolean; cert: PeerCertificate }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: hostname, port: Number(port), ...(ca === undefined ? {} : { ca }) },
      () => {
        resolve({ authorized: socket.authorized, cert: socket.getPeerCertificate() });
        socket.end();
      },
    );
    socket.once('error', reject);
  });
}

/** An authorization request for the CLI's public client, built by hand (PKCE S256). */
async function cliAuthorization(endpoint: string, extra: Record<string, string> = {}) {
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const url = new URL(endpoint);
  url.search = new URLSearchParams({
    client_id: CLI_CLIENT_ID,
    response_type: 'code',
    scope: 'openid profile email access_as_user',
    redirect_uri: CLI_REDIRECT_URI,
    state: randomUUID(),
    nonce: randomUUID(),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  return { url: url.href, verifier };
}

const toCli = (location: string) => location.startsWith(`${CLI_REDIRECT_URI}?`);

/** Follows an authorization request in `jar` to the code; fails on a page (a sign-in form, an error). */
async function codeFrom(
  url: string,
  ca: string,
  jar: CookieJar,
): Promise<{ code: string; iss: string | null }> {
  const done = await browse(url, { ca, jar, isDestination: toCli });
  if (done.kind !== 'redirect') {
    throw new Error(`expected a redirect with a code, got HTTP ${done.status} at ${done.url}`);
  }
  const params = new URL(done.location).searchParams;
  const code = params.get('code');
  if (!code) throw new Error(`no code: ${done.location}`);
  return { code, iss: params.get('iss') };
}

/** Redeems a code of the CLI client at a token endpoint; returns the status and the parsed body. */
async function redeem(tokenEndpoint: string, ca: string, code: string, verifier: string) {
  const res = await request(tokenEndpoint, {
    ca,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CLI_REDIRECT_URI,
      client_id: CLI_CLIENT_ID,
      code_verifier: verifier,
    }).toString(),
  });
  return { status: res.status, body: JSON.parse(res.body) as Record<string, string> };
}

describe('local identity provider', () => {
  let dataDir: string;
  let idp: RunningIdentityProvider;
  let ca: string;
  const logLines: string[] = [];

  /** Tokens for the CLI's public client through the front door (or a confidential client when told). */
  const tokens = (email: string, options: Partial<AccessTokenOptions> = {}) =>
    getTokens({ issuer: idp.url, caCertPath: idp.caCertPath, email, ...options });

  /** The verified claims of an access token and of the ID token issued with it, from `tenantId`. */
  async function claimsIn(tenantId: string, email: string, options: Partial<AccessTokenOptions> = {}) {
    const issued = await tokens(email, options);
    const access = await verifyAccessToken(idp, ca, issued.accessToken, tenantId);
    const id = await verifyIdToken(idp, ca, issued.idToken, tenantId, options.clientId ?? CLI_CLIENT_ID);
    return { access, id };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'idp-test-'));
    idp = await startIn(dataDir, await freePort(), logLines);
    ca = await readFile(idp.caCertPath, 'utf8');
  }, 60_000);

  afterAll(async () => {
    await idp?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves each tenant as its own issuer over HTTPS, with a certificate that chains to the generated CA', async () => {
    expect(idp.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(idp.caCertPath).toBe(join(dataDir, 'ca.pem'));
    expect(idp.homeTenantId).toBe(tenantIdFor(HOME_DOMAIN));
    expect(idp.homeTenantId).toBe(HOME_TENANT_ID);
    expect(idp.authority).toBe(`${idp.url}/organizations/v2.0`);
    expect(idp.issuerTemplate).toBe(`${idp.url}/{tenantid}/v2.0`);

    // Any GUID is a tenant, created on its first request: the home tenant, a domain's, a made-up one.
    for (const tenantId of [idp.homeTenantId, CONTOSO, randomUUID()]) {
      const issuer = idp.issuerFor(tenantId);
      expect(issuer).toBe(`${idp.url}/${tenantId}/v2.0`);
      const discovery = await discoveryOf(issuer, ca);
      expect(discovery.issuer).toBe(issuer);
      expect(discovery.authorization_endpoint).toBe(`${issuer}/auth`);
      expect(discovery.token_endpoint).toBe(`${issuer}/token`);
      expect(String(discovery.jwks_uri)).toMatch(new RegExp(`^${issuer}/`));
      expect(String(discovery.end_session_endpoint)).toMatch(new RegExp(`^${issuer}/`));
      expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
      expect(discovery.claims_supported).toEqual(
        expect.arrayContaining([
          'sub',
          'oid',
          'tid',
          'ver',
          'roles',
          'xms_edov',
          'email',
          'preferred_username',
          'name',
        ]),
      );
    }
    // A tenant id is a GUID; upper case is the same tenant.
    expect(idp.issuerFor(CONTOSO.toUpperCase())).toBe(idp.issuerFor(CONTOSO));
    expect(() => idp.issuerFor('contoso.com')).toThrow(/GUID/);
    // There is no issuer at the root any more; a tenant segment that is not a GUID is a bad request, as
    // in Entra, and so is the issuer template itself: it is a pattern, not an address.
    expect((await request(`${idp.url}/.well-known/openid-configuration`, { ca })).status).toBe(404);
    expect(
      (await request(`${idp.url}/contoso.com/v2.0/.well-known/openid-configuration`, { ca })).status,
    ).toBe(400);
    const template = await request(`${idp.issuerTemplate}/.well-known/openid-configuration`, { ca });
    expect(template.status).toBe(400);
    expect(JSON.parse(template.body)).toMatchObject({ error: 'invalid_request' });

    const { authorized, cert } = await peerCertificate(idp.url, ca);
    expect(authorized).toBe(true);
    const caCert = new X509Certificate(ca);
    const serverCert = new X509Certificate(cert.raw);
    expect(caCert.ca).toBe(true);
    expect(serverCert.ca).toBe(false);
    expect(serverCert.checkIssued(caCert)).toBe(true);
    expect(serverCert.verify(caCert.publicKey)).toBe(true);
    expect(serverCert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(serverCert.checkHost('localhost')).toBe('localhost');

    // With the default roots only, the certificate is not trusted: the check above is a real one.
    await expect(peerCertificate(idp.url)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('has a front door whose discovery names the {tenantid} issuer template and its own endpoints (common is an alias)', async () => {
    const tenantJwks = await jwksOf(idp.issuerFor(CONTOSO), ca);
    for (const alias of ['organizations', 'common']) {
      const base = `${idp.url}/${alias}/v2.0`;
      const discovery = await discoveryOf(base, ca);
      expect(discovery.issuer).toBe(`${idp.url}/{tenantid}/v2.0`);
      expect(discovery.issuer).toBe(idp.issuerTemplate);
      expect(discovery.authorization_endpoint).toBe(`${base}/auth`);
      expect(discovery.token_endpoint).toBe(`${base}/token`);
      expect(discovery.jwks_uri).toBe(`${base}/jwks`);
      // Only what the front door serves: no tenant's endpoints leak into it.
      for (const [key, value] of Object.entries(discovery)) {
        if (key.endsWith('_endpoint') || key === 'jwks_uri')
          expect(String(value)).toMatch(new RegExp(`^${base}/`));
      }
      expect(discovery.response_types_supported).toEqual(['code']);
      expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
      expect(discovery.claims_supported).toEqual(expect.arrayContaining(['tid', 'oid', 'roles', 'xms_edov']));

      // Every tenant signs with the front door's keys (as Entra's do), and only public parts are served.
      const jwks = (await getJson(String(discovery.jwks_uri), ca)) as unknown as JSONWebKeySet;
      expect(jwks).toEqual(tenantJwks);
      expect(jwks.keys.length).toBeGreaterThan(0);
      expect(jwks.keys.every((k) => !('d' in k) && !('p' in k))).toBe(true);
    }
    expect(idp.jwksUri).toBe(`${idp.authority}/jwks`);
  });

  it('front door authorization redirects (302) to the chosen tenant with the same parameters', async () => {
    const chosen = async (params: Record<string, string>) => {
      const query = new URLSearchParams({ client_id: CLI_CLIENT_ID, response_type: 'code', ...params });
      const res = await request(`${idp.authority}/auth?${query.toString()}`, { ca });
      expect(res.status).toBe(302);
      const location = new URL(String(res.headers.location));
      expect(location.search).toBe(`?${query.toString()}`);
      const match = /^\/([^/]+)\/v2\.0\/auth$/.exec(location.pathname);
      expect(location.origin).toBe(idp.url);
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
      `${idp.authority}/auth?client_id=${CLI_CLIENT_ID}&${DEV_TENANT_PARAM}=contoso`,
      {
        ca,
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('dev_tenant must be a tenant id (a GUID), got &quot;contoso&quot;');
  });

  it('issues Entra v2 tokens per tenant: iss, tid, oid, pairwise sub, ver; scp and azp in access tokens only', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { access, id } = await claimsIn(CONTOSO, 'Ada.Lovelace@Contoso.com');
    const email = 'ada.lovelace@contoso.com';

    expect(access.iss).toBe(idp.issuerFor(CONTOSO));
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
      iss: idp.issuerFor(CONTOSO),
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
    expect(elsewhere.iss).toBe(idp.issuerFor(tenantIdFor('fabrikam.com')));
  });

  it('the same e-mail address in two tenants is two users: different oid, sub and issuer', async () => {
    const attacker = randomUUID();
    const owner = await claimsIn(CONTOSO, 'ada.lovelace@contoso.com');
    const impostor = await claimsIn(attacker, 'ada.lovelace@contoso.com', { tenant: attacker });

    expect(impostor.access.email).toBe(owner.access.email);
    expect(impostor.access.tid).toBe(attacker);
    expect(impostor.access.iss).toBe(idp.issuerFor(attacker));
    expect(impostor.access.oid).not.toBe(owner.access.oid);
    expect(impostor.access.sub).not.toBe(owner.access.sub);
    expect(impostor.id.oid).toBe(impostor.access.oid);
    expect(impostor.id.sub).toBe(impostor.access.sub);
    expect(impostor.id.oid).not.toBe(owner.id.oid);
    expect(impostor.id.sub).not.toBe(owner.id.sub);

    // Signed with the same keys, but the token names its own issuer: it does not pass for contoso's.
    const impostorToken = (await tokens('ada.lovelace@contoso.com', { tenant: attacker })).accessToken;
    await expect(verifyAccessToken(idp, ca, impostorToken, CONTOSO)).rejects.toMatchObject({
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
    expect(access).toMatchObject({ tid: attacker, iss: idp.issuerFor(attacker), roles: [OPERATOR_ROLE] });
    expect(access.oid).not.toBe(objectIdFor(HOME_TENANT_ID, 'grace.hopper@navy.mil'));
    expect(access).not.toHaveProperty('xms_edov');
    expect(id).toMatchObject({ tid: attacker, roles: [OPERATOR_ROLE] });
  });

  it('shows a sign-in page with a tenant field without login_hint, explains mistakes, and completes the flow', async () => {
    const msal = msalSystemFor(idp.authority, ca);
    const app = new PublicClientApplication({
      auth: { clientId: CLI_CLIENT_ID, ...msal.auth },
      system: msal.system,
    });
    const scopes = ['openid', 'profile', 'email'];
    const start = async () => {
      const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
      const state = randomUUID();
      const nonce = randomUUID();
      const authUrl = await app.getAuthCodeUrl({
        scopes,
        redirectUri: CLI_REDIRECT_URI,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        state,
        nonce,
      });
      expect(authUrl.startsWith(`${idp.authority}/auth?`)).toBe(true);
      expect(new URL(authUrl).searchParams.has('login_hint')).toBe(false);
      const jar = new CookieJar();
      const signIn = await browse(authUrl, { ca, jar, isDestination: toCli });
      if (signIn.kind !== 'page')
        throw new Error(`expected the sign-in page, got a redirect to ${signIn.location}`);
      expect(signIn.status).toBe(200);
      const action = /<form method="post" action="([^"]+)"/.exec(signIn.body)?.[1];
      expect(action).toBeDefined();
      const hidden = Object.fromEntries(
        [...signIn.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
          m[1]!,
          m[2]!.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'"),
        ]),
      );
      const submit = (form: Record<string, string>) =>
        browse(new URL(action!, signIn.url).href, {
          ca,
          jar,
          isDestination: toCli,
          method: 'POST',
          form: { ...hidden, ...form },
        });
      const redeemWith = async (done: Awaited<ReturnType<typeof submit>>) => {
        if (done.kind !== 'redirect')
          throw new Error(`sign-in did not complete: ${done.status} ${done.body.slice(0, 300)}`);
        const params = new URL(done.location).searchParams;
        expect(params.get('state')).toBe(state);
        return app.acquireTokenByCode({
          code: params.get('code')!,
          scopes,
          redirectUri: CLI_REDIRECT_URI,
          codeVerifier: verifier,
          state,
          nonce,
        });
      };
      return { signIn, submit, redeemWith };
    };

    const first = await start();
    expect(first.signIn.body).toMatch(/<input type="email" name="email"/);
    expect(first.signIn.body).toMatch(/Tenant \(GUID\)\s*<input type="text" name="tenant"/);
    expect(first.signIn.body).toMatch(/<input type="checkbox" name="operator"/);
    expect(first.signIn.body).toContain('sign in as platform operator (dev)');

    // A malformed address, then a tenant that is not a GUID: the form again, with the error.
    const rejected = await first.submit({ email: 'nope' });
    if (rejected.kind !== 'page') throw new Error('a malformed e-mail address was accepted');
    expect(rejected.status).toBe(400);
    expect(rejected.body).toMatch(/<input type="email" name="email"/);
    expect(rejected.body).toContain('Enter an e-mail address');
    const badTenant = await first.submit({ email: 'margaret.hamilton@mit.edu', tenant: 'mit.edu' });
    if (badTenant.kind !== 'page') throw new Error('a tenant that is not a GUID was accepted');
    expect(badTenant.status).toBe(400);
    expect(badTenant.body).toMatch(
      /role="alert">&quot;mit\.edu&quot; is not a tenant id\. A tenant id is a GUID/,
    );
    expect(badTenant.body).toContain('value="mit.edu"'); // what was typed stays

    // A tenant and the operator role, as typed.
    const chosenTenant = randomUUID();
    const result = await first.redeemWith(
      await first.submit({
        email: 'Margaret.Hamilton@Mit.edu',
        tenant: chosenTenant.toUpperCase(),
        operator: 'true',
      }),
    );
    expect(result.account?.username).toBe('margaret.hamilton@mit.edu');
    const claims = await verifyAccessToken(idp, ca, result.accessToken, chosenTenant);
    expect(claims).toMatchObject({
      tid: chosenTenant,
      email: 'margaret.hamilton@mit.edu',
      given_name: 'Margaret',
      family_name: 'Hamilton',
      roles: [OPERATOR_ROLE],
    });

    // No tenant typed: the tenant that owns the domain.
    const second = await start();
    const plain = await second.redeemWith(await second.submit({ email: 'margaret.hamilton@mit.edu' }));
    const plainClaims = await verifyAccessToken(idp, ca, plain.accessToken, tenantIdFor('mit.edu'));
    expect(plainClaims).not.toHaveProperty('roles');
    expect(plainClaims.xms_edov).toBe(true);
  });

  it("runs the API's confidential client code flow with MSAL through the front door, refresh included", async () => {
    const msal = msalSystemFor(idp.authority, ca);
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
    expect(authUrl.startsWith(`${idp.authority}/auth?`)).toBe(true);
    const nasa = tenantIdFor('nasa.gov');

    const done = await browse(authUrl, {
      ca,
      jar: new CookieJar(),
      isDestination: (location) => location.startsWith(`${API_REDIRECT_URI}?`),
    });
    if (done.kind !== 'redirect')
      throw new Error(`sign-in did not complete: ${done.status} ${done.body.slice(0, 200)}`);
    const params = new URL(done.location).searchParams;
    expect(params.get('state')).toBe(state);
    expect(params.get('iss')).toBe(idp.issuerFor(nasa));

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
      iss: idp.issuerFor(nasa),
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
    await verifyIdToken(idp, ca, result.idToken, nasa, API_CLIENT_ID);

    const access = await verifyAccessToken(idp, ca, result.accessToken, nasa);
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
    const again = await verifyAccessToken(idp, ca, refreshed.accessToken, nasa);
    expect(again).toMatchObject({
      sub: idClaims.sub,
      tid: nasa,
      email: 'katherine.johnson@nasa.gov',
      scp: 'access_as_user',
    });
  });

  it('getTokens signs in as the confidential client too: an ID token whose aud is the API client', async () => {
    const issued = await tokens('dorothy.vaughan@nasa.gov', {
      clientId: API_CLIENT_ID,
      clientSecret: API_CLIENT_SECRET,
      redirectUri: API_REDIRECT_URI,
    });
    const nasa = tenantIdFor('nasa.gov');
    const id = await verifyIdToken(idp, ca, issued.idToken, nasa, API_CLIENT_ID);
    expect(id).toMatchObject({ aud: API_CLIENT_ID, tid: nasa, email: 'dorothy.vaughan@nasa.gov' });
    const access = await verifyAccessToken(idp, ca, issued.accessToken, nasa);
    expect(access).toMatchObject({ azp: API_CLIENT_ID, aud: AUDIENCE, sub: id.sub });
    // An ID token is not an access token for the API: its aud is the client.
    await expect(
      jwtVerify(issued.idToken, createLocalJWKSet(await jwksOf(idp.authority, ca)), { audience: AUDIENCE }),
    ).rejects.toMatchObject({ claim: 'aud' });
  });

  it("redeems a code from a tenant's own endpoint through the front door, and nowhere else", async () => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    // A tenant-specific authorization endpoint means that tenant, whatever the e-mail's domain.
    const { url, verifier } = await cliAuthorization(`${idp.issuerFor(tenantA)}/auth`, {
      login_hint: 'ada.lovelace@contoso.com',
    });
    const { code, iss } = await codeFrom(url, ca, new CookieJar());
    expect(iss).toBe(idp.issuerFor(tenantA));

    // Tenants keep their own codes: B does not know A's.
    const atB = await redeem(`${idp.issuerFor(tenantB)}/token`, ca, code, verifier);
    expect(atB.status).toBe(400);
    expect(atB.body.error).toBe('invalid_grant');

    const viaFrontDoor = await redeem(`${idp.authority}/token`, ca, code, verifier);
    expect(viaFrontDoor.status).toBe(200);
    const id = decodeJwt(viaFrontDoor.body.id_token!);
    expect(id).toMatchObject({
      iss: idp.issuerFor(tenantA),
      tid: tenantA,
      email: 'ada.lovelace@contoso.com',
    });
    expect(id.oid).toBe(objectIdFor(tenantA, 'ada.lovelace@contoso.com'));
    const access = await verifyAccessToken(idp, ca, viaFrontDoor.body.access_token!, tenantA);
    expect(access.tid).toBe(tenantA);

    // The tenant's answer comes back verbatim, errors included: a code is spent once.
    const replayed = await redeem(`${idp.authority}/token`, ca, code, verifier);
    expect(replayed.status).toBe(400);
    expect(replayed.body.error).toBe('invalid_grant');
    const unknown = await redeem(`${idp.authority}/token`, ca, 'not-a-code', verifier);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('invalid_grant');

    // dev_tenant at a tenant's own endpoint can only name that tenant.
    const other = await cliAuthorization(`${idp.issuerFor(tenantA)}/auth`, {
      login_hint: 'ada.lovelace@contoso.com',
      [DEV_TENANT_PARAM]: tenantB,
    });
    const refused = await browse(other.url, { ca, jar: new CookieJar(), isDestination: toCli });
    if (refused.kind !== 'redirect') throw new Error('expected an error redirect');
    expect(new URL(refused.location).searchParams.get('error')).toBe('invalid_request');
  });

  it("keeps two tenants' sessions apart in one cookie jar", async () => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    const jar = new CookieJar();
    const signIn = async (tenantId: string, extra: Record<string, string>) => {
      const { url, verifier } = await cliAuthorization(`${idp.issuerFor(tenantId)}/auth`, extra);
      const { code } = await codeFrom(url, ca, jar);
      const redeemed = await redeem(`${idp.authority}/token`, ca, code, verifier);
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
    const fresh = await browse((await cliAuthorization(`${idp.issuerFor(tenantC)}/auth`)).url, {
      ca,
      jar,
      isDestination: toCli,
    });
    if (fresh.kind !== 'page') throw new Error('expected the sign-in page');
    expect(fresh.body).toContain(`name="tenant" value="${tenantC}"`);
    expect(new URL(fresh.url).pathname.startsWith(`/${tenantC}/v2.0/interaction/`)).toBe(true);
  });

  it("a tenant's own sign-in page signs in to that tenant, or moves the sign-in to the tenant typed", async () => {
    const tenantC = randomUUID();
    const tenantD = randomUUID();
    const signInOnPage = async (form: Record<string, string>) => {
      const jar = new CookieJar();
      const { url, verifier } = await cliAuthorization(`${idp.issuerFor(tenantC)}/auth`);
      const signInPage = await browse(url, { ca, jar, isDestination: toCli });
      if (signInPage.kind !== 'page') throw new Error('expected the sign-in page');
      const action = /<form method="post" action="([^"]+)"/.exec(signInPage.body)![1]!;
      const done = await browse(new URL(action, signInPage.url).href, {
        ca,
        jar,
        isDestination: toCli,
        method: 'POST',
        form,
      });
      if (done.kind !== 'redirect') return done;
      const code = new URL(done.location).searchParams.get('code')!;
      const redeemed = await redeem(`${idp.authority}/token`, ca, code, verifier);
      expect(redeemed.status).toBe(200);
      return decodeJwt(redeemed.body.access_token!);
    };
    // The endpoint's tenant, whatever the e-mail's domain.
    expect(await signInOnPage({ email: 'ada.lovelace@contoso.com', tenant: tenantC })).toMatchObject({
      tid: tenantC,
      email: 'ada.lovelace@contoso.com',
    });
    expect(await signInOnPage({ email: 'ada.lovelace@contoso.com', tenant: '' })).toMatchObject({
      tid: tenantC,
    });
    // Another tenant typed: the same request continues there, with the role asked for.
    expect(
      await signInOnPage({ email: 'ada.lovelace@contoso.com', tenant: tenantD, operator: 'true' }),
    ).toMatchObject({ tid: tenantD, roles: [OPERATOR_ROLE] });
    const bad = await signInOnPage({ email: 'ada.lovelace@contoso.com', tenant: 'not-a-guid' });
    expect(bad).toMatchObject({ kind: 'page', status: 400 });
    expect((bad as { body: string }).body).toContain('&quot;not-a-guid&quot; is not a tenant id');
  });

  it('signs in again at the front door when login_hint, dev_operator or dev_tenant differs from the session', async () => {
    const jar = new CookieJar();
    const signIn = async (extra: Record<string, string>) => {
      const { url, verifier } = await cliAuthorization(`${idp.authority}/auth`, extra);
      const { code } = await codeFrom(url, ca, jar);
      const redeemed = await redeem(`${idp.authority}/token`, ca, code, verifier);
      expect(redeemed.status).toBe(200);
      return decodeJwt(redeemed.body.access_token!);
    };
    const alice = await signIn({ login_hint: 'alice@contoso.com' });
    expect(alice).toMatchObject({ tid: CONTOSO, email: 'alice@contoso.com' });
    expect(alice).not.toHaveProperty('roles');

    // Another user of the same tenant, in the same browser.
    expect(await signIn({ login_hint: 'bob@contoso.com' })).toMatchObject({
      tid: CONTOSO,
      email: 'bob@contoso.com',
    });

    // The role asked for in a tenant (here contoso's own, via dev_tenant): a new sign-in with the role.
    const withRole = await signIn({
      login_hint: 'bob@contoso.com',
      dev_operator: 'true',
      [DEV_TENANT_PARAM]: CONTOSO,
    });
    expect(withRole).toMatchObject({ tid: CONTOSO, email: 'bob@contoso.com', roles: [OPERATOR_ROLE] });
    const withoutRole = await signIn({ login_hint: 'bob@contoso.com', dev_operator: 'false' });
    expect(withoutRole).toMatchObject({ tid: CONTOSO, email: 'bob@contoso.com' });
    expect(withoutRole).not.toHaveProperty('roles');

    // Another tenant for the same address: another user there.
    const other = randomUUID();
    const elsewhere = await signIn({ login_hint: 'bob@contoso.com', [DEV_TENANT_PARAM]: other });
    expect(elsewhere).toMatchObject({ tid: other, email: 'bob@contoso.com' });
    expect(elsewhere.oid).not.toBe(withoutRole.oid);
  });

  it('requires PKCE and rejects an unknown resource, through the front door', async () => {
    const base = new URL(`${idp.authority}/auth`);
    base.search = new URLSearchParams({
      client_id: API_CLIENT_ID,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: API_REDIRECT_URI,
      state: 's',
      login_hint: 'x@y.com',
    }).toString();
    const isDestination = (location: string) => location.startsWith(`${API_REDIRECT_URI}?`);

    const noPkce = await browse(base.href, { ca, jar: new CookieJar(), isDestination });
    if (noPkce.kind !== 'redirect') throw new Error('expected an error redirect');
    expect(new URL(noPkce.location).searchParams.get('error')).toBe('invalid_request');
    expect(new URL(noPkce.location).searchParams.get('error_description')).toContain('PKCE');

    const withPkce = new URL(base);
    withPkce.searchParams.set('code_challenge', (await new CryptoProvider().generatePkceCodes()).challenge);
    withPkce.searchParams.set('code_challenge_method', 'S256');
    withPkce.searchParams.set('resource', 'api://something-else');
    const wrongResource = await browse(withPkce.href, { ca, jar: new CookieJar(), isDestination });
    if (wrongResource.kind !== 'redirect') throw new Error('expected an error redirect');
    expect(new URL(wrongResource.location).searchParams.get('error')).toBe('invalid_target');
  });
});

describe('tenant ids', () => {
  it('are stable UUIDv5s of the lower-cased domain, so scripts and tests can compute them', () => {
    // Pinned: data kept in .local and tests written elsewhere rely on these values not moving.
    expect(tenantIdFor('contoso.com')).toBe('c3db3e8f-bc76-5927-8b48-50df80a70edc');
    expect(tenantIdFor('Contoso.COM')).toBe(tenantIdFor('contoso.com'));
    expect(HOME_TENANT_ID).toBe('30984cb4-46f1-58b5-8a1c-c26dcfeb7f90');
    expect(HOME_TENANT_ID).toMatch(UUID_V5);
    // oid and sub are per (tenant, e-mail) and differ from each other.
    const email = 'ada.lovelace@contoso.com';
    expect(objectIdFor(CONTOSO, email)).not.toBe(objectIdFor(HOME_TENANT_ID, email));
    expect(subjectFor(CONTOSO, email)).not.toBe(subjectFor(HOME_TENANT_ID, email));
    expect(subjectFor(CONTOSO, email)).not.toBe(objectIdFor(CONTOSO, email));
  });
});

describe('local identity provider restarts', () => {
  let dataDir: string;
  let idp: RunningIdentityProvider | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'idp-restart-test-'));
  });

  afterAll(async () => {
    await idp?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('reuses the CA, server certificate and signing keys, so earlier tokens still verify', async () => {
    const port = await freePort();
    idp = await startIn(dataDir, port);
    const firstCa = await readFile(idp.caCertPath, 'utf8');
    const firstServerCert = await readFile(join(dataDir, 'server.pem'), 'utf8');
    const firstJwks = await jwksOf(idp.authority, firstCa);
    const token = await getAccessToken({
      issuer: idp.url,
      caCertPath: idp.caCertPath,
      email: 'restart@contoso.com',
    });
    await idp.stop();
    idp = undefined;

    idp = await startIn(dataDir, port);
    const secondCa = await readFile(idp.caCertPath, 'utf8');
    expect(secondCa).toBe(firstCa);
    expect(await readFile(join(dataDir, 'server.pem'), 'utf8')).toBe(firstServerCert);
    const secondJwks = await jwksOf(idp.authority, secondCa);
    expect(secondJwks).toEqual(firstJwks);
    expect(secondJwks.keys.every((k) => !('d' in k))).toBe(true);

    // The tenant's provider is new (built on first use after the restart); the keys are the same.
    const claims = await verifyAccessToken(idp, secondCa, token, CONTOSO);
    expect(claims.email).toBe('restart@contoso.com');
  });
});

describe('token command', () => {
  let dataDir: string;
  let idp: RunningIdentityProvider;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'idp-token-cmd-test-'));
    idp = await startIn(dataDir, await freePort());
  }, 60_000);

  afterAll(async () => {
    await idp?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  function runToken(args: string[], env: Record<string, string>) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', TOKEN_SCRIPT, ...args],
        { env: { ...process.env, ...env }, timeout: 30_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  it('prints only the token on stdout; an operator signs in to the home tenant', async () => {
    const { code, stdout, stderr } = await runToken(['Ada.Lovelace@Contoso.com', '--operator'], {
      IDP_URL: idp.url,
      IDP_DATA_DIR: dataDir,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const ca = await readFile(idp.caCertPath, 'utf8');
    const claims = await verifyAccessToken(idp, ca, stdout.trim(), HOME_TENANT_ID);
    expect(claims).toMatchObject({
      email: 'ada.lovelace@contoso.com',
      tid: HOME_TENANT_ID,
      roles: [OPERATOR_ROLE],
    });
  });

  it('signs in to the tenant that owns the domain, or to the one --tenant names', async () => {
    const env = { IDP_URL: idp.url, IDP_DATA_DIR: dataDir };
    const ca = await readFile(idp.caCertPath, 'utf8');

    const plain = await runToken(['ada.lovelace@contoso.com'], env);
    expect(plain.code).toBe(0);
    const own = await verifyAccessToken(idp, ca, plain.stdout.trim(), CONTOSO);
    expect(own).not.toHaveProperty('roles');

    const tenant = randomUUID();
    const named = await runToken(['ada.lovelace@contoso.com', '--tenant', tenant.toUpperCase()], env);
    expect(named.stderr).toBe('');
    expect(named.code).toBe(0);
    const there = await verifyAccessToken(idp, ca, named.stdout.trim(), tenant);
    expect(there.tid).toBe(tenant);
    expect(there.oid).not.toBe(own.oid);

    const withRole = await runToken([`--tenant=${tenant}`, 'ada.lovelace@contoso.com', '--operator'], env);
    expect(withRole.code).toBe(0);
    expect(await verifyAccessToken(idp, ca, withRole.stdout.trim(), tenant)).toMatchObject({
      tid: tenant,
      roles: [OPERATOR_ROLE],
    });

    const bad = await runToken(['ada.lovelace@contoso.com', '--tenant', 'contoso.com'], env);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('"contoso.com" is not a tenant id (a GUID)');
  });

  it('--tenant-of prints the GUID of the tenant that owns a domain, and contacts nothing', async () => {
    // Something listening where IDP_URL points, to count connections; and no IdP data folder at all.
    let connections = 0;
    const listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = listener.address() as AddressInfo;
      const env = { IDP_URL: `https://127.0.0.1:${port}`, IDP_DATA_DIR: join(dataDir, 'does-not-exist') };
      const result = await runToken(['--tenant-of', 'Contoso.COM'], env);
      expect(result).toEqual({ code: 0, stdout: `${tenantIdFor('contoso.com')}\n`, stderr: '' });
      expect(result.stdout.trim()).toMatch(UUID);
      const home = await runToken([`--tenant-of=${HOME_DOMAIN}`], env);
      expect(home.stdout).toBe(`${HOME_TENANT_ID}\n`);
      expect(connections).toBe(0);

      const bad = await runToken(['--tenant-of', 'not a domain'], env);
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toContain('"not a domain" is not a domain name');
      const mixed = await runToken(['--tenant-of', 'contoso.com', 'ada@contoso.com'], env);
      expect(mixed.code).toBe(2);
      expect(mixed.stderr).toContain('--tenant-of takes a domain and nothing else');
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });

  it('--help shows both forms', async () => {
    const { code, stdout, stderr } = await runToken(['--help'], {});
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('npm run --silent token -- <email> [--operator] [--tenant <tenant-id>]');
    expect(stdout).toContain('npm run --silent token -- --tenant-of <domain>');
  });

  it('explains a malformed e-mail address and an IdP that is not running, without a stack trace', async () => {
    const bad = await runToken(['not-an-email'], { IDP_URL: idp.url, IDP_DATA_DIR: dataDir });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('"not-an-email" is not an e-mail address');
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    const down = await runToken(['a@b.com'], {
      IDP_URL: `https://127.0.0.1:${await freePort()}`,
      IDP_DATA_DIR: dataDir,
    });
    expect(down.code).toBe(1);
    expect(down.stdout).toBe('');
    expect(down.stderr).toContain('the identity provider is not running');
    expect(down.stderr).not.toMatch(/\n\s+at /);
  });
});
