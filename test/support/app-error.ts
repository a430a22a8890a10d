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
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected an AppError with code ${code}`).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}
