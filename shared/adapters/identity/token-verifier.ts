import {
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { AppError } from '../../domain/errors.js';
import { effectiveRoles, type Principal } from '../../domain/principal.js';
import type { TokenVerifier } from '../../app/ports.js';
export type { TokenVerifier } from '../../app/ports.js';
import { lazy } from '../../lazy.js';

const ALGORITHMS = ['RS256'];
const CLOCK_TOLERANCE_SECONDS = 60;
const TENANT_PLACEHOLDER = '{tenantid}';
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The discovery document of an issuer; a multi-tenant template is asked through its `common` door. */
export const discoveryUrl = (issuer: string): string =>
  `${issuer.replace(TENANT_PLACEHOLDER, 'common').replace(/\/+$/, '')}/.well-known/openid-configuration`;

export async function discoverJwksUri(issuer: string): Promise<string> {
  const url = discoveryUrl(issuer);
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`OpenID discovery at ${url} answered ${response.status}`);
  const document = (await response.json()) as { jwks_uri?: unknown };
  if (typeof document.jwks_uri !== 'string') throw new Error(`OpenID discovery at ${url} has no jwks_uri`);
  return document.jwks_uri;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The tenant a token's issuer speaks for, or null when the issuer is not accepted. An accepted issuer
 * may be a template with `{tenantid}` (Microsoft Entra multi-tenant:
 * https://login.microsoftonline.com/{tenantid}/v2.0), which matches any tenant GUID in that place; a
 * literal issuer speaks for the tenant GUID it contains.
 */
export function tenantOfIssuer(issuers: readonly string[], issuer: string | undefined): string | null {
  if (!issuer) return null;
  for (const allowed of issuers) {
    if (!allowed.includes(TENANT_PLACEHOLDER)) {
      if (allowed === issuer) return GUID.exec(issuer)?.[0]?.toLowerCase() ?? null;
      continue;
    }
    const [before, after] = allowed.split(TENANT_PLACEHOLDER) as [string, string];
    const match = new RegExp(`^${escapeRegExp(before)}(${GUID.source})${escapeRegExp(after)}$`, 'i').exec(
      issuer,
    );
    if (match) return match[1]!.toLowerCase();
  }
  return null;
}

/** Whether a token's issuer is one of the accepted issuers. */
export const issuerAccepted = (issuers: readonly string[], issuer: string | undefined): boolean =>
  tenantOfIssuer(issuers, issuer) !== null;

function describeJoseError(error: InstanceType<typeof joseErrors.JOSEError>): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `The token's ${error.claim} claim is not accepted.`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "The token's algorithm is not accepted.";
  return 'The token is not valid.';
}

const refuse = (message: string) => new AppError('unauthenticated', message);

/**
 * Verifies a JWT from the configured identity provider for one of `audiences`: signature, algorithm,
 * expiry, an accepted issuer, and a `tid` equal to the tenant that issuer speaks for (so a token cannot
 * claim one tenant while being issued for another). Returns its claims.
 */
export function createJwtVerifier(options: {
  issuers: string[];
  jwksUri?: string | undefined;
  /** The signing keys; by default the issuer's JWKS, discovered and cached. */
  keys?: JWTVerifyGetKey | undefined;
}) {
  const keys = lazy(async (): Promise<JWTVerifyGetKey> => {
    if (options.keys) return options.keys;
    const uri = options.jwksUri ?? (await discoverJwksUri(options.issuers[0]!));
    return createRemoteJWKSet(new URL(uri), { cooldownDuration: 30_000 });
  });
  return async (token: string, audiences: string[]): Promise<JWTPayload> => {
    let resolvedKeys: JWTVerifyGetKey;
    try {
      resolvedKeys = await keys();
    } catch (error) {
      throw new AppError(
        'dependency-unavailable',
        'The identity provider cannot be reached to check the token.',
        { cause: error instanceof Error ? error.message : String(error) },
      );
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, resolvedKeys, {
        audience: audiences,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp', 'iss', 'aud', 'tid', 'oid'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw refuse(describeJoseError(error));
      throw error;
    }
    const issuerTenant = tenantOfIssuer(options.issuers, payload.iss);
    if (issuerTenant === null) throw refuse("The token's iss claim is not accepted.");
    const tid = payload['tid'];
    if (typeof tid !== 'string' || tid.toLowerCase() !== issuerTenant) {
      throw refuse("The token's tid claim does not match the tenant of its issuer.");
    }
    if (typeof payload['oid'] !== 'string' || !GUID.test(payload['oid'])) {
      throw refuse("The token's oid claim is not an object id.");
    }
    return payload;
  };
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/**
 * An access token for this API, not any token the issuer signs for this audience: a user's (delegated)
 * token carries the API's scope in `scp`; an application's carries `roles` and `idtyp: app`. An ID
 * token (it carries a `nonce` in our flows and never `scp`) is refused, even though Entra gives it the
 * same audience as an access token for this API.
 */
function assertAccessToken(payload: JWTPayload, scope: string): void {
  if (payload['nonce'] !== undefined) throw refuse('An ID token is not an access token for this API.');
  const scopes = typeof payload['scp'] === 'string' ? payload['scp'].split(' ') : [];
  if (scopes.includes(scope)) return;
  const appToken = payload['idtyp'] === 'app' && strings(payload['roles']).length > 0;
  if (!appToken) throw refuse(`The token is not an access token for this API (scope ${scope}).`);
}

export function toPrincipal(payload: JWTPayload, homeTenantId: string): Principal {
  const str = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : undefined);
  const tenantId = str('tid')!.toLowerCase();
  const email = str('email') ?? str('preferred_username') ?? str('upn');
  // Entra's xms_edov: the email's domain is verified by the tenant that issued the token.
  const verifiedEmail = payload['xms_edov'] === true ? str('email')?.toLowerCase() : undefined;
  return {
    issuer: payload.iss!,
    subject: payload.sub!,
    tenantId,
    objectId: str('oid')!.toLowerCase(),
    email: email?.toLowerCase(),
    verifiedEmail,
    name: str('name'),
    roles: effectiveRoles(strings(payload['roles']), tenantId, homeTenantId),
  };
}

export function createTokenVerifier(options: {
  issuers: string[];
  audiences: string[];
  scope: string;
  homeTenantId: string;
  jwksUri?: string | undefined;
  keys?: JWTVerifyGetKey | undefined;
}): TokenVerifier {
  const verifyJwt = createJwtVerifier(options);
  return {
    verify: async (token) => {
      const payload = await verifyJwt(token, options.audiences);
      assertAccessToken(payload, options.scope);
      return toPrincipal(payload, options.homeTenantId);
    },
  };
}
