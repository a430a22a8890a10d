import { describe, expect, it } from 'vitest';
import type { IdempotencyStore, StoredResponse } from '../../shared/app/ports.js';
import { freshId, freshPartnerId, type MakeSubject } from './support.js';

export interface IdempotencyStoreSubject {
  store: IdempotencyStore;
}

const created: StoredResponse = {
  status: 201,
  headers: { 'content-type': 'application/json', etag: '"1"' },
  body: '{"assignmentId":"a-1"}',
};

/** What the endpoint wrapper's Idempotency-Key handling relies on. */
export function describeIdempotencyStoreContract(
  label: string,
  makeSubject: MakeSubject<IdempotencyStoreSubject>,
): void {
  describe(`IdempotencyStore contract: ${label}`, () => {
    const fresh = async () => ({ ...(await makeSubject()), scope: freshPartnerId(), key: freshId('key') });

    it('claims a new key, then reports it pending with the first request hash', async () => {
      const { store, scope, key } = await fresh();
      expect(await store.claim(scope, key, 'hash-1')).toEqual({ state: 'claimed' });
      // The second request's hash is not stored: the caller compares it with the first one's.
      expect(await store.claim(scope, key, 'hash-2')).toEqual({ state: 'pending', requestHash: 'hash-1' });
    });

    it('replays the completed response, with the first request hash', async () => {
      const { store, scope, key } = await fresh();
      await store.claim(scope, key, 'hash-1');
      await store.complete(scope, key, created);
      expect(await store.claim(scope, key, 'hash-1')).toEqual({
        state: 'done',
        requestHash: 'hash-1',
        response: created,
      });
      expect(await store.claim(scope, key, 'hash-2')).toEqual({
        state: 'done',
        requestHash: 'hash-1',
        response: created,
      });
    });

    it('lets a released key be claimed again, and takes a release of an unknown key as done', async () => {
      const { store, scope, key } = await fresh();
      await store.claim(scope, key, 'hash-1');
      await store.release(scope, key);
      expect(await store.claim(scope, key, 'hash-2')).toEqual({ state: 'claimed' });
      expect(await store.claim(scope, key, 'hash-3')).toEqual({ state: 'pending', requestHash: 'hash-2' });
      await expect(store.release(scope, freshId('key'))).resolves.toBeUndefined();
    });

    it('keeps scopes apart: the same key in another scope is another claim', async () => {
      const { store, scope, key } = await fresh();
      await store.claim(scope, key, 'hash-1');
      await store.complete(scope, key, created);
      expect(await store.claim(freshPartnerId(), key, 'hash-9')).toEqual({ state: 'claimed' });
      expect((await store.claim(scope, key, 'hash-1')).state).toBe('done');
    });

    it('refuses to complete a key nobody claimed', async () => {
      const { store, scope, key } = await fresh();
      await expect(store.complete(scope, key, created)).rejects.toThrow();
      expect(await store.claim(scope, key, 'hash-1')).toEqual({ state: 'claimed' });
    });

    it('gives a key to exactly one of racing claims', async () => {
      const { store, scope, key } = await fresh();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.claim(scope, key, `hash-${i}`)),
      );
      expect(results.filter((r) => r.state === 'claimed')).toHaveLength(1);
      const winner = results.findIndex((r) => r.state === 'claimed');
      for (const result of results.filter((r) => r.state !== 'claimed')) {
        expect(result).toEqual({ state: 'pending', requestHash: `hash-${winner}` });
      }
    });
  });
}
