import type { Page, PageRequest, Versioned } from '../../../shared/app/ports.js';
import { AppError } from '../../../shared/domain/errors.js';

/** Every stored value is copied in and out, so a use case that mutates what it read is caught. */
export const clone = <T>(value: T): T => structuredClone(value);

/** Code-unit order, as Cosmos DB's ORDER BY compares strings. */
export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function pageOf<T>(items: T[], page: PageRequest): Page<T> {
  const start = page.cursor === undefined ? 0 : startOf(page.cursor);
  const end = start + page.limit;
  return { items: items.slice(start, end).map(clone), nextCursor: end < items.length ? String(end) : null };
}

/** Like the Cosmos adapters, a cursor this store never gave is the caller's mistake, not a first page. */
function startOf(cursor: string): number {
  if (!/^[1-9][0-9]*$/.test(cursor)) {
    throw new AppError('validation-failed', 'The cursor is not one this API returned.', {}, [
      { path: 'cursor', message: 'unknown cursor' },
    ]);
  }
  return Number(cursor);
}

/**
 * One counter for every store: in Cosmos DB no two writes share an ETag, so one document's ETag can
 * never pass as another's If-Match (a per-store counter would give the partner and a person both "v1").
 */
let version = 0;

/** A versioned in-memory document store: each write gets a new ETag. */
export class VersionedStore<T> {
  private readonly documents = new Map<string, Versioned<T>>();

  has(key: string): boolean {
    return this.documents.has(key);
  }

  read(key: string): Versioned<T> | null {
    const found = this.documents.get(key);
    return found ? clone(found) : null;
  }

  write(key: string, value: T): Versioned<T> {
    version++;
    const stored = { value: clone(value), etag: `"v${version}"` };
    this.documents.set(key, stored);
    return clone(stored);
  }

  remove(key: string): void {
    this.documents.delete(key);
  }

  values(): T[] {
    return [...this.documents.values()].map((d) => clone(d.value));
  }

  keys(): string[] {
    return [...this.documents.keys()];
  }
}
