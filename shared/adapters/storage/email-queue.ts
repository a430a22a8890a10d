import type { QueueClient } from '@azure/storage-queue';
import type { EmailDispatchMessage, EmailQueue } from '../../app/ports.js';

export const EMAIL_DISPATCH_QUEUE = 'email-dispatch';

/** Messages are base64 text, as the Functions queue trigger expects by default (host.json messageEncoding). */
export class StorageEmailQueue implements EmailQueue {
  private ready: Promise<unknown> | undefined;

  constructor(private readonly queue: QueueClient) {}

  async enqueue(message: EmailDispatchMessage, options: { delaySeconds?: number } = {}): Promise<void> {
    this.ready ??= this.queue.createIfNotExists().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    const text = Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
    await this.queue.sendMessage(text, {
      ...(options.delaySeconds
        ? { visibilityTimeout: Math.min(Math.ceil(options.delaySeconds), 7 * 24 * 3600) }
        : {}),
    });
  }
}
