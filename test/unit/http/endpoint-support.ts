import {
  HttpRequest,
  InvocationContext,
  type HttpFunctionOptions,
  type HttpRequestInit,
  type HttpResponseInit,
} from '@azure/functions';
import { z } from 'zod';
import { AppError } from '../../../shared/domain/errors.js';
import type { Principal } from '../../../shared/domain/principal.js';
import { endpointFactory, type EndpointSpec } from '../../../shared/http/endpoint.js';
import { FakeIdempotencyStore, FakePartnerRepository } from '../../support/fakes/index.js';
import { aPartner } from '../../support/mothers/partner.js';
import { anAdminOf } from '../../support/mothers/principal.js';

export const CLOCK_NOW = new Date('2026-03-01T09:00:00.000Z');
export const ADMIN_TOKEN = 'admin.token.signature';
export const OTHER_ADMIN_TOKEN = 'other.token.signature';
export const STRANGER_TOKEN = 'stranger.token.signature';

/** A spec shaped like the real ones: a partner path id, a query, a JSON body. */
export const noteSpec = {
  name: 'notes-create',
  method: 'POST',
  route: 'partners/{partnerId}/notes',
  summary: 'Adds a note.',
  tags: ['test'],
  access: 'authenticated',
  params: z.object({ partnerId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/) }),
  query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
  body: z.object({ text: z.string().min(1).max(20) }),
  maxBodyBytes: 64,
  responses: { 201: { description: 'Created.' } },
} satisfies EndpointSpec;

/** The wrapper bound to in-memory dependencies: a verifier that knows three tokens, Contoso, a fixed clock. */
export function aWrapper() {
  const idempotency = new FakeIdempotencyStore();
  const partners = new FakePartnerRepository(aPartner());
  const principals: Record<string, Principal> = {
    [ADMIN_TOKEN]: anAdminOf('ada@contoso.com'),
    [OTHER_ADMIN_TOKEN]: anAdminOf('ada@contoso.com', { subject: 'subject-ada-2' }),
    [STRANGER_TOKEN]: anAdminOf('mallory@contoso.com'),
  };
  const tokens = {
    verify: async (token: string) => {
      const principal = principals[token];
      if (!principal) throw new AppError('unauthenticated', 'The token is not valid.');
      return principal;
    },
  };
  const endpoint = endpointFactory(() => ({ tokens, idempotency, partners, clock: () => CLOCK_NOW }));
  return { endpoint, idempotency, partners };
}

export function aRequest(
  init: Partial<HttpRequestInit> & { path?: string; token?: string; json?: unknown } = {},
) {
  const { path = '/api/partners/contoso/notes', token = ADMIN_TOKEN, json, query, ...rest } = init;
  // As the host does: the query string is part of the URL, and request.query is read from it.
  const url = new URL(`http://localhost:7071${path}`);
  for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = { ...(rest.headers as Record<string, string> | undefined) };
  if (token) headers['authorization'] ??= `Bearer ${token}`;
  if (json !== undefined) headers['content-type'] ??= 'application/json';
  return new HttpRequest({
    method: 'POST',
    url: url.toString(),
    params: { partnerId: 'contoso' },
    ...rest,
    headers,
    ...(json !== undefined ? { body: { string: JSON.stringify(json) } } : {}),
  });
}

export function anInvocation() {
  const logged: unknown[][] = [];
  const context = new InvocationContext({
    invocationId: 'invocation-1',
    functionName: 'notes-create',
    logHandler: (level, ...args) => logged.push([level, ...args]),
  });
  return { context, logged };
}

export async function bodyOf(response: { body?: unknown }): Promise<Record<string, unknown>> {
  return JSON.parse(String(response.body)) as Record<string, unknown>;
}

/** Calls a registration's handler as the host would; the wrapper always answers an HttpResponseInit. */
export async function invoke(
  options: HttpFunctionOptions,
  request: HttpRequest,
  context = anInvocation().context,
): Promise<HttpResponseInit> {
  return (await options.handler(request, context)) as HttpResponseInit;
}
