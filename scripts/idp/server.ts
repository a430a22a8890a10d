import { readFileSync } from 'node:fs';
import { Agent, createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  Account,
  ClientMetadata,
  Configuration,
  InteractionModel,
  KoaContextWithOIDC,
  Provider,
  TokenModel,
  UnknownObject,
} from 'oidc-provider';
import type * as OidcProviderModule from 'oidc-provider';
import type { RunningService } from '../local-stack/service.js';
import {
  API_SCOPE,
  CLI_CLIENT_ID,
  CLI_REDIRECT_URI,
  DEV_OPERATOR_PARAM,
  DEV_TENANT_PARAM,
  FRONT_DOOR_ALIASES,
  FRONT_DOOR_TENANT,
  issuerPath,
} from './clients.js';
import { request } from './https-client.js';
import { ensureCookieKeys, ensureSigningKeys, ensureTlsMaterial } from './material.js';
import { createMemoryAdapter } from './memory-adapter.js';
import {
  claimsFor,
  defaultTenantFor,
  HOME_TENANT_ID,
  normalizeEmail,
  normalizeTenantId,
  OPERATOR_ROLE,
  subjectFor,
  type DevUserClaims,
} from './users.js';

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
  clients: {
    apiClientId: string;
    apiClientSecret: string;
    redirectUris: string[];
    /** Where the API may send the browser after sign-out; default the origin (`/`) of each redirect URI. */
    postLogoutRedirectUris?: string[];
  };
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

/** `amr` value recorded at sign-in when the dev operator role was asked for (checkbox or dev_operator=true). */
const OPERATOR_AMR = 'dev_operator';

/** A tenant id to show as an example on the sign-in page. */
const EXAMPLE_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** One tenant: its own issuer, served by its own oidc-provider instance mounted at /<tenantId>/v2.0. */
interface Tenant {
  readonly id: string;
  readonly issuer: string;
  /** The mount path, /<tenantId>/v2.0. */
  readonly prefix: string;
  readonly provider: Provider;
  readonly callback: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Which e-mail address signed in as which account id (sub); filled at sign-in (sessions are in memory too). */
  readonly accounts: Map<string, string>;
}

/** oidc-provider reads the mount path off the Express-style `req.originalUrl` (lib/helpers/oidc_context.js). */
type MountedRequest = IncomingMessage & { originalUrl?: string };

interface DevAccount extends Account {
  readonly profile: DevUserClaims;
}

function isDevAccount(account: Account | undefined): account is DevAccount {
  return account !== undefined && 'profile' in account;
}

function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const PAGE_STYLE =
  'body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#222}' +
  'h1{font-size:1.3rem}label{display:block;margin:.8rem 0}' +
  'input[type=email],input[type=text]{width:100%;padding:.4rem;font-size:1rem;box-sizing:border-box}' +
  'button{padding:.5rem 1rem;font-size:1rem}.error{color:#b00020}.note{color:#666;font-size:.85rem}';

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head>
<body>
${body}
</body>
</html>
`;
}

function signInPage(options: {
  /** Where the form posts. */
  action: string;
  /** Hidden form fields (the front door carries the authorization request along). */
  hidden?: Record<string, string>;
  client: string;
  email: string;
  tenant: string;
  operator: boolean;
  /** What an empty or another tenant field means on this page. */
  tenantNote: string;
  error?: string;
}): string {
  const hidden = Object.entries(options.hidden ?? {})
    .map(
      ([name, value]) => `  <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">\n`,
    )
    .join('');
  return page(
    'Sign in (local dev IdP)',
    `<h1>Sign in to ${escapeHtml(options.client)}</h1>
<p class="note">Local development identity provider: any e-mail address signs in, no password.</p>
${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
<form method="post" action="${escapeHtml(options.action)}" autocomplete="off">
${hidden}  <label>E-mail address
    <input type="email" name="email" required autofocus value="${escapeHtml(options.email)}">
  </label>
  <label>Tenant (GUID)
    <input type="text" name="tenant" value="${escapeHtml(options.tenant)}" placeholder="optional" spellcheck="false">
  </label>
  <p class="note">${escapeHtml(options.tenantNote)}</p>
  <label><input type="checkbox" name="operator" value="true"${options.operator ? ' checked' : ''}>
    sign in as platform operator (dev)</label>
  <button type="submit">Sign in</button>
</form>`,
  );
}

async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readBody(req, 16 * 1024));
}

/** The tenant field of a sign-in form: empty, a tenant id, or a mistake to explain. */
function tenantField(form: URLSearchParams): { tenantId?: string; error?: string } {
  const typed = (form.get('tenant') ?? '').trim();
  if (!typed) return {};
  const tenantId = normalizeTenantId(typed);
  if (tenantId) return { tenantId };
  return {
    error: `"${typed}" is not a tenant id. A tenant id is a GUID such as ${EXAMPLE_TENANT_ID}; leave the field empty to sign in to the tenant that owns the e-mail's domain.`,
  };
}

const isChecked = (value: string | null) => value === 'true' || value === 'on';

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(html);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

function redirect(res: ServerResponse, status: 302 | 303, location: string): void {
  res.statusCode = status;
  res.setHeader('location', location);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', '0');
  res.end();
}

function errorPage(message: string): string {
  return page(
    'Sign-in failed',
    `<h1>Sign-in failed</h1><p class="error">${escapeHtml(message)}</p>` +
      '<p>Start the sign-in again from the application.</p>',
  );
}

/**
 * Routes oidc-provider's console notices (printed when the module loads and when a provider is built)
 * to `log`, leaving every other console line alone.
 */
function routingProviderNotices<T>(log: (line: string) => void, run: () => T): T {
  const { warn, info } = console;
  const route =
    (original: (...args: unknown[]) => void) =>
    (...args: unknown[]): void => {
      const line = args.map(String).join(' ');
      // eslint-disable-next-line no-control-regex
      if (line.includes('oidc-provider')) log(line.replace(/\u001b\[[0-9;]*m/g, ''));
      else original.apply(console, args);
    };
  const restore = () => {
    console.warn = warn;
    console.info = info;
  };
  console.warn = route(warn);
  console.info = route(info);
  let result: T;
  try {
    result = run();
  } catch (error) {
    restore();
    throw error;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}

/**
 * Entra ID issues a refresh token whenever offline_access is asked for, and MSAL always asks for it.
 * OpenID Connect (and so oidc-provider) drops offline_access unless the request also says
 * prompt=consent; consent is automatic here, so add it to authorization requests that ask for
 * offline_access without naming a prompt. Rewrites `req.url` (already relative to the tenant) in place.
 */
function grantOfflineAccessLikeEntra(req: IncomingMessage, base: string): void {
  if (req.method !== 'GET') return;
  const url = new URL(req.url ?? '/', base);
  if (url.pathname !== '/auth') return;
  const scopes = (url.searchParams.get('scope') ?? '').split(' ');
  const params = url.searchParams;
  if (
    !scopes.includes('offline_access') ||
    params.has('prompt') ||
    params.has('request') ||
    params.has('request_uri')
  ) {
    return;
  }
  params.set('prompt', 'consent');
  req.url = `${url.pathname}?${params.toString()}`;
}

function issuerHostFor(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Response headers a proxy does not pass on. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
]);

/** Request headers the front door passes on to a tenant's token endpoint. */
const FORWARDED_TOKEN_HEADERS = ['content-type', 'authorization', 'dpop', 'accept', 'user-agent'];

/** Discovery metadata the front door copies from a tenant's document (everything but its own endpoints). */
function frontDoorMetadataFrom(tenantDiscovery: Record<string, unknown>): Record<string, unknown> {
  const copied: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tenantDiscovery)) {
    if (key === 'issuer' || key === 'jwks_uri' || key.endsWith('_endpoint')) continue;
    // The tenant names itself in the `iss` response parameter; the front door's issuer is a template.
    if (key === 'authorization_response_iss_parameter_supported') continue;
    copied[key] = value;
  }
  return copied;
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
  const host = options.host ?? '127.0.0.1';
  const operators = new Set((options.operators ?? []).map((e) => e.trim().toLowerCase()).filter(Boolean));

  const tls = await ensureTlsMaterial(options.dataDir);
  const jwks = await ensureSigningKeys(options.dataDir);
  const cookieKeys = ensureCookieKeys(options.dataDir);
  const ca = readFileSync(tls.caCertPath, 'utf8');
  if (tls.createdCa) log(`generated a local CA at ${tls.caCertPath}`);

  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const base = `https://${issuerHostFor(host)}:${port}`;
  const issuerFor = (tenantId: string) => `${base}${issuerPath(tenantId)}`;
  const authority = `${base}${issuerPath(FRONT_DOOR_TENANT)}`;
  const issuerTemplate = issuerFor('{tenantid}');

  // The IdP's requests to itself (the home tenant's discovery, the front door's forwarded token
  // requests) keep their own connections, closed with the server: a restart on the same port never
  // meets a connection to the previous one.
  const selfAgent = new Agent({ keepAlive: true, ca });
  const stop = () =>
    new Promise<void>((resolve) => {
      selfAgent.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });

  /** Which tenant issued each live authorization code and refresh token, for the front door's token endpoint. */
  const issuedBy = new Map<string, { tenantId: string; expiresAt: number }>();
  let issuedSinceSweep = 0;
  const recordIssued = (tenantId: string, model: string, id: string, expiresAt: number) => {
    if (model !== 'AuthorizationCode' && model !== 'RefreshToken') return;
    issuedBy.set(`${model}:${id}`, { tenantId, expiresAt });
    if (++issuedSinceSweep >= 500) {
      issuedSinceSweep = 0;
      const now = Date.now();
      for (const [key, entry] of issuedBy) if (entry.expiresAt <= now) issuedBy.delete(key);
    }
  };

  const tenants = new Map<string, Tenant>();
  let oidc: OidcModule;
  let frontDoorMetadata: Record<string, unknown> = {};

  /** The tenant's provider, built on the first request for that tenant and kept. */
  function tenantFor(tenantId: string): Tenant {
    const existing = tenants.get(tenantId);
    if (existing) return existing;
    const accounts = new Map<string, string>();
    const issuer = issuerFor(tenantId);
    const provider = routingProviderNotices(log, () =>
      buildProvider(oidc, {
        ...options,
        tenantId,
        issuer,
        operators,
        accounts,
        jwks,
        cookieKeys,
        log,
        onUpsert: (model, id, expiresAt) => recordIssued(tenantId, model, id, expiresAt),
      }),
    );
    const tenant: Tenant = {
      id: tenantId,
      issuer,
      prefix: issuerPath(tenantId),
      provider,
      callback: provider.callback(),
      accounts,
    };
    tenants.set(tenantId, tenant);
    log(`serving tenant ${tenantId}${tenantId === HOME_TENANT_ID ? ' (home)' : ''} at ${issuer}`);
    return tenant;
  }

  try {
    oidc = await routingProviderNotices(log, () => import('oidc-provider'));
    tenantFor(HOME_TENANT_ID);
    handle = (req, res) => {
      route(req, res).catch((error: unknown) => {
        const described = error as { error_description?: unknown };
        const message =
          typeof described?.error_description === 'string'
            ? described.error_description
            : error instanceof Error
              ? error.message
              : String(error);
        log(`sign-in failed: ${message}`);
        if (!res.headersSent) sendHtml(res, 400, errorPage(message));
        else res.end();
      });
    };
    const home = await request(`${issuerFor(HOME_TENANT_ID)}/.well-known/openid-configuration`, {
      ca,
      agent: selfAgent,
    });
    if (home.status !== 200) throw new Error(`the home tenant's discovery answered ${home.status}`);
    frontDoorMetadata = frontDoorMetadataFrom(JSON.parse(home.body) as Record<string, unknown>);
  } catch (error) {
    await stop();
    throw error;
  }

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

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const match = /^\/([^/]+)\/v2\.0(\/.*)?$/.exec(url.pathname);
    const segment = match?.[1]?.toLowerCase() ?? '';
    const rest = match?.[2] ?? '/';
    if (FRONT_DOOR_ALIASES.includes(segment)) {
      await frontDoor(req, res, segment, rest, url);
      return;
    }
    const tenantId = normalizeTenantId(segment);
    if (!tenantId) {
      const where =
        `This identity provider serves each tenant at ${issuerTemplate} (any GUID) and the ` +
        `multi-tenant front door at ${authority} (alias /common/v2.0); ` +
        `discovery is at <issuer>/.well-known/openid-configuration.`;
      // Like Entra (AADSTS900023), a tenant segment that names no tenant is a bad request; that includes
      // the literal issuer template, which is a pattern for token issuers, not an address.
      if (match) {
        sendJson(res, 400, {
          error: 'invalid_request',
          error_description: `Specified tenant identifier '${decodeURIComponent(match[1]!)}' is not a tenant id (a GUID), nor organizations or common. ${where}`,
        });
      } else {
        sendJson(res, 404, { error: 'not_found', error_description: where });
      }
      return;
    }
    const tenant = tenantFor(tenantId);
    const interaction = /^\/interaction\/([^/]+)(\/login)?$/.exec(rest);
    if (interaction) {
      await handleInteraction(tenant, req, res, decodeURIComponent(interaction[1]!), Boolean(interaction[2]));
      return;
    }
    req.url = `${rest}${url.search}`;
    grantOfflineAccessLikeEntra(req, base);
    (req as MountedRequest).originalUrl = `${tenant.prefix}${req.url}`;
    await tenant.callback(req, res);
  }

  /** /organizations/v2.0 and /common/v2.0: like Entra's, it serves no tenant and finds the right one. */
  async function frontDoor(
    req: IncomingMessage,
    res: ServerResponse,
    alias: string,
    rest: string,
    url: URL,
  ): Promise<void> {
    const prefix = issuerPath(alias);
    const endpoints: Record<string, { method: 'GET' | 'POST'; run: () => Promise<void> | void }> = {
      '/.well-known/openid-configuration': {
        method: 'GET',
        run: () =>
          sendJson(res, 200, {
            ...frontDoorMetadata,
            issuer: issuerTemplate,
            authorization_endpoint: `${base}${prefix}/auth`,
            token_endpoint: `${base}${prefix}/token`,
            jwks_uri: `${base}${prefix}/jwks`,
          }),
      },
      '/auth': { method: 'GET', run: () => frontDoorAuthorize(res, prefix, url) },
      '/login': { method: 'POST', run: () => frontDoorLogin(req, res, prefix) },
      '/token': { method: 'POST', run: () => frontDoorToken(req, res) },
      '/jwks': {
        method: 'GET',
        run: async () => {
          // Every tenant has the same keys; the home tenant's provider answers for all of them.
          req.url = '/jwks';
          (req as MountedRequest).originalUrl = `${prefix}/jwks`;
          await tenantFor(HOME_TENANT_ID).callback(req, res);
        },
      },
    };
    const endpoint = endpoints[rest];
    if (!endpoint) {
      sendJson(res, 404, {
        error: 'not_found',
        error_description: `The front door ${base}${prefix} has ${Object.keys(endpoints).join(', ')}.`,
      });
      return;
    }
    if (req.method !== endpoint.method) {
      res.setHeader('allow', endpoint.method);
      sendJson(res, 405, { error: 'invalid_request', error_description: `use ${endpoint.method}` });
      return;
    }
    await endpoint.run();
  }

  /**
   * Decides the tenant and sends the browser to that tenant's authorization endpoint with the same
   * parameters: dev_tenant when given; else the home tenant for operators (configured, or asking with
   * dev_operator=true); else the tenant that owns the login_hint's domain. With no usable login_hint,
   * the front door asks for the e-mail address (and optionally a tenant) first.
   */
  function frontDoorAuthorize(res: ServerResponse, prefix: string, url: URL): void {
    const params = url.searchParams;
    const asked = params.get(DEV_TENANT_PARAM);
    if (asked !== null) {
      const tenantId = normalizeTenantId(asked);
      if (!tenantId) {
        sendHtml(res, 400, errorPage(`${DEV_TENANT_PARAM} must be a tenant id (a GUID), got "${asked}".`));
        return;
      }
      redirect(res, 302, `${issuerFor(tenantId)}/auth${url.search}`);
      return;
    }
    const hint = params.get('login_hint');
    const email = normalizeEmail(hint);
    if (!email) {
      sendHtml(
        res,
        200,
        signInPage({
          action: `${prefix}/login`,
          hidden: { request: params.toString() },
          client: params.get('client_id') ?? '',
          email: hint ?? '',
          tenant: '',
          operator: params.get(DEV_OPERATOR_PARAM) === 'true',
          tenantNote: frontDoorTenantNote(),
          ...(hint !== null ? { error: `login_hint "${hint}" is not an e-mail address.` } : {}),
        }),
      );
      return;
    }
    const operator = operators.has(email) || params.get(DEV_OPERATOR_PARAM) === 'true';
    redirect(res, 302, `${issuerFor(defaultTenantFor(email, operator))}/auth${url.search}`);
  }

  function frontDoorTenantNote(): string {
    return (
      "Leave the tenant empty to sign in to the tenant that owns the e-mail's domain " +
      `(platform operators: the home tenant ${HOME_TENANT_ID}).`
    );
  }

  /** The front door's sign-in form: the tenant is decided here, then that tenant signs the user in. */
  async function frontDoorLogin(req: IncomingMessage, res: ServerResponse, prefix: string): Promise<void> {
    const form = await readForm(req);
    const authorization = new URLSearchParams(form.get('request') ?? '');
    const email = normalizeEmail(form.get('email'));
    const operator = isChecked(form.get('operator'));
    const tenant = tenantField(form);
    const again = (error: string) =>
      sendHtml(
        res,
        400,
        signInPage({
          action: `${prefix}/login`,
          hidden: { request: authorization.toString() },
          client: authorization.get('client_id') ?? '',
          email: form.get('email') ?? '',
          tenant: form.get('tenant') ?? '',
          operator,
          tenantNote: frontDoorTenantNote(),
          error,
        }),
      );
    if (!email) return again('Enter an e-mail address such as ada.lovelace@contoso.com.');
    if (tenant.error) return again(tenant.error);
    authorization.set('login_hint', email);
    authorization.set(DEV_OPERATOR_PARAM, String(operator));
    if (tenant.tenantId) authorization.set(DEV_TENANT_PARAM, tenant.tenantId);
    else authorization.delete(DEV_TENANT_PARAM);
    const tenantId = tenant.tenantId ?? defaultTenantFor(email, operators.has(email) || operator);
    redirect(res, 303, `${issuerFor(tenantId)}/auth?${authorization.toString()}`);
  }

  /**
   * Finds which tenant issued the authorization code or refresh token and forwards the request to that
   * tenant's token endpoint, returning its answer verbatim.
   */
  async function frontDoorToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/x-www-form-urlencoded') {
      sendJson(res, 400, {
        error: 'invalid_request',
        error_description: 'token requests must be application/x-www-form-urlencoded',
      });
      return;
    }
    const form = new URLSearchParams(body);
    const grantType = form.get('grant_type');
    const [model, value] =
      grantType === 'authorization_code'
        ? ['AuthorizationCode', form.get('code')]
        : grantType === 'refresh_token'
          ? ['RefreshToken', form.get('refresh_token')]
          : [undefined, null];
    if (!model) {
      sendJson(res, 400, {
        error: 'unsupported_grant_type',
        error_description: `the front door redeems authorization codes and refresh tokens; send ${grantType ?? 'other grants'} to a tenant's token endpoint`,
      });
      return;
    }
    if (!value) {
      sendJson(res, 400, {
        error: 'invalid_request',
        error_description: `missing required parameter '${model === 'AuthorizationCode' ? 'code' : 'refresh_token'}'`,
      });
      return;
    }
    const issued = issuedBy.get(`${model}:${value}`);
    if (!issued || issued.expiresAt <= Date.now()) {
      sendJson(res, 400, { error: 'invalid_grant', error_description: 'grant request is invalid' });
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_TOKEN_HEADERS) {
      const header = req.headers[name];
      if (typeof header === 'string') headers[name] = header;
    }
    let answer;
    try {
      answer = await request(`${issuerFor(issued.tenantId)}/token`, {
        ca,
        agent: selfAgent,
        method: 'POST',
        headers,
        body,
      });
    } catch (error) {
      log(`front door: forwarding to tenant ${issued.tenantId} failed: ${String(error)}`);
      sendJson(res, 502, { error: 'server_error', error_description: 'the tenant did not answer' });
      return;
    }
    res.statusCode = answer.status;
    for (const [name, header] of Object.entries(answer.headers)) {
      if (header !== undefined && !HOP_BY_HOP.has(name)) res.setHeader(name, header);
    }
    res.setHeader('content-length', String(Buffer.byteLength(answer.body)));
    res.end(answer.body);
  }

  async function handleInteraction(
    tenant: Tenant,
    req: IncomingMessage,
    res: ServerResponse,
    uid: string,
    isLoginPost: boolean,
  ): Promise<void> {
    const { provider } = tenant;
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('this sign-in page belongs to another sign-in attempt');
    const clientId = String(details.params.client_id ?? '');
    const operatorParam = details.params[DEV_OPERATOR_PARAM] === 'true';
    const action = `${tenant.prefix}/interaction/${encodeURIComponent(uid)}/login`;
    const tenantNote = `You are signing in to tenant ${tenant.id}; another tenant id moves the sign-in there.`;

    if (details.prompt.name === 'login') {
      if (isLoginPost) {
        if (req.method !== 'POST') throw new Error('expected a form submission');
        const form = await readForm(req);
        const email = normalizeEmail(form.get('email'));
        const operator = isChecked(form.get('operator'));
        const chosen = tenantField(form);
        const error = !email ? 'Enter an e-mail address such as ada.lovelace@contoso.com.' : chosen.error;
        if (!email || error) {
          sendHtml(
            res,
            400,
            signInPage({
              action,
              client: clientId,
              email: form.get('email') ?? '',
              tenant: form.get('tenant') ?? '',
              operator,
              tenantNote,
              ...(error ? { error } : {}),
            }),
          );
          return;
        }
        if (chosen.tenantId && chosen.tenantId !== tenant.id) {
          // Another tenant: start the same authorization request over there, for this user.
          const params = new URLSearchParams();
          for (const [name, value] of Object.entries(details.params)) {
            if (typeof value === 'string') params.set(name, value);
          }
          params.set('login_hint', email);
          params.set(DEV_OPERATOR_PARAM, String(operator));
          params.set(DEV_TENANT_PARAM, chosen.tenantId);
          redirect(res, 303, `${issuerFor(chosen.tenantId)}/auth?${params.toString()}`);
          return;
        }
        await finishLogin(tenant, req, res, email, operator);
        return;
      }
      const hint = details.params.login_hint;
      const email = normalizeEmail(hint);
      if (email) {
        await finishLogin(tenant, req, res, email, operatorParam);
        return;
      }
      sendHtml(
        res,
        200,
        signInPage({
          action,
          client: clientId,
          email: typeof hint === 'string' ? hint : '',
          tenant: tenant.id,
          operator: operatorParam,
          tenantNote,
          ...(hint !== undefined ? { error: `login_hint "${String(hint)}" is not an e-mail address.` } : {}),
        }),
      );
      return;
    }

    if (details.prompt.name === 'consent') {
      await finishConsent(provider, req, res, details);
      return;
    }

    await provider.interactionFinished(
      req,
      res,
      { error: 'interaction_required', error_description: `unsupported prompt ${details.prompt.name}` },
      { mergeWithLastSubmission: false },
    );
  }

  async function finishLogin(
    tenant: Tenant,
    req: IncomingMessage,
    res: ServerResponse,
    email: string,
    operator: boolean,
  ): Promise<void> {
    const accountId = subjectFor(tenant.id, email);
    tenant.accounts.set(accountId, email);
    log(`signed in ${email} to tenant ${tenant.id}${operator ? ' asking for the operator role' : ''}`);
    await tenant.provider.interactionFinished(
      req,
      res,
      { login: { accountId, amr: operator ? ['dev', OPERATOR_AMR] : ['dev'], remember: true } },
      { mergeWithLastSubmission: false },
    );
  }

  /** Development only: every client gets whatever it asked for, without a consent screen. */
  async function finishConsent(
    provider: Provider,
    req: IncomingMessage,
    res: ServerResponse,
    details: InteractionModel,
  ): Promise<void> {
    const accountId = details.session?.accountId;
    const clientId = String(details.params.client_id ?? '');
    if (!accountId) throw new Error('no signed-in user for this consent');
    const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ accountId, clientId });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
}

type OidcModule = typeof OidcProviderModule;

function buildProvider(
  oidc: OidcModule,
  settings: Omit<IdentityProviderOptions, 'operators'> & {
    tenantId: string;
    issuer: string;
    operators: Set<string>;
    accounts: Map<string, string>;
    jwks: { keys: UnknownObject[] };
    cookieKeys: string[];
    log: (line: string) => void;
    onUpsert: (model: string, id: string, expiresAt: number) => void;
  },
): Provider {
  const { default: ProviderClass, interactionPolicy, errors } = oidc;
  const { audience, operators, accounts, log, tenantId } = settings;
  const prefix = new URL(settings.issuer).pathname;
  const ONE_HOUR = 60 * 60;
  const ONE_DAY = 24 * ONE_HOUR;
  const apiScopes = new Set([API_SCOPE, `${audience}/${API_SCOPE}`]);

  /** Did this sign-in ask for the operator role? Read from the token being issued, else the session. */
  function operatorRequested(
    ctx: KoaContextWithOIDC | undefined,
    accountId: string,
    token?: TokenModel,
  ): boolean {
    if (token?.amr) return token.amr.includes(OPERATOR_AMR);
    if (token?.extra) {
      const roles = token.extra.roles;
      return Array.isArray(roles) && roles.includes(OPERATOR_ROLE);
    }
    const session = ctx?.oidc.session;
    if (session?.accountId === accountId && session.amr) return session.amr.includes(OPERATOR_AMR);
    return false;
  }

  /**
   * The tenant assigned the user the operator role: the home tenant assigns it to configured operators;
   * any tenant assigns it when the sign-in asked for it (a tenant admin giving their own user the role).
   */
  function findAccount(ctx: KoaContextWithOIDC, sub: string, token?: TokenModel): DevAccount | undefined {
    const email = accounts.get(sub);
    if (!email) return undefined;
    const configured = tenantId === HOME_TENANT_ID && operators.has(email);
    const profile = claimsFor(email, tenantId, configured || operatorRequested(ctx, sub, token));
    return {
      accountId: sub,
      profile,
      claims: () => ({ ...profile }),
    };
  }

  const policy = interactionPolicy.base();
  const { Check } = interactionPolicy;
  const login = policy.get('login');
  // A signed-in browser session is reused (SSO) unless the request names someone else or asks for
  // another role; then the user signs in again. Sessions belong to one tenant (cookies per tenant), so
  // another dev_tenant always lands in another session.
  login?.checks.add(
    new Check('login_hint_other_user', 'login_hint names another user', 'login_required', (ctx) => {
      const hinted = normalizeEmail(ctx.oidc.params.login_hint);
      const current = ctx.oidc.session?.accountId;
      return hinted !== undefined && current !== undefined && subjectFor(tenantId, hinted) !== current
        ? Check.REQUEST_PROMPT
        : Check.NO_NEED_TO_PROMPT;
    }),
  );
  login?.checks.add(
    new Check(
      'dev_operator_changed',
      'dev_operator differs from the signed-in role',
      'login_required',
      (ctx) => {
        const asked = ctx.oidc.params[DEV_OPERATOR_PARAM];
        const session = ctx.oidc.session;
        if (asked === undefined || !session?.accountId) return Check.NO_NEED_TO_PROMPT;
        const current = session.amr?.includes(OPERATOR_AMR) ?? false;
        return (asked === 'true') !== current ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
      },
    ),
  );

  const clients: ClientMetadata[] = [
    {
      client_id: settings.clients.apiClientId,
      client_secret: settings.clients.apiClientSecret,
      client_name: 'Partner Subscriptions API',
      application_type: 'web',
      redirect_uris: settings.clients.redirectUris,
      post_logout_redirect_uris: settings.clients.postLogoutRedirectUris ?? [
        ...new Set(settings.clients.redirectUris.map((uri) => `${new URL(uri).origin}/`)),
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

  // Cookie names carry the tenant: two tenants' sessions in one browser (one host) never collide.
  const compactTenantId = tenantId.replace(/-/g, '');
  const configuration: Configuration = {
    adapter: createMemoryAdapter({ onUpsert: settings.onUpsert }),
    clients,
    jwks: settings.jwks,
    cookies: {
      keys: settings.cookieKeys,
      names: {
        session: `_session_${compactTenantId}`,
        interaction: `_interaction_${compactTenantId}`,
        resume: `_interaction_resume_${compactTenantId}`,
      },
    },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: {
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
      openid: ['sub', 'oid', 'tid', 'ver', 'roles', 'xms_edov'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email'],
    },
    // Put the profile and e-mail claims in the ID token even though an access token is issued too (Entra does).
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    extraParams: {
      [DEV_OPERATOR_PARAM]: (_ctx, value) => {
        if (value !== undefined && value !== 'true' && value !== 'false') {
          throw new errors.InvalidRequest(`${DEV_OPERATOR_PARAM} must be "true" or "false"`);
        }
      },
      // Only the front door chooses a tenant; here it can only repeat this one.
      [DEV_TENANT_PARAM]: (_ctx, value) => {
        if (value !== undefined && normalizeTenantId(value) !== tenantId) {
          throw new errors.InvalidRequest(
            `${DEV_TENANT_PARAM} names another tenant than ${tenantId}, whose endpoint this is; ` +
              `choose a tenant at the front door (/${FRONT_DOOR_TENANT}/v2.0)`,
          );
        }
      },
    },
    findAccount,
    extraTokenClaims: async (ctx, token) => {
      if (!token.accountId) return undefined;
      const account =
        isDevAccount(ctx.oidc.account) && ctx.oidc.account.accountId === token.accountId
          ? ctx.oidc.account
          : findAccount(ctx, token.accountId, token);
      if (!account) return undefined;
      // Entra-style scp: the API's delegated permissions without the Application ID URI prefix. A client
      // that asked for none (like Entra's "/.default") gets the one permission the API exposes.
      const granted = (token.scope ?? '')
        .split(' ')
        .filter((s) => apiScopes.has(s))
        .map((s) => (s.startsWith(`${audience}/`) ? s.slice(audience.length + 1) : s));
      const { sub: _sub, ...claims } = account.profile;
      return {
        ...claims,
        ...(token.clientId ? { azp: token.clientId } : {}),
        scp: [...new Set(granted)].join(' ') || API_SCOPE,
      };
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `${prefix}/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
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
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = 'html';
          ctx.body = page(
            'Sign out (local dev IdP)',
            `<h1>Sign out?</h1>${form}` +
              '<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button> ' +
              '<button type="submit" form="op.logoutForm">Stay signed in</button>',
          );
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.body = page('Signed out', '<h1>Signed out</h1><p>You can close this window.</p>');
        },
      },
    },
    ttl: {
      AccessToken: ONE_HOUR,
      AuthorizationCode: 120,
      IdToken: ONE_HOUR,
      RefreshToken: ONE_DAY,
      Interaction: ONE_HOUR,
      Session: ONE_DAY,
      Grant: ONE_DAY,
      ClientCredentials: 10 * 60,
      DeviceCode: 10 * 60,
      BackchannelAuthenticationRequest: 10 * 60,
      PreAuthorizedCode: 10 * 60,
    },
    clientBasedCORS: (_ctx, origin) => /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(origin),
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        'Sign-in error',
        `<h1>Sign-in error</h1>${Object.entries(out)
          .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
          .join('')}`,
      );
    },
  };

  const provider = new ProviderClass(settings.issuer, configuration);
  provider.silent = true;
  provider.on('server_error', (_ctx, error) => {
    log(
      `server error (tenant ${tenantId}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  });
  for (const event of [
    'authorization.error',
    'grant.error',
    'end_session.error',
    'userinfo.error',
    'jwks.error',
  ]) {
    provider.on(event, (_ctx, error) => {
      const e = error as { error?: string; error_description?: string; message?: string };
      log(
        `${event} (tenant ${tenantId}): ${e.error ?? 'error'}${e.error_description ? ` (${e.error_description})` : ''}`,
      );
    });
  }
  return provider;
}
