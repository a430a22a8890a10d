import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostedFunction } from './functions.js';
import type { Invoker } from './invoke.js';
import type { HostLog } from './log.js';
import { describeError } from './log.js';
import { compareRoutePrecedence, splitRequestPath } from './routes.js';
import type { RpcHttpCookie, RpcHttpData, RpcNullableString, RpcTypedData } from './rpc.js';

/** Azure's default request size limit (100 MB). */
const MAX_BODY_BYTES = 100 * 1024 * 1024;

export interface HttpKeys {
  /** Accepted for authLevel `function`. */
  functionKeys: string[];
  /** Accepted for every authLevel (`function`, `admin`, `system`). */
  masterKey: string;
}

export interface AdminApi {
  functions(): HostedFunction[];
  /** Starts a non-HTTP function once with the given input; false when it cannot be started. */
  invoke(fn: HostedFunction, input: string | undefined): { accepted: boolean; reason?: string };
}

/** Uri.EscapeDataString: everything but RFC 3986 unreserved characters is percent-encoded. */
function escapeDataString(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A Set-Cookie value as the Functions host (ASP.NET Core `Response.Cookies.Append`) writes it. */
export function formatSetCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${escapeDataString(cookie.value ?? '')}`];
  const expires = cookie.expires?.value?.seconds;
  if (typeof expires === 'number') parts.push(`expires=${new Date(expires * 1000).toUTCString()}`);
  const maxAge = cookie.maxAge?.value;
  if (typeof maxAge === 'number') parts.push(`max-age=${Math.trunc(maxAge)}`);
  if (cookie.domain?.value) parts.push(`domain=${cookie.domain.value}`);
  parts.push(`path=${cookie.path?.value || '/'}`);
  if (cookie.secure?.value) parts.push('secure');
  const sameSites: Record<string, string> = { lax: 'lax', strict: 'strict', explicitNone: 'none' };
  const sameSite = sameSites[cookie.sameSite ?? 'none'];
  if (sameSite) parts.push(`samesite=${sameSite}`);
  if (cookie.httpOnly?.value) parts.push('httponly');
  return parts.join('; ');
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function bodyBytes(data: RpcTypedData | null | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (typeof data.string === 'string') return Buffer.from(data.string, 'utf8');
  if (typeof data.json === 'string') return Buffer.from(data.json, 'utf8');
  if (typeof data.int === 'number' || typeof data.double === 'number') {
    return Buffer.from(String(data.int ?? data.double), 'utf8');
  }
  return Buffer.alloc(0);
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]> = {},
  body?: Buffer,
) {
  if (res.headersSent) {
    res.end();
    return;
  }
  const payload = body ?? Buffer.alloc(0);
  res.writeHead(status, { ...headers, 'content-length': String(payload.length) });
  res.end(payload);
}

function sendJson(res: ServerResponse, status: number, value: unknown) {
  send(
    res,
    status,
    { 'content-type': 'application/json; charset=utf-8' },
    Buffer.from(JSON.stringify(value, null, 2)),
  );
}

/**
 * The request as the Functions host hands it to a Node.js worker (RPC http with nullable mappings):
 * header names lower-cased, repeated headers and query values joined with ",", route parameters
 * that matched, body as bytes.
 */
export function toRpcHttpRequest(
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  body: Buffer,
): RpcHttpData {
  const headers: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const key = req.rawHeaders[i]!.toLowerCase();
    (headers[key] ??= []).push(req.rawHeaders[i + 1]!);
  }
  const nullableHeaders: Record<string, RpcNullableString> = {};
  for (const [key, values] of Object.entries(headers)) nullableHeaders[key] = { value: values.join(',') };
  const nullableQuery: Record<string, RpcNullableString> = {};
  for (const key of new Set(url.searchParams.keys())) {
    nullableQuery[key] = { value: url.searchParams.getAll(key).join(',') };
  }
  const nullableParams: Record<string, RpcNullableString> = {};
  for (const [key, value] of Object.entries(params)) nullableParams[key] = { value };
  return {
    method: req.method ?? 'GET',
    url: url.href,
    nullableHeaders,
    nullableQuery,
    nullableParams,
    body: body.length > 0 ? { bytes: body } : undefined,
  };
}

export class HttpFrontDoor {
  readonly #routes: HostedFunction[];

  constructor(
    functions: HostedFunction[],
    private readonly routePrefix: string,
    private readonly invoker: Invoker,
    private readonly keys: HttpKeys,
    private readonly admin: AdminApi,
    private readonly log: HostLog,
  ) {
    this.#routes = functions
      .filter((f) => f.info.kind === 'http' && f.route && !f.info.error)
      .sort((a, b) => compareRoutePrecedence(a.route!, b.route!));
  }

  handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.#handle(req, res).catch((error: unknown) => {
      this.log.error(`dev host failed on ${req.method} ${req.url}: ${describeError(error)}`);
      send(res, 500);
    });
  };

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? 'localhost';
    const url = new URL(req.url ?? '/', `http://${host}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;

    if (/^\/admin(\/|$)/i.test(path)) return this.#admin(req, res, method, path);

    const below = this.#belowPrefix(path);
    const segments = below === undefined ? undefined : splitRequestPath(below);
    if (segments === undefined) return send(res, 404);

    let chosen: { fn: HostedFunction; params: Record<string, string> } | undefined;
    for (const fn of this.#routes) {
      if (fn.info.disabled) continue;
      const params = fn.route!.match(segments);
      if (!params) continue;
      const methods = fn.info.http!.methods;
      if (!methods || methods.includes(method)) {
        chosen = { fn, params };
        break;
      }
    }
    // As the Functions host does: no route for this method and path is 404 with an empty body, even
    // when the path has a route for other methods (azure-functions-host#10098).
    if (!chosen) return send(res, 404);
    const { fn, params } = chosen;
    if (!this.#authorized(fn.info.http!.authLevel, req, url)) return send(res, 401);

    const body = await readBody(req);
    if (body === 'too-large') return send(res, 413);

    const traceParent = req.headers.traceparent;
    const outcome = await this.invoker.invoke(fn, {
      reason: 'This function was programmatically called via the host APIs.',
      inputData: [{ name: fn.triggerName, data: { http: toRpcHttpRequest(req, url, params, body) } }],
      triggerMetadata: {},
      traceParent: typeof traceParent === 'string' ? traceParent : undefined,
    });
    if (!outcome.succeeded || !outcome.response) return send(res, 500);

    const httpOut = Object.entries(fn.registration.metadata.bindings).find(
      ([, b]) => b.direction === 'out' && String(b.type).toLowerCase() === 'http',
    );
    let data: RpcTypedData | null | undefined;
    if (httpOut) {
      data =
        httpOut[0] === '$return'
          ? outcome.response.returnValue
          : outcome.response.outputData?.find((o) => o.name === httpOut[0])?.data;
    }
    const http = data?.http;
    if (!http) return send(res, 200); // no response set: the host answers 200 with no body
    this.#writeResponse(res, http);
  }

  #writeResponse(res: ServerResponse, http: RpcHttpData): void {
    const status = Number.parseInt(http.statusCode ?? '', 10);
    const headers: Record<string, string | string[]> = {};
    const setCookies: string[] = [];
    for (const [key, value] of Object.entries(http.headers ?? {})) {
      const lower = key.toLowerCase();
      if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') continue;
      if (lower === 'set-cookie') setCookies.push(value);
      else headers[key] = value;
    }
    for (const cookie of http.cookies ?? []) setCookies.push(formatSetCookie(cookie));
    if (setCookies.length > 0) headers['set-cookie'] = setCookies;
    send(
      res,
      Number.isFinite(status) && status >= 100 && status <= 999 ? status : 200,
      headers,
      bodyBytes(http.body),
    );
  }

  #belowPrefix(path: string): string | undefined {
    if (!this.routePrefix) return path;
    const prefix = `/${this.routePrefix}`.toLowerCase();
    const lower = path.toLowerCase();
    if (lower === prefix || lower === `${prefix}/`) return '/';
    if (lower.startsWith(`${prefix}/`)) return path.slice(prefix.length);
    return undefined;
  }

  #presentedKey(req: IncomingMessage, url: URL): string | undefined {
    const header = req.headers['x-functions-key'];
    if (typeof header === 'string' && header) return header;
    return url.searchParams.get('code') ?? undefined;
  }

  #authorized(level: string, req: IncomingMessage, url: URL): boolean {
    if (level === 'anonymous') return true;
    const key = this.#presentedKey(req, url);
    if (!key) return false;
    if (key === this.keys.masterKey) return true;
    return level === 'function' && this.keys.functionKeys.includes(key);
  }

  async #admin(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    const parts = path.replace(/\/+$/, '').split('/').slice(2).map(decodeURIComponent);
    const functions = this.admin.functions();
    if (parts.length === 2 && parts[0]!.toLowerCase() === 'host' && parts[1]!.toLowerCase() === 'status') {
      if (method !== 'GET') return send(res, 405, { allow: 'GET' });
      return sendJson(res, 200, {
        state: 'Running',
        devHost: true,
        instanceId: process.env.DEVHOST_INSTANCE_ID,
        processId: process.pid,
        functions: functions.length,
      });
    }
    if (parts[0]?.toLowerCase() !== 'functions' || parts.length > 2) return send(res, 404);
    if (parts.length === 1) {
      if (method !== 'GET') return send(res, 405, { allow: 'GET' });
      return sendJson(
        res,
        200,
        functions.map((f) => f.info),
      );
    }
    const fn = functions.find((f) => f.info.name.toLowerCase() === parts[1]!.toLowerCase());
    if (!fn) return send(res, 404);
    if (method === 'GET') return sendJson(res, 200, fn.info);
    if (method !== 'POST') return send(res, 405, { allow: 'GET, POST' });

    const body = await readBody(req);
    if (body === 'too-large') return send(res, 413);
    let input: string | undefined;
    if (body.length > 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(res, 400, { error: 'the body must be JSON like {"input": "..."}' });
      }
      const raw = (parsed as { input?: unknown } | null)?.input;
      input =
        raw === undefined || raw === null ? undefined : typeof raw === 'string' ? raw : JSON.stringify(raw);
    }
    const started = this.admin.invoke(fn, input);
    if (!started.accepted) return sendJson(res, 400, { error: started.reason });
    return send(res, 202);
  }
}
