import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../../../scripts/idp/https-client.js';
import type { RunningIdentityProvider } from '../../../scripts/idp/server.js';
import { getAccessToken } from '../../../scripts/idp/token-client.js';
import {
  HOME_DOMAIN,
  HOME_TENANT_ID,
  objectIdFor,
  subjectFor,
  tenantIdFor,
} from '../../../scripts/idp/users.js';
import { freePort } from '../../../scripts/local-stack/net.js';
import {
  CONTOSO,
  discoveryOf,
  getJson,
  jwksOf,
  peerCertificate,
  startIn,
  useIdentityProvider,
  UUID_V5,
  verifyAccessToken,
} from '../../support/idp.js';

describe('local identity provider: issuers, discovery and TLS', () => {
  const local = useIdentityProvider();

  it('serves each tenant as its own issuer over HTTPS, with a certificate that chains to the generated CA', async () => {
    expect(local.idp.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(local.idp.caCertPath).toBe(join(local.dataDir, 'ca.pem'));
    expect(local.idp.homeTenantId).toBe(tenantIdFor(HOME_DOMAIN));
    expect(local.idp.homeTenantId).toBe(HOME_TENANT_ID);
    expect(local.idp.authority).toBe(`${local.idp.url}/organizations/v2.0`);
    expect(local.idp.issuerTemplate).toBe(`${local.idp.url}/{tenantid}/v2.0`);

    // Any GUID is a tenant, created on its first request: the home tenant, a domain's, a made-up one.
    for (const tenantId of [local.idp.homeTenantId, CONTOSO, randomUUID()]) {
      const issuer = local.idp.issuerFor(tenantId);
      expect(issuer).toBe(`${local.idp.url}/${tenantId}/v2.0`);
      const discovery = await discoveryOf(issuer, local.ca);
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
    expect(local.idp.issuerFor(CONTOSO.toUpperCase())).toBe(local.idp.issuerFor(CONTOSO));
    expect(() => local.idp.issuerFor('contoso.com')).toThrow(/GUID/);
    // There is no issuer at the root any more; a tenant segment that is not a GUID is a bad request, as
    // in Entra, and so is the issuer template itself: it is a pattern, not an address.
    expect(
      (await request(`${local.idp.url}/.well-known/openid-configuration`, { ca: local.ca })).status,
    ).toBe(404);
    expect(
      (await request(`${local.idp.url}/contoso.com/v2.0/.well-known/openid-configuration`, { ca: local.ca }))
        .status,
    ).toBe(400);
    const template = await request(`${local.idp.issuerTemplate}/.well-known/openid-configuration`, {
      ca: local.ca,
    });
    expect(template.status).toBe(400);
    expect(JSON.parse(template.body)).toMatchObject({ error: 'invalid_request' });

    const { authorized, cert } = await peerCertificate(local.idp.url, local.ca);
    expect(authorized).toBe(true);
    const caCert = new X509Certificate(local.ca);
    const serverCert = new X509Certificate(cert.raw);
    expect(caCert.ca).toBe(true);
    expect(serverCert.ca).toBe(false);
    expect(serverCert.checkIssued(caCert)).toBe(true);
    expect(serverCert.verify(caCert.publicKey)).toBe(true);
    expect(serverCert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(serverCert.checkHost('localhost')).toBe('localhost');

    // With the default roots only, the certificate is not trusted: the check above is a real one.
    await expect(peerCertificate(local.idp.url)).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('has a front door whose discovery names the {tenantid} issuer template and its own endpoints (common is an alias)', async () => {
    const tenantJwks = await jwksOf(local.idp.issuerFor(CONTOSO), local.ca);
    for (const alias of ['organizations', 'common']) {
      const base = `${local.idp.url}/${alias}/v2.0`;
      const discovery = await discoveryOf(base, local.ca);
      expect(discovery.issuer).toBe(`${local.idp.url}/{tenantid}/v2.0`);
      expect(discovery.issuer).toBe(local.idp.issuerTemplate);
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
      const jwks = (await getJson(String(discovery.jwks_uri), local.ca)) as unknown as JSONWebKeySet;
      expect(jwks).toEqual(tenantJwks);
      expect(jwks.keys.length).toBeGreaterThan(0);
      expect(jwks.keys.every((k) => !('d' in k) && !('p' in k))).toBe(true);
    }
    expect(local.idp.jwksUri).toBe(`${local.idp.authority}/jwks`);
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
