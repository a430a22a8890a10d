import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 request signing as Azure Communication Services does it, mirrored from
 * `createCommunicationAccessKeyCredentialPolicy` in @azure/communication-common 2.4:
 *
 *   x-ms-content-sha256 = base64(SHA256(body))            (empty string for no body)
 *   string to sign      = `${VERB}\n${pathAndQuery}\n${x-ms-date};${host};${x-ms-content-sha256}`
 *   Authorization       = `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${base64(HMAC(key, stringToSign))}`
 *
 * where `key` is the base64-DECODED access key and pathAndQuery is `url.pathname` plus `?` and
 * `url.searchParams.toString()` when there is a query.
 */

/** How far x-ms-date may be from the server clock; ACS documents the same 15 minutes. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export function contentHash(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('base64');
}

export function hmacSignature(accessKey: string, stringToSign: string): string {
  return createHmac('sha256', Buffer.from(accessKey, 'base64')).update(stringToSign).digest('base64');
}

/** Path and query the way the SDK signs it (query re-serialized by URLSearchParams). */
export function canonicalPathAndQuery(rawUrl: string): string {
  const url = new URL(rawUrl, 'http://placeholder');
  const query = url.searchParams.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

/**
 * Headers for a signed request, for tests and tools that talk to the server without the SDK.
 * `url` is absolute (its host goes into the signature).
 */
export function signAcsRequest(input: {
  method: string;
  url: string;
  body?: string;
  accessKey: string;
  date?: Date;
}): Record<string, string> {
  const url = new URL(input.url);
  const date = (input.date ?? new Date()).toUTCString();
  const hash = contentHash(input.body ?? '');
  const stringToSign = `${input.method.toUpperCase()}\n${canonicalPathAndQuery(url.pathname + url.search)}\n${date};${url.host};${hash}`;
  return {
    'x-ms-date': date,
    'x-ms-content-sha256': hash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${hmacSignature(input.accessKey, stringToSign)}`,
  };
}

export type HmacVerdict = { ok: true } | { ok: false; reason: string };

/** Checks the HMAC headers of an incoming request against the access key and the raw body bytes. */
export function verifyAcsRequest(input: {
  method: string;
  /** Path and query exactly as received (req.url). */
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  accessKey: string;
  now?: number;
}): HmacVerdict {
  const header = (name: string): string | undefined => {
    const value = input.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const authorization = header('authorization');
  if (!authorization) return { ok: false, reason: 'missing Authorization header' };
  const match = /^HMAC-SHA256\s+SignedHeaders=([^&\s]+)&Signature=(\S+)$/i.exec(authorization.trim());
  if (!match)
    return { ok: false, reason: 'Authorization is not "HMAC-SHA256 SignedHeaders=...&Signature=..."' };
  const signedHeaders = match[1]!.toLowerCase().split(';');
  const signature = match[2]!;
  for (const required of ['host', 'x-ms-content-sha256']) {
    if (!signedHeaders.includes(required))
      return { ok: false, reason: `SignedHeaders must include ${required}` };
  }
  const dateHeader = signedHeaders.includes('x-ms-date')
    ? 'x-ms-date'
    : signedHeaders.includes('date')
      ? 'date'
      : undefined;
  if (!dateHeader) return { ok: false, reason: 'SignedHeaders must include x-ms-date' };

  const claimedHash = header('x-ms-content-sha256');
  if (!claimedHash) return { ok: false, reason: 'missing x-ms-content-sha256 header' };
  if (claimedHash !== contentHash(input.body)) {
    return { ok: false, reason: 'x-ms-content-sha256 does not match the request body' };
  }

  const date = header(dateHeader);
  const time = date === undefined ? Number.NaN : Date.parse(date);
  if (Number.isNaN(time)) return { ok: false, reason: `missing or unparseable ${dateHeader} header` };
  if (Math.abs((input.now ?? Date.now()) - time) > MAX_CLOCK_SKEW_MS) {
    return { ok: false, reason: `${dateHeader} is more than 15 minutes away from the server clock` };
  }

  const values: string[] = [];
  for (const name of signedHeaders) {
    const value = header(name);
    if (value === undefined) return { ok: false, reason: `signed header ${name} is missing` };
    values.push(value);
  }
  const provided = Buffer.from(signature, 'base64');
  // The JS SDK re-serializes the query; other SDKs sign the raw path and query. Accept either.
  const candidates = new Set([canonicalPathAndQuery(input.rawUrl), input.rawUrl]);
  for (const pathAndQuery of candidates) {
    const stringToSign = `${input.method.toUpperCase()}\n${pathAndQuery}\n${values.join(';')}`;
    const expected = Buffer.from(hmacSignature(input.accessKey, stringToSign), 'base64');
    if (expected.length === provided.length && timingSafeEqual(expected, provided)) return { ok: true };
  }
  return { ok: false, reason: 'signature does not match (wrong access key?)' };
}
