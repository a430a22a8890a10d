import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import {
  ConfidentialClientApplication,
  CryptoProvider,
  LogLevel,
  ProtocolMode,
  PublicClientApplication,
} from '@azure/msal-node';
import {
  API_SCOPE,
  CLI_CLIENT_ID,
  CLI_REDIRECT_URI,
  DEV_OPERATOR_PARAM,
  DEV_TENANT_PARAM,
  FRONT_DOOR_TENANT,
  issuerPath,
} from './clients.js';
import { browse, caTrustingNetworkClient, CookieJar } from './https-client.js';

export interface AccessTokenOptions {
  /**
   * Where the IdP runs: its base URL, e.g. https://127.0.0.1:7443 (RunningIdentityProvider.url). The
   * sign-in goes through its multi-tenant front door, <issuer>/organizations/v2.0, unless `authority`
   * names another one (a tenant's own issuer, say).
   */
  issuer: string;
  /** The MSAL authority; default the front door of `issuer`. */
  authority?: string;
  /** PEM file of the IdP's local CA. */
  caCertPath: string;
  email: string;
  /** Ask for the Platform.Operator role for this sign-in (dev_operator=true). */
  operator?: boolean;
  /**
   * Sign in to this tenant (a GUID; dev_tenant at the front door). Default: the front door's choice,
   * the tenant that owns the e-mail's domain, or the home tenant for operators.
   */
  tenant?: string;
  /** A client registered at the IdP; default partner-subscriptions-cli (public, CLI_REDIRECT_URI). */
  clientId?: string;
  /** With a secret the sign-in runs as a confidential client (the API's), with `redirectUri`. */
  clientSecret?: string;
  /**
   * The client's redirect URI; default CLI_REDIRECT_URI. Nothing needs to listen there: the redirects
   * are followed here and the code is read off the one that reaches this URI.
   */
  redirectUri?: string;
  /** Default openid, profile, email and the API's access_as_user. */
  scopes?: string[];
}

export interface Tokens {
  /** A JWT for the API audience (aud = the IdP's audience option). */
  accessToken: string;
  /** A JWT whose aud is the client id. */
  idToken: string;
}

/** The front door (multi-tenant authority) of the IdP at `idpUrl`: https://host:port/organizations/v2.0. */
export function frontDoorOf(idpUrl: string): string {
  return `${new URL(idpUrl).origin}${issuerPath(FRONT_DOOR_TENANT)}`;
}

/**
 * The MSAL configuration that works against the local IdP (oidc-provider): OIDC mode, the authority's
 * host as a known authority, and a network client that trusts the IdP's CA.
 */
export function msalSystemFor(authority: string, ca: string) {
  return {
    auth: { authority, knownAuthorities: [new URL(authority).host] },
    system: {
      protocolMode: ProtocolMode.OIDC,
      networkClient: caTrustingNetworkClient(ca),
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
    },
  };
}

/**
 * Signs `email` in at the local IdP with a real authorization-code + PKCE flow through MSAL (a
 * PublicClientApplication, or a ConfidentialClientApplication when a client secret is given), driving
 * the IdP's sign-in (login_hint, so no form) headlessly, and returns the access token and ID token.
 */
export async function getTokens(options: AccessTokenOptions): Promise<Tokens> {
  const ca = await readFile(options.caCertPath, 'utf8');
  const clientId = options.clientId ?? CLI_CLIENT_ID;
  const redirectUri = options.redirectUri ?? CLI_REDIRECT_URI;
  const msal = msalSystemFor(options.authority ?? frontDoorOf(options.issuer), ca);
  const app = options.clientSecret
    ? new ConfidentialClientApplication({
        auth: { clientId, clientSecret: options.clientSecret, ...msal.auth },
        system: msal.system,
      })
    : new PublicClientApplication({ auth: { clientId, ...msal.auth }, system: msal.system });

  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const state = randomUUID();
  const nonce = randomUUID();
  const scopes = options.scopes ?? ['openid', 'profile', 'email', API_SCOPE];
  const extraQueryParameters: Record<string, string> = {};
  if (options.operator) extraQueryParameters[DEV_OPERATOR_PARAM] = 'true';
  if (options.tenant) extraQueryParameters[DEV_TENANT_PARAM] = options.tenant;

  const authUrl = await app.getAuthCodeUrl({
    scopes,
    redirectUri,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state,
    nonce,
    loginHint: options.email,
    ...(Object.keys(extraQueryParameters).length ? { extraQueryParameters } : {}),
  });

  const result = await browse(authUrl, {
    ca,
    jar: new CookieJar(),
    isDestination: (location) => location.startsWith(`${redirectUri}?`),
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
    redirectUri,
    codeVerifier: verifier,
    state,
    nonce,
  });
  if (!tokens.accessToken || tokens.accessToken.split('.').length !== 3) {
    throw new Error('the IdP returned no JWT access token');
  }
  if (!tokens.idToken || tokens.idToken.split('.').length !== 3) {
    throw new Error('the IdP returned no ID token');
  }
  return { accessToken: tokens.accessToken, idToken: tokens.idToken };
}

/** getTokens, for the access token only: a JWT for the API audience. */
export async function getAccessToken(options: AccessTokenOptions): Promise<string> {
  return (await getTokens(options)).accessToken;
}

function summarize(html: string): string {
  const text = html
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
