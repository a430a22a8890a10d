/**
 * Identifiers shared by the local IdP and its clients. Kept apart from server.ts so that the token
 * command can use them without loading oidc-provider.
 */

/** The public client the token command signs in with (no secret, PKCE). */
export const CLI_CLIENT_ID = 'partner-subscriptions-cli';

/**
 * The token command's redirect URI. Nothing listens there: the command follows the IdP's redirects
 * itself and reads the code off the final Location header. A loopback URI, so any port also matches.
 */
export const CLI_REDIRECT_URI = 'http://127.0.0.1/token-cli';

/**
 * The admin console: a single-page app, a public client that redeems its code from the browser (PKCE, no
 * secret, CORS), as Entra's "Single-page application" platform does.
 */
export const CONSOLE_CLIENT_ID = 'partner-subscriptions-console';

/** The API's delegated permission, as in the Entra app registration ("Expose an API"). */
export const API_SCOPE = 'access_as_user';

/** Extra authorization parameter: `dev_operator=true` signs the user in with the operator role. */
export const DEV_OPERATOR_PARAM = 'dev_operator';

/**
 * Extra authorization parameter: `dev_tenant=<tenant id>` at the front door (/organizations/v2.0) signs
 * the user in to that tenant instead of the one chosen from the e-mail address. Any GUID is a tenant.
 */
export const DEV_TENANT_PARAM = 'dev_tenant';

/** The multi-tenant front door's path segment, like Entra's; `common` is an alias. */
export const FRONT_DOOR_TENANT = 'organizations';
export const FRONT_DOOR_ALIASES: readonly string[] = [FRONT_DOOR_TENANT, 'common'];

/** The path of a tenant's issuer (and of the front door) below the IdP's base URL, as in Entra: /<tenant>/v2.0. */
export const issuerPath = (tenant: string): string => `/${tenant}/v2.0`;

/** Defaults shared by scripts/idp/main.ts and scripts/token.ts. */
export const DEFAULT_IDP_PORT = 7443;
export const DEFAULT_IDP_DATA_DIR = '.local/idp';
export const DEFAULT_API_CLIENT_ID = 'partner-subscriptions-api';
export const DEFAULT_API_CLIENT_SECRET = 'local-dev-secret';
export const DEFAULT_API_AUDIENCE = 'api://partner-subscriptions';
export const DEFAULT_API_REDIRECT_URI = 'http://localhost:7071/api/auth/callback';

/** Browsers on this machine may call the token and metadata endpoints (CORS): every local client lives there. */
export const isLocalOrigin = (origin: string): boolean =>
  /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(origin);
