import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import type * as OidcProviderModule from 'oidc-provider';
import { issuerPath } from './clients.js';
import { buildProvider, type ProviderSettings } from './provider.js';
import { HOME_TENANT_ID } from './users.js';

export type OidcModule = typeof OidcProviderModule;

/** One tenant: its own issuer, served by its own oidc-provider instance mounted at /<tenantId>/v2.0. */
export interface Tenant {
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

/** Hands a request to a tenant's provider as if it were mounted at `mountedAt` with the path `path`. */
export function mount(
  tenant: Tenant,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  mountedAt: string,
) {
  req.url = path;
  (req as MountedRequest).originalUrl = `${mountedAt}${path}`;
  return tenant.callback(req, res);
}

export interface TenantDirectory {
  /** The tenant's provider, built on the first request for that tenant and kept. */
  get(tenantId: string): Tenant;
  /** Which tenant issued a live authorization code or refresh token (for the front door's token endpoint). */
  issuerOf(model: string, id: string): string | undefined;
}

/** Settings every tenant's provider shares; the directory adds each tenant's own. */
export type SharedProviderSettings = Omit<ProviderSettings, 'tenantId' | 'issuer' | 'accounts' | 'onUpsert'>;

/** How many records to write between sweeps of expired ones. */
const SWEEP_EVERY = 500;

export function createTenantDirectory(
  oidc: OidcModule,
  settings: SharedProviderSettings,
  issuerFor: (tenantId: string) => string,
): TenantDirectory {
  const { log } = settings;
  const tenants = new Map<string, Tenant>();
  const issuedBy = new Map<string, { tenantId: string; expiresAt: number }>();
  let issuedSinceSweep = 0;
  const recordIssued = (tenantId: string, model: string, id: string, expiresAt: number) => {
    if (model !== 'AuthorizationCode' && model !== 'RefreshToken') return;
    issuedBy.set(`${model}:${id}`, { tenantId, expiresAt });
    if (++issuedSinceSweep >= SWEEP_EVERY) {
      issuedSinceSweep = 0;
      const now = Date.now();
      for (const [key, entry] of issuedBy) if (entry.expiresAt <= now) issuedBy.delete(key);
    }
  };

  function get(tenantId: string): Tenant {
    const existing = tenants.get(tenantId);
    if (existing) return existing;
    const accounts = new Map<string, string>();
    const issuer = issuerFor(tenantId);
    const provider = routingProviderNotices(log, () =>
      buildProvider(oidc, {
        ...settings,
        tenantId,
        issuer,
        accounts,
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

  return {
    get,
    issuerOf: (model, id) => {
      const issued = issuedBy.get(`${model}:${id}`);
      return issued && issued.expiresAt > Date.now() ? issued.tenantId : undefined;
    },
  };
}

/**
 * Routes oidc-provider's console notices (printed when the module loads and when a provider is built)
 * to `log`, leaving every other console line alone.
 */
export function routingProviderNotices<T>(log: (line: string) => void, run: () => T): T {
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
