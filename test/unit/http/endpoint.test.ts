import type { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/domain/errors.js';
import type { EndpointInput } from '../../../shared/http/endpoint.js';
import {
  ADMIN_TOKEN,
  aRequest,
  aWrapper,
  anInvocation,
  bodyOf,
  noteSpec,
  invoke,
} from './endpoint-support.js';

type NoteInput = EndpointInput<typeof noteSpec>;

/** The wrapper with a handler that records what it was given and answers 201. */
function noteEndpoint(handle?: (input: NoteInput) => Promise<{ status: number; body?: string }>) {
  const wrapper = aWrapper();
  const seen: NoteInput[] = [];
  const options = wrapper.endpoint(noteSpec, async (input) => {
    seen.push(input);
    return handle ? handle(input) : { status: 201, body: JSON.stringify({ text: input.body.text }) };
  });
  const call = (request: HttpRequest) => {
    const { context, logged } = anInvocation();
    return invoke(options, request, context).then((response) => ({ response, logged }));
  };
  return { ...wrapper, options, seen, call };
}

describe('endpoint(): what reaches the handler', () => {
  it('registers the spec’s method and route, anonymous at the host (the wrapper authenticates)', () => {
    const { options } = noteEndpoint();
    expect(options).toMatchObject({
      methods: ['POST'],
      route: 'partners/{partnerId}/notes',
      authLevel: 'anonymous',
    });
  });

  it('hands the handler the parsed request, the caller and the correlation id, and no moment (use cases read their clock)', async () => {
    const { call, seen } = noteEndpoint();
    const { response } = await call(
      aRequest({
        json: { text: 'hello' },
        query: { dryRun: 'true' },
        headers: { 'x-correlation-id': 'corr-42' },
      }),
    );
    expect(response.status).toBe(201);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      params: { partnerId: 'contoso' },
      query: { dryRun: 'true' },
      body: { text: 'hello' },
      correlationId: 'corr-42',
      principal: { email: 'ada@contoso.com' },
    });
    expect(seen[0]).not.toHaveProperty('now');
    expect(new Headers(response.headers as Record<string, string>).get('x-correlation-id')).toBe('corr-42');
  });

  it('makes a correlation id when the caller sent none', async () => {
    const { call } = noteEndpoint();
    const { response } = await call(aRequest({ json: { text: 'hello' } }));
    expect(new Headers(response.headers as Record<string, string>).get('x-correlation-id')).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });
});

describe('endpoint(): refusals, each before the handler runs', () => {
  it('401 with a Bearer challenge when no token is sent', async () => {
    const { call, seen } = noteEndpoint();
    const { response } = await call(aRequest({ token: '', json: { text: 'hello' } }));
    expect(response.status).toBe(401);
    expect(new Headers(response.headers as Record<string, string>).get('www-authenticate')).toBe(
      'Bearer realm="partner-subscriptions"',
    );
    expect(await bodyOf(response)).toMatchObject({ code: 'unauthenticated' });
    expect(seen).toEqual([]);
  });

  it('401 invalid_token when the verifier refuses the token', async () => {
    const { call, seen } = noteEndpoint();
    const { response } = await call(aRequest({ token: 'forged.token.value', json: { text: 'hello' } }));
    expect(response.status).toBe(401);
    expect(new Headers(response.headers as Record<string, string>).get('www-authenticate')).toContain(
      'error="invalid_token"',
    );
    expect(seen).toEqual([]);
  });

  it('401 for an Authorization header that is not a bearer token', async () => {
    const { call } = noteEndpoint();
    const { response } = await call(
      aRequest({ headers: { authorization: `Basic ${ADMIN_TOKEN}` }, json: { text: 'x' } }),
    );
    expect(response.status).toBe(401);
  });

  it('404 for a path id no document can have (never a validation error, never a 500)', async () => {
    const { call, seen } = noteEndpoint();
    const { response } = await call(
      aRequest({ params: { partnerId: 'has space/and#hash' }, json: { text: 'hello' } }),
    );
    expect(response.status).toBe(404);
    expect(await bodyOf(response)).toMatchObject({ code: 'not-found' });
    expect(seen).toEqual([]);
  });

  it('400 naming the field for a query or body that fails its schema', async () => {
    const { call, seen } = noteEndpoint();
    const badQuery = await call(aRequest({ query: { dryRun: 'maybe' }, json: { text: 'hello' } }));
    expect(badQuery.response.status).toBe(400);
    expect(await bodyOf(badQuery.response)).toMatchObject({
      code: 'validation-failed',
      errors: [expect.objectContaining({ path: 'dryRun' })],
    });
    const badBody = await call(aRequest({ json: { text: '' } }));
    expect(await bodyOf(badBody.response)).toMatchObject({
      errors: [expect.objectContaining({ path: 'text' })],
    });
    expect(seen).toEqual([]);
  });

  it('400 for a body that is not JSON, 415 for one of another media type', async () => {
    const { call } = noteEndpoint();
    const notJson = await call(
      aRequest({ headers: { 'content-type': 'application/json' }, body: { string: '{"text":' } }),
    );
    expect(notJson.response.status).toBe(400);
    const wrongType = await call(
      aRequest({ headers: { 'content-type': 'text/plain' }, body: { string: 'hi' } }),
    );
    expect(wrongType.response.status).toBe(415);
    expect(await bodyOf(wrongType.response)).toMatchObject({ code: 'unsupported-media-type' });
  });

  it('413 for a declared length over the limit, and for a body that only turns out too long', async () => {
    const { call, seen } = noteEndpoint();
    const declared = await call(
      aRequest({
        headers: { 'content-type': 'application/json', 'content-length': '65' },
        body: { string: '{}' },
      }),
    );
    expect(declared.response.status).toBe(413);
    const streamed = await call(aRequest({ json: { text: 'x'.repeat(80) } }));
    expect(streamed.response.status).toBe(413);
    expect(await bodyOf(streamed.response)).toMatchObject({ code: 'payload-too-large', limitBytes: 64 });
    expect(seen).toEqual([]);
  });
});

describe('endpoint(): what the handler throws', () => {
  it('a domain error becomes its problem+json, with Retry-After when it says when to retry', async () => {
    const { call } = noteEndpoint(async () => {
      throw new AppError('dependency-unavailable', 'The database is busy.', { retryAfterSeconds: 3 });
    });
    const { response, logged } = await call(aRequest({ json: { text: 'hello' } }));
    expect(response.status).toBe(503);
    const headers = new Headers(response.headers as Record<string, string>);
    expect(headers.get('content-type')).toBe('application/problem+json');
    expect(headers.get('retry-after')).toBe('3');
    expect(await bodyOf(response)).toMatchObject({
      code: 'dependency-unavailable',
      detail: 'The database is busy.',
    });
    expect(logged.filter((entry) => entry[0] === 'error')).toHaveLength(1);
  });

  it('an unknown error is a 500 with the trace id, logged once, its message never shown', async () => {
    const { call } = noteEndpoint(async () => {
      throw new Error('connection string AccountKey=secret in a stack trace');
    });
    const { response, logged } = await call(
      aRequest({ json: { text: 'hello' }, headers: { 'x-correlation-id': 'c-500' } }),
    );
    expect(response.status).toBe(500);
    const body = await bodyOf(response);
    expect(body).toMatchObject({ code: 'internal', traceId: 'c-500' });
    expect(JSON.stringify(body)).not.toContain('AccountKey');
    expect(logged.filter((entry) => entry[0] === 'error')).toHaveLength(1);
  });

  it('a page endpoint renders errors its own way', async () => {
    const { endpoint } = aWrapper();
    const options = endpoint(
      {
        ...noteSpec,
        access: 'anonymous' as const,
        body: undefined,
        query: undefined,
        method: 'GET' as const,
      },
      async () => {
        throw new AppError('not-found', 'No such note.');
      },
      { renderError: () => ({ status: 404, body: '<h1>Not here</h1>' }) },
    );
    const { context } = anInvocation();
    const response = await invoke(options, aRequest({ method: 'GET', token: '' }), context);
    expect(response).toMatchObject({ status: 404, body: '<h1>Not here</h1>' });
  });
});

describe('endpoint(): optional access', () => {
  const optionalSpec = { ...noteSpec, access: 'optional' as const, method: 'GET' as const, body: undefined };

  it('serves an anonymous caller with no principal', async () => {
    const { endpoint } = aWrapper();
    const seen: unknown[] = [];
    const options = endpoint(optionalSpec, async (input) => {
      seen.push(input.principal);
      return { status: 200 };
    });
    const response = await invoke(options, aRequest({ method: 'GET', token: '' }), anInvocation().context);
    expect(response.status).toBe(200);
    expect(seen).toEqual([undefined]);
  });

  it('still refuses a token it cannot verify (an invalid token is not anonymous)', async () => {
    const { endpoint } = aWrapper();
    const options = endpoint(optionalSpec, async () => ({ status: 200 }));
    const response = await invoke(
      options,
      aRequest({ method: 'GET', token: 'forged.x.y' }),
      anInvocation().context,
    );
    expect(response.status).toBe(401);
  });
});
