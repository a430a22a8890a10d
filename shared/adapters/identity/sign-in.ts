import { randomBytes } from 'node:crypto';
import { ConfidentialClientApplication, CryptoProvider, LogLevel, ProtocolMode } from '@azure/msal-node';
import type { AppConfig } from '../../config.js';
import { AppError } from '../../domain/errors.js';
import { lazy } from '../../lazy.js';
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
const pkce = new CryptoProvider();

/** What sign-in needs of the configuration. */
export type SignInSettings = Pick<AppConfig, 'signIn' | 'auth' | 'publicBaseUrl'>;

export interface SubscriberSignIn {
  /** The identity provider's address to send the browser to, and what the callback must check. */
  start(options: { loginHint?: string | undefined }): Promise<SignInStart>;
  /** Redeems the code and checks the ID token (signature, issuer, audience, expiry, nonce) before trusting it. */
  complete(options: { code: string; state: string; nonce: string; codeVerifier: string }): Promise<SignedIn>;
}

const str = (claims: Record<string, unknown>, key: string) =>
  typeof claims[key] === 'string' ? (claims[key] as string) : undefined;

function msalClient({ signIn }: SignInSettings): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: signIn.clientId,
      clientSecret: signIn.clientSecret,
      authority: signIn.authority,
      ...(signIn.protocolMode === 'OIDC' ? { knownAuthorities: [new URL(signIn.authority).host] } : {}),
    },
    system: {
      protocolMode: signIn.protocolMode === 'OIDC' ? ProtocolMode.OIDC : ProtocolMode.AAD,
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
    },
  });
}

function signedInFrom(claims: Record<string, unknown>): SignedIn {
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

export function createSignIn(settings: SignInSettings): SubscriberSignIn {
  const msal = lazy(() => msalClient(settings));
  const verifyIdToken = lazy(() =>
    createJwtVerifier({ issuers: settings.auth.issuers, jwksUri: settings.auth.jwksUri }),
  );
  const redirectUri = new URL('/api/auth/callback', settings.publicBaseUrl).toString();
  return {
    async start(options) {
      const { verifier, challenge } = await pkce.generatePkceCodes();
      const state = randomBytes(24).toString('base64url');
      const nonce = randomBytes(24).toString('base64url');
      const url = await msal().getAuthCodeUrl({
        scopes: SCOPES,
        redirectUri,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        state,
        nonce,
        responseMode: 'query',
        ...(options.loginHint ? { loginHint: options.loginHint } : {}),
      });
      return { url, state, nonce, codeVerifier: verifier };
    },
    async complete(options) {
      let idToken: string;
      try {
        const result = await msal().acquireTokenByCode({
          code: options.code,
          scopes: SCOPES,
          redirectUri,
          codeVerifier: options.codeVerifier,
          state: options.state,
          nonce: options.nonce,
        });
        idToken = result.idToken;
      } catch (error) {
        throw new AppError(
          'unauthenticated',
          'The sign-in could not be completed. Start again from your link.',
          {
            cause: error instanceof Error ? error.message : String(error),
          },
        );
      }
      const claims = (await verifyIdToken()(idToken, [settings.signIn.clientId])) as Record<string, unknown>;
      if (claims['nonce'] !== options.nonce) {
        throw new AppError(
          'unauthenticated',
          'The sign-in response does not belong to this sign-in. Start again.',
        );
      }
      return signedInFrom(claims);
    },
  };
}
