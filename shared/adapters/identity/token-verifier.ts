import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { config } from '../../config.js';
import { AppError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';

/** Verifies bearer tokens: signature against the issuer's JWKS, issuer, audience, expiry and algorithm. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

const ALGORITHMS = ['RS256'];
const CLOCK_TOLERANCE_SECONDS = 60;
const TENANT_PLACEHOLDER = '{tenantid}';

export async function discoverJwksUri(issuer: string): Promise<string> {
  const base = issuer.replace(TENANT_PLACEHOLDER, 'common').replace(/\/+$/, '');
  const response = await fetch(`${base}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`OpenID discovery for ${base} answered ${response.status}`);
  const document = (await response.json()) as { jwks_uri?: unknown };
  if (typeof document.jwks_uri !== 'string') throw new Error(`OpenID discovery for ${base} has no jwks_uri`);
  return document.jwks_uri;
}

/**
 * Whether a token's issuer is accepted. An issuer may be a template with `{tenantid}` (Microsoft Entra
 * multi-tenant: https://login.microsoftonline.com/{tenantid}/v2.0), matching any tenant GUID.
 */
export function issuerAccepted(issuers: readonly string[], issuer: string | undefined): boolean {
  if (!issuer) return false;
  return issuers.some((allowed) => {
    if (!allowed.includes(TENANT_PLACEHOLDER)) return allowed === issuer;
    const [before, after] = allowed.split(TENANT_PLACEHOLDER) as [string, string];
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    return new RegExp(`^${escape(before)}[0-9a-f-]{36}${escape(after)}$`, 'i').test(issuer);
  });
}

function describeJoseError(error: InstanceType<typeof joseErrors.JOSEError>): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `The token's ${error.claim} claim is not accepted.`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "The token's algorithm is not accepted.";
  return 'The token is not valid.';
}

/** Verifies a JWT from the configured identity provider for one audience and returns its claims. */
export function createJwtVerifier(options: { issuers: string[]; jwksUri?: string | undefined }) {
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keys = async () => {
    if (!jwks) {
      const uri = options.jwksUri ?? (await discoverJwksUri(options.issuers[0]!));
      jwks = createRemoteJWKSet(new URL(uri), { cooldownDuration: 30_000 });
    }
    return jwks;
  };
  return async (token: string, audience: string): Promise<JWTPayload> => {
    let resolvedKeys: ReturnType<typeof createRemoteJWKSet>;
    try {
      resolvedKeys = await keys();
    } catch (error) {
      throw new AppError(
        'dependency-unavailable',
        'The identity provider cannot be reached to check the token.',
        {
          cause: error instanceof Error ? error.message : String(error),
        },
      );
    }
    try {
      const { payload } = await jwtVerify(token, resolvedKeys, {
        audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp', 'iss', 'aud'],
      });
      if (!issuerAccepted(options.issuers, payload.iss)) {
        throw new AppError('unauthenticated', "The token's iss claim is not accepted.");
      }
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError)
        throw new AppError('unauthenticated', describeJoseError(error));
      throw error;
    }
  };
}

export function toPrincipal(payload: JWTPayload): Principal {
  const str = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : undefined);
  const roles = Array.isArray(payload['roles']) ? payload['roles'].filter((r) => typeof r === 'string') : [];
  const email = str('email') ?? str('preferred_username') ?? str('upn');
  return {
    issuer: payload.iss!,
    subject: payload.sub!,
    objectId: str('oid'),
    tenantId: str('tid'),
    email: email?.toLowerCase(),
    name: str('name'),
    roles,
  };
}

export function createTokenVerifier(options: {
  issuers: string[];
  audience: string;
  jwksUri?: string | undefined;
}): TokenVerifier {
  const verifyJwt = createJwtVerifier(options);
  return { verify: async (token) => toPrincipal(await verifyJwt(token, options.audience)) };
}

let verifier: TokenVerifier | undefined;

/** The process-wide verifier; the JWKS is fetched once and cached by jose. */
export function tokenVerifier(): TokenVerifier {
  verifier ??= createTokenVerifier(config().auth);
  return verifier;
}
