import { readFileSync } from 'node:fs';
import { Agent, createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { close, listen, urlHost } from '../local-stack/net.js';
import type { RunningService } from '../local-stack/service.js';
import { FRONT_DOOR_TENANT, issuerPath } from './clients.js';
import type { IdpContext } from './context.js';
import { frontDoorMetadataFrom } from './front-door.js';
import { request } from './https-client.js';
import { ensureCookieKeys, ensureSigningKeys, ensureTlsMaterial } from './material.js';
import type { ApiClientSettings } from './provider.js';
import { serve } from './routes.js';
import { createTenantDirectory, routingProviderNotices } from './tenants.js';
import { HOME_TENANT_ID, normalizeTenantId } from './users.js';

export interface IdentityProviderOptions {
  port: number;
  /** Interface to listen on and host name of the issuers; default 127.0.0.1. */
  host?: string;
  /** Where the CA, server certificate, signing keys and cookie keys live; created when missing. */
  dataDir: string;
  /**
   * E-mail addresses (case-insensitive) the home tenant assigned the Platform.Operator role: they have
   * it whenever they sign in to the home tenant, and the front door sends them there.
   */
  operators?: string[];
  clients: ApiClientSettings;
  /** `aud` of access tokens, the API's Application ID URI, e.g. api://partner-subscriptions. */
  audience: string;
  log?: (line: string) => void;
}

export interface RunningIdentityProvider extends RunningService {
  /** The base URL, https://127.0.0.1:PORT (no trailing slash); every tenant and the front door live below it. */
  readonly url: string;
  /** PEM of the local CA that signed the server certificate: what clients must trust. */
  readonly caCertPath: string;
  /** The multi-tenant front door, `<url>/organizations/v2.0` (like Entra's): the authority for MSAL clients. */
  readonly authority: string;
  /** `<url>/{tenantid}/v2.0`: the issuer the front door's discovery names, matching every tenant's `iss`. */
  readonly issuerTemplate: string;
  /** The tenant that runs the service, where configured operators have their role. */
  readonly homeTenantId: string;
  /** The front door's JWKS URI; every tenant signs with these keys (as Entra's tenants do). */
  readonly jwksUri: string;
  /** The issuer of a tenant (any GUID): `<url>/<tenantId>/v2.0`. */
  issuerFor(tenantId: string): string;
}

/** Reads the home tenant's discovery over HTTPS, as a client would: the front door copies it. */
async function homeDiscovery(ctx: IdpContext): Promise<Record<string, unknown>> {
  const url = `${ctx.issuerFor(HOME_TENANT_ID)}/.well-known/openid-configuration`;
  const home = await request(url, { ca: ctx.ca, agent: ctx.selfAgent });
  if (home.status !== 200) throw new Error(`the home tenant's discovery answered ${home.status}`);
  return frontDoorMetadataFrom(JSON.parse(home.body) as Record<string, unknown>);
}

/** The IdP's data folder: TLS material (a local CA), signing keys and cookie keys, created when missing. */
async function materialIn(dataDir: string, log: (line: string) => void) {
  const tls = await ensureTlsMaterial(dataDir);
  const jwks = await ensureSigningKeys(dataDir);
  const cookieKeys = ensureCookieKeys(dataDir);
  if (tls.createdCa) log(`generated a local CA at ${tls.caCertPath}`);
  return { tls, jwks, cookieKeys, ca: readFileSync(tls.caCertPath, 'utf8') };
}

/** Builds the tenants (the home tenant first) and the routes once the server's address is known. */
async function contextFor(
  options: IdentityProviderOptions,
  material: Awaited<ReturnType<typeof materialIn>>,
  base: string,
  selfAgent: Agent,
): Promise<IdpContext> {
  const log = options.log ?? (() => {});
  const operators = new Set((options.operators ?? []).map((e) => e.trim().toLowerCase()).filter(Boolean));
  const issuerFor = (tenantId: string) => `${base}${issuerPath(tenantId)}`;
  const oidc = await routingProviderNotices(log, () => import('oidc-provider'));
  const { jwks, cookieKeys, ca } = material;
  const shared = { clients: options.clients, audience: options.audience, operators, jwks, cookieKeys, log };
  const tenants = createTenantDirectory(oidc, shared, issuerFor);
  tenants.get(HOME_TENANT_ID);
  return {
    base,
    authority: `${base}${issuerPath(FRONT_DOOR_TENANT)}`,
    issuerTemplate: issuerFor('{tenantid}'),
    issuerFor,
    operators,
    log,
    ca,
    selfAgent,
    tenants,
    frontDoorMetadata: {},
  };
}

/**
 * Starts a local OpenID Connect provider standing in for Microsoft Entra ID (multi-tenant), over HTTPS
 * with a certificate from a local CA generated on first start. Any e-mail address signs in without a
 * password, in any tenant: each tenant (any GUID) is its own issuer at /<tenantId>/v2.0, and the front
 * door /organizations/v2.0 (alias /common/v2.0) picks the tenant, as Entra's does.
 */
export async function startIdentityProvider(
  options: IdentityProviderOptions,
): Promise<RunningIdentityProvider> {
  const log = options.log ?? (() => {});
  const material = await materialIn(options.dataDir, log);
  const { tls } = material;
  // Answers 503 until the tenants are ready (the port is taken first, to learn the issuers' URLs).
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => handle(req, res));
  const port = await listen(server, options.port, options.host);
  const base = `https://${urlHost(options.host ?? '127.0.0.1')}:${port}`;
  // The IdP's requests to itself (the home tenant's discovery, the front door's forwarded token
  // requests) keep their own connections, closed with the server: a restart on the same port never
  // meets a connection to the previous one.
  const selfAgent = new Agent({ keepAlive: true, ca: material.ca });
  const stop = () => {
    selfAgent.destroy();
    return close(server);
  };
  let ctx: IdpContext;
  try {
    ctx = await contextFor(options, material, base, selfAgent);
    handle = serve(ctx);
    ctx.frontDoorMetadata = await homeDiscovery(ctx);
  } catch (error) {
    await stop();
    throw error;
  }
  const { authority, issuerTemplate, issuerFor } = ctx;
  log(
    `identity provider listening at ${base}: front door ${authority}, tenants ${issuerTemplate} (CA: ${tls.caCertPath})`,
  );
  return {
    url: base,
    caCertPath: tls.caCertPath,
    authority,
    issuerTemplate,
    homeTenantId: HOME_TENANT_ID,
    jwksUri: `${authority}/jwks`,
    issuerFor: (tenantId) => {
      const normalized = normalizeTenantId(tenantId);
      if (!normalized) throw new Error(`not a tenant id (a GUID): ${tenantId}`);
      return issuerFor(normalized);
    },
    stop,
  };
}
