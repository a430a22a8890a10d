import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.js';

/** Generated from the served OpenAPI document (scripts/web-api-types.ts): the console's view of the contract. */
export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'] & Record<string, unknown>;
export type ErrorCode = Schemas['Problem']['code'];

/** A refusal or failure from the API, carrying its problem details (RFC 9457). */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

/** The API client: bearer token on every call, an Idempotency-Key on every POST unless one is given. */
export function createApi(token: () => Promise<string>) {
  const auth: Middleware = {
    async onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${await token()}`);
      if (request.method === 'POST' && !request.headers.has('idempotency-key')) {
        request.headers.set('idempotency-key', crypto.randomUUID());
      }
      return request;
    },
  };
  const client = createClient<paths>({ baseUrl: location.origin });
  client.use(auth);
  return client;
}

export type Api = ReturnType<typeof createApi>;

/** A response body, or a ProblemError thrown with the problem (a network failure becomes one too). */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    throw new ProblemError({
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      detail: error instanceof Error ? error.message : String(error),
      code: 'dependency-unavailable',
      traceId: '',
    });
  }
  if (result.response.ok) return result.data as T;
  const body = result.error;
  if (body && typeof body === 'object' && 'code' in body) throw new ProblemError(body as Problem);
  throw new ProblemError({
    type: 'about:blank',
    title: result.response.statusText,
    status: result.response.status,
    detail: `The API answered ${result.response.status}.`,
    code: result.response.status >= 500 ? 'internal' : 'validation-failed',
    traceId: result.response.headers.get('x-correlation-id') ?? '',
  });
}
