import type { QueueClient } from '@azure/storage-queue';
import type { BulkChunkMessage, BulkQueue } from '../../app/ports.js';
import { JsonQueue } from './json-queue.js';

export const BULK_ASSIGNMENTS_QUEUE = 'bulk-assignments';

export class StorageBulkQueue implements BulkQueue {
  private readonly queue: JsonQueue<BulkChunkMessage>;

  constructor(queue: QueueClient) {
    this.queue = new JsonQueue(queue);
  }

  enqueue(message: BulkChunkMessage, options: { delaySeconds?: number } = {}): Promise<void> {
    return this.queue.send(message, options);
  }
}
