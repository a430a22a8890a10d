import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTokenVerifier,
  tenantOfIssuer,
  type TokenVerifier,
} from '../../../../shared/adapters/identity/token-verifier.js';
import {
  ATTACKER_TENANT,
  CONTOSO_TENANT,
  HOME_TENANT,
  objectIdOf,
} from '../../../support/mothers/principal.js';
import { rejectionOf } from '../../../support/app-error.js';

const TEMPLATE = 'https://login.example.test/{tenantid}/v2.0';
const issuerOf = (tenantId: string) => TEMPLATE.replace('{tenantid}', tenantId);
const APP_ID_URI = 'api://partner-subscriptions';
const CLIENT_ID = '7b0c7a52-0000-4000-8000-000000000001';

let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let verifier: TokenVerifier;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  verifier = createTokenVerifier({
    issuers: [TEMPLATE],
    audiences: [APP_ID_URI, CLIENT_ID],
    scope: 'access_as_user',
    homeTenantId: HOME_TENANT,
    keys: createLocalJWKSet({ keys: [jwk] }),
  });
});

/** A user's access token for this API from `tenantId`, valid in every way unless overridden. */
function anAccessToken(
  tenantId: string,
  claims: Record<string, unknown> = {},
  options: { issuer?: string; audience?: string } = {},
) {
  return new SignJWT({
    tid: tenantId,
    oid: objectIdOf(tenantId, 'ada@contoso.com'),
    scp: 'access_as_user',
    email: 'ada@contoso.com',
    ver: '2.0',
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('pairwise-subject')
    .setIssuer(options.issuer ?? issuerOf(tenantId))
    .setAudience(options.audience ?? CLIENT_ID)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(signingKey);
}

describe('tenantOfIssuer', () => {
  it('reads the tenant out of a template issuer, lower-cased', () => {
    expect(tenantOfIssuer([TEMPLATE], issuerOf(CONTOSO_TENANT.toUpperCase()))).toBe(CONTOSO_TENANT);
  });

  it('reads the tenant of a literal single-tenant issuer', () => {
    const literal = issuerOf(CONTOSO_TENANT);
    expect(tenantOfIssuer([literal], literal)).toBe(CONTOSO_TENANT);
  });

  it.each([
    'https://login.example.test/common/v2.0',
    'https://login.example.test/not-a-guid/v2.0',
    `https://evil.example/${CONTOSO_TENANT}/v2.0`,
    `https://login.example.test/${CONTOSO_TENANT}/v2.0/extra`,
    `https://login.example.test/x${CONTOSO_TENANT}/v2.0`,
    undefined,
  ])('accepts no tenant from %s', (issuer) => {
    expect(tenantOfIssuer([TEMPLATE], issuer)).toBeNull();
  });
});

describe('createTokenVerifier', () => {
  it('accepts a user’s access token for the client id audience and for the Application ID URI', async () => {
    const principal = await verifier.verify(await anAccessToken(CONTOSO_TENANT));
    expect(principal).toMatchObject({
      tenantId: CONTOSO_TENANT,
      objectId: objectIdOf(CONTOSO_TENANT, 'ada@contoso.com'),
      email: 'ada@contoso.com',
      roles: [],
    });
    await expect(
      verifier.verify(await anAccessToken(CONTOSO_TENANT, {}, { audience: APP_ID_URI })),
    ).resolves.toMatchObject({ tenantId: CONTOSO_TENANT });
  });

  it('refuses a token whose tid is not the tenant its issuer speaks for', async () => {
    const token = await anAccessToken(CONTOSO_TENANT, {}, { issuer: issuerOf(ATTACKER_TENANT) });
    const error = await rejectionOf(verifier.verify(token), 'unauthenticated');
    expect(error.message).toContain('tid');
  });

  it('refuses a token without tid or oid, or with an oid that is not an object id', async () => {
    await rejectionOf(
      verifier.verify(await anAccessToken(CONTOSO_TENANT, { tid: undefined })),
      'unauthenticated',
    );
    await rejectionOf(
      verifier.verify(await anAccessToken(CONTOSO_TENANT, { oid: undefined })),
      'unauthenticated',
    );
    await rejectionOf(
      verifier.verify(await anAccessToken(CONTOSO_TENANT, { oid: 'admin' })),
      'unauthenticated',
    );
  });

  it('refuses a token for another resource', async () => {
    const token = await anAccessToken(CONTOSO_TENANT, {}, { audience: 'https://graph.microsoft.com' });
    await rejectionOf(verifier.verify(token), 'unauthenticated');
  });

  it('refuses an ID token (a nonce, no scp), even with this API’s client id as audience and roles', async () => {
    const idToken = await anAccessToken(HOME_TENANT, {
      scp: undefined,
      nonce: 'n-1',
      roles: ['Platform.Operator'],
    });
    const error = await rejectionOf(verifier.verify(idToken), 'unauthenticated');
    expect(error.message).toContain('ID token');
  });

  it('refuses a token without the API’s scope, and one with roles but no app token type', async () => {
    await rejectionOf(
      verifier.verify(await anAccessToken(CONTOSO_TENANT, { scp: 'User.Read' })),
      'unauthenticated',
    );
    await rejectionOf(
      verifier.verify(await anAccessToken(HOME_TENANT, { scp: undefined, roles: ['Platform.Operator'] })),
      'unauthenticated',
    );
  });

  it('accepts an application token (roles and idtyp app, no scp)', async () => {
    const appToken = await anAccessToken(HOME_TENANT, {
      scp: undefined,
      idtyp: 'app',
      roles: ['Platform.Operator'],
    });
    await expect(verifier.verify(appToken)).resolves.toMatchObject({ roles: ['Platform.Operator'] });
  });

  it('keeps Platform.Operator only from the home tenant, and other roles from any tenant', async () => {
    const home = await verifier.verify(await anAccessToken(HOME_TENANT, { roles: ['Platform.Operator'] }));
    expect(home.roles).toEqual(['Platform.Operator']);
    const foreign = await verifier.verify(
      await anAccessToken(ATTACKER_TENANT, { roles: ['Platform.Operator', 'Reader'] }),
    );
    expect(foreign.roles).toEqual(['Reader']);
  });

  it('treats the email as verified only where the issuer says the tenant owns its domain (xms_edov)', async () => {
    const verified = await verifier.verify(await anAccessToken(CONTOSO_TENANT, { xms_edov: true }));
    expect(verified.verifiedEmail).toBe('ada@contoso.com');
    for (const xms_edov of [undefined, false, 'true', 1]) {
      const unverified = await verifier.verify(await anAccessToken(CONTOSO_TENANT, { xms_edov }));
      expect(unverified.verifiedEmail, String(xms_edov)).toBeUndefined();
    }
  });
});
