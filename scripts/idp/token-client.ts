import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { CryptoProvider, LogLevel, ProtocolMode, PublicClientApplication } from '@azure/msal-node';
import { API_SCOPE, CLI_CLIENT_ID, CLI_REDIRECT_URI, DEV_OPERATOR_PARAM } from './clients.js';
import { browse, caTrustingNetworkClient, CookieJar } from './https-client.js';

export interface AccessTokenOptions {
  /** The IdP's issuer, e.g. https://127.0.0.1:7443. */
  issuer: string;
  /** PEM file of the IdP's local CA. */
  caCertPath: string;
  email: string;
  /** Ask for the Platform.Operator role for this sign-in (dev_operator=true). */
  operator?: boolean;
  /** A public client registered at the IdP with CLI_REDIRECT_URI; default partner-subscriptions-cli. */
  clientId?: string;
}

/** The MSAL configuration that works against the local IdP (oidc-provider): OIDC mode, CA-trusting network. */
export function msalSystemFor(issuer: string, ca: string) {
  return {
    auth: { authority: issuer, knownAuthorities: [new URL(issuer).host] },
    system: {
      protocolMode: ProtocolMode.OIDC,
      networkClient: caTrustingNetworkClient(ca),
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
    },
  };
}

/**
 * Signs `email` in at the local IdP with a real authorization-code + PKCE flow through MSAL's
 * PublicClientApplication, driving the IdP's sign-in (login_hint, so no form) headlessly, and returns
 * the access token: a JWT for the API audience.
 */
export async function getAccessToken(options: AccessTokenOptions): Promise<string> {
  const ca = await readFile(options.caCertPath, 'utf8');
  const clientId = options.clientId ?? CLI_CLIENT_ID;
  const msal = msalSystemFor(options.issuer, ca);
  const app = new PublicClientApplication({
    auth: { clientId, ...msal.auth },
    system: msal.system,
  });

  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const state = randomUUID();
  const nonce = randomUUID();
  const scopes = ['openid', 'profile', 'email', API_SCOPE];

  const authUrl = await app.getAuthCodeUrl({
    scopes,
    redirectUri: CLI_REDIRECT_URI,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state,
    nonce,
    loginHint: options.email,
    ...(options.operator ? { extraQueryParameters: { [DEV_OPERATOR_PARAM]: 'true' } } : {}),
  });

  const result = await browse(authUrl, {
    ca,
    jar: new CookieJar(),
    isDestination: (location) => location.startsWith(`${CLI_REDIRECT_URI}?`),
  });
  if (result.kind !== 'redirect') {
    throw new Error(
      `the IdP did not complete the sign-in (HTTP ${result.status} at ${result.url}): ${summarize(result.body)}`,
    );
  }
  const params = new URL(result.location).searchParams;
  const error = params.get('error');
  if (error) {
    throw new Error(
      `the IdP refused the sign-in: ${error}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}`,
    );
  }
  const code = params.get('code');
  if (!code) throw new Error('the IdP redirected back without an authorization code');
  if (params.get('state') !== state) throw new Error('the IdP returned another state than was sent');

  const tokens = await app.acquireTokenByCode({
    code,
    scopes,
    redirectUri: CLI_REDIRECT_URI,
    codeVerifier: verifier,
    state,
    nonce,
  });
  if (!tokens.accessToken || tokens.accessToken.split('.').length !== 3) {
    throw new Error('the IdP returned no JWT access token');
  }
  return tokens.accessToken;
}

function summarize(html: string): string {
  const text = html
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
