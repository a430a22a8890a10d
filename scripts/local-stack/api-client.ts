import { getAccessToken } from '../idp/token-client.js';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Who calls: an e-mail address, or a sign-in that asks for the operator role and/or names a tenant. */
export type Caller = string | { email: string; operator?: boolean; tenant?: string };

export interface RequestOptions {
  as?: Caller | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * A tiny client that calls the API as a portal would: real tokens from the local identity provider
 * (authorization code + PKCE through its front door), JSON in and out. Used by the demo-data seed and
 * the end-to-end tests. Without a tenant, a caller signs in where the IdP's front door puts them: the
 * tenant that owns their e-mail's domain, or the home tenant for operators.
 */
export function apiClient(options: { apiUrl: string; idpUrl: string; caCertPath: string }) {
  const tokens = new Map<string, Promise<string>>();
  const token = (email: string, operator = false, tenant?: string) => {
    const key = `${email.toLowerCase()}|${operator}|${tenant?.toLowerCase() ?? ''}`;
    let cached = tokens.get(key);
    if (!cached) {
      cached = getAccessToken({
        issuer: options.idpUrl,
        caCertPath: options.caCertPath,
        email,
        operator,
        ...(tenant ? { tenant } : {}),
      });
      cached.catch(() => tokens.delete(key));
      tokens.set(key, cached);
    }
    return cached;
  };

  async function request<T = unknown>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.as) {
      const who = typeof opts.as === 'string' ? { email: opts.as } : opts.as;
      headers['authorization'] ??= `Bearer ${await token(who.email, who.operator ?? false, who.tenant)}`;
    }
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${options.apiUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if (/json/.test(response.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  return { request, token };
}

export type ApiClient = ReturnType<typeof apiClient>;
