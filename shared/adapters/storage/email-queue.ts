import type { QueueClient } from '@azure/storage-queue';
import type { EmailDispatchMessage, EmailQueue } from '../../app/ports.js';
import { JsonQueue } from './json-queue.js';

export const EMAIL_DISPATCH_QUEUE = 'email-dispatch';

export class StorageEmailQueue implements EmailQueue {
  private readonly queue: JsonQueue<EmailDispatchMessage>;

  constructor(queue: QueueClient) {
    this.queue = new JsonQueue(queue);
  }

  enqueue(message: EmailDispatchMessage, options: { delaySeconds?: number } = {}): Promise<void> {
    return this.queue.send(message, options);
  }
}
