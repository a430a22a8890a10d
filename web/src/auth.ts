import {
  BrowserCacheLocation,
  InteractionRequiredAuthError,
  PublicClientApplication,
  type AccountInfo,
} from '@azure/msal-browser';

/** What the function app serves at /api/console/config.json (see shared/http/console-site.ts). */
export interface ConsoleSettings {
  clientId: string;
  authority: string;
  knownAuthorities: string[];
  protocolMode: 'OIDC' | 'AAD';
  apiScope: string;
}

export interface SignedIn {
  account: AccountInfo;
  /** An access token for the API, renewed silently (refresh token) when it nears expiry. */
  token(): Promise<string>;
  signOut(): Promise<void>;
  roles: string[];
}

export async function loadSettings(): Promise<ConsoleSettings> {
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!response.ok) throw new Error(`The console's settings did not load (HTTP ${response.status}).`);
  return (await response.json()) as ConsoleSettings;
}

/** The console's own address (its one page) is its redirect URI, for sign-in and sign-out. */
const redirectUri = () => new URL('./', document.baseURI).toString();

/**
 * Authorization code + PKCE with MSAL for browsers. Tokens live in session storage, as MSAL advises for
 * a single-page app: gone when the tab closes, never in local storage.
 */
export async function startAuth(settings: ConsoleSettings) {
  const msal = new PublicClientApplication({
    auth: {
      clientId: settings.clientId,
      authority: settings.authority,
      knownAuthorities: settings.knownAuthorities,
      redirectUri: redirectUri(),
      postLogoutRedirectUri: redirectUri(),
    },
    cache: { cacheLocation: BrowserCacheLocation.SessionStorage },
    system: { protocolMode: settings.protocolMode },
  });
  await msal.initialize();
  const result = await msal.handleRedirectPromise();
  const account = result?.account ?? msal.getAllAccounts()[0] ?? null;
  const scopes = [settings.apiScope];

  const signIn = (loginHint?: string) => msal.loginRedirect({ scopes, ...(loginHint ? { loginHint } : {}) });

  if (!account) return { signedIn: null, signIn };
  msal.setActiveAccount(account);
  const signedIn: SignedIn = {
    account,
    roles: rolesOf(account),
    token: async () => {
      try {
        return (await msal.acquireTokenSilent({ scopes, account })).accessToken;
      } catch (error) {
        if (error instanceof InteractionRequiredAuthError) {
          await msal.acquireTokenRedirect({ scopes, account });
        }
        throw error;
      }
    },
    // The ID token names the tenant whose session ends (the multi-tenant front door passes it on).
    signOut: () =>
      msal.logoutRedirect({ account, ...(account.idToken ? { idTokenHint: account.idToken } : {}) }),
  };
  return { signedIn, signIn };
}

function rolesOf(account: AccountInfo): string[] {
  const roles = account.idTokenClaims?.['roles'];
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
}
