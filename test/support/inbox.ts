import { QueueServiceClient } from '@azure/storage-queue';

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

/** Waits until `check` returns a value (not undefined), polling; fails with the last state after the timeout. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
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
    async send(name: string, message: unknown): Promise<void> {
      const queue = service.getQueueClient(name);
      await queue.createIfNotExists();
      await queue.sendMessage(Buffer.from(JSON.stringify(message)).toString('base64'));
    },
  };
}
