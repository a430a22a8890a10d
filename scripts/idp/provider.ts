import type {
  ClientMetadata,
  Configuration,
  KoaContextWithOIDC,
  Provider,
  UnknownObject,
} from 'oidc-provider';
import type * as OidcProviderModule from 'oidc-provider';
import { accountFinder, loginPolicy, tokenClaims } from './accounts.js';
import {
  API_SCOPE,
  CLI_CLIENT_ID,
  CLI_REDIRECT_URI,
  CONSOLE_CLIENT_ID,
  DEV_OPERATOR_PARAM,
  DEV_TENANT_PARAM,
  FRONT_DOOR_TENANT,
  isLocalOrigin,
} from './clients.js';
import { createMemoryAdapter } from './memory-adapter.js';
import { logoutPage, providerErrorPage, signedOutPage } from './pages.js';
import { normalizeTenantId } from './users.js';

type OidcModule = typeof OidcProviderModule;

/** The API's confidential client, as registered in Entra. */
export interface ApiClientSettings {
  apiClientId: string;
  apiClientSecret: string;
  redirectUris: string[];
  /** Where the API may send the browser after sign-out; default the origin (`/`) of each redirect URI. */
  postLogoutRedirectUris?: string[];
  /** The admin console's redirect URIs (its page); no console client is registered without them. */
  consoleRedirectUris?: string[];
}

/** What one tenant's provider is built from. */
export interface ProviderSettings {
  tenantId: string;
  issuer: string;
  clients: ApiClientSettings;
  /** `aud` of access tokens, the API's Application ID URI. */
  audience: string;
  operators: Set<string>;
  accounts: Map<string, string>;
  jwks: { keys: UnknownObject[] };
  cookieKeys: string[];
  log: (line: string) => void;
  onUpsert: (model: string, id: string, expiresAt: number) => void;
}

const ONE_HOUR = 60 * 60;
const ONE_DAY = 24 * ONE_HOUR;
const TEN_MINUTES = 10 * 60;

const TTL = {
  AccessToken: ONE_HOUR,
  AuthorizationCode: 120,
  IdToken: ONE_HOUR,
  RefreshToken: ONE_DAY,
  Interaction: ONE_HOUR,
  Session: ONE_DAY,
  Grant: ONE_DAY,
  ClientCredentials: TEN_MINUTES,
  DeviceCode: TEN_MINUTES,
  BackchannelAuthenticationRequest: TEN_MINUTES,
  PreAuthorizedCode: TEN_MINUTES,
};

const CLAIMS = {
  acr: null,
  auth_time: null,
  iss: null,
  sid: null,
  openid: ['sub', 'oid', 'tid', 'ver', 'roles', 'xms_edov'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username'],
  email: ['email'],
};

/** The admin console's public client: its own page is where it comes back to, signed in or out. */
function consoleClient(redirectUris: string[]): ClientMetadata {
  return {
    client_id: CONSOLE_CLIENT_ID,
    client_name: 'Partner Subscriptions admin console',
    application_type: 'web',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
}

/** The API's web client, the token command's native (public) client and the console's SPA client. */
function clientsOf(clients: ApiClientSettings): ClientMetadata[] {
  const console = clients.consoleRedirectUris?.length ? [consoleClient(clients.consoleRedirectUris)] : [];
  return [
    ...console,
    {
      client_id: clients.apiClientId,
      client_secret: clients.apiClientSecret,
      client_name: 'Partner Subscriptions API',
      application_type: 'web',
      redirect_uris: clients.redirectUris,
      post_logout_redirect_uris: clients.postLogoutRedirectUris ?? [
        ...new Set(clients.redirectUris.map((uri) => `${new URL(uri).origin}/`)),
      ],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
    {
      client_id: CLI_CLIENT_ID,
      client_name: 'Partner Subscriptions token command',
      application_type: 'native',
      redirect_uris: [CLI_REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
  ];
}

/** dev_operator is true or false; dev_tenant, here, can only repeat this tenant (the front door chooses). */
function extraParams(errors: OidcModule['errors'], tenantId: string): Configuration['extraParams'] {
  return {
    [DEV_OPERATOR_PARAM]: (_ctx, value) => {
      if (value !== undefined && value !== 'true' && value !== 'false') {
        throw new errors.InvalidRequest(`${DEV_OPERATOR_PARAM} must be "true" or "false"`);
      }
    },
    [DEV_TENANT_PARAM]: (_ctx, value) => {
      if (value !== undefined && normalizeTenantId(value) !== tenantId) {
        throw new errors.InvalidRequest(
          `${DEV_TENANT_PARAM} names another tenant than ${tenantId}, whose endpoint this is; ` +
            `choose a tenant at the front door (/${FRONT_DOOR_TENANT}/v2.0)`,
        );
      }
    },
  };
}

/** Access tokens are JWTs for the API alone, as Entra issues them for one resource. */
function resourceIndicators(errors: OidcModule['errors'], audience: string, apiScopes: Set<string>) {
  return {
    enabled: true,
    defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string[]) =>
      oneOf ? (oneOf.includes(audience) ? audience : oneOf[0]) : audience,
    // The authorization code carries the resource; use it when the token request does not repeat it.
    useGrantedResource: async () => true,
    getResourceServerInfo: async (_ctx: unknown, resourceIndicator: string) => {
      if (resourceIndicator !== audience) {
        throw new errors.InvalidTarget(`unknown resource; this IdP issues tokens for ${audience} only`);
      }
      return {
        scope: [...apiScopes].join(' '),
        audience,
        accessTokenTTL: ONE_HOUR,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      };
    },
  };
}

const html = (ctx: KoaContextWithOIDC, body: string) => {
  ctx.type = 'html';
  ctx.body = body;
};

function configuration(oidc: OidcModule, settings: ProviderSettings): Configuration {
  const { audience, tenantId } = settings;
  const { errors } = oidc;
  const prefix = new URL(settings.issuer).pathname;
  const apiScopes = new Set([API_SCOPE, `${audience}/${API_SCOPE}`]);
  const findAccount = accountFinder(tenantId, settings.operators, settings.accounts);
  // Cookie names carry the tenant: two tenants' sessions in one browser (one host) never collide.
  const compact = tenantId.replace(/-/g, '');
  return {
    adapter: createMemoryAdapter({ onUpsert: settings.onUpsert }),
    clients: clientsOf(settings.clients),
    jwks: settings.jwks,
    cookies: {
      keys: settings.cookieKeys,
      names: {
        session: `_session_${compact}`,
        interaction: `_interaction_${compact}`,
        resume: `_interaction_resume_${compact}`,
      },
    },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: CLAIMS,
    // Put the profile and e-mail claims in the ID token even though an access token is issued too (Entra does).
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    extraParams: extraParams(errors, tenantId),
    findAccount,
    extraTokenClaims: tokenClaims(audience, apiScopes, findAccount),
    interactions: {
      policy: loginPolicy(oidc.interactionPolicy, tenantId),
      url: (_ctx, interaction) => `${prefix}/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: resourceIndicators(errors, audience, apiScopes),
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => html(ctx, logoutPage(form)),
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => html(ctx, signedOutPage()),
      },
    },
    ttl: TTL,
    clientBasedCORS: (_ctx, origin) => isLocalOrigin(origin),
    renderError: async (ctx, out) => html(ctx, providerErrorPage(out)),
  };
}

/** Errors oidc-provider reports as events (it is silent otherwise), logged with the tenant. */
const LOGGED_EVENTS = [
  'authorization.error',
  'grant.error',
  'end_session.error',
  'userinfo.error',
  'jwks.error',
];

/** One tenant's OpenID provider: Entra-like tokens, dev sign-in, every client on localhost. */
export function buildProvider(oidc: OidcModule, settings: ProviderSettings): Provider {
  const { tenantId, log } = settings;
  const provider = new oidc.default(settings.issuer, configuration(oidc, settings));
  provider.silent = true;
  provider.on('server_error', (_ctx, error) => {
    log(
      `server error (tenant ${tenantId}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  });
  for (const event of LOGGED_EVENTS) {
    provider.on(event, (_ctx, error) => {
      const e = error as { error?: string; error_description?: string; message?: string };
      log(
        `${event} (tenant ${tenantId}): ${e.error ?? 'error'}${e.error_description ? ` (${e.error_description})` : ''}`,
      );
    });
  }
  return provider;
}
