import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { AppError, type ErrorCode } from '../../shared/domain/errors.js';
import type { Page, PageRequest } from '../../shared/app/ports.js';

/** A subject factory may need I/O (a container, a queue) or none (a fake). */
export type MakeSubject<S> = () => S | Promise<S>;

/**
 * A partner id no other test uses: the Cosmos suites share one container with the other app tests,
 * so every test works in its own partition.
 */
export const freshPartnerId = (): string => `contract-${randomUUID().slice(0, 18)}`;

export const freshId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 13)}`;

/** The use cases and the problem mapper branch on the error's stable code, not its message. */
export async function expectAppError(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error, `expected a rejection with code ${code}`).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

/** Follows `nextCursor` to the end, checking every page keeps to the limit. */
export async function allPages<T>(
  limit: number,
  fetch: (page: PageRequest) => Promise<Page<T>>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await fetch({ limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    pages++;
    // A store that never ends its pages would loop forever; no contract here has that many pages.
    expect(pages).toBeLessThan(100);
  } while (cursor !== undefined);
  return { items, pages };
}
