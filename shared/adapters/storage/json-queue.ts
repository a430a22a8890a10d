import type { QueueClient } from '@azure/storage-queue';
import type { MessageQueue } from '../../app/queues/queue.js';
import { lazy } from '../../lazy.js';

/**
 * Sends JSON messages as base64 text, as the Functions queue trigger expects by default (host.json
 * messageEncoding). The queue is created on first use.
 */
export class JsonQueue<T> implements MessageQueue<T> {
  /** Created once per process; a failed create is tried again by the next send. */
  private readonly ready = lazy(() => this.queue.createIfNotExists());

  constructor(private readonly queue: QueueClient) {}

  async enqueue(message: T, options: { delaySeconds?: number | undefined } = {}): Promise<void> {
    await this.ready();
    const text = Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
    const delay = options.delaySeconds ? Math.min(Math.ceil(options.delaySeconds), 7 * 24 * 3600) : 0;
    await this.queue.sendMessage(text, delay ? { visibilityTimeout: delay } : {});
  }
}
