import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendHtml, sendJson } from '../local-stack/http.js';
import { FRONT_DOOR_ALIASES } from './clients.js';
import type { IdpContext } from './context.js';
import { frontDoor } from './front-door.js';
import { handleInteraction } from './interaction.js';
import { errorPage } from './pages.js';
import { mount } from './tenants.js';
import { normalizeTenantId } from './users.js';

/**
 * Entra ID issues a refresh token whenever offline_access is asked for, and MSAL always asks for it.
 * OpenID Connect (and so oidc-provider) drops offline_access unless the request also says
 * prompt=consent; consent is automatic here, so add it to authorization requests that ask for
 * offline_access without naming a prompt. Takes and returns the path relative to the tenant.
 */
function grantOfflineAccessLikeEntra(method: string | undefined, path: string, base: string): string {
  if (method !== 'GET') return path;
  const url = new URL(path, base);
  if (url.pathname !== '/auth') return path;
  const params = url.searchParams;
  const scopes = (params.get('scope') ?? '').split(' ');
  if (
    !scopes.includes('offline_access') ||
    params.has('prompt') ||
    params.has('request') ||
    params.has('request_uri')
  ) {
    return path;
  }
  params.set('prompt', 'consent');
  return `${url.pathname}?${params.toString()}`;
}

/** A path that names no tenant: like Entra (AADSTS900023), a bad request when it has a tenant segment. */
function noSuchTenant(ctx: IdpContext, res: ServerResponse, segment: string | undefined): void {
  const where =
    `This identity provider serves each tenant at ${ctx.issuerTemplate} (any GUID) and the ` +
    `multi-tenant front door at ${ctx.authority} (alias /common/v2.0); ` +
    `discovery is at <issuer>/.well-known/openid-configuration.`;
  // That includes the literal issuer template, which is a pattern for token issuers, not an address.
  if (segment === undefined) {
    sendJson(res, 404, { error: 'not_found', error_description: where });
    return;
  }
  sendJson(res, 400, {
    error: 'invalid_request',
    error_description: `Specified tenant identifier '${decodeURIComponent(segment)}' is not a tenant id (a GUID), nor organizations or common. ${where}`,
  });
}

/** /<tenant>/v2.0/...: the front door, a tenant's own interaction pages, or the tenant's provider. */
async function route(ctx: IdpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', ctx.base);
  const match = /^\/([^/]+)\/v2\.0(\/.*)?$/.exec(url.pathname);
  const segment = match?.[1]?.toLowerCase() ?? '';
  const rest = match?.[2] ?? '/';
  if (FRONT_DOOR_ALIASES.includes(segment)) {
    await frontDoor(ctx, req, res, segment, rest, url);
    return;
  }
  const tenantId = normalizeTenantId(segment);
  if (!tenantId) {
    noSuchTenant(ctx, res, match?.[1]);
    return;
  }
  const tenant = ctx.tenants.get(tenantId);
  const interaction = /^\/interaction\/([^/]+)(\/login)?$/.exec(rest);
  if (interaction) {
    const uid = decodeURIComponent(interaction[1]!);
    await handleInteraction(ctx, tenant, req, res, uid, Boolean(interaction[2]));
    return;
  }
  const path = grantOfflineAccessLikeEntra(req.method, `${rest}${url.search}`, ctx.base);
  await mount(tenant, req, res, path, tenant.prefix);
}

/** Serves every request; a failure is logged with the provider's description and shown on a page. */
export function serve(ctx: IdpContext) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    route(ctx, req, res).catch((error: unknown) => {
      const described = error as { error_description?: unknown };
      const message =
        typeof described?.error_description === 'string'
          ? described.error_description
          : error instanceof Error
            ? error.message
            : String(error);
      ctx.log(`sign-in failed: ${message}`);
      if (!res.headersSent) sendHtml(res, 400, errorPage(message));
      else res.end();
    });
  };
}
