import { request as httpsRequest, type Agent } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * HTTPS toward the local IdP, trusting its generated CA for these requests only (never a global
 * NODE_TLS_REJECT_UNAUTHORIZED=0). Node's fetch cannot take a per-request CA without undici, which is
 * not installed, so this uses node:https.
 */

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpOptions {
  ca: string;
  method?: 'GET' | 'POST' | 'OPTIONS';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Default Node's global agent. */
  agent?: Agent;
}

export function request(url: string, options: HttpOptions): Promise<HttpResult> {
  const target = new URL(url);
  if (target.protocol !== 'https:') {
    return Promise.reject(new Error(`refusing a non-HTTPS request to the IdP: ${url}`));
  }
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = httpsRequest(
      target,
      {
        method: options.method ?? 'GET',
        headers,
        ca: options.ca,
        timeout: options.timeoutMs ?? 15_000,
        ...(options.agent ? { agent: options.agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${target.origin} timed out`)));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** An MSAL network module that talks to the local IdP over HTTPS, trusting `ca`. */
export function caTrustingNetworkClient(ca: string): INetworkModule {
  async function send<T>(url: string, method: 'GET' | 'POST', options?: NetworkRequestOptions) {
    const res = await request(url, {
      ca,
      method,
      headers: options?.headers ?? {},
      ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    let body: T;
    try {
      body = JSON.parse(res.body) as T;
    } catch {
      throw new Error(`the IdP answered ${method} ${url} with ${res.status} and a non-JSON body`);
    }
    const response: NetworkResponse<T> = { headers, body, status: res.status };
    return response;
  }
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>(url, 'GET', options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>(url, 'POST', options),
  };
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/**
 * Just enough of a cookie jar for one origin (the IdP): honours Path, deletion by Max-Age=0 / a past
 * Expires, and sends the most specific path first. Domain is ignored because only the IdP is visited.
 */
export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  store(requestUrl: string, setCookie: string[] | undefined): void {
    const defaultPath = new URL(requestUrl).pathname.replace(/\/[^/]*$/, '') || '/';
    for (const line of setCookie ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = defaultPath;
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', val = ''] = attribute.split('=').map((s) => s.trim());
        const lower = key.toLowerCase();
        if (lower === 'path' && val.startsWith('/')) path = val;
        if (lower === 'max-age' && Number(val) <= 0) expired = true;
        if (lower === 'expires' && Date.parse(val) <= Date.now()) expired = true;
      }
      const key = `${name};${path}`;
      if (expired || value === '') this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path });
    }
  }

  header(url: string): string | undefined {
    const path = new URL(url).pathname;
    const matching = [...this.cookies.values()]
      .filter((c) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }
}

export type BrowseResult =
  /** A redirect to a URL outside the IdP that `isDestination` accepted, e.g. the client's redirect URI. */
  | { kind: 'redirect'; location: string }
  /** A page the IdP rendered instead of redirecting (the sign-in form, or an error page). */
  | { kind: 'page'; url: string; status: number; body: string };

/** Undoes HTML escaping in attribute values (of oidc-provider's pages and of ours). */
export const decodeHtml = (value: string) =>
  value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * The form of a page that submits itself on load, as oidc-provider's form posts do (e.g. ending the
 * session of the user signed in before, when another user signs in): its action and hidden fields.
 */
function selfSubmittingForm(html: string): { action: string; fields: Record<string, string> } | undefined {
  if (!html.includes('document.forms[0].submit()')) return undefined;
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
  if (!action) return undefined;
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)) {
    fields[decodeHtml(match[1]!)] = decodeHtml(match[2]!);
  }
  return { action: decodeHtml(action), fields };
}

/**
 * Acts as a browser would on the IdP: issues the request, follows its redirects (303 turns into GET),
 * carries cookies, submits the IdP's self-submitting forms (a browser runs their script), and stops at
 * the first redirect `isDestination` accepts or at the first other page.
 */
export async function browse(
  url: string,
  options: {
    ca: string;
    jar: CookieJar;
    isDestination: (location: string) => boolean;
    method?: 'GET' | 'POST';
    form?: Record<string, string>;
    maxHops?: number;
  },
): Promise<BrowseResult> {
  let current = url;
  let method = options.method ?? 'GET';
  let body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const origin = new URL(url).origin;
  for (let hop = 0; hop < (options.maxHops ?? 15); hop++) {
    const headers: Record<string, string> = { accept: 'text/html' };
    const cookie = options.jar.header(current);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await request(current, {
      ca: options.ca,
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    options.jar.store(current, res.headers['set-cookie']);
    const location = res.headers.location;
    if (res.status < 300 || res.status >= 400 || !location) {
      const form = res.status === 200 ? selfSubmittingForm(res.body) : undefined;
      const action = form && new URL(form.action, current);
      if (form && action && action.origin === origin) {
        current = action.href;
        method = 'POST';
        body = new URLSearchParams(form.fields).toString();
        continue;
      }
      return { kind: 'page', url: current, status: res.status, body: res.body };
    }
    const next = new URL(location, current).href;
    if (options.isDestination(next)) return { kind: 'redirect', location: next };
    if (new URL(next).origin !== origin) {
      throw new Error(`the IdP redirected to an unexpected place: ${next}`);
    }
    current = next;
    if (res.status !== 307 && res.status !== 308) {
      method = 'GET';
      body = undefined;
    }
  }
  throw new Error(`too many redirects starting at ${url}`);
}
