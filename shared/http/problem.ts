import type { HttpResponseInit } from '@azure/functions';
import { isAppError, type AppError, type ErrorCode, type FieldProblem } from '../domain/errors.js';
import type { Logger } from '../log.js';

/** The one place where a stable error code becomes an HTTP status and an RFC 9457 body. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  'validation-failed': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'already-exists': 409,
  'person-in-use': 409,
  'role-in-use': 409,
  'slot-taken': 409,
  'already-assigned': 409,
  'no-seats-available': 409,
  'seat-in-cooldown': 409,
  'precondition-failed': 412,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'email-domain-not-verified': 422,
  'technical-contact-required': 422,
  'privilege-not-in-program': 422,
  'entitlement-inactive': 422,
  'idempotency-key-reused': 422,
  'invitation-invalid': 410,
  'rate-limited': 429,
  'dependency-unavailable': 503,
  internal: 500,
};

const TITLE_BY_CODE: Record<ErrorCode, string> = {
  'validation-failed': 'The request is not valid',
  unauthenticated: 'Authentication is required',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  'already-exists': 'Already exists',
  'person-in-use': 'The person still holds a role or a subscription',
  'role-in-use': 'The role is needed by a live subscription',
  'slot-taken': 'The Technical Contact slot is taken',
  'already-assigned': 'The person already has this subscription',
  'no-seats-available': 'No seats are available',
  'seat-in-cooldown': 'The seat is in its reassignment cooldown',
  'precondition-failed': 'The resource has changed',
  'payload-too-large': 'The request is too large',
  'unsupported-media-type': 'Unsupported media type',
  'email-domain-not-verified': "The email domain is not one of the partner's verified domains",
  'technical-contact-required': 'A Technical Contact role is required',
  'privilege-not-in-program': "The privilege is not part of the partner's program",
  'entitlement-inactive': 'The entitlement is not active',
  'idempotency-key-reused': 'The Idempotency-Key was used with another request',
  'invitation-invalid': 'The invitation link is no longer valid',
  'rate-limited': 'Too many requests',
  'dependency-unavailable': 'A dependency is unavailable',
  internal: 'Internal error',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemInput {
  code: ErrorCode;
  detail: string;
  traceId: string;
  instance?: string;
  errors?: FieldProblem[];
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function problemResponse(input: ProblemInput): HttpResponseInit {
  const status = STATUS_BY_CODE[input.code];
  const body = {
    ...input.extensions,
    type: `https://partner-subscriptions.dev/problems/${input.code}`,
    title: TITLE_BY_CODE[input.code],
    status,
    detail: input.detail,
    code: input.code,
    ...(input.errors && input.errors.length > 0 ? { errors: input.errors } : {}),
    ...(input.instance ? { instance: input.instance } : {}),
    traceId: input.traceId,
  };
  return {
    status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...input.headers },
    body: JSON.stringify(body),
  };
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
