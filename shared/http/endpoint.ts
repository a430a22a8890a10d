import type { HttpFunctionOptions, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import { AppError, isAppError, type ErrorCode, type FieldProblem } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { createLogger, invocationSink, type Logger } from '../log.js';
import { tokenVerifier } from '../adapters/identity/token-verifier.js';
import { CORRELATION_HEADER, correlationIdFrom } from './correlation.js';
import { problemResponse } from './problem.js';
import { parseCsvRows } from './csv.js';
import { IDEMPOTENCY_HEADER, idempotencyKey, idempotent, requestHash } from './idempotency.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/**
 * `authenticated` needs a valid bearer token; `optional` checks one when it is sent (and refuses an
 * invalid one) but also serves anonymous callers. Who may do what beyond that is a use-case rule.
 */
export type Access = 'anonymous' | 'authenticated' | 'optional';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

/**
 * One endpoint of the public contract: the Functions registration, the request validation and the
 * OpenAPI document are all derived from this, so they cannot drift apart.
 */
export interface EndpointSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  name: string;
  method: HttpMethod;
  /** Functions route template below the `api` prefix, e.g. `partners/{partnerId}`. */
  route: string;
  summary: string;
  tags: readonly string[];
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** `form` for HTML forms; `csv-or-json` for uploads (text/csv becomes `{ rows }`); JSON otherwise. */
  bodyFormat?: 'json' | 'form' | 'csv-or-json';
  /** Largest accepted body; larger is 413. */
  maxBodyBytes?: number;
  responses: Record<number, ResponseSpec>;
  /** Stable error codes this endpoint can answer with (documented in OpenAPI). */
  errors?: readonly ErrorCode[];
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface EndpointInput<S extends EndpointSpec> {
  params: Out<S['params']>;
  query: Out<S['query']>;
  body: Out<S['body']>;
  /** The body's bytes as received (for uploads kept as they came). */
  rawBody: Buffer | undefined;
  principal: S['access'] extends 'authenticated' ? Principal : Principal | undefined;
  correlationId: string;
  log: Logger;
  request: HttpRequest;
  context: InvocationContext;
}

export type EndpointHandler<S extends EndpointSpec> = (input: EndpointInput<S>) => Promise<HttpResponseInit>;

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function zodProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError(
      'validation-failed',
      `The request ${where} is not valid.`,
      {},
      zodProblems(result.error),
    );
  }
  return result.data;
}

/**
 * Path ids that fail their schema name nothing that exists (an id with `/`, `#`, `?`, spaces or control
 * characters, or too long, can never be a document id): 404, not a validation error and never a 500.
 */
function parsePath<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError('not-found', 'Nothing exists at this address.');
  return result.data;
}

const describeBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes} bytes`;

/**
 * Reads the body, counting bytes as they arrive: a declared Content-Length over the limit is refused
 * before reading, and a chunked body with no length is cut off as soon as it passes the limit, so an
 * endless upload never fills memory.
 */
async function readBody(request: HttpRequest, maxBytes: number): Promise<Buffer> {
  const declaredLength = Number(request.headers.get('content-length') ?? '0');
  const tooLarge = () =>
    new AppError('payload-too-large', `The body is larger than the limit of ${describeBytes(maxBytes)}.`, {
      limitBytes: maxBytes,
    });
  if (declaredLength > maxBytes) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

function parseBody(format: 'json' | 'form' | 'csv-or-json', request: HttpRequest, bytes: Buffer): unknown {
  const contentType = request.headers.get('content-type') ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (format === 'csv-or-json' && mediaType === 'text/csv') return { rows: parseCsvRows(bytes) };
  if (format === 'csv-or-json' && mediaType !== 'application/json') {
    throw new AppError(
      'unsupported-media-type',
      `Upload text/csv or application/json, not ${mediaType || 'missing'}.`,
    );
  }
  if (format === 'form') {
    if (mediaType !== 'application/x-www-form-urlencoded') {
      throw new AppError(
        'unsupported-media-type',
        `The form must be application/x-www-form-urlencoded, not ${mediaType || 'missing'}.`,
      );
    }
    return Object.fromEntries(new URLSearchParams(bytes.toString('utf8')).entries());
  }
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    throw new AppError(
      'unsupported-media-type',
      `The body must be application/json, not ${mediaType || 'missing'}.`,
    );
  }
  if (bytes.length === 0) throw new AppError('validation-failed', 'The request body is empty.');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new AppError('validation-failed', 'The request body is not valid JSON.');
  }
}

const hasCredentials = (request: HttpRequest) => request.headers.get('authorization') !== null;

async function authenticate(request: HttpRequest): Promise<Principal> {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  if (!match) throw new AppError('unauthenticated', 'A bearer token is required.', { missing: true });
  return tokenVerifier().verify(match[1]!);
}

function wwwAuthenticate(error: AppError): string {
  return error.details['missing']
    ? 'Bearer realm="partner-subscriptions"'
    : 'Bearer realm="partner-subscriptions", error="invalid_token"';
}

/** Turns anything thrown into a problem response; unknown errors are logged once and never leaked. */
export function errorToResponse(
  error: unknown,
  correlationId: string,
  log: Logger,
  instance?: string,
): HttpResponseInit {
  if (isAppError(error)) {
    if (error.code === 'internal' || error.code === 'dependency-unavailable') {
      log.error('request.dependency-failed', {
        code: error.code,
        message: error.message,
        details: error.details,
      });
    }
    const headers: Record<string, string> =
      error.code === 'unauthenticated' ? { 'www-authenticate': wwwAuthenticate(error) } : {};
    if (typeof error.details['retryAfterSeconds'] === 'number') {
      headers['retry-after'] = String(error.details['retryAfterSeconds']);
    }
    const { missing: _missing, cause: _cause, ...extensions } = error.details;
    return problemResponse({
      code: error.code,
      detail: error.message,
      traceId: correlationId,
      instance,
      errors: error.fieldProblems,
      extensions,
      headers,
    });
  }
  log.error('request.unhandled-error', {
    error:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
  });
  return problemResponse({
    code: 'internal',
    detail: 'Something went wrong on our side. Quote the traceId when you report it.',
    traceId: correlationId,
    instance,
  });
}

function withHeader(response: HttpResponseInit, name: string, value: string): HttpResponseInit {
  const headers = new Headers(response.headers as ConstructorParameters<typeof Headers>[0]);
  headers.set(name, value);
  return { ...response, headers: Object.fromEntries(headers.entries()) };
}

/** Builds the `app.http` options for an endpoint: parse, authenticate, call, map errors. */
export interface EndpointOptions {
  /** Pages for people (not portals) render errors as HTML instead of problem+json. */
  renderError?: typeof errorToResponse;
}

export function endpoint<S extends EndpointSpec>(
  spec: S,
  handle: EndpointHandler<S>,
  options: EndpointOptions = {},
): HttpFunctionOptions {
  const renderError = options.renderError ?? errorToResponse;
  return {
    methods: [spec.method],
    route: spec.route,
    authLevel: 'anonymous',
    handler: async (request, context) => {
      const correlationId = correlationIdFrom(request.headers);
      const log = createLogger(invocationSink(context), {
        correlationId,
        invocationId: context.invocationId,
        endpoint: spec.name,
      });
      const instance = new URL(request.url).pathname;
      let response: HttpResponseInit;
      try {
        const principal =
          spec.access === 'authenticated' || (spec.access === 'optional' && hasCredentials(request))
            ? await authenticate(request)
            : undefined;
        const params = spec.params ? parsePath(spec.params, request.params) : undefined;
        const query = spec.query
          ? parseWith(spec.query, Object.fromEntries(request.query.entries()), 'query')
          : undefined;
        const raw = spec.body
          ? await readBody(request, spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)
          : undefined;
        const body =
          spec.body && raw
            ? parseWith(spec.body, parseBody(spec.bodyFormat ?? 'json', request, raw), 'body')
            : undefined;
        const run = () =>
          handle({
            params,
            query,
            body,
            rawBody: raw,
            principal,
            correlationId,
            log: principal ? log.with({ caller: principal.subject }) : log,
            request,
            context,
          } as EndpointInput<S>).catch((error: unknown) => renderError(error, correlationId, log, instance));
        const key = request.headers.get(IDEMPOTENCY_HEADER);
        const partnerId = (params as { partnerId?: string } | undefined)?.partnerId;
        response =
          spec.method === 'POST' && principal && key !== null
            ? await idempotent(
                {
                  scope: partnerId ?? '_platform',
                  key: idempotencyKey(key, principal),
                  requestHash: requestHash(spec.method, request, raw),
                  principal,
                  // Every keyed POST on a partner manages it; the others create partners (operators).
                  access: partnerId ? { kind: 'partner', partnerId, need: 'manage' } : { kind: 'platform' },
                },
                run,
              )
            : await run();
      } catch (error) {
        response = renderError(error, correlationId, log, instance);
      }
      return withHeader(response, CORRELATION_HEADER, correlationId);
    },
  };
}
