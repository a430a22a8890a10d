import { randomUUID } from 'node:crypto';
import { CryptoProvider, PublicClientApplication } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { CLI_CLIENT_ID, CLI_REDIRECT_URI, DEV_TENANT_PARAM } from '../../../scripts/idp/clients.js';
import { browse, CookieJar, decodeHtml } from '../../../scripts/idp/https-client.js';
import { msalSystemFor } from '../../../scripts/idp/token-client.js';
import { tenantIdFor } from '../../../scripts/idp/users.js';
import {
  cliAuthorization,
  codeFrom,
  CONTOSO,
  OPERATOR_ROLE,
  redeem,
  toCli,
  useIdentityProvider,
  verifyAccessToken,
} from '../../support/idp.js';

describe('local identity provider: sign-in pages and sessions', () => {
  const local = useIdentityProvider();

  it('shows a sign-in page with a tenant field without login_hint, explains mistakes, and completes the flow', async () => {
    const msal = msalSystemFor(local.idp.authority, local.ca);
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
      expect(authUrl.startsWith(`${local.idp.authority}/auth?`)).toBe(true);
      expect(new URL(authUrl).searchParams.has('login_hint')).toBe(false);
      const jar = new CookieJar();
      const signIn = await browse(authUrl, { ca: local.ca, jar, isDestination: toCli });
      if (signIn.kind !== 'page')
        throw new Error(`expected the sign-in page, got a redirect to ${signIn.location}`);
      expect(signIn.status).toBe(200);
      const action = /<form method="post" action="([^"]+)"/.exec(signIn.body)?.[1];
      expect(action).toBeDefined();
      const hidden = Object.fromEntries(
        [...signIn.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
          m[1]!,
          decodeHtml(m[2]!),
        ]),
      );
      const submit = (form: Record<string, string>) =>
        browse(new URL(action!, signIn.url).href, {
          ca: local.ca,
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
    const claims = await verifyAccessToken(local.idp, local.ca, result.accessToken, chosenTenant);
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
    const plainClaims = await verifyAccessToken(
      local.idp,
      local.ca,
      plain.accessToken,
      tenantIdFor('mit.edu'),
    );
    expect(plainClaims).not.toHaveProperty('roles');
    expect(plainClaims.xms_edov).toBe(true);
  });

  it("a tenant's own sign-in page signs in to that tenant, or moves the sign-in to the tenant typed", async () => {
    const tenantC = randomUUID();
    const tenantD = randomUUID();
    const signInOnPage = async (form: Record<string, string>) => {
      const jar = new CookieJar();
      const { url, verifier } = await cliAuthorization(`${local.idp.issuerFor(tenantC)}/auth`);
      const signInPage = await browse(url, { ca: local.ca, jar, isDestination: toCli });
      if (signInPage.kind !== 'page') throw new Error('expected the sign-in page');
      const action = /<form method="post" action="([^"]+)"/.exec(signInPage.body)![1]!;
      const done = await browse(new URL(action, signInPage.url).href, {
        ca: local.ca,
        jar,
        isDestination: toCli,
        method: 'POST',
        form,
      });
      if (done.kind !== 'redirect') return done;
      const code = new URL(done.location).searchParams.get('code')!;
      const redeemed = await redeem(`${local.idp.authority}/token`, local.ca, code, verifier);
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
      const { url, verifier } = await cliAuthorization(`${local.idp.authority}/auth`, extra);
      const { code } = await codeFrom(url, local.ca, jar);
      const redeemed = await redeem(`${local.idp.authority}/token`, local.ca, code, verifier);
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
});
