import { createHash } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import type { Clock, IdempotencyStore, StoredResponse } from '../../app/ports.js';
import { cosmosCall, statusOf } from './documents.js';

/** Kept for 48 h in Azure (item TTL; the container has TTL on with no default). */
const RETENTION_SECONDS = 48 * 3600;

const documentId = (key: string) => `idem-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;

interface IdempotencyDocument {
  id: string;
  partnerId: string;
  type: 'idempotency';
  requestHash: string;
  state: 'pending' | 'done';
  response?: StoredResponse;
  createdAt: string;
  ttl: number;
}

export class CosmosIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly container: () => Promise<Container>,
    private readonly clock: Clock,
  ) {}

  async claim(scope: string, key: string, requestHash: string): ReturnType<IdempotencyStore['claim']> {
    const container = await this.container();
    const document: IdempotencyDocument = {
      id: documentId(key),
      partnerId: scope,
      type: 'idempotency',
      requestHash,
      state: 'pending',
      createdAt: this.clock().toISOString(),
      ttl: RETENTION_SECONDS,
    };
    try {
      await cosmosCall(() => container.items.create(document));
      return { state: 'claimed' as const };
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    const { resource } = await cosmosCall(() =>
      container.item(document.id, scope).read<IdempotencyDocument>(),
    );
    if (!resource) return this.claim(scope, key, requestHash); // released between our create and read
    return resource.state === 'done' && resource.response
      ? { state: 'done' as const, requestHash: resource.requestHash, response: resource.response }
      : { state: 'pending' as const, requestHash: resource.requestHash };
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    const container = await this.container();
    await cosmosCall(() =>
      container.item(documentId(key), scope).patch([
        { op: 'set', path: '/state', value: 'done' },
        { op: 'set', path: '/response', value: response },
      ]),
    );
  }

  async release(scope: string, key: string): Promise<void> {
    const container = await this.container();
    await cosmosCall(() => container.item(documentId(key), scope).delete()).catch((error: unknown) => {
      if (statusOf(error) !== 404) throw error;
    });
  }
}
