import type { IdempotencyStore, StoredResponse } from '../../../shared/app/ports.js';

type Entry =
  | { requestHash: string; state: 'pending' }
  | { requestHash: string; state: 'done'; response: StoredResponse };

/** The idempotency store in memory, with the Cosmos adapter's semantics (checked by the port's contract tests). */
export class FakeIdempotencyStore implements IdempotencyStore {
  readonly entries = new Map<string, Entry>();

  private static id(scope: string, key: string) {
    return `${scope}\n${key}`;
  }

  async claim(scope: string, key: string, requestHash: string): ReturnType<IdempotencyStore['claim']> {
    const id = FakeIdempotencyStore.id(scope, key);
    const found = this.entries.get(id);
    if (!found) {
      this.entries.set(id, { requestHash, state: 'pending' });
      return { state: 'claimed' };
    }
    return structuredClone(found);
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    const id = FakeIdempotencyStore.id(scope, key);
    const found = this.entries.get(id);
    if (!found) throw new Error(`no claim for ${id}`);
    this.entries.set(id, {
      requestHash: found.requestHash,
      state: 'done',
      response: structuredClone(response),
    });
  }

  async release(scope: string, key: string): Promise<void> {
    this.entries.delete(FakeIdempotencyStore.id(scope, key));
  }
}
