import { execFile } from 'node:child_process';
import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
import { CLI_CLIENT_ID, CLI_REDIRECT_URI } from '../../../scripts/idp/clients.js';
import { browse, CookieJar, request } from '../../../scripts/idp/https-client.js';
import { startIdentityProvider, type RunningIdentityProvider } from '../../../scripts/idp/server.js';
import { getAccessToken, msalSystemFor } from '../../../scripts/idp/token-client.js';
import { freePort } from '../../../scripts/local-stack/ports.js';

const AUDIENCE = 'api://partner-subscriptions';
const API_CLIENT_ID = 'partner-subscriptions-api';
const API_CLIENT_SECRET = 'test-secret';
const API_REDIRECT_URI = 'http://localhost:7071/api/auth/callback';
const CONFIGURED_OPERATOR = 'Grace.Hopper@Navy.mil';
const TOKEN_SCRIPT = fileURLToPath(new URL('../../../scripts/token.ts', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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

async function discoveryOf(idp: RunningIdentityProvider, ca: string): Promise<Record<string, unknown>> {
  const res = await request(`${idp.url}/.well-known/openid-configuration`, { ca });
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as Record<string, unknown>;
}

async function jwksOf(idp: RunningIdentityProvider, ca: string): Promise<JSONWebKeySet> {
  const discovery = await discoveryOf(idp, ca);
  const res = await request(String(discovery.jwks_uri), { ca });
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as JSONWebKeySet;
}

async function verifyAccessToken(
  idp: RunningIdentityProvider,
  ca: string,
  token: string,
): Promise<JWTPayload> {
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(await jwksOf(idp, ca)), {
    issuer: idp.url,
    audience: AUDIENCE,
    algorithms: ['RS256'],
  });
  expect(protectedHeader.typ).toBe('at+jwt');
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

describe('local identity provider', () => {
  let dataDir: string;
  let idp: RunningIdentityProvider;
  let ca: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'idp-test-'));
    idp = await startIn(dataDir, await freePort(), logLines);
    ca = await readFile(idp.caCertPath, 'utf8');
  }, 60_000);

  afterAll(async () => {
    await idp?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves discovery over HTTPS with a certificate that chains to the generated CA', async () => {
    expect(idp.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(idp.caCertPath).toBe(join(dataDir, 'ca.pem'));

    const discovery = await discoveryOf(idp, ca);
    expect(discovery.issuer).toBe(idp.url);
    expect(discovery.authorization_endpoint).toBe(`${idp.url}/auth`);
    expect(discovery.token_endpoint).toBe(`${idp.url}/token`);
    expect(String(discovery.jwks_uri)).toMatch(new RegExp(`^${idp.url}/`));
    expect(String(discovery.end_session_endpoint)).toMatch(new RegExp(`^${idp.url}/`));
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.claims_supported).toEqual(
      expect.arrayContaining(['sub', 'oid', 'tid', 'roles', 'email', 'preferred_username', 'name']),
    );

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

  it('issues a JWT access token through the real code + PKCE flow that verifies against the JWKS', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await getAccessToken({
      issuer: idp.url,
      caCertPath: idp.caCertPath,
      email: 'Ada.Lovelace@Contoso.com',
    });
    const claims = await verifyAccessToken(idp, ca, token);

    expect(claims.iss).toBe(idp.url);
    expect(claims.aud).toBe(AUDIENCE);
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.iat!).toBeGreaterThanOrEqual(before - 1);
    expect(claims).toMatchObject({
      email: 'ada.lovelace@contoso.com',
      preferred_username: 'ada.lovelace@contoso.com',
      given_name: 'Ada',
      family_name: 'Lovelace',
      name: 'Ada Lovelace',
      roles: [],
      scp: 'access_as_user',
      client_id: CLI_CLIENT_ID,
    });
    expect(claims.sub).toMatch(UUID);
    expect(claims.oid).toMatch(UUID);
    expect(claims.tid).toMatch(UUID);
    expect(claims.oid).not.toBe(claims.sub);

    // Stable per (case-insensitive) e-mail; tenant follows the domain.
    const again = decodeJwt(
      await getAccessToken({
        issuer: idp.url,
        caCertPath: idp.caCertPath,
        email: 'ada.lovelace@contoso.com',
      }),
    );
    expect([again.sub, again.oid, again.tid]).toEqual([claims.sub, claims.oid, claims.tid]);
    const colleague = decodeJwt(
      await getAccessToken({
        issuer: idp.url,
        caCertPath: idp.caCertPath,
        email: 'charles.babbage@contoso.com',
      }),
    );
    expect(colleague.tid).toBe(claims.tid);
    expect(colleague.oid).not.toBe(claims.oid);
    expect(colleague.sub).not.toBe(claims.sub);
    const elsewhere = decodeJwt(
      await getAccessToken({
        issuer: idp.url,
        caCertPath: idp.caCertPath,
        email: 'ada.lovelace@fabrikam.com',
      }),
    );
    expect(elsewhere.tid).not.toBe(claims.tid);
  }, 30_000);

  it('gives Platform.Operator to configured operators and to sign-ins that ask for it, and to no one else', async () => {
    const get = async (email: string, operator?: boolean) =>
      verifyAccessToken(
        idp,
        ca,
        await getAccessToken({
          issuer: idp.url,
          caCertPath: idp.caCertPath,
          email,
          ...(operator ? { operator } : {}),
        }),
      );

    expect((await get('grace.hopper@navy.mil')).roles).toEqual(['Platform.Operator']);
    expect((await get('GRACE.HOPPER@NAVY.MIL')).roles).toEqual(['Platform.Operator']);
    expect((await get('alan.turing@example.com', true)).roles).toEqual(['Platform.Operator']);
    // The role belongs to that sign-in, not to the address.
    expect((await get('alan.turing@example.com')).roles).toEqual([]);
    expect((await get('alan.turing@example.com', false)).roles).toEqual([]);
    expect((await get('someone.else@navy.mil')).roles).toEqual([]);
  }, 30_000);

  it('shows a sign-in page without login_hint, and submitting it completes the flow', async () => {
    const msal = msalSystemFor(idp.url, ca);
    const app = new PublicClientApplication({
      auth: { clientId: CLI_CLIENT_ID, ...msal.auth },
      system: msal.system,
    });
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const state = randomUUID();
    const nonce = randomUUID();
    const scopes = ['openid', 'profile', 'email'];
    const authUrl = await app.getAuthCodeUrl({
      scopes,
      redirectUri: CLI_REDIRECT_URI,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      state,
      nonce,
    });
    expect(new URL(authUrl).searchParams.has('login_hint')).toBe(false);

    const jar = new CookieJar();
    const isDestination = (location: string) => location.startsWith(`${CLI_REDIRECT_URI}?`);
    const signIn = await browse(authUrl, { ca, jar, isDestination });
    if (signIn.kind !== 'page')
      throw new Error(`expected the sign-in page, got a redirect to ${signIn.location}`);
    expect(signIn.status).toBe(200);
    expect(signIn.body).toMatch(/<input type="email" name="email"/);
    expect(signIn.body).toMatch(/<input type="checkbox" name="operator"/);
    expect(signIn.body).toContain('sign in as platform operator (dev)');
    const action = /<form method="post" action="([^"]+)"/.exec(signIn.body)?.[1];
    expect(action).toBeDefined();
    const actionUrl = new URL(action!, signIn.url).href;

    // A malformed address shows the form again with an error.
    const rejected = await browse(actionUrl, {
      ca,
      jar,
      isDestination,
      method: 'POST',
      form: { email: 'nope' },
    });
    if (rejected.kind !== 'page') throw new Error('a malformed e-mail address was accepted');
    expect(rejected.status).toBe(400);
    expect(rejected.body).toMatch(/<input type="email" name="email"/);
    expect(rejected.body).toContain('Enter an e-mail address');

    const done = await browse(actionUrl, {
      ca,
      jar,
      isDestination,
      method: 'POST',
      form: { email: 'Margaret.Hamilton@Mit.edu', operator: 'true' },
    });
    if (done.kind !== 'redirect')
      throw new Error(`sign-in did not complete: ${done.status} ${done.body.slice(0, 200)}`);
    const params = new URL(done.location).searchParams;
    expect(params.get('state')).toBe(state);
    const code = params.get('code');
    expect(code).toBeTruthy();

    const result = await app.acquireTokenByCode({
      code: code!,
      scopes,
      redirectUri: CLI_REDIRECT_URI,
      codeVerifier: verifier,
      state,
      nonce,
    });
    expect(result.account?.username).toBe('margaret.hamilton@mit.edu');
    const claims = await verifyAccessToken(idp, ca, result.accessToken);
    expect(claims).toMatchObject({
      email: 'margaret.hamilton@mit.edu',
      given_name: 'Margaret',
      family_name: 'Hamilton',
      roles: ['Platform.Operator'],
    });
  }, 30_000);

  it("runs the API's confidential client code flow with MSAL, returning profile claims in the ID token", async () => {
    const msal = msalSystemFor(idp.url, ca);
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

    const done = await browse(authUrl, {
      ca,
      jar: new CookieJar(),
      isDestination: (location) => location.startsWith(`${API_REDIRECT_URI}?`),
    });
    if (done.kind !== 'redirect')
      throw new Error(`sign-in did not complete: ${done.status} ${done.body.slice(0, 200)}`);
    const params = new URL(done.location).searchParams;
    expect(params.get('state')).toBe(state);
    expect(params.get('iss')).toBe(idp.url);

    const result = await app.acquireTokenByCode({
      code: params.get('code')!,
      scopes,
      redirectUri: API_REDIRECT_URI,
      codeVerifier: verifier,
      state,
      nonce,
    });

    expect(result.account?.username).toBe('katherine.johnson@nasa.gov');
    expect(result.idTokenClaims).toMatchObject({
      iss: idp.url,
      aud: API_CLIENT_ID,
      nonce,
      email: 'katherine.johnson@nasa.gov',
      preferred_username: 'katherine.johnson@nasa.gov',
      name: 'Katherine Johnson',
      given_name: 'Katherine',
      family_name: 'Johnson',
      roles: [],
    });
    const idClaims = result.idTokenClaims as Record<string, unknown>;
    expect(idClaims.oid).toMatch(UUID);
    expect(idClaims.tid).toMatch(UUID);
    expect(decodeProtectedHeader(result.idToken).alg).toBe('RS256');

    const access = await verifyAccessToken(idp, ca, result.accessToken);
    expect(access).toMatchObject({
      client_id: API_CLIENT_ID,
      scp: 'access_as_user',
      sub: idClaims.sub,
      oid: idClaims.oid,
      tid: idClaims.tid,
    });

    // The refresh token MSAL keeps yields another audience-bound access token for the same user.
    const refreshed = await app.acquireTokenSilent({ account: result.account!, scopes, forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(result.accessToken);
    const again = await verifyAccessToken(idp, ca, refreshed.accessToken);
    expect(again).toMatchObject({
      sub: idClaims.sub,
      email: 'katherine.johnson@nasa.gov',
      scp: 'access_as_user',
    });
  }, 30_000);

  it('requires PKCE and rejects an unknown resource', async () => {
    const base = new URL(`${idp.url}/auth`);
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
    const firstJwks = await jwksOf(idp, firstCa);
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
    const secondJwks = await jwksOf(idp, secondCa);
    expect(secondJwks).toEqual(firstJwks);
    expect(secondJwks.keys.every((k) => !('d' in k))).toBe(true);

    const claims = await verifyAccessToken(idp, secondCa, token);
    expect(claims.email).toBe('restart@contoso.com');
  }, 60_000);
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

  it('prints only the token on stdout', async () => {
    const { code, stdout, stderr } = await runToken(['Ada.Lovelace@Contoso.com', '--operator'], {
      IDP_URL: idp.url,
      IDP_DATA_DIR: dataDir,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = await verifyAccessToken(idp, await readFile(idp.caCertPath, 'utf8'), stdout.trim());
    expect(claims).toMatchObject({ email: 'ada.lovelace@contoso.com', roles: ['Platform.Operator'] });
  }, 30_000);

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
  }, 30_000);
});
