import { randomUUID } from 'node:crypto';
import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { QueuesOptions } from './config.js';
import type { HostedFunction } from './functions.js';
import type { InvokeOutcome, Invoker } from './invoke.js';
import { describeError, type HostLog } from './log.js';
import type { RpcTypedData } from './rpc.js';
import { decodeMessage, type StorageClients } from './storage.js';

const MIN_POLL_MS = 100;

/** A copy of `items` in a random order. */
function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** .NET's DateTimeOffset JSON form, as the host puts it in trigger metadata. */
function dotnetDate(date: Date | undefined): string | undefined {
  return date?.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function jsonData(value: unknown): RpcTypedData {
  return { json: JSON.stringify(value) };
}

/** Trigger metadata the Functions host sends for a queue message (keys as in Azure). */
export function queueTriggerMetadata(
  functionName: string,
  message: Pick<
    DequeuedMessageItem,
    'messageId' | 'popReceipt' | 'dequeueCount' | 'insertedOn' | 'expiresOn' | 'nextVisibleOn'
  >,
  payload: string,
): Record<string, RpcTypedData> {
  return {
    QueueTrigger: { string: payload },
    DequeueCount: jsonData(message.dequeueCount),
    Id: { string: message.messageId },
    PopReceipt: { string: message.popReceipt },
    InsertionTime: jsonData(dotnetDate(message.insertedOn)),
    ExpirationTime: jsonData(dotnetDate(message.expiresOn)),
    NextVisibleTime: jsonData(dotnetDate(message.nextVisibleOn)),
    sys: jsonData({ MethodName: functionName, UtcNow: new Date().toISOString(), RandGuid: randomUUID() }),
  };
}

/** The trigger input: text (JSON is parsed by the library), or bytes for `dataType: 'binary'`. */
function triggerInput(fn: HostedFunction, body: Buffer): RpcTypedData {
  return String(fn.trigger.dataType ?? '').toLowerCase() === 'binary'
    ? { bytes: body }
    : { string: body.toString('utf8') };
}

/** Keeps a message invisible while its function runs, tracking the latest pop receipt. */
class Lease {
  popReceipt: string;
  #timer: NodeJS.Timeout;
  #pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: QueueClient,
    private readonly messageId: string,
    popReceipt: string,
    leaseSeconds: number,
    onError: (error: unknown) => void,
  ) {
    this.popReceipt = popReceipt;
    this.#timer = setInterval(
      () => {
        this.#pending = this.#pending.then(async () => {
          try {
            const renewed = await this.client.updateMessage(
              this.messageId,
              this.popReceipt,
              undefined,
              leaseSeconds,
            );
            if (renewed.popReceipt) this.popReceipt = renewed.popReceipt;
          } catch (error) {
            onError(error);
          }
        });
      },
      (leaseSeconds * 1000) / 2,
    );
    this.#timer.unref();
  }

  async release(): Promise<void> {
    clearInterval(this.#timer);
    await this.#pending;
  }
}

/**
 * Polls one queue for one queueTrigger function like the Functions host's QueueListener: batches of
 * `batchSize` run concurrently, a new batch is fetched when no more than `newBatchThreshold` run,
 * idle polling backs off exponentially up to `maxPollingInterval`, failures are retried through the
 * message's visibility and poison messages move to `<queue>-poison` after `maxDequeueCount` attempts.
 */
export class QueueListener {
  #stopped = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #lastError = '';
  #lastErrorAt = 0;

  constructor(
    private readonly fn: HostedFunction,
    private readonly options: QueuesOptions,
    private readonly storage: StorageClients,
    private readonly invoker: Invoker,
    private readonly log: HostLog,
  ) {}

  get #queue() {
    return this.fn.info.queue!;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops polling; waits for running invocations at most `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
    if (this.#inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Runs the function once with `input` as the message, outside the queue (admin endpoint). */
  invokeDirect(input: string): Promise<InvokeOutcome> {
    const now = new Date();
    const message = {
      messageId: randomUUID(),
      popReceipt: '',
      dequeueCount: 1,
      insertedOn: now,
      expiresOn: new Date(now.getTime() + 7 * 24 * 3600 * 1000),
      nextVisibleOn: now,
    };
    return this.invoker.invoke(this.fn, {
      reason: 'This function was programmatically called via the host APIs.',
      inputData: [{ name: this.fn.triggerName, data: triggerInput(this.fn, Buffer.from(input, 'utf8')) }],
      triggerMetadata: queueTriggerMetadata(this.fn.info.name, message, input),
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    }).then(() => {
      this.#wake = undefined;
    });
  }

  #reportError(what: string, error: unknown): void {
    const text = `${what}: ${error instanceof Error ? error.message : String(error)}`;
    const now = Date.now();
    if (text !== this.#lastError || now - this.#lastErrorAt > 30_000) {
      this.log.error(`[${this.fn.info.name}] ${text}`);
      this.#lastError = text;
      this.#lastErrorAt = now;
    }
  }

  async #run(): Promise<void> {
    const { batchSize, newBatchThreshold, maxPollingIntervalMs } = this.options;
    let client: QueueClient;
    try {
      client = this.storage.queue(this.#queue.connection, this.#queue.queueName);
    } catch (error) {
      this.#reportError('cannot listen', error);
      return;
    }
    let delay = MIN_POLL_MS;
    let ready = false;
    while (!this.#stopped) {
      try {
        if (!ready) {
          await this.storage.ensureQueue(client);
          ready = true;
        }
        if (this.#inFlight.size > newBatchThreshold) {
          await new Promise<void>((resolve) => {
            this.#wake = resolve;
            void Promise.race([...this.#inFlight]).then(() => resolve());
          });
          this.#wake = undefined;
          continue;
        }
        const received = await client.receiveMessages({
          numberOfMessages: batchSize,
          visibilityTimeout: this.options.leaseSeconds,
        });
        if (this.#stopped) {
          // not ours to run any more: make them visible again at once
          await Promise.allSettled(
            received.receivedMessageItems.map((m) =>
              client.updateMessage(m.messageId, m.popReceipt, undefined, 0),
            ),
          );
          break;
        }
        if (received.receivedMessageItems.length === 0) {
          await this.#sleep(delay);
          delay = Math.min(delay * 2, maxPollingIntervalMs);
          continue;
        }
        delay = MIN_POLL_MS;
        const batch = this.options.atLeastOnce
          ? shuffled(received.receivedMessageItems)
          : received.receivedMessageItems;
        for (const message of batch) {
          const processing = this.#process(client, message);
          this.#inFlight.add(processing);
          void processing.finally(() => this.#inFlight.delete(processing));
        }
      } catch (error) {
        this.#reportError(`polling queue "${this.#queue.queueName}" failed`, error);
        await this.#sleep(delay);
        delay = Math.min(delay * 2, maxPollingIntervalMs);
      }
    }
  }

  async #process(client: QueueClient, message: DequeuedMessageItem): Promise<void> {
    const { maxDequeueCount, visibilityTimeoutMs, messageEncoding } = this.options;
    const name = this.fn.info.name;
    const lease = new Lease(
      client,
      message.messageId,
      message.popReceipt,
      this.options.leaseSeconds,
      (error) => this.#reportError(`renewing the visibility of message ${message.messageId} failed`, error),
    );
    try {
      if (message.dequeueCount > maxDequeueCount) {
        await lease.release();
        await this.#poison(client, message, lease.popReceipt);
        return;
      }
      let succeeded = false;
      let body: Buffer | undefined;
      try {
        body = decodeMessage(message.messageText, messageEncoding);
      } catch (error) {
        this.log.error(
          `[${name}] message ${message.messageId} on "${this.#queue.queueName}" cannot be decoded: ${(error as Error).message}`,
        );
      }
      if (body !== undefined) {
        const payload = body.toString('utf8');
        const delivery = () =>
          this.invoker.invoke(this.fn, {
            reason: `New queue message detected on '${this.#queue.queueName}'.`,
            inputData: [{ name: this.fn.triggerName, data: triggerInput(this.fn, body!) }],
            triggerMetadata: queueTriggerMetadata(name, message, payload),
          });
        // At least once: a second instance gets the same message while the first still runs it.
        const duplicate = this.options.atLeastOnce
          ? new Promise((resolve) => setTimeout(resolve, Math.random() * 30)).then(delivery)
          : Promise.resolve(undefined);
        const outcome = await delivery();
        await duplicate;
        succeeded = outcome.succeeded;
      }
      await lease.release();
      if (succeeded) {
        await client.deleteMessage(message.messageId, lease.popReceipt);
      } else if (message.dequeueCount >= maxDequeueCount) {
        await this.#poison(client, message, lease.popReceipt);
      } else {
        await client.updateMessage(
          message.messageId,
          lease.popReceipt,
          undefined,
          Math.floor(visibilityTimeoutMs / 1000),
        );
      }
    } catch (error) {
      this.log.error(`[${name}] completing message ${message.messageId} failed: ${describeError(error)}`);
    } finally {
      await lease.release();
    }
  }

  async #poison(client: QueueClient, message: DequeuedMessageItem, popReceipt: string): Promise<void> {
    const poisonName = this.#queue.poisonQueueName;
    this.log.warn(
      `[${this.fn.info.name}] Message has reached MaxDequeueCount of ${this.options.maxDequeueCount}. Moving message ${message.messageId} to queue '${poisonName}'.`,
    );
    const poison = this.storage.queue(this.#queue.connection, poisonName);
    await this.storage.ensureQueue(poison);
    await poison.sendMessage(message.messageText);
    await client.deleteMessage(message.messageId, popReceipt);
  }
}
