import type { Cookie, HttpRequest } from '@azure/functions';
import { parse as parseCookieHeader } from 'cookie';
import * as Iron from 'iron-webcrypto';
import type { z } from 'zod';

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

export interface SealedCookies {
  seal<T extends z.ZodType>(kind: CookieKind<T>, value: z.input<T>): Promise<Cookie>;
  clear(kind: CookieKind<z.ZodType>): Cookie;
  /** The cookie's value, or null when it is missing, tampered with, expired or not of the expected shape. */
  read<T extends z.ZodType>(kind: CookieKind<T>, request: HttpRequest): Promise<z.output<T> | null>;
}

export function sealedCookies(settings: { secret: string; secure: boolean }): SealedCookies {
  const { secret, secure } = settings;
  return {
    async seal(kind, value) {
      const sealed = await Iron.seal(value, secret, { ...Iron.defaults, ttl: kind.ttlSeconds * 1000 });
      const shape = cookieShape(kind, secure);
      return { ...shape, value: sealed, httpOnly: true, secure, sameSite: 'Lax', maxAge: kind.ttlSeconds };
    },
    clear(kind) {
      return { ...cookieShape(kind, secure), value: '', httpOnly: true, secure, sameSite: 'Lax', maxAge: 0 };
    },
    async read(kind, request) {
      const raw = parseCookieHeader(request.headers.get('cookie') ?? '')[cookieShape(kind, secure).name];
      if (!raw) return null;
      try {
        const parsed = kind.schema.safeParse(await Iron.unseal(raw, secret, Iron.defaults));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
  };
}
