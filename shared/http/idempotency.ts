import { createHash } from 'node:crypto';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { AppError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { IdempotencyStore, StoredResponse } from '../app/ports.js';
import { authorizeScope, type AccessDeps, type RequestScope } from '../app/access.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const WAIT_FOR_FIRST_MS = 5_000;

/** Keys are per caller: two admins who pick the same key do not see each other's responses. */
export function idempotencyKey(key: string, principal: Principal): string {
  if (!KEY_PATTERN.test(key)) {
    throw new AppError(
      'validation-failed',
      'Idempotency-Key must be 1 to 255 visible ASCII characters.',
      {},
      [{ path: 'Idempotency-Key', message: 'invalid header' }],
    );
  }
  return `${principal.issuer}\n${principal.subject}\n${key}`;
}

/**
 * The request's fingerprint: method, path, query string and body. The same key on another request (even
 * one that differs only by `?dryRun=true`) is a different request and is refused, never replayed.
 */
export function requestHash(method: string, request: HttpRequest, body: Buffer | undefined): string {
  const url = new URL(request.url);
  return createHash('sha256')
    .update(`${method} ${url.pathname}\n${url.search}\n`)
    .update(body ?? Buffer.alloc(0))
    .digest('base64url');
}

function toStored(response: HttpResponseInit): StoredResponse {
  const headers = Object.fromEntries(
    new Headers(response.headers as ConstructorParameters<typeof Headers>[0]).entries(),
  );
  return {
    status: response.status ?? 200,
    headers,
    body: typeof response.body === 'string' ? response.body : '',
  };
}

const replay = (stored: StoredResponse): HttpResponseInit => ({
  status: stored.status,
  headers: { ...stored.headers, 'idempotent-replayed': 'true' },
  body: stored.body,
});

const reused = () =>
  new AppError('idempotency-key-reused', 'This Idempotency-Key was already used with a different request.');

/**
 * Runs a POST once per key: the first response (success or 4xx) is stored and replayed for the same
 * request; a different request with the key is refused. 5xx responses are not kept, so a retry runs.
 */
export async function idempotent(
  deps: AccessDeps & { store: IdempotencyStore },
  call: {
    scope: string;
    key: string;
    requestHash: string;
    principal: Principal;
    access: RequestScope;
  },
  run: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  // Nothing is written for a caller who may not act here: the access check comes first.
  await authorizeScope(deps, { principal: call.principal }, call.access);
  const { store } = deps;
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    const claim = await store.claim(call.scope, call.key, call.requestHash);
    if (claim.state === 'claimed') break;
    if (claim.requestHash !== call.requestHash) throw reused();
    if (claim.state === 'done') return replay(claim.response);
    if (Date.now() > deadline) {
      throw new AppError(
        'rate-limited',
        'A request with this Idempotency-Key is still being processed; retry shortly.',
        {
          retryAfterSeconds: 1,
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let response: HttpResponseInit;
  try {
    response = await run();
  } catch (error) {
    await store.release(call.scope, call.key);
    throw error;
  }
  if ((response.status ?? 200) >= 500) await store.release(call.scope, call.key);
  else await store.complete(call.scope, call.key, toStored(response));
  return response;
}
