/**
 * A local stand-in for Azure Communication Services Email, for the dev stack and tests.
 *
 * It speaks enough of the ACS Email data-plane REST contract that the real `EmailClient` from
 * @azure/communication-email works against it unchanged (connection string
 * `endpoint=http://127.0.0.1:PORT/;accesskey=KEY`, client option `allowInsecureConnection: true`):
 *
 *   POST /emails:send?api-version=...        HMAC-signed, optional `Operation-Id` header (idempotency)
 *     -> 202 {id, status: "Running"}, headers Operation-Location, Retry-After: 1
 *   GET  /emails/operations/{id}?api-version=...  HMAC-signed
 *     -> 200 {id, status: "Running" | "Succeeded" | "Failed", error?}
 *
 * Accepted messages land in an in-memory inbox for people (GET /) and tests (GET /messages).
 * Dev-only fault injection: /_faults, counters: /_stats. Nothing here is secure or persistent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { RunningService } from '../local-stack/service.js';
import { sendJson } from '../local-stack/http.js';
import { close, listen, urlHost } from '../local-stack/net.js';
import { handleFaults, handleStats } from './control.js';
import { HttpError, sendError, toHttpError } from './errors.js';
import { defaultFaults } from './faults.js';
import { handleInboxPage, handleMessage, handleMessages } from './inbox-routes.js';
import { handlePoll } from './operations.js';
import { handleSend } from './send.js';
import { emptyStats, type EmailState, type RouteResult } from './state.js';

export type { StoredEmail } from './inbox.js';
export type { FaultConfig, FaultStep } from './faults.js';

/**
 * Access key of the local server in the dev stack: base64 of
 * "partner-subscriptions local ACS Email dev key - NOT A SECRET". Dev-only, never a real ACS key.
 */
export const LOCAL_EMAIL_ACCESS_KEY =
  'cGFydG5lci1zdWJzY3JpcHRpb25zIGxvY2FsIEFDUyBFbWFpbCBkZXYga2V5IC0gTk9UIEEgU0VDUkVU';

/** The api-version @azure/communication-email 1.1.0 sends; any value is accepted, it must be present. */
export const ACS_EMAIL_API_VERSION = '2025-09-01';

export interface EmailServerOptions {
  port: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Base64 access key the HMAC signatures are checked against (e.g. LOCAL_EMAIL_ACCESS_KEY). */
  accessKey: string;
  log?: (line: string) => void;
}

export interface RunningEmailServer extends RunningService {
  /** Base URL, e.g. http://127.0.0.1:7072 (no trailing slash). The inbox is at `${url}/`. */
  readonly url: string;
  /** `endpoint=${url}/;accesskey=${accessKey}` for `new EmailClient(connectionString, { allowInsecureConnection: true })`. */
  readonly connectionString: string;
  readonly port: number;
  stop(): Promise<void>;
}

const SEND_PATHS = new Set(['/emails:send', '/emails%3Asend', '/emails%3asend']);

/** The ACS contract: send and poll. Anything else is the inbox or a dev control route. */
function route(state: EmailState, req: IncomingMessage, res: ServerResponse): RouteResult {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://local');
  const path = url.pathname;
  if (SEND_PATHS.has(path)) {
    if (method !== 'POST') throw new HttpError(405, 'MethodNotAllowed', 'Use POST on /emails:send.');
    return handleSend(state, req, res, url);
  }
  const poll = /^\/emails\/operations\/([^/]+)$/.exec(path);
  if (poll) {
    if (method !== 'GET') throw new HttpError(405, 'MethodNotAllowed', 'Use GET on /emails/operations/{id}.');
    return handlePoll(state, req, res, url, decodeURIComponent(poll[1]!));
  }
  return localRoute(state, req, res, url);
}

/** The stand-in's own routes: health, the inbox (page and JSON), faults and counters. */
function localRoute(state: EmailState, req: IncomingMessage, res: ServerResponse, url: URL): RouteResult {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (path === '/health' && method === 'GET') {
    sendJson(res, 200, { status: 'ok' });
    return undefined;
  }
  if (path === '/' && method === 'GET') return handleInboxPage(state, res);
  if (path === '/messages') return handleMessages(state, req, res, url);
  const single = /^\/messages\/([^/]+)(\/html)?$/.exec(path);
  if (single && method === 'GET') {
    return handleMessage(state, res, decodeURIComponent(single[1]!), Boolean(single[2]));
  }
  if (path === '/_faults') return handleFaults(state, req, res);
  if (path === '/_stats') return handleStats(state, req, res);
  throw new HttpError(404, 'NotFound', `No route for ${method} ${path}.`);
}

/** Runs a route, logs what it did, and answers any failure in ACS's error shape. */
function serve(state: EmailState, log: (line: string) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = `${req.method ?? 'GET'} ${req.url ?? '/'}`;
    Promise.resolve()
      .then(() => route(state, req, res))
      .then((note) => {
        if (note !== undefined) log(`${started} -> ${res.statusCode} ${note}`);
      })
      .catch((error: unknown) => {
        const e = toHttpError(error);
        log(`${started} -> ${e.status} ${e.code}: ${e.message}`);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        sendError(res, e.status, e.code, e.message, {}, e.target);
      });
  };
}

export async function startEmailServer(options: EmailServerOptions): Promise<RunningEmailServer> {
  const host = options.host ?? '127.0.0.1';
  const accessKey = options.accessKey;
  if (!accessKey || Buffer.from(accessKey, 'base64').length === 0) {
    throw new Error('startEmailServer: accessKey must be a non-empty base64 string');
  }
  const state: EmailState = {
    accessKey,
    messages: [],
    operations: new Map(),
    faults: defaultFaults(),
    stats: emptyStats(),
    fallbackHost: '',
  };
  const server = createServer(serve(state, options.log ?? (() => {})));
  const port = await listen(server, options.port, host);
  state.fallbackHost = `${urlHost(host)}:${port}`;
  const url = `http://${state.fallbackHost}`;
  return {
    url,
    port,
    connectionString: `endpoint=${url}/;accesskey=${accessKey}`,
    stop: () => close(server),
  };
}
