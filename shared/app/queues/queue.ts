import type { z } from 'zod';

/**
 * Everything about one Storage queue in one place: its name, the message on it (schema and type) and
 * what happens when a dependency stays down past the host's retries. The host's own retries (attempts
 * and the pause between them) are host-wide, in host.json `extensions.queues`.
 */
export interface QueueDefinition<T extends QueueMessage> {
  /** The Storage queue; the host moves a message that used up its attempts to `<name>-poison`. */
  name: string;
  schema: z.ZodType<T>;
  /**
   * How many times a message whose dependency is still down on the host's last attempt is put back
   * for a later round (after one, two, four retry windows…) before it is allowed to fail.
   */
  maxDeferrals: number;
}

/** Every message carries the correlation id of the request that caused it. */
export interface QueueMessage {
  correlationId: string;
}

/** Sends messages of one queue (a delay hides the message until then). */
export interface MessageQueue<T> {
  enqueue(message: T, options?: { delaySeconds?: number }): Promise<void>;
}

export const defineQueue = <T extends QueueMessage>(definition: QueueDefinition<T>): QueueDefinition<T> =>
  definition;

export const poisonQueueOf = (definition: QueueDefinition<QueueMessage>): string =>
  `${definition.name}-poison`;

/** The host's retries of a failing message (host-wide, host.json `extensions.queues`). */
export interface QueueRetry {
  /** Attempts before the host moves the message to the poison queue. */
  maxDequeueCount: number;
  /** How long those attempts last, pauses included. */
  retryWindowSeconds: number;
}
