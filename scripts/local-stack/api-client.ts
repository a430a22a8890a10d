import { getAccessToken } from '../idp/token-client.js';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  as?: string | { email: string; operator: boolean } | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * A tiny client that calls the API as a portal would: real tokens from the local identity provider
 * (authorization code + PKCE), JSON in and out. Used by the demo-data seed and the end-to-end tests.
 */
export function apiClient(options: { apiUrl: string; idpUrl: string; caCertPath: string }) {
  const tokens = new Map<string, Promise<string>>();
  const token = (email: string, operator = false) => {
    const key = `${email.toLowerCase()}|${operator}`;
    let cached = tokens.get(key);
    if (!cached) {
      cached = getAccessToken({ issuer: options.idpUrl, caCertPath: options.caCertPath, email, operator });
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
      const who = typeof opts.as === 'string' ? { email: opts.as, operator: false } : opts.as;
      headers['authorization'] ??= `Bearer ${await token(who.email, who.operator)}`;
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
