import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { CryptoProvider } from '@azure/msal-node';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { afterAll, beforeAll, expect } from 'vitest';
import { CLI_CLIENT_ID, CLI_REDIRECT_URI } from '../../scripts/idp/clients.js';
import { browse, request, type CookieJar } from '../../scripts/idp/https-client.js';
import { startIdentityProvider, type RunningIdentityProvider } from '../../scripts/idp/server.js';
import { getTokens, type AccessTokenOptions } from '../../scripts/idp/token-client.js';
import { tenantIdFor } from '../../scripts/idp/users.js';
import { freePort } from '../../scripts/local-stack/net.js';

/** The local identity provider as its service tests start it, and what they check its tokens with. */

export const AUDIENCE = 'api://partner-subscriptions';
export const API_CLIENT_ID = 'partner-subscriptions-api';
export const API_CLIENT_SECRET = 'test-secret';
export const API_REDIRECT_URI = 'http://localhost:7071/api/auth/callback';
export const CONSOLE_REDIRECT_URI = 'http://localhost:7071/api/console/';
export const CONFIGURED_OPERATOR = 'Grace.Hopper@Navy.mil';
export const OPERATOR_ROLE = 'Platform.Operator';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A version-5 (name-based) UUID. */
export const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const CONTOSO = tenantIdFor('contoso.com');

/** Starts an IdP with the test clients and the configured operator, its data (CA, keys) in `dataDir`. */
export async function startIn(
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
      consoleRedirectUris: [CONSOLE_REDIRECT_URI],
    },
    audience: AUDIENCE,
    log: (line) => lines.push(line),
  });
}

export interface TestIdentityProvider {
  readonly idp: RunningIdentityProvider;
  /** PEM of the IdP's CA. */
  readonly ca: string;
  readonly dataDir: string;
  /** Tokens for the CLI's public client through the front door (or a confidential client when told). */
  tokens(email: string, options?: Partial<AccessTokenOptions>): ReturnType<typeof getTokens>;
  /** The verified claims of an access token and of the ID token issued with it, from `tenantId`. */
  claimsIn(
    tenantId: string,
    email: string,
    options?: Partial<AccessTokenOptions>,
  ): Promise<{ access: JWTPayload; id: JWTPayload }>;
}

/**
 * Starts an IdP on a free port with a fresh data folder before the file's tests and stops it after;
 * `idp`, `ca` and `dataDir` are there once the tests run.
 */
export function useIdentityProvider(): TestIdentityProvider {
  let started: { idp: RunningIdentityProvider; ca: string; dataDir: string } | undefined;
  const get = () => {
    if (!started) throw new Error('the identity provider is not started yet (use it inside a test)');
    return started;
  };
  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'idp-test-'));
    try {
      const idp = await startIn(dataDir, await freePort());
      started = { idp, dataDir, ca: await readFile(idp.caCertPath, 'utf8') };
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }, 60_000);
  afterAll(async () => {
    if (!started) return;
    await started.idp.stop();
    await rm(started.dataDir, { recursive: true, force: true });
  });
  const tokens = (email: string, options: Partial<AccessTokenOptions> = {}) =>
    getTokens({ issuer: get().idp.url, caCertPath: get().idp.caCertPath, email, ...options });
  return {
    get idp() {
      return get().idp;
    },
    get ca() {
      return get().ca;
    },
    get dataDir() {
      return get().dataDir;
    },
    tokens,
    async claimsIn(tenantId, email, options = {}) {
      const { idp, ca } = get();
      const issued = await tokens(email, options);
      const access = await verifyAccessToken(idp, ca, issued.accessToken, tenantId);
      const id = await verifyIdToken(idp, ca, issued.idToken, tenantId, options.clientId ?? CLI_CLIENT_ID);
      return { access, id };
    },
  };
}

export async function getJson(url: string, ca: string): Promise<Record<string, unknown>> {
  const res = await request(url, { ca });
  expect(res.status, `GET ${url}`).toBe(200);
  return JSON.parse(res.body) as Record<string, unknown>;
}

/** The discovery document of an issuer or of the front door. */
export const discoveryOf = (base: string, ca: string) =>
  getJson(`${base}/.well-known/openid-configuration`, ca);

export async function jwksOf(base: string, ca: string): Promise<JSONWebKeySet> {
  const discovery = await discoveryOf(base, ca);
  return (await getJson(String(discovery.jwks_uri), ca)) as unknown as JSONWebKeySet;
}

/** Verifies an access token as the API does: the front door's keys, the tenant's issuer, the audience. */
export async function verifyAccessToken(
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

export async function verifyIdToken(
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
export function peerCertificate(
  url: string,
  ca?: string,
): Promise<{ authorized: boolean; cert: PeerCertificate }> {
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
export async function cliAuthorization(endpoint: string, extra: Record<string, string> = {}) {
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

export const toCli = (location: string) => location.startsWith(`${CLI_REDIRECT_URI}?`);

/** Follows an authorization request in `jar` to the code; fails on a page (a sign-in form, an error). */
export async function codeFrom(
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
export async function redeem(tokenEndpoint: string, ca: string, code: string, verifier: string) {
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
