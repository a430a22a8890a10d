import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Page, PageRequest } from '../../shared/app/ports.js';

/** A subject factory may need I/O (a container, a queue) or none (a fake). */
export type MakeSubject<S> = () => S | Promise<S>;

/**
 * A partner id no other test uses: the Cosmos suites share one container with the other app tests,
 * so every test works in its own partition.
 */
export const freshPartnerId = (): string => `contract-${randomUUID().slice(0, 18)}`;

export const freshId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 13)}`;

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
