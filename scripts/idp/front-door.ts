import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, readForm, redirect, sendHtml, sendJson } from '../local-stack/http.js';
import { DEV_OPERATOR_PARAM, DEV_TENANT_PARAM, isLocalOrigin, issuerPath } from './clients.js';
import type { IdpContext } from './context.js';
import { request } from './https-client.js';
import {
  ENTER_EMAIL,
  errorPage,
  isChecked,
  signedOutPage,
  signInPage,
  tenantField,
  type SignInPageOptions,
} from './pages.js';
import { mount } from './tenants.js';
import { defaultTenantFor, HOME_TENANT_ID, normalizeEmail, normalizeTenantId } from './users.js';

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

const TENANT_NOTE =
  "Leave the tenant empty to sign in to the tenant that owns the e-mail's domain " +
  `(platform operators: the home tenant ${HOME_TENANT_ID}).`;

/** Discovery metadata the front door copies from a tenant's document (everything but its own endpoints). */
export function frontDoorMetadataFrom(tenantDiscovery: Record<string, unknown>): Record<string, unknown> {
  const copied: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tenantDiscovery)) {
    if (key === 'issuer' || key === 'jwks_uri' || key.endsWith('_endpoint')) continue;
    // The tenant names itself in the `iss` response parameter; the front door's issuer is a template.
    if (key === 'authorization_response_iss_parameter_supported') continue;
    copied[key] = value;
  }
  return copied;
}

type Endpoint = { method: 'GET' | 'POST'; run: () => Promise<void> | void };

/** /organizations/v2.0 and /common/v2.0: like Entra's, it serves no tenant and finds the right one. */
export async function frontDoor(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  alias: string,
  rest: string,
  url: URL,
): Promise<void> {
  const prefix = issuerPath(alias);
  const endpoints: Record<string, Endpoint> = {
    '/.well-known/openid-configuration': {
      method: 'GET',
      run: () =>
        sendJson(res, 200, {
          ...ctx.frontDoorMetadata,
          issuer: ctx.issuerTemplate,
          authorization_endpoint: `${ctx.base}${prefix}/auth`,
          token_endpoint: `${ctx.base}${prefix}/token`,
          jwks_uri: `${ctx.base}${prefix}/jwks`,
          end_session_endpoint: `${ctx.base}${prefix}/logout`,
        }),
    },
    '/logout': { method: 'GET', run: () => logout(ctx, res, url) },
    '/auth': { method: 'GET', run: () => authorize(ctx, res, prefix, url) },
    '/login': { method: 'POST', run: () => login(ctx, req, res, prefix) },
    '/token': { method: 'POST', run: () => token(ctx, req, res) },
    // Every tenant has the same keys; the home tenant's provider answers for all of them.
    '/jwks': { method: 'GET', run: () => mount(ctx.tenants.get(HOME_TENANT_ID), req, res, '/jwks', prefix) },
  };
  const endpoint = endpoints[rest];
  if (allowLocalOrigin(req, res)) return;
  if (!endpoint) {
    sendJson(res, 404, {
      error: 'not_found',
      error_description: `The front door ${ctx.base}${prefix} has ${Object.keys(endpoints).join(', ')}.`,
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
 * A single-page app (the admin console) reads the metadata and keys and redeems its code from the browser,
 * as Entra allows SPA clients: local origins get CORS headers; a preflight is answered here (true).
 */
function allowLocalOrigin(req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (!origin || !isLocalOrigin(origin)) return false;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  if (req.method !== 'OPTIONS') return false;
  res.setHeader('access-control-allow-methods', 'GET, POST');
  const asked = req.headers['access-control-request-headers'];
  if (asked) res.setHeader('access-control-allow-headers', asked);
  res.setHeader('access-control-max-age', '600');
  res.writeHead(204).end();
  return true;
}

/** The front door's sign-in form, which carries the authorization request along. */
function frontDoorSignIn(prefix: string, authorization: URLSearchParams, fields: Partial<SignInPageOptions>) {
  return signInPage({
    action: `${prefix}/login`,
    hidden: { request: authorization.toString() },
    client: authorization.get('client_id') ?? '',
    email: '',
    tenant: '',
    operator: false,
    tenantNote: TENANT_NOTE,
    ...fields,
  });
}

/**
 * Decides the tenant and sends the browser to that tenant's authorization endpoint with the same
 * parameters: dev_tenant when given; else the home tenant for operators (configured, or asking with
 * dev_operator=true); else the tenant that owns the login_hint's domain. With no usable login_hint,
 * the front door asks for the e-mail address (and optionally a tenant) first.
 */
function authorize(ctx: IdpContext, res: ServerResponse, prefix: string, url: URL): void {
  const params = url.searchParams;
  const asked = params.get(DEV_TENANT_PARAM);
  if (asked !== null) {
    const tenantId = normalizeTenantId(asked);
    if (!tenantId) {
      sendHtml(res, 400, errorPage(`${DEV_TENANT_PARAM} must be a tenant id (a GUID), got "${asked}".`));
      return;
    }
    redirect(res, 302, `${ctx.issuerFor(tenantId)}/auth${url.search}`);
    return;
  }
  const hint = params.get('login_hint');
  const email = normalizeEmail(hint);
  if (!email) {
    const page = frontDoorSignIn(prefix, params, {
      email: hint ?? '',
      operator: params.get(DEV_OPERATOR_PARAM) === 'true',
      ...(hint !== null ? { error: `login_hint "${hint}" is not an e-mail address.` } : {}),
    });
    sendHtml(res, 200, page);
    return;
  }
  const operator = ctx.operators.has(email) || params.get(DEV_OPERATOR_PARAM) === 'true';
  redirect(res, 302, `${ctx.issuerFor(defaultTenantFor(email, operator))}/auth${url.search}`);
}

/** The front door's sign-in form posted: the tenant is decided here, then that tenant signs the user in. */
async function login(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  prefix: string,
): Promise<void> {
  const form = await readForm(req, 16 * 1024);
  const authorization = new URLSearchParams(form.get('request') ?? '');
  const email = normalizeEmail(form.get('email'));
  const operator = isChecked(form.get('operator'));
  const tenant = tenantField(form);
  const again = (error: string) =>
    sendHtml(
      res,
      400,
      frontDoorSignIn(prefix, authorization, {
        email: form.get('email') ?? '',
        tenant: form.get('tenant') ?? '',
        operator,
        error,
      }),
    );
  if (!email) return again(ENTER_EMAIL);
  if (tenant.error) return again(tenant.error);
  authorization.set('login_hint', email);
  authorization.set(DEV_OPERATOR_PARAM, String(operator));
  if (tenant.tenantId) authorization.set(DEV_TENANT_PARAM, tenant.tenantId);
  else authorization.delete(DEV_TENANT_PARAM);
  const tenantId = tenant.tenantId ?? defaultTenantFor(email, ctx.operators.has(email) || operator);
  redirect(res, 303, `${ctx.issuerFor(tenantId)}/auth?${authorization.toString()}`);
}

/**
 * Sign-out at the front door, as Entra's /organizations/oauth2/v2.0/logout: the session to end is the
 * tenant's that issued the ID token hint, so the request goes on to that tenant's end-session endpoint
 * (which checks the post-logout redirect URI against the client). With no usable hint there is no tenant
 * session to name: the signed-out page is shown.
 */
function logout(ctx: IdpContext, res: ServerResponse, url: URL): void {
  const tenantId = tenantOfIdToken(url.searchParams.get('id_token_hint'));
  if (tenantId) {
    redirect(res, 302, `${ctx.issuerFor(tenantId)}/session/end${url.search}`);
    return;
  }
  sendHtml(res, 200, signedOutPage());
}

/** The `tid` an ID token names (read, not verified: the tenant's end-session endpoint verifies the hint). */
function tenantOfIdToken(token: string | null): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof claims.tid === 'string' ? normalizeTenantId(claims.tid) : undefined;
  } catch {
    return undefined;
  }
}

/** The grant a front-door token request redeems, or the OAuth error to answer with. */
function grantOf(
  form: URLSearchParams,
): { model: string; value: string } | { error: string; description: string } {
  const grantType = form.get('grant_type');
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    return {
      error: 'unsupported_grant_type',
      description: `the front door redeems authorization codes and refresh tokens; send ${grantType ?? 'other grants'} to a tenant's token endpoint`,
    };
  }
  const [model, parameter] =
    grantType === 'authorization_code' ? ['AuthorizationCode', 'code'] : ['RefreshToken', 'refresh_token'];
  const value = form.get(parameter);
  if (!value) return { error: 'invalid_request', description: `missing required parameter '${parameter}'` };
  return { model, value };
}

/**
 * Finds which tenant issued the authorization code or refresh token and forwards the request to that
 * tenant's token endpoint, returning its answer verbatim.
 */
async function token(ctx: IdpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = (await readBody(req, 64 * 1024)).toString('utf8');
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') {
    sendJson(res, 400, {
      error: 'invalid_request',
      error_description: 'token requests must be application/x-www-form-urlencoded',
    });
    return;
  }
  const grant = grantOf(new URLSearchParams(body));
  if ('error' in grant) {
    sendJson(res, 400, { error: grant.error, error_description: grant.description });
    return;
  }
  const tenantId = ctx.tenants.issuerOf(grant.model, grant.value);
  if (!tenantId) {
    sendJson(res, 400, { error: 'invalid_grant', error_description: 'grant request is invalid' });
    return;
  }
  await forwardToken(ctx, req, res, tenantId, body);
}

async function forwardToken(
  ctx: IdpContext,
  req: IncomingMessage,
  res: ServerResponse,
  tenantId: string,
  body: string,
): Promise<void> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_TOKEN_HEADERS) {
    const header = req.headers[name];
    if (typeof header === 'string') headers[name] = header;
  }
  let answer;
  try {
    answer = await request(`${ctx.issuerFor(tenantId)}/token`, {
      ca: ctx.ca,
      agent: ctx.selfAgent,
      method: 'POST',
      headers,
      body,
    });
  } catch (error) {
    ctx.log(`front door: forwarding to tenant ${tenantId} failed: ${String(error)}`);
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
