import type { HttpFunctionOptions, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import { AppError, type ErrorCode, type FieldProblem } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { Clock, IdempotencyStore, PartnerRepository, TokenVerifier } from '../app/ports.js';
import { createLogger, invocationSink } from '../log.js';
import type { Logger } from '../log.js';
import { DEFAULT_MAX_BODY_BYTES, parseBody, readBody, type BodyFormat } from './body.js';
import { CORRELATION_HEADER, correlationIdFrom } from './correlation.js';
import { errorToResponse } from './problem.js';
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
  bodyFormat?: BodyFormat;
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

/** What every endpoint needs besides its use case, handed over by the composition root. */
export interface HttpDeps {
  tokens: TokenVerifier;
  idempotency: IdempotencyStore;
  /** For the access check that precedes an idempotency claim. */
  partners: PartnerRepository;
  clock: Clock;
}

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

const hasCredentials = (request: HttpRequest) => request.headers.get('authorization') !== null;

async function authenticate(tokens: TokenVerifier, request: HttpRequest): Promise<Principal> {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  if (!match) throw new AppError('unauthenticated', 'A bearer token is required.', { missing: true });
  return tokens.verify(match[1]!);
}

function withHeader(response: HttpResponseInit, name: string, value: string): HttpResponseInit {
  const headers = new Headers(response.headers as ConstructorParameters<typeof Headers>[0]);
  headers.set(name, value);
  return { ...response, headers: Object.fromEntries(headers.entries()) };
}

export interface EndpointOptions {
  /** Pages for people (not portals) render errors as HTML instead of problem+json. */
  renderError?: typeof errorToResponse;
}

/** The request, parsed and checked: authenticated (when the spec asks), path, query and body valid. */
async function parseRequest<S extends EndpointSpec>(tokens: TokenVerifier, spec: S, request: HttpRequest) {
  const principal =
    spec.access === 'authenticated' || (spec.access === 'optional' && hasCredentials(request))
      ? await authenticate(tokens, request)
      : undefined;
  const params = spec.params ? parsePath(spec.params, request.params) : undefined;
  const query = spec.query
    ? parseWith(spec.query, Object.fromEntries(request.query.entries()), 'query')
    : undefined;
  const rawBody = spec.body
    ? await readBody(request, spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)
    : undefined;
  const body =
    spec.body && rawBody
      ? parseWith(spec.body, parseBody(spec.bodyFormat ?? 'json', request, rawBody), 'body')
      : undefined;
  return { principal, params, query, body, rawBody };
}

/**
 * The wrapper every HTTP function goes through, bound to its dependencies by the composition root:
 * `endpoint(spec, handle)` builds the `app.http` options (parse, authenticate, honour Idempotency-Key,
 * call, map errors to problem+json, add the correlation id).
 */
export function endpointFactory(deps: () => HttpDeps) {
  return function endpoint<S extends EndpointSpec>(
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
          const { tokens, idempotency, partners, clock } = deps();
          const parsed = await parseRequest(tokens, spec, request);
          const { principal } = parsed;
          const run = () =>
            handle({
              ...parsed,
              correlationId,
              log: principal ? log.with({ caller: principal.subject }) : log,
              request,
              context,
            } as EndpointInput<S>).catch((error: unknown) =>
              renderError(error, correlationId, log, instance),
            );
          const key = request.headers.get(IDEMPOTENCY_HEADER);
          const partnerId = (parsed.params as { partnerId?: string } | undefined)?.partnerId;
          response =
            spec.method === 'POST' && principal && key !== null
              ? await idempotent(
                  { store: idempotency, partners, clock },
                  {
                    scope: partnerId ?? '_platform',
                    key: idempotencyKey(key, principal),
                    requestHash: requestHash(spec.method, request, parsed.rawBody),
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
  };
}

export type Endpoint = ReturnType<typeof endpointFactory>;
