import { randomBytes } from 'node:crypto';
import { ConfidentialClientApplication, CryptoProvider, LogLevel, ProtocolMode } from '@azure/msal-node';
import { config } from '../../config.js';
import { AppError } from '../../domain/errors.js';
import { createJwtVerifier } from './token-verifier.js';

/**
 * Subscriber sign-in with MSAL: authorization code + PKCE, with state and nonce. What the callback
 * needs (verifier, state, nonce) is returned to the caller, which keeps it in a sealed cookie: no
 * server-side session store that one instance would own.
 */
export interface SignInStart {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface SignedIn {
  issuer: string;
  subject: string;
  tenantId: string;
  objectId: string;
  email?: string | undefined;
  /** `email`, `preferred_username` and `upn` as the tenant set them, lower-cased (activation compares them). */
  signInNames: string[];
  name?: string | undefined;
  givenName?: string | undefined;
  familyName?: string | undefined;
}

const SCOPES = ['openid', 'profile', 'email'];

let client: ConfidentialClientApplication | undefined;
let verifyIdToken: ReturnType<typeof createJwtVerifier> | undefined;
const crypto = new CryptoProvider();

function msal(): ConfidentialClientApplication {
  if (!client) {
    const { signIn } = config();
    client = new ConfidentialClientApplication({
      auth: {
        clientId: signIn.clientId,
        clientSecret: signIn.clientSecret,
        authority: signIn.authority,
        ...(signIn.protocolMode === 'OIDC' ? { knownAuthorities: [new URL(signIn.authority).host] } : {}),
      },
      system: {
        protocolMode: signIn.protocolMode === 'OIDC' ? ProtocolMode.OIDC : ProtocolMode.AAD,
        loggerOptions: {
          logLevel: LogLevel.Error,
          piiLoggingEnabled: false,
          loggerCallback: () => undefined,
        },
      },
    });
  }
  return client;
}

export const callbackUrl = (): string => new URL('/api/auth/callback', config().publicBaseUrl).toString();

export async function startSignIn(options: { loginHint?: string | undefined }): Promise<SignInStart> {
  const { verifier, challenge } = await crypto.generatePkceCodes();
  const state = randomBytes(24).toString('base64url');
  const nonce = randomBytes(24).toString('base64url');
  const url = await msal().getAuthCodeUrl({
    scopes: SCOPES,
    redirectUri: callbackUrl(),
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state,
    nonce,
    responseMode: 'query',
    ...(options.loginHint ? { loginHint: options.loginHint } : {}),
  });
  return { url, state, nonce, codeVerifier: verifier };
}

const str = (claims: Record<string, unknown>, key: string) =>
  typeof claims[key] === 'string' ? (claims[key] as string) : undefined;

/** Redeems the code and checks the ID token (signature, issuer, audience, expiry, nonce) before trusting it. */
export async function completeSignIn(options: {
  code: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}): Promise<SignedIn> {
  let idToken: string;
  try {
    const result = await msal().acquireTokenByCode({
      code: options.code,
      scopes: SCOPES,
      redirectUri: callbackUrl(),
      codeVerifier: options.codeVerifier,
      state: options.state,
      nonce: options.nonce,
    });
    idToken = result.idToken;
  } catch (error) {
    throw new AppError('unauthenticated', 'The sign-in could not be completed. Start again from your link.', {
      cause: error instanceof Error ? error.message : String(error),
    });
  }
  const { auth, signIn } = config();
  verifyIdToken ??= createJwtVerifier({ issuers: auth.issuers, jwksUri: auth.jwksUri });
  const claims = (await verifyIdToken(idToken, [signIn.clientId])) as Record<string, unknown>;
  if (claims['nonce'] !== options.nonce) {
    throw new AppError(
      'unauthenticated',
      'The sign-in response does not belong to this sign-in. Start again.',
    );
  }
  const signInNames = [
    ...new Set(
      ['email', 'preferred_username', 'upn']
        .map((key) => str(claims, key)?.trim().toLowerCase())
        .filter((name): name is string => Boolean(name)),
    ),
  ];
  return {
    issuer: str(claims, 'iss')!,
    subject: str(claims, 'sub')!,
    tenantId: str(claims, 'tid')!.toLowerCase(),
    objectId: str(claims, 'oid')!.toLowerCase(),
    email: signInNames[0],
    signInNames,
    name: str(claims, 'name'),
    givenName: str(claims, 'given_name'),
    familyName: str(claims, 'family_name'),
  };
}
