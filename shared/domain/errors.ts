/**
 * Every failure a caller can act on has a stable code; clients, tests and logs key on the code,
 * never on a message or a class (instanceof does not survive a process boundary, a code does).
 */
export const ERROR_CODES = [
  'validation-failed',
  'unauthenticated',
  'forbidden',
  'not-found',
  'method-not-allowed',
  'already-exists',
  'person-in-use',
  'role-in-use',
  'slot-taken',
  'already-assigned',
  'no-seats-available',
  'seat-in-cooldown',
  'precondition-failed',
  'payload-too-large',
  'unsupported-media-type',
  'email-domain-not-verified',
  'technical-contact-required',
  'privilege-not-in-program',
  'entitlement-inactive',
  'idempotency-key-reused',
  'invitation-invalid',
  'rate-limited',
  'dependency-unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldProblem {
  path: string;
  message: string;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra, safe-to-show facts (e.g. the holder of a slot, the date a seat frees). */
    readonly details: Record<string, unknown> = {},
    readonly fieldProblems: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export const isAppError = (error: unknown): error is AppError =>
  error instanceof AppError ||
  (typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (ERROR_CODES as readonly string[]).includes(String((error as { code: unknown }).code)) &&
    (error as { name?: unknown }).name === 'AppError');

export const notFound = (what: string) => new AppError('not-found', `${what} was not found.`);
