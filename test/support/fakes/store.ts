import type { Page, PageRequest, Versioned } from '../../../shared/app/ports.js';

/** Every stored value is copied in and out, so a use case that mutates what it read is caught. */
export const clone = <T>(value: T): T => structuredClone(value);

export function pageOf<T>(items: T[], page: PageRequest): Page<T> {
  const start = page.cursor ? Number(page.cursor) : 0;
  const end = start + page.limit;
  return { items: items.slice(start, end).map(clone), nextCursor: end < items.length ? String(end) : null };
}

/** A versioned in-memory document store: each write gets a new ETag. */
export class VersionedStore<T> {
  private readonly documents = new Map<string, Versioned<T>>();
  private version = 0;

  has(key: string): boolean {
    return this.documents.has(key);
  }

  read(key: string): Versioned<T> | null {
    const found = this.documents.get(key);
    return found ? clone(found) : null;
  }

  write(key: string, value: T): Versioned<T> {
    this.version++;
    const stored = { value: clone(value), etag: `"v${this.version}"` };
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
