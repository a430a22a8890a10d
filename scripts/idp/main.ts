/**
 * Runs the local identity provider on its own: `tsx scripts/idp/main.ts`.
 *
 * It stands in for Microsoft Entra ID as a multi-tenant app sees it, over HTTPS with a local CA
 * generated on first start (trust IDP_DATA_DIR/ca.pem). Any e-mail address signs in, no password.
 *
 * Tenants. Every user belongs to a tenant, a GUID. Any GUID is a tenant ("any tenant can be made"),
 * including an attacker's, whose users may claim someone else's e-mail address. Each tenant is its own
 * issuer, https://127.0.0.1:PORT/<tenant id>/v2.0 (Entra: https://login.microsoftonline.com/<tid>/v2.0),
 * with its own discovery document at <issuer>/.well-known/openid-configuration, its own sessions and
 * codes; all tenants sign with the same keys. The tenant that owns a domain is tenantIdFor(domain), a
 * stable UUIDv5 of the domain (`npm run --silent token -- --tenant-of contoso.com` prints it). The home
 * tenant, tenantIdFor('partner-subscriptions.local'), runs the service: configured operators have the
 * Platform.Operator role there only.
 *
 * Front door. https://127.0.0.1:PORT/organizations/v2.0 (alias /common/v2.0) is the authority clients
 * use, like Entra's: its discovery names the issuer template https://127.0.0.1:PORT/{tenantid}/v2.0,
 * its jwks_uri serves the shared keys, its authorization endpoint picks the tenant and redirects there,
 * and its token endpoint forwards a code or refresh token to the tenant that issued it. The tenant is:
 * dev_tenant=<guid> when the request names one; else the home tenant for a configured operator or a
 * sign-in with dev_operator=true; else the tenant that owns the login_hint's domain. Without a
 * login_hint the front door shows a sign-in form (e-mail, optional tenant GUID, operator checkbox).
 *
 * Tokens, as Entra v2: iss (the tenant's issuer), tid, oid and a pairwise sub (both UUIDs of tenant and
 * e-mail: the same address in two tenants is two users), ver 2.0, email, preferred_username, name,
 * given_name, family_name; roles only when the tenant assigned one (Platform.Operator: a configured
 * operator in the home tenant, or any sign-in with dev_operator=true in whatever tenant, which the API
 * must ignore outside the home tenant); xms_edov true only when the tenant owns the e-mail's domain.
 * Access tokens (aud API_AUDIENCE, typ at+jwt) also carry scp and azp; ID tokens (aud the client) not scp.
 *
 * Environment (all optional):
 *   IDP_PORT           port on 127.0.0.1 (default 7443)
 *   IDP_DATA_DIR       CA, certificate, signing keys, cookie keys (default .local/idp)
 *   IDP_OPERATORS      comma-separated e-mail addresses that have Platform.Operator in the home tenant
 *   API_CLIENT_ID      the API's confidential client (default partner-subscriptions-api)
 *   API_CLIENT_SECRET  its secret (default local-dev-secret)
 *   API_AUDIENCE       aud of access tokens (default api://partner-subscriptions)
 *   API_REDIRECT_URIS  comma-separated redirect URIs of the API client
 *                      (default http://localhost:7071/api/auth/callback)
 */
import { resolve } from 'node:path';
import {
  CLI_CLIENT_ID,
  CLI_REDIRECT_URI,
  DEFAULT_API_AUDIENCE,
  DEFAULT_API_CLIENT_ID,
  DEFAULT_API_CLIENT_SECRET,
  DEFAULT_API_REDIRECT_URI,
  DEFAULT_IDP_DATA_DIR,
  DEFAULT_IDP_PORT,
} from './clients.js';
import { startIdentityProvider } from './server.js';

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function envPort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_IDP_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`IDP_PORT must be a port number, got "${value}"`);
    process.exit(2);
  }
  return port;
}

async function main(): Promise<void> {
  const env = process.env;
  const port = envPort(env.IDP_PORT);
  const dataDir = resolve(env.IDP_DATA_DIR || DEFAULT_IDP_DATA_DIR);
  const apiClientId = env.API_CLIENT_ID || DEFAULT_API_CLIENT_ID;
  const redirectUris = list(env.API_REDIRECT_URIS);
  const operators = list(env.IDP_OPERATORS);

  let idp;
  try {
    idp = await startIdentityProvider({
      port,
      dataDir,
      operators,
      clients: {
        apiClientId,
        apiClientSecret: env.API_CLIENT_SECRET || DEFAULT_API_CLIENT_SECRET,
        redirectUris: redirectUris.length ? redirectUris : [DEFAULT_API_REDIRECT_URI],
      },
      audience: env.API_AUDIENCE || DEFAULT_API_AUDIENCE,
      log: (line) => console.log(`[idp] ${line}`),
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      console.error(
        `[idp] port ${port} is in use: is the identity provider already running? (set IDP_PORT to use another)`,
      );
    } else {
      console.error(`[idp] could not start: ${e.message}`);
    }
    process.exit(1);
  }

  console.log(`[idp] authority     ${idp.authority}  (front door; alias /common/v2.0)`);
  console.log(`[idp] discovery     ${idp.authority}/.well-known/openid-configuration`);
  console.log(`[idp] issuers       ${idp.issuerTemplate}  (each tenant: any GUID)`);
  console.log(`[idp] home tenant   ${idp.homeTenantId}  (${idp.issuerFor(idp.homeTenantId)})`);
  console.log(`[idp] jwks          ${idp.jwksUri}`);
  console.log(`[idp] trust this CA ${idp.caCertPath}`);
  console.log(`[idp] API client    ${apiClientId} (client_secret_post, PKCE)`);
  console.log(`[idp] CLI client    ${CLI_CLIENT_ID} (public, PKCE, ${CLI_REDIRECT_URI})`);
  if (operators.length) console.log(`[idp] operators     ${operators.join(', ')} (in the home tenant)`);
  console.log(
    '[idp] get a token:  npm run --silent token -- someone@contoso.com [--operator] [--tenant <guid>]',
  );
  console.log('[idp] a tenant id:  npm run --silent token -- --tenant-of contoso.com');

  const running = idp;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[idp] ${signal}: stopping`);
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
