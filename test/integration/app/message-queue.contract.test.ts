import { randomUUID } from 'node:crypto';
import { QueueServiceClient } from '@azure/storage-queue';
import { inject } from 'vitest';
import type { EmailDispatchMessage } from '../../../shared/app/ports.js';
import { JsonQueue } from '../../../shared/adapters/storage/json-queue.js';
import { describeMessageQueueContract } from '../../contracts/message-queue.contract.js';

describeMessageQueueContract('Azurite queues', () => {
  // A queue of its own per test: the app's queues have consumers running against this stack.
  const client = QueueServiceClient.fromConnectionString(
    inject('stack').storageConnectionString,
  ).getQueueClient(`contract-${randomUUID()}`);
  return {
    queue: new JsonQueue<EmailDispatchMessage>(client),
    received: async () => {
      if (!(await client.exists())) return [];
      const messages: EmailDispatchMessage[] = [];
      for (;;) {
        // Taken out of sight for longer than the test runs, so none is seen twice.
        const { receivedMessageItems } = await client.receiveMessages({
          numberOfMessages: 32,
          visibilityTimeout: 300,
        });
        if (receivedMessageItems.length === 0) return messages;
        for (const item of receivedMessageItems) {
          messages.push(
            JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')) as EmailDispatchMessage,
          );
        }
      }
    },
  };
});
