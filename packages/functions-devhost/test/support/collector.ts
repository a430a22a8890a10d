import { randomUUID } from 'node:crypto';
import type { QueueClient } from '@azure/storage-queue';
import { sleep, waitFor } from './wait.js';

export type Entry = Record<string, unknown> & { fn?: string; testId?: string; dequeueCount?: unknown };

const FLUSH = '__flush';

/** Drains a queue in the background, keeping what it read (decoded) for the assertions. */
export class Collector {
  readonly entries: Entry[] = [];
  #running = true;
  readonly #done: Promise<void>;

  constructor(
    readonly queue: QueueClient,
    readonly decode: (text: string) => string = (t) => t,
    readonly encode: (text: string) => string = (t) => t,
  ) {
    this.#done = (async () => {
      await queue.createIfNotExists();
      while (this.#running) {
        try {
          const { receivedMessageItems } = await queue.receiveMessages({
            numberOfMessages: 32,
            visibilityTimeout: 30,
          });
          for (const m of receivedMessageItems) {
            this.entries.push(JSON.parse(decode(m.messageText)) as Entry);
            await queue.deleteMessage(m.messageId, m.popReceipt);
          }
          if (receivedMessageItems.length === 0) await sleep(100);
        } catch {
          await sleep(200);
        }
      }
    })();
  }

  of(fn: string, testId?: string): Entry[] {
    return this.entries.filter((e) => e.fn === fn && (testId === undefined || e.testId === testId));
  }

  /** Waits until at least `count` entries of `fn` (and `testId`) arrived, and returns them. */
  async atLeast(count: number, fn: string, testId?: string): Promise<Entry[]> {
    return waitFor(`${count} × ${fn}${testId ? ` (${testId})` : ''}`, () => {
      const found = this.of(fn, testId);
      return found.length >= count && found;
    });
  }

  /**
   * Sends a marker through the queue and waits until it is read back: the emulator's queue is FIFO,
   * so every entry written before this call has been collected when it returns. Tests that prove
   * "nothing more happened" flush after the event that rules it out, instead of sleeping.
   */
  async flush(): Promise<void> {
    const marker = randomUUID();
    await this.queue.sendMessage(this.encode(JSON.stringify({ fn: FLUSH, testId: marker })));
    await this.atLeast(1, FLUSH, marker);
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
  }
}
