import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SignJWT, generateKeyPair, importJWK, decodeJwt, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { testApp } from '../support/app.js';

const { stack, api, operator } = testApp();
/** A real operator's token comes from the home tenant's issuer (AUTH_ISSUER is the {tenantid} template). */
const homeTenantId = stack.appEnv['AUTH_HOME_TENANT_ID']!;
const homeIssuer = stack.appEnv['AUTH_ISSUER']!.replace('{tenantid}', homeTenantId);

/** The identity provider's own signing key, to mint tokens that are valid in every way but one. */
async function idpSigningKey() {
  const { keys } = JSON.parse(readFileSync(join(dirname(stack.caCertPath), 'jwks.json'), 'utf8')) as {
    keys: (JWK & { kid: string })[];
  };
  const jwk = keys[0]!;
  return { key: await importJWK(jwk, 'RS256'), kid: jwk.kid };
}

async function mint(
  claims: Record<string, unknown>,
  options: { expiresIn?: string | number; audience?: string; issuer?: string } = {},
) {
  const { key, kid } = await idpSigningKey();
  return new SignJWT({
    roles: ['Platform.Operator'],
    email: operator.email,
    tid: homeTenantId,
    oid: '0b0c0d0e-0000-4000-8000-00000000a11e',
    scp: 'access_as_user',
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
    .setSubject('test-subject')
    .setIssuer(options.issuer ?? homeIssuer)
    .setAudience(options.audience ?? stack.appEnv['AUTH_AUDIENCE']!)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '10m')
    .sign(key);
}

const callWith = (token: string) =>
  api.request<{ code: string }>('GET', '/partners/contoso', {
    headers: { authorization: `Bearer ${token}` },
  });

function expectUnauthenticated(response: { status: number; headers: Headers; body: { code: string } }) {
  expect(response.status).toBe(401);
  expect(response.body.code).toBe('unauthenticated');
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
}

describe('bearer authentication', () => {
  it('accepts a token from the token command (authorization code + PKCE)', async () => {
    const token = await api.token(operator.email, true);
    expect(decodeJwt(token).aud).toBe(stack.appEnv['AUTH_AUDIENCE']);
    const response = await api.request('GET', '/partners/does-not-exist', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(404); // authenticated: the partner simply does not exist
  });

  it('a self-minted token with the identity provider’s key is accepted (control for the cases below)', async () => {
    const response = await callWith(await mint({}));
    expect(response.status).toBe(404);
  });

  it('refuses a request without a token, with WWW-Authenticate: Bearer', async () => {
    const response = await api.request<{ code: string }>('GET', '/partners/contoso');
    expectUnauthenticated(response);
    expect(response.headers.get('www-authenticate')).not.toContain('invalid_token');
  });

  it('refuses a tampered token', async () => {
    const token = await api.token(operator.email, true);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    claims['email'] = 'someone.else@contoso.com';
    const tampered = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    const response = await callWith(tampered);
    expectUnauthenticated(response);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('refuses an expired token', async () => {
    const expired = await mint({}, { expiresIn: Math.floor(Date.now() / 1000) - 600 });
    expectUnauthenticated(await callWith(expired));
  });

  it('refuses a token for another audience', async () => {
    expectUnauthenticated(await callWith(await mint({}, { audience: 'api://someone-else' })));
  });

  it('refuses a token from another issuer', async () => {
    expectUnauthenticated(await callWith(await mint({}, { issuer: 'https://evil.example.com' })));
  });

  it('refuses an unsigned token (alg none)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        iss: homeIssuer,
        aud: stack.appEnv['AUTH_AUDIENCE'],
        sub: 'x',
        exp: Math.floor(Date.now() / 1000) + 600,
        roles: ['Platform.Operator'],
      }),
    ).toString('base64url');
    expectUnauthenticated(await callWith(`${header}.${payload}.`));
  });

  it('refuses a token signed by another key', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('x')
      .setIssuer(homeIssuer)
      .setAudience(stack.appEnv['AUTH_AUDIENCE']!)
      .setExpirationTime('10m')
      .sign(privateKey);
    expectUnauthenticated(await callWith(token));
  });

  it('refuses a token with an HMAC algorithm', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer(homeIssuer)
      .setAudience(stack.appEnv['AUTH_AUDIENCE']!)
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('a-shared-secret-that-is-long-enough-000'));
    expectUnauthenticated(await callWith(token));
  });
});
