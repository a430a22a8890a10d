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

async function discoverJwksUri(issuer: string): Promise<string> {
  const response = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`OpenID discovery for ${issuer} answered ${response.status}`);
  const document = (await response.json()) as { jwks_uri?: unknown };
  if (typeof document.jwks_uri !== 'string')
    throw new Error(`OpenID discovery for ${issuer} has no jwks_uri`);
  return document.jwks_uri;
}

function toPrincipal(payload: JWTPayload): Principal {
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
  jwksUri?: string;
}): TokenVerifier {
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keys = async () => {
    if (!jwks) {
      const uri = options.jwksUri ?? (await discoverJwksUri(options.issuers[0]!));
      jwks = createRemoteJWKSet(new URL(uri), { cooldownDuration: 30_000 });
    }
    return jwks;
  };
  return {
    async verify(token) {
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
          issuer: options.issuers,
          audience: options.audience,
          algorithms: ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['sub', 'exp', 'iss', 'aud'],
        });
        return toPrincipal(payload);
      } catch (error) {
        if (error instanceof joseErrors.JOSEError) {
          throw new AppError('unauthenticated', describeJoseError(error));
        }
        throw error;
      }
    },
  };
}

function describeJoseError(error: InstanceType<typeof joseErrors.JOSEError>): string {
  if (error instanceof joseErrors.JWTExpired) return 'The access token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `The access token's ${error.claim} claim is not accepted.`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "The access token's algorithm is not accepted.";
  return 'The access token is not valid.';
}

let verifier: TokenVerifier | undefined;

/** The process-wide verifier; the JWKS is fetched once and cached by jose. */
export function tokenVerifier(): TokenVerifier {
  verifier ??= createTokenVerifier(config().auth);
  return verifier;
}
