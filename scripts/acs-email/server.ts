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
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningService } from '../local-stack/service.js';
import { defaultFaults, parseFaultConfig, takeInjectedFailure, type FaultConfig } from './faults.js';
import { verifyAcsRequest } from './hmac.js';
import { MESSAGE_BODY_CSP, renderInbox, renderMessageBody, type StoredEmail } from './inbox.js';

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

/** ACS caps a send request (content plus attachments) at 10 MB. */
const MAX_SEND_BYTES = 10 * 1024 * 1024;
/** ACS allows at most 50 recipients (to + cc + bcc) per message. */
const MAX_RECIPIENTS = 50;
const OPERATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const EMAIL_ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$|^[^\s@<>(),;:"]+@localhost$/i;

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

type OperationStatus = 'Running' | 'Succeeded' | 'Failed';

interface Operation {
  id: string;
  finalStatus: 'Succeeded' | 'Failed';
  error?: { code: string; message: string };
  runningPollsLeft: number;
  messageId: string | null;
  createdAt: string;
}

interface Stats {
  /** Authenticated POST /emails:send requests, whatever their outcome. */
  sendAttempts: number;
  /** Messages stored in the inbox. */
  acceptedMessages: number;
  /** Operations created (202 for a new operation id). */
  acceptedOperations: number;
  /** Sends for an operation id that already existed (answered with the same operation). */
  duplicateSends: number;
  /** Sends answered by an injected fault. */
  faultedSends: number;
  /** Sends refused with 400. */
  invalidSends: number;
  /** Requests to /emails/* refused with 401. */
  unauthorizedRequests: number;
  /** Accepted operations that end Failed (operation-level fault). */
  failedOperations: number;
  /** Authenticated send attempts per operation id (generated ids included). */
  byOperationId: Record<string, number>;
}

function emptyStats(): Stats {
  return {
    sendAttempts: 0,
    acceptedMessages: 0,
    acceptedOperations: 0,
    duplicateSends: 0,
    faultedSends: 0,
    invalidSends: 0,
    unauthorizedRequests: 0,
    failedOperations: 0,
    byOperationId: {},
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** ACS-style error: `{error: {code, message, target?}}` plus the x-ms-error-code header. */
function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  target?: string,
): void {
  sendJson(
    res,
    status,
    { error: target ? { code, message, target } : { code, message } },
    {
      'x-ms-error-code': code,
      ...headers,
    },
  );
}

function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(html);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) tooLarge = true;
    else chunks.push(buffer);
  }
  if (tooLarge) throw new HttpError(413, 'RequestEntityTooLarge', `The request body exceeds ${limit} bytes.`);
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'BadRequest', 'The request body is not valid JSON.');
  }
}

function addressList(value: unknown, target: string, required: boolean): string[] {
  if (value === undefined || value === null) {
    if (required) throw new HttpError(400, 'BadRequest', `${target} is required.`, target);
    return [];
  }
  if (!Array.isArray(value)) throw new HttpError(400, 'BadRequest', `${target} must be an array.`, target);
  if (required && value.length === 0) {
    throw new HttpError(400, 'BadRequest', `${target} must contain at least one recipient.`, target);
  }
  return value.map((entry, i) => {
    const address = isRecord(entry) ? entry.address : undefined;
    if (typeof address !== 'string' || address.trim() === '') {
      throw new HttpError(
        400,
        'BadRequest',
        `${target}[${i}].address is required.`,
        `${target}[${i}].address`,
      );
    }
    if (!EMAIL_ADDRESS.test(address.trim())) {
      throw new HttpError(
        400,
        'InvalidEmailAddress',
        `${target}[${i}].address "${address}" is not a valid email address.`,
        `${target}[${i}].address`,
      );
    }
    return address.trim();
  });
}

type ValidatedEmail = Omit<StoredEmail, 'id' | 'operationId' | 'receivedAt'>;

/** Roughly the validation ACS does on a send body (field names as the SDK serializes them). */
function validateMessage(body: unknown): ValidatedEmail {
  if (!isRecord(body)) throw new HttpError(400, 'BadRequest', 'The request body must be a JSON object.');
  const { senderAddress, recipients, content, attachments, replyTo } = body;
  if (typeof senderAddress !== 'string' || senderAddress.trim() === '') {
    throw new HttpError(400, 'BadRequest', 'senderAddress is required.', 'senderAddress');
  }
  if (!EMAIL_ADDRESS.test(senderAddress.trim())) {
    throw new HttpError(
      400,
      'InvalidSenderAddress',
      `senderAddress "${senderAddress}" is not a valid email address.`,
      'senderAddress',
    );
  }
  if (!isRecord(recipients)) throw new HttpError(400, 'BadRequest', 'recipients is required.', 'recipients');
  const to = addressList(recipients.to, 'recipients.to', true);
  const cc = addressList(recipients.cc, 'recipients.cc', false);
  const bcc = addressList(recipients.bcc, 'recipients.bcc', false);
  if (to.length + cc.length + bcc.length > MAX_RECIPIENTS) {
    throw new HttpError(
      400,
      'BadRequest',
      `A message may have at most ${MAX_RECIPIENTS} recipients (to + cc + bcc).`,
      'recipients',
    );
  }
  if (!isRecord(content)) throw new HttpError(400, 'BadRequest', 'content is required.', 'content');
  const { subject, html, plainText } = content;
  if (typeof subject !== 'string' || subject.trim() === '') {
    throw new HttpError(400, 'BadRequest', 'content.subject is required.', 'content.subject');
  }
  for (const [name, value] of [
    ['html', html],
    ['plainText', plainText],
  ] as const) {
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new HttpError(400, 'BadRequest', `content.${name} must be a string.`, `content.${name}`);
    }
  }
  const htmlText = typeof html === 'string' && html !== '' ? html : null;
  const plain = typeof plainText === 'string' && plainText !== '' ? plainText : null;
  if (htmlText === null && plain === null) {
    throw new HttpError(400, 'BadRequest', 'content.html or content.plainText is required.', 'content');
  }
  const files: { name: string; contentType: string }[] = [];
  if (attachments !== undefined && attachments !== null) {
    if (!Array.isArray(attachments))
      throw new HttpError(400, 'BadRequest', 'attachments must be an array.', 'attachments');
    for (const [i, a] of attachments.entries()) {
      if (
        !isRecord(a) ||
        typeof a.name !== 'string' ||
        typeof a.contentType !== 'string' ||
        typeof a.contentInBase64 !== 'string'
      ) {
        throw new HttpError(
          400,
          'BadRequest',
          `attachments[${i}] needs name, contentType and contentInBase64.`,
          `attachments[${i}]`,
        );
      }
      files.push({ name: a.name, contentType: a.contentType });
    }
  }
  return {
    from: senderAddress.trim(),
    to,
    cc,
    bcc,
    replyTo: addressList(replyTo, 'replyTo', false),
    subject,
    html: htmlText,
    plainText: plain,
    attachments: files,
  };
}

/** JSON shape of GET /messages entries: `to` is the first recipient, `recipients` all of `to`. */
function messageView(m: StoredEmail) {
  return {
    id: m.id,
    operationId: m.operationId,
    from: m.from,
    to: m.to[0] ?? '',
    recipients: m.to,
    cc: m.cc,
    bcc: m.bcc,
    replyTo: m.replyTo,
    subject: m.subject,
    html: m.html,
    plainText: m.plainText,
    attachments: m.attachments,
    receivedAt: m.receivedAt,
  };
}

function visibleStatus(op: Operation): OperationStatus {
  return op.runningPollsLeft > 0 ? 'Running' : op.finalStatus;
}

function operationBody(op: Operation, status: OperationStatus) {
  return status === 'Failed' && op.error ? { id: op.id, status, error: op.error } : { id: op.id, status };
}

export async function startEmailServer(options: EmailServerOptions): Promise<RunningEmailServer> {
  const host = options.host ?? '127.0.0.1';
  const accessKey = options.accessKey;
  if (!accessKey || Buffer.from(accessKey, 'base64').length === 0) {
    throw new Error('startEmailServer: accessKey must be a non-empty base64 string');
  }
  const log = options.log ?? (() => {});

  const messages: StoredEmail[] = [];
  const operations = new Map<string, Operation>();
  let faults: FaultConfig = defaultFaults();
  let stats: Stats = emptyStats();
  let fallbackHost = '';

  function authenticate(req: IncomingMessage, body: Buffer): void {
    const verdict = verifyAcsRequest({
      method: req.method ?? 'GET',
      rawUrl: req.url ?? '/',
      headers: req.headers,
      body,
      accessKey,
    });
    if (!verdict.ok) {
      stats.unauthorizedRequests += 1;
      throw new HttpError(401, 'Denied', `Denied by the resource provider: ${verdict.reason}.`);
    }
  }

  function requireApiVersion(url: URL): string {
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion) {
      throw new HttpError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    }
    return apiVersion;
  }

  function operationLocation(req: IncomingMessage, id: string, apiVersion: string): string {
    const requestHost = req.headers.host ?? fallbackHost;
    return `http://${requestHost}/emails/operations/${encodeURIComponent(id)}?api-version=${encodeURIComponent(apiVersion)}`;
  }

  async function handleSend(req: IncomingMessage, res: ServerResponse, url: URL): Promise<string> {
    const body = await readBody(req, MAX_SEND_BYTES);
    authenticate(req, body);
    const apiVersion = requireApiVersion(url);
    const header = req.headers['operation-id'];
    const givenId = Array.isArray(header) ? header[0] : header;
    if (givenId !== undefined && !OPERATION_ID.test(givenId)) {
      throw new HttpError(
        400,
        'InvalidOperationId',
        'Operation-Id must be a GUID (letters, digits, "-", "_", ".").',
      );
    }
    const operationId = givenId ?? randomUUID();
    stats.sendAttempts += 1;
    stats.byOperationId[operationId] = (stats.byOperationId[operationId] ?? 0) + 1;

    const fault = takeInjectedFailure(faults);
    if (fault) {
      stats.faultedSends += 1;
      sendError(res, fault.status, fault.code, fault.message, fault.headers);
      return `injected ${fault.status} op=${operationId}`;
    }

    let validated: ValidatedEmail;
    try {
      validated = validateMessage(parseJson(body));
    } catch (error) {
      if (error instanceof HttpError) stats.invalidSends += 1;
      throw error;
    }

    const headers = (op: Operation) => ({
      'operation-location': operationLocation(req, op.id, apiVersion),
      'retry-after': '1',
    });
    const existing = operations.get(operationId);
    if (existing) {
      stats.duplicateSends += 1;
      sendJson(res, 202, operationBody(existing, visibleStatus(existing)), headers(existing));
      return `duplicate op=${operationId} (not stored again)`;
    }

    const op: Operation = {
      id: operationId,
      finalStatus: faults.operationStatus,
      runningPollsLeft: faults.runningPolls,
      messageId: null,
      createdAt: new Date().toISOString(),
    };
    if (op.finalStatus === 'Failed') {
      op.error = { ...faults.operationError };
      stats.failedOperations += 1;
    } else {
      const message: StoredEmail = {
        id: randomUUID(),
        operationId,
        ...validated,
        receivedAt: op.createdAt,
      };
      messages.push(message);
      op.messageId = message.id;
      stats.acceptedMessages += 1;
    }
    operations.set(operationId, op);
    stats.acceptedOperations += 1;
    sendJson(res, 202, { id: op.id, status: 'Running' }, headers(op));
    return `accepted op=${operationId} to=${validated.to.join(',')} subject=${JSON.stringify(validated.subject)}${
      op.finalStatus === 'Failed' ? ' (will fail)' : ''
    }`;
  }

  async function handlePoll(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    id: string,
  ): Promise<string> {
    const body = await readBody(req, 64 * 1024);
    authenticate(req, body);
    requireApiVersion(url);
    const op = operations.get(id);
    if (!op) throw new HttpError(404, 'NotFound', `Operation ${id} was not found.`);
    const status = visibleStatus(op);
    if (op.runningPollsLeft > 0) op.runningPollsLeft -= 1;
    sendJson(res, 200, operationBody(op, status), status === 'Running' ? { 'retry-after': '1' } : {});
    return `op=${id} ${status}`;
  }

  async function handleFaults(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
    if (req.method === 'GET') {
      sendJson(res, 200, faults);
      return undefined;
    }
    if (req.method === 'DELETE') {
      faults = defaultFaults();
      sendJson(res, 200, faults);
      return 'faults cleared';
    }
    if (req.method === 'POST' || req.method === 'PUT') {
      const parsed = parseFaultConfig(parseJson(await readBody(req, 1024 * 1024)));
      if (typeof parsed === 'string') throw new HttpError(400, 'BadRequest', parsed);
      faults = parsed;
      sendJson(res, 200, faults);
      return `faults set ${JSON.stringify(faults.plan)} then=${faults.then} operationStatus=${faults.operationStatus}`;
    }
    throw new HttpError(405, 'MethodNotAllowed', 'Use GET, POST or DELETE on /_faults.');
  }

  function newestFirst(): StoredEmail[] {
    return [...messages].reverse();
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;

    if (path === '/emails:send' || path === '/emails%3Asend' || path === '/emails%3asend') {
      if (method !== 'POST') throw new HttpError(405, 'MethodNotAllowed', 'Use POST on /emails:send.');
      return handleSend(req, res, url);
    }
    const poll = /^\/emails\/operations\/([^/]+)$/.exec(path);
    if (poll) {
      if (method !== 'GET')
        throw new HttpError(405, 'MethodNotAllowed', 'Use GET on /emails/operations/{id}.');
      return handlePoll(req, res, url, decodeURIComponent(poll[1]!));
    }
    if (path === '/health' && method === 'GET') {
      sendJson(res, 200, { status: 'ok' });
      return undefined;
    }
    if (path === '/' && method === 'GET') {
      sendHtml(res, 200, renderInbox(newestFirst()), {
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'",
      });
      return undefined;
    }
    if (path === '/messages') {
      if (method === 'GET') {
        const to = url.searchParams.get('to')?.trim().toLowerCase();
        const list = newestFirst().filter(
          (m) => !to || [...m.to, ...m.cc, ...m.bcc].some((address) => address.toLowerCase() === to),
        );
        sendJson(res, 200, list.map(messageView));
        return undefined;
      }
      if (method === 'DELETE') {
        const count = messages.length;
        messages.length = 0;
        res.writeHead(204).end();
        return `cleared ${count} messages`;
      }
      throw new HttpError(405, 'MethodNotAllowed', 'Use GET or DELETE on /messages.');
    }
    const single = /^\/messages\/([^/]+)(\/html)?$/.exec(path);
    if (single && method === 'GET') {
      const id = decodeURIComponent(single[1]!);
      const message = messages.find((m) => m.id === id);
      if (!message) throw new HttpError(404, 'NotFound', `Message ${id} was not found.`);
      if (single[2])
        sendHtml(res, 200, renderMessageBody(message), { 'content-security-policy': MESSAGE_BODY_CSP });
      else sendJson(res, 200, messageView(message));
      return undefined;
    }
    if (path === '/_faults') return handleFaults(req, res);
    if (path === '/_stats') {
      if (method === 'GET') {
        sendJson(res, 200, stats);
        return undefined;
      }
      if (method === 'DELETE') {
        stats = emptyStats();
        res.writeHead(204).end();
        return 'stats reset';
      }
      throw new HttpError(405, 'MethodNotAllowed', 'Use GET or DELETE on /_stats.');
    }
    throw new HttpError(404, 'NotFound', `No route for ${method} ${path}.`);
  }

  const server = createServer((req, res) => {
    const started = `${req.method ?? 'GET'} ${req.url ?? '/'}`;
    route(req, res)
      .then((note) => {
        if (note !== undefined) log(`${started} -> ${res.statusCode} ${note}`);
      })
      .catch((error: unknown) => {
        const e =
          error instanceof HttpError
            ? error
            : new HttpError(
                500,
                'InternalServerError',
                error instanceof Error ? error.message : String(error),
              );
        log(`${started} -> ${e.status} ${e.code}: ${e.message}`);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        sendError(res, e.status, e.code, e.message, {}, e.target);
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost =
    host === '0.0.0.0' || host === ''
      ? '127.0.0.1'
      : host === '::'
        ? '[::1]'
        : host.includes(':')
          ? `[${host}]`
          : host;
  fallbackHost = `${urlHost}:${port}`;
  const url = `http://${fallbackHost}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    connectionString: `endpoint=${url}/;accesskey=${accessKey}`,
    stop: () => {
      stopping ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
