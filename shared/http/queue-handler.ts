import type { InvocationContext } from '@azure/functions';
import { isAppError } from '../domain/errors.js';
import type { MessageQueue, QueueDefinition, QueueMessage, QueueRetry } from '../app/queues/queue.js';
import { createLogger, invocationSink, type Logger } from '../log.js';

/** After one, two, four… retry windows; never beyond Storage's longest visibility delay (7 days). */
export const deferralDelaySeconds = (deferrals: number, retryWindowSeconds: number): number =>
  Math.min(retryWindowSeconds * 2 ** deferrals, 7 * 24 * 3600);

/** A database or queue that did not answer: waiting helps, retrying at once does not. */
export const isTransient = (error: unknown): boolean =>
  isAppError(error) && (error.code === 'dependency-unavailable' || error.code === 'rate-limited');

export function dequeueCountOf(context: InvocationContext): number | undefined {
  const value = context.triggerMetadata?.['dequeueCount'];
  return typeof value === 'number' ? value : undefined;
}

/** What every queue function needs besides its use case, handed over by the composition root. */
export interface QueueHostDeps {
  retry: QueueRetry;
  /** The sender of a queue's messages (for deferrals: the message goes back on its own queue). */
  queue<T extends QueueMessage>(definition: QueueDefinition<T>): MessageQueue<T>;
}

export interface MessageContext {
  log: Logger;
  dequeueCount: number | undefined;
}

export interface QueueUseCase<T> {
  handle(message: T, context: MessageContext): Promise<unknown>;
  /** On the host's last attempt, before the message goes to the poison queue: leave things visible. */
  onLastAttempt?(message: T, reason: string, context: MessageContext): Promise<void>;
}

const deferralsOf = (raw: unknown): number => {
  const value = (raw as { deferrals?: unknown } | null)?.deferrals;
  return typeof value === 'number' ? value : 0;
};

/**
 * The one skeleton of every queue function, bound to its dependencies by the composition root: the
 * message is parsed (a malformed one is logged and dropped: retrying cannot fix it), handled with a
 * logger carrying its correlation id, and a failure is thrown so the host retries it. On the host's
 * last attempt, a dependency that is still down defers the message (put back for a later round, a few
 * times) rather than poisoning it, so an outage outlasting the host's retries loses nothing; any other
 * failure runs `onLastAttempt` first. Deferring only on the last attempt keeps duplicate deliveries
 * from multiplying the copies of a message.
 */
export function queueHandlerFactory(deps: () => QueueHostDeps) {
  return function queueHandler<T extends QueueMessage>(
    definition: QueueDefinition<T>,
    useCase: QueueUseCase<T>,
  ) {
    return async (raw: unknown, context: InvocationContext): Promise<void> => {
      const log = createLogger(invocationSink(context), {
        invocationId: context.invocationId,
        fn: definition.name,
      });
      const parsed = definition.schema.safeParse(raw);
      if (!parsed.success) {
        log.error('queue.message-malformed', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
        return;
      }
      const { retry, queue } = deps();
      const message = parsed.data;
      const deferrals = deferralsOf(raw);
      const dequeueCount = dequeueCountOf(context);
      const scoped = log.with({ ...(message as Record<string, unknown>), dequeueCount, deferrals });
      const delivery: MessageContext = { log: scoped, dequeueCount };
      try {
        const result = await useCase.handle(message, delivery);
        scoped.info(`${definition.name}.done`, { result });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const lastAttempt = dequeueCount !== undefined && dequeueCount >= retry.maxDequeueCount;
        if (lastAttempt && isTransient(error) && deferrals < definition.maxDeferrals) {
          const delaySeconds = deferralDelaySeconds(deferrals, retry.retryWindowSeconds);
          try {
            await queue(definition).enqueue({ ...message, deferrals: deferrals + 1 }, { delaySeconds });
            scoped.warn(`${definition.name}.deferred`, { delaySeconds, error: reason });
            return;
          } catch {
            // The queue is down too: the host's own poison path keeps the message.
          }
        }
        scoped.warn(`${definition.name}.failed`, { lastAttempt, error: reason });
        if (lastAttempt && useCase.onLastAttempt) await useCase.onLastAttempt(message, reason, delivery);
        throw error;
      }
    };
  };
}

export type QueueHandler = ReturnType<typeof queueHandlerFactory>;
