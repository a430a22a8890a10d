import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../../shared/domain/errors.js';
import { PROBLEM_CONTENT_TYPE, STATUS_BY_CODE, problemResponse } from '../../../shared/http/problem.js';

/** The original contract's error-code table, hard-coded; docs/api.md adds `method-not-allowed`. */
const API_MD_STATUS: Record<Exclude<ErrorCode, 'method-not-allowed'>, number> = {
  'validation-failed': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
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

const EXPECTED_STATUS: Record<ErrorCode, number> = { ...API_MD_STATUS, 'method-not-allowed': 405 };

function bodyOf(response: ReturnType<typeof problemResponse>): Record<string, unknown> {
  expect(typeof response.body).toBe('string');
  return JSON.parse(response.body as string) as Record<string, unknown>;
}

describe('STATUS_BY_CODE', () => {
  it('has a status for every error code and nothing else', () => {
    expect(Object.keys(STATUS_BY_CODE).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('covers every code of api.md, plus method-not-allowed', () => {
    expect([...ERROR_CODES].sort()).toEqual(Object.keys(EXPECTED_STATUS).sort());
  });

  it.each(Object.entries(EXPECTED_STATUS))('maps %s to %i', (code, status) => {
    expect(STATUS_BY_CODE[code as ErrorCode]).toBe(status);
  });
});

describe('problemResponse', () => {
  it('answers an RFC 9457 body with the code’s status and application/problem+json', () => {
    const response = problemResponse({
      code: 'slot-taken',
      detail: 'The first slot is held.',
      traceId: 'trace-1',
    });
    expect(response.status).toBe(409);
    expect(PROBLEM_CONTENT_TYPE).toBe('application/problem+json');
    expect(response.headers).toMatchObject({ 'content-type': 'application/problem+json' });
    const body = bodyOf(response);
    expect(body).toEqual({
      type: 'https://partner-subscriptions.dev/problems/slot-taken',
      title: 'The Technical Contact slot is taken',
      status: 409,
      detail: 'The first slot is held.',
      code: 'slot-taken',
      traceId: 'trace-1',
    });
    expect(body).not.toHaveProperty('errors');
  });

  it.each([...ERROR_CODES])('gives %s a type, a non-empty title and the mapped status', (code) => {
    const response = problemResponse({ code, detail: 'd', traceId: 't' });
    const body = bodyOf(response);
    expect(response.status).toBe(EXPECTED_STATUS[code]);
    expect(body['status']).toBe(EXPECTED_STATUS[code]);
    expect(body['code']).toBe(code);
    expect(body['type']).toBe(`https://partner-subscriptions.dev/problems/${code}`);
    expect(typeof body['title']).toBe('string');
    expect((body['title'] as string).length).toBeGreaterThan(0);
  });

  it('includes errors only when there are some', () => {
    const errors = [{ path: 'email', message: 'must be an email address' }];
    expect(
      bodyOf(problemResponse({ code: 'validation-failed', detail: 'd', traceId: 't', errors }))['errors'],
    ).toEqual(errors);
    expect(
      bodyOf(problemResponse({ code: 'validation-failed', detail: 'd', traceId: 't', errors: [] })),
    ).not.toHaveProperty('errors');
  });

  it('includes instance only when given', () => {
    expect(
      bodyOf(problemResponse({ code: 'not-found', detail: 'd', traceId: 't', instance: '/api/partners/x' }))[
        'instance'
      ],
    ).toBe('/api/partners/x');
    expect(bodyOf(problemResponse({ code: 'not-found', detail: 'd', traceId: 't' }))).not.toHaveProperty(
      'instance',
    );
  });

  it('adds extensions but never lets them override the standard members', () => {
    const body = bodyOf(
      problemResponse({
        code: 'seat-in-cooldown',
        detail: 'frees later',
        traceId: 'trace-2',
        extensions: {
          freesOn: '2025-06-01',
          status: 200,
          code: 'internal',
          traceId: 'forged',
          type: 'x',
          title: 'y',
          detail: 'z',
        },
      }),
    );
    expect(body).toMatchObject({
      freesOn: '2025-06-01',
      status: 409,
      code: 'seat-in-cooldown',
      traceId: 'trace-2',
      type: 'https://partner-subscriptions.dev/problems/seat-in-cooldown',
      title: 'The seat is in its reassignment cooldown',
      detail: 'frees later',
    });
  });

  it('adds extra headers next to the content type', () => {
    const response = problemResponse({
      code: 'unauthenticated',
      detail: 'd',
      traceId: 't',
      headers: { 'www-authenticate': 'Bearer realm="partner-subscriptions"' },
    });
    expect(response.status).toBe(401);
    expect(response.headers).toEqual({
      'content-type': 'application/problem+json',
      'www-authenticate': 'Bearer realm="partner-subscriptions"',
    });
  });
});
