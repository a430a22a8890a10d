import type { HttpRequest } from '@azure/functions';
import type { Principal } from '../domain/principal.js';
import type { CallContext } from '../app/ports.js';

/** The use case's view of an authenticated request: who asks, and its correlation id. */
export function callContext(input: { principal: Principal; correlationId: string }): CallContext {
  return { principal: input.principal, correlationId: input.correlationId };
}

/** The `If-Match` precondition, when the caller sent one. */
export function ifMatchOf(request: HttpRequest): string | undefined {
  const value = request.headers.get('if-match')?.trim();
  return value ? value : undefined;
}
