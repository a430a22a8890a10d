import type { Cookie, HttpRequest } from '@azure/functions';
import { parse as parseCookieHeader } from 'cookie';
import * as Iron from 'iron-webcrypto';
import type { z } from 'zod';
import { config } from '../config.js';

/**
 * State the browser carries between requests, sealed (encrypted and signed) with iron-webcrypto, so no
 * instance owns a session store and a tampered or expired cookie reads as absent.
 */
export interface CookieKind<T extends z.ZodType> {
  name: string;
  path: string;
  ttlSeconds: number;
  schema: T;
}

/**
 * Over https a cookie is `__Host-` prefixed: the browser then insists on Secure, Path=/ and no Domain,
 * so no sibling subdomain can set or shadow it. Plain-http local development cannot use the prefix.
 */
export function cookieShape(kind: CookieKind<z.ZodType>, secure: boolean): { name: string; path: string } {
  return secure ? { name: `__Host-${kind.name}`, path: '/' } : { name: kind.name, path: kind.path };
}

const servedOverHttps = () => config().publicBaseUrl.startsWith('https://');

export async function sealCookie<T extends z.ZodType>(
  kind: CookieKind<T>,
  value: z.input<T>,
): Promise<Cookie> {
  const sealed = await Iron.seal(value, config().signIn.sessionSecret, {
    ...Iron.defaults,
    ttl: kind.ttlSeconds * 1000,
  });
  const secure = servedOverHttps();
  return {
    ...cookieShape(kind, secure),
    value: sealed,
    httpOnly: true,
    secure,
    sameSite: 'Lax',
    maxAge: kind.ttlSeconds,
  };
}

export function clearCookie(kind: CookieKind<z.ZodType>): Cookie {
  const secure = servedOverHttps();
  return { ...cookieShape(kind, secure), value: '', httpOnly: true, secure, sameSite: 'Lax', maxAge: 0 };
}

/** The cookie's value, or null when it is missing, tampered with, expired or not of the expected shape. */
export async function readCookie<T extends z.ZodType>(
  kind: CookieKind<T>,
  request: HttpRequest,
): Promise<z.output<T> | null> {
  const raw = parseCookieHeader(request.headers.get('cookie') ?? '')[
    cookieShape(kind, servedOverHttps()).name
  ];
  if (!raw) return null;
  try {
    const value = await Iron.unseal(raw, config().signIn.sessionSecret, Iron.defaults);
    const parsed = kind.schema.safeParse(value);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
