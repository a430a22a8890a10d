import { describe, expect, it } from 'vitest';
import type { EmailDispatchMessage } from '../../shared/app/ports.js';
import type { MessageQueue } from '../../shared/app/queues/queue.js';
import { freshId, freshPartnerId, type MakeSubject } from './support.js';

export interface MessageQueueSubject {
  queue: MessageQueue<EmailDispatchMessage>;
  /** Every message a consumer could take now, each once (the port itself only sends). */
  received(): Promise<EmailDispatchMessage[]>;
}

const aMessage = (sequence: number): EmailDispatchMessage => ({
  partnerId: freshPartnerId(),
  assignmentId: freshId('a'),
  sequence,
  correlationId: freshId('corr'),
});

const bySequence = (a: EmailDispatchMessage, b: EmailDispatchMessage) => a.sequence - b.sequence;

/** What the commands that queue work rely on: a message sent is delivered as it was sent, once. */
export function describeMessageQueueContract(
  label: string,
  makeSubject: MakeSubject<MessageQueueSubject>,
): void {
  describe(`MessageQueue contract: ${label}`, () => {
    it('delivers each message as it was sent', async () => {
      const { queue, received } = await makeSubject();
      const message = aMessage(1);
      await queue.enqueue(message);
      expect(await received()).toEqual([message]);
    });

    it('delivers every one of many messages exactly once', async () => {
      const { queue, received } = await makeSubject();
      const messages = Array.from({ length: 40 }, (_, i) => aMessage(i + 1));
      await Promise.all(messages.map((message) => queue.enqueue(message)));
      expect((await received()).sort(bySequence)).toEqual(messages);
    });

    it("keeps a message that cannot be sent out of the queue (a failed send is the caller's to retry)", async () => {
      const { queue, received } = await makeSubject();
      const tooBig = { ...aMessage(1), correlationId: 'x'.repeat(70 * 1024) };
      await expect(queue.enqueue(tooBig)).rejects.toThrow();
      expect(await received()).toEqual([]);
    });
  });
}
