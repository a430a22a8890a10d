import { readFile } from 'node:fs/promises';
import { extname, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { CORRELATION_HEADER, correlationIdFrom } from './correlation.js';

/**
 * The admin console is a static single-page app (web/, built by Vite into dist/web) served by the function
 * app itself at /api/console/: one origin for the console and the API, so no CORS, one deployment, and the
 * Content Security Policy comes from the same code that serves the subscriber pages.
 */
export const CONSOLE_ROUTE = 'console/{*path}';

/** Where `vite build` puts the console, beside the compiled app (dist/shared/http -> dist/web). */
export const CONSOLE_DIST = fileURLToPath(new URL('../../web/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** The console's sign-in settings (the configuration's `console` part). */
export interface ConsoleSignIn {
  clientId: string;
  authority: string;
  protocolMode: 'OIDC' | 'AAD';
  apiScope: string;
}

/** What the console's MSAL reads at start: nothing secret (a public client has none). */
export function consoleSettings(console: ConsoleSignIn) {
  const authority = new URL(console.authority);
  return {
    clientId: console.clientId,
    authority: console.authority,
    // MSAL fetches its metadata from the authority's host itself instead of asking Microsoft's instance
    // discovery (which would not know the local identity provider).
    knownAuthorities: [authority.host],
    protocolMode: console.protocolMode,
    apiScope: console.apiScope,
  };
}

/**
 * Scripts and styles from the console's own origin only; the identity provider is reached by fetch (token
 * and metadata) and by redirects, never by a script; nothing may frame the console.
 */
export function consoleCsp(authority: string): string {
  const idp = new URL(authority).origin;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${idp}`,
    `frame-src ${idp}`,
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** The file below the console's folder a request path names, or undefined when it would leave it. */
export function consoleFile(dist: string, requested: string): string | undefined {
  const path = requested === '' || requested.endsWith('/') ? `${requested}index.html` : requested;
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const resolved = normalize(`${dist}${sep}${path}`);
  return resolved.startsWith(normalize(dist + sep)) ? resolved : undefined;
}

export interface ConsoleSite {
  dist: string;
  console: ConsoleSignIn;
}

/** Answers one GET below /api/console/: the settings, a built file, or 404. */
export async function serveConsole(site: ConsoleSite, request: HttpRequest): Promise<HttpResponseInit> {
  const requested = request.params['path'] ?? '';
  const headers = {
    ...SECURITY_HEADERS,
    [CORRELATION_HEADER]: correlationIdFrom(request.headers),
    'content-security-policy': consoleCsp(site.console.authority),
  };
  // /api/console without the slash: relative asset URLs need it.
  if (requested === '' && !new URL(request.url).pathname.endsWith('/')) {
    return { status: 308, headers: { ...headers, location: '/api/console/' } };
  }
  if (requested === 'config.json') {
    return {
      status: 200,
      headers: { ...headers, 'content-type': CONTENT_TYPES['.json']!, 'cache-control': 'no-store' },
      body: JSON.stringify(consoleSettings(site.console)),
    };
  }
  const file = consoleFile(site.dist, requested);
  const type = file ? CONTENT_TYPES[extname(file)] : undefined;
  const body = file && type ? await readFile(file).catch(() => undefined) : undefined;
  if (!body || !type) {
    return {
      status: 404,
      headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
      body: 'Not found',
    };
  }
  // Vite names built assets by their content hash: they never change; the page itself is always revalidated.
  const cache = requested.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
  return {
    status: 200,
    headers: { ...headers, 'content-type': type, 'cache-control': cache },
    body: request.method === 'HEAD' ? undefined : body,
  };
}
