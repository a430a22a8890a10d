import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small request and response helpers the stand-in servers share. */

/** A body over the reader's limit; the server decides how to answer (the ACS stand-in: 413). */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body exceeds ${limit} bytes.`);
  }
}

/** A body that is not JSON; the server decides how to answer (the ACS stand-in: 400 BadRequest). */
export class InvalidJsonError extends Error {
  constructor() {
    super('The request body is not valid JSON.');
  }
}

/**
 * Reads a request body of at most `limit` bytes. A larger one is read to its end but not kept, so the
 * client still gets the answer (a BodyTooLargeError) instead of a reset connection.
 */
export async function readBody(req: IncomingMessage, limit = Infinity): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) throw new BodyTooLargeError(limit);
  return Buffer.concat(chunks);
}

export function parseJson(body: Buffer | string): unknown {
  try {
    return JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    throw new InvalidJsonError();
  }
}

/** A JSON request body of at most `limit` bytes. */
export async function readJson(req: IncomingMessage, limit?: number): Promise<unknown> {
  return parseJson(await readBody(req, limit));
}

/** An HTML form body (application/x-www-form-urlencoded) of at most `limit` bytes. */
export async function readForm(req: IncomingMessage, limit?: number): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req, limit)).toString('utf8'));
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string>,
): void {
  // Headers set earlier with setHeader (a library's cookies, an Allow) are kept: writeHead merges them.
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

/** An HTML page; nosniff so a browser never reads it as anything else. */
export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  send(res, status, 'text/html; charset=utf-8', html, { 'x-content-type-options': 'nosniff', ...headers });
}

export function redirect(res: ServerResponse, status: 302 | 303, location: string): void {
  res.writeHead(status, { location, 'cache-control': 'no-store', 'content-length': '0' });
  res.end();
}
