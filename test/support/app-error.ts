import { expect } from 'vitest';
import { AppError, type ErrorCode } from '../../shared/domain/errors.js';

/** Runs `action`, asserts it throws an AppError with `code`, and returns the error for further checks. */
export function appErrorFrom(action: () => unknown, code: ErrorCode): AppError {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected an AppError with code ${code}`).toBeInstanceOf(AppError);
  const error = thrown as AppError;
  expect(error.code).toBe(code);
  return error;
}

/** Awaits `promise`, asserts it rejects with an AppError with `code`, and returns the error. */
export async function rejectionOf(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  const settled = await promise.then(
    () => ({ rejected: false as const }),
    (reason: unknown) => ({ rejected: true as const, reason }),
  );
  // The settled promise replayed as a throw, so a rejection is checked exactly as a throw is.
  return appErrorFrom(() => {
    if (settled.rejected) throw settled.reason;
  }, code);
}
