import { describe, expect, it } from 'vitest';
import { request } from '../../../scripts/idp/https-client.js';
import { CONTOSO, CONSOLE_REDIRECT_URI, useIdentityProvider } from '../../support/idp.js';

/** What the admin console, a single-page app on localhost, needs of the front door: CORS and sign-out. */
describe('local identity provider: the front door for a single-page app', () => {
  const local = useIdentityProvider();
  const origin = new URL(CONSOLE_REDIRECT_URI).origin;

  it('lets a local page read the metadata (CORS) and names an end-session endpoint', async () => {
    const res = await request(`${local.idp.authority}/.well-known/openid-configuration`, {
      ca: local.ca,
      headers: { origin },
    });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(JSON.parse(res.body).end_session_endpoint).toBe(`${local.idp.authority}/logout`);
  });

  it('gives no CORS header to a page from elsewhere', async () => {
    const res = await request(`${local.idp.authority}/.well-known/openid-configuration`, {
      ca: local.ca,
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("answers the token endpoint's preflight with the headers MSAL asks for", async () => {
    const res = await request(`${local.idp.authority}/token`, {
      ca: local.ca,
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-client-sku',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-allow-headers']).toBe('content-type,x-client-sku');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
  });

  it('sends a sign-out on to the tenant that issued the ID token hint, with the same parameters', async () => {
    const { idToken } = await local.tokens('ada.lovelace@contoso.com');
    const query = new URLSearchParams({
      id_token_hint: idToken,
      post_logout_redirect_uri: CONSOLE_REDIRECT_URI,
    });
    const res = await request(`${local.idp.authority}/logout?${query.toString()}`, { ca: local.ca });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${local.idp.issuerFor(CONTOSO)}/session/end?${query.toString()}`);
  });

  it('shows the signed-out page when no hint names a tenant', async () => {
    for (const hint of ['', 'not-a-jwt', 'a.bm90LWpzb24.c']) {
      const res = await request(`${local.idp.authority}/logout?id_token_hint=${hint}`, { ca: local.ca });
      expect(res.status, hint).toBe(200);
      expect(res.body).toContain('Signed out');
    }
  });
});
