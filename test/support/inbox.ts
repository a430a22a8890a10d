import { QueueServiceClient } from '@azure/storage-queue';
import { eventually } from './eventually.js';

export interface InboxMessage {
  id: string;
  operationId: string;
  from: string;
  /** The first recipient; `recipients` has every `to`. */
  to: string;
  recipients: string[];
  cc: string[];
  subject: string;
  html: string | null;
  plainText: string | null;
  receivedAt: string;
}

/** The local email endpoint's inbox and fault switches, as a test sees them. */
export function inbox(emailUrl: string) {
  return {
    async messages(to?: string): Promise<InboxMessage[]> {
      const url = new URL('/messages', emailUrl);
      if (to) url.searchParams.set('to', to);
      const response = await fetch(url);
      return (await response.json()) as InboxMessage[];
    },
    async setFaults(faults: unknown): Promise<void> {
      const response = await fetch(new URL('/_faults', emailUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      });
      if (!response.ok) throw new Error(`setting faults failed: ${response.status} ${await response.text()}`);
    },
    async clearFaults(): Promise<void> {
      await fetch(new URL('/_faults', emailUrl), { method: 'DELETE' });
    },
    async stats(): Promise<{
      sendAttempts: number;
      acceptedMessages: number;
      duplicateSends: number;
      faultedSends: number;
      unauthorizedRequests: number;
      byOperationId: Record<string, number>;
    }> {
      return (await (await fetch(new URL('/_stats', emailUrl))).json()) as never;
    },
  };
}

/** The first activation link in an email's plain text. */
export function activationLinkIn(message: InboxMessage): URL {
  const match = /(https?:\/\/\S+\/api\/activate\?\S+)/.exec(message.plainText ?? '');
  if (!match) throw new Error(`no activation link in: ${message.plainText}`);
  return new URL(match[1]!);
}

export function queues(connectionString: string) {
  const service = QueueServiceClient.fromConnectionString(connectionString);
  return {
    async peekAll(name: string): Promise<unknown[]> {
      const queue = service.getQueueClient(name);
      if (!(await queue.exists())) return [];
      const { peekedMessageItems } = await queue.peekMessages({ numberOfMessages: 32 });
      return peekedMessageItems.map((item) =>
        JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')),
      );
    },
    /**
     * Waits until the queue holds no message at all. Azurite counts the invisible ones too (being
     * handled, or waiting for a retry), and the host deletes a message only once its function returned,
     * so an empty queue means every delivery of every message has run.
     */
    async drained(name: string, options: { timeoutMs?: number } = {}): Promise<void> {
      const queue = service.getQueueClient(name);
      await eventually(
        async () => {
          if (!(await queue.exists())) return true;
          return (await queue.getProperties()).approximateMessagesCount === 0 ? true : undefined;
        },
        { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 250, what: `queue ${name} to be drained` },
      );
    },
    async send(name: string, message: unknown): Promise<void> {
      const queue = service.getQueueClient(name);
      await queue.createIfNotExists();
      await queue.sendMessage(Buffer.from(JSON.stringify(message)).toString('base64'));
    },
  };
}
