import { createServer, type Server } from 'node:https';
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
import { API_SCOPE, CLI_CLIENT_ID, CLI_REDIRECT_URI, DEV_OPERATOR_PARAM } from './clients.js';
import { ensureCookieKeys, ensureSigningKeys, ensureTlsMaterial } from './material.js';
import { createMemoryAdapter } from './memory-adapter.js';
import { claimsFor, normalizeEmail, OPERATOR_ROLE, subjectFor, type DevUserClaims } from './users.js';

export interface IdentityProviderOptions {
  port: number;
  /** Interface to listen on and host name of the issuer; default 127.0.0.1. */
  host?: string;
  /** Where the CA, server certificate, signing keys and cookie keys live; created when missing. */
  dataDir: string;
  /** E-mail addresses that always get the Platform.Operator role (case-insensitive). */
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
  /** The issuer, https://127.0.0.1:PORT (no trailing slash). */
  readonly url: string;
  /** PEM of the local CA that signed the server certificate: what clients must trust. */
  readonly caCertPath: string;
}

/** `amr` value recorded at sign-in when the dev operator role was asked for (checkbox or dev_operator=true). */
const OPERATOR_AMR = 'dev_operator';

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
  'h1{font-size:1.3rem}label{display:block;margin:.8rem 0}input[type=email]{width:100%;padding:.4rem;font-size:1rem}' +
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
  uid: string;
  client: string;
  email: string;
  operator: boolean;
  error?: string;
}): string {
  return page(
    'Sign in (local dev IdP)',
    `<h1>Sign in to ${escapeHtml(options.client)}</h1>
<p class="note">Local development identity provider: any e-mail address signs in, no password.</p>
${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
<form method="post" action="/interaction/${encodeURIComponent(options.uid)}/login" autocomplete="off">
  <label>E-mail address
    <input type="email" name="email" required autofocus value="${escapeHtml(options.email)}">
  </label>
  <label><input type="checkbox" name="operator" value="true"${options.operator ? ' checked' : ''}>
    sign in as platform operator (dev)</label>
  <button type="submit">Sign in</button>
</form>`,
  );
}

async function readForm(req: IncomingMessage, limit = 16 * 1024): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(html);
}

/**
 * Routes oidc-provider's console notices (printed when the module loads and when the provider is
 * built) to `log`, leaving every other console line alone.
 */
async function routingProviderNotices<T>(log: (line: string) => void, run: () => Promise<T>): Promise<T> {
  const { warn, info } = console;
  const route =
    (original: (...args: unknown[]) => void) =>
    (...args: unknown[]): void => {
      const line = args.map(String).join(' ');
      // eslint-disable-next-line no-control-regex
      if (line.includes('oidc-provider')) log(line.replace(/\u001b\[[0-9;]*m/g, ''));
      else original.apply(console, args);
    };
  console.warn = route(warn);
  console.info = route(info);
  try {
    return await run();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

/**
 * Entra ID issues a refresh token whenever offline_access is asked for, and MSAL always asks for it.
 * OpenID Connect (and so oidc-provider) drops offline_access unless the request also says
 * prompt=consent; consent is automatic here, so add it to authorization requests that ask for
 * offline_access without naming a prompt. Rewrites `req.url` in place.
 */
function grantOfflineAccessLikeEntra(req: IncomingMessage, issuer: string): void {
  if (req.method !== 'GET') return;
  const url = new URL(req.url ?? '/', issuer);
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

/**
 * Starts a local OpenID Connect provider standing in for Microsoft Entra ID, over HTTPS with a
 * certificate from a local CA generated on first start. Any e-mail address signs in without a password.
 */
export async function startIdentityProvider(
  options: IdentityProviderOptions,
): Promise<RunningIdentityProvider> {
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const audience = options.audience;
  const operators = new Set((options.operators ?? []).map((e) => e.trim().toLowerCase()).filter(Boolean));
  /** Which e-mail address signed in as which account id; filled at sign-in (sessions are in memory too). */
  const accounts = new Map<string, string>();

  const tls = await ensureTlsMaterial(options.dataDir);
  const jwks = await ensureSigningKeys(options.dataDir);
  const cookieKeys = ensureCookieKeys(options.dataDir);
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
  const issuer = `https://${issuerHostFor(host)}:${port}`;

  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });

  try {
    const provider = await routingProviderNotices(log, async () => {
      const oidc = await import('oidc-provider');
      return buildProvider(oidc, {
        ...options,
        issuer,
        audience,
        operators,
        accounts,
        jwks,
        cookieKeys,
        log,
      });
    });
    const providerCallback = provider.callback();
    handle = (req, res) => {
      grantOfflineAccessLikeEntra(req, issuer);
      const path = new URL(req.url ?? '/', issuer).pathname;
      const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(path);
      if (!match) {
        void providerCallback(req, res);
        return;
      }
      Promise.resolve()
        .then(() => handleInteraction(provider, req, res, decodeURIComponent(match[1]!), Boolean(match[2])))
        .catch((error: unknown) => {
          const described = error as { error_description?: unknown };
          const message =
            typeof described?.error_description === 'string'
              ? described.error_description
              : error instanceof Error
                ? error.message
                : String(error);
          log(`sign-in failed: ${message}`);
          if (!res.headersSent) {
            sendHtml(
              res,
              400,
              page(
                'Sign-in failed',
                `<h1>Sign-in failed</h1><p class="error">${escapeHtml(message)}</p>` +
                  '<p>Start the sign-in again from the application.</p>',
              ),
            );
          } else {
            res.end();
          }
        });
    };
  } catch (error) {
    await stop();
    throw error;
  }

  log(`identity provider listening at ${issuer} (CA: ${tls.caCertPath})`);
  return { url: issuer, caCertPath: tls.caCertPath, stop };

  async function handleInteraction(
    provider: Provider,
    req: IncomingMessage,
    res: ServerResponse,
    uid: string,
    isLoginPost: boolean,
  ): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('this sign-in page belongs to another sign-in attempt');
    const clientId = String(details.params.client_id ?? '');
    const operatorParam = details.params[DEV_OPERATOR_PARAM] === 'true';

    if (details.prompt.name === 'login') {
      if (isLoginPost) {
        if (req.method !== 'POST') throw new Error('expected a form submission');
        const form = await readForm(req);
        const email = normalizeEmail(form.get('email'));
        const operator = form.get('operator') === 'true' || form.get('operator') === 'on';
        if (!email) {
          sendHtml(
            res,
            400,
            signInPage({
              uid,
              client: clientId,
              email: form.get('email') ?? '',
              operator,
              error: 'Enter an e-mail address such as ada.lovelace@contoso.com.',
            }),
          );
          return;
        }
        await finishLogin(provider, req, res, email, operator);
        return;
      }
      const hint = details.params.login_hint;
      const email = normalizeEmail(hint);
      if (email) {
        await finishLogin(provider, req, res, email, operatorParam);
        return;
      }
      sendHtml(
        res,
        200,
        signInPage({
          uid,
          client: clientId,
          email: typeof hint === 'string' ? hint : '',
          operator: operatorParam,
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
    provider: Provider,
    req: IncomingMessage,
    res: ServerResponse,
    email: string,
    operator: boolean,
  ): Promise<void> {
    const accountId = subjectFor(email);
    accounts.set(accountId, email);
    log(`signed in ${email}${operator ? ' as platform operator' : ''}`);
    await provider.interactionFinished(
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
    issuer: string;
    audience: string;
    operators: Set<string>;
    accounts: Map<string, string>;
    jwks: { keys: UnknownObject[] };
    cookieKeys: string[];
    log: (line: string) => void;
  },
): Provider {
  const { default: ProviderClass, interactionPolicy, errors } = oidc;
  const { audience, operators, accounts, log } = settings;
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
    const roles = token?.extra?.roles;
    if (Array.isArray(roles)) return roles.includes(OPERATOR_ROLE);
    const session = ctx?.oidc.session;
    if (session?.accountId === accountId && session.amr) return session.amr.includes(OPERATOR_AMR);
    return false;
  }

  function findAccount(ctx: KoaContextWithOIDC, sub: string, token?: TokenModel): DevAccount | undefined {
    const email = accounts.get(sub);
    if (!email) return undefined;
    const profile = claimsFor(email, operators.has(email) || operatorRequested(ctx, sub, token));
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
  // another role; then the user signs in again.
  login?.checks.add(
    new Check('login_hint_other_user', 'login_hint names another user', 'login_required', (ctx) => {
      const hinted = normalizeEmail(ctx.oidc.params.login_hint);
      const current = ctx.oidc.session?.accountId;
      return hinted !== undefined && current !== undefined && subjectFor(hinted) !== current
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

  const configuration: Configuration = {
    adapter: createMemoryAdapter(),
    clients,
    jwks: settings.jwks,
    cookies: { keys: settings.cookieKeys },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: {
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
      openid: ['sub', 'oid', 'tid', 'roles'],
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
      return { ...claims, scp: [...new Set(granted)].join(' ') || API_SCOPE };
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
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
    log(`server error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
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
      log(`${event}: ${e.error ?? 'error'}${e.error_description ? ` (${e.error_description})` : ''}`);
    });
  }
  return provider;
}
