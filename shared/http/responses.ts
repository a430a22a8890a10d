import type { HttpResponseInit } from '@azure/functions';

export const json = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponseInit => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

export const ok = (body: unknown, headers: Record<string, string> = {}) => json(200, body, headers);

export const created = (body: unknown, location: string, headers: Record<string, string> = {}) =>
  json(201, body, { location, ...headers });

export const accepted = (body: unknown, location: string) => json(202, body, { location });

export const noContent = (headers: Record<string, string> = {}): HttpResponseInit => ({
  status: 204,
  headers,
});

export const html = (
  status: number,
  page: string,
  headers: Record<string, string> = {},
): HttpResponseInit => ({
  status,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    ...headers,
  },
  body: page,
});
