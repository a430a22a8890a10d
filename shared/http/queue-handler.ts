import type { InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import { isAppError } from '../domain/errors.js';
import { createLogger, invocationSink, type Logger } from '../log.js';
import { queueRetryWindowSeconds } from '../adapters/host-settings.js';
import { dequeueCountOf, isLastAttempt } from './queue-messages.js';

/**
 * A dependency still down when the host's retries run out: the message is put back for another round
 * (after one, two, then four retry windows) instead of being given up, three times at most.
 */
export const MAX_DEFERRALS = 3;

export const deferralDelaySeconds = (deferrals: number, retryWindowSeconds: number): number =>
  Math.min(retryWindowSeconds * 2 ** deferrals, 7 * 24 * 3600);

/** A database or queue that did not answer: waiting helps, retrying at once does not. */
export const isTransient = (error: unknown): boolean =>
  isAppError(error) && (error.code === 'dependency-unavailable' || error.code === 'rate-limited');

export interface QueueHandlerSpec<T> {
  /** The function's name, for logs. */
  name: string;
  schema: z.ZodType<T>;
  handle(message: T, context: { log: Logger; dequeueCount: number | undefined }): Promise<unknown>;
  /** Puts the message back on its own queue after `delaySeconds` (a deferral). */
  requeue(message: T & { deferrals: number }, delaySeconds: number): Promise<void>;
  /** On the host's last attempt, before the message goes to the poison queue: leave things visible. */
  onLastAttempt?(message: T, reason: string, dequeueCount: number | undefined): Promise<void>;
}

/**
 * The one skeleton of every queue function: the message is parsed (a malformed one is logged and
 * dropped: retrying cannot fix it), handled with a logger carrying its correlation id, and a failure is
 * thrown so the host retries it. On the host's last attempt, a dependency that is still down defers the
 * message (put back for a later round, a few times) rather than poisoning it, so an outage outlasting
 * the host's retries loses nothing; any other failure runs `onLastAttempt` first. Deferring only on the
 * last attempt keeps duplicate deliveries from multiplying the copies of a message.
 */
export function queueHandler<T extends { correlationId: string }>(spec: QueueHandlerSpec<T>) {
  return async (raw: unknown, context: InvocationContext): Promise<void> => {
    const log = createLogger(invocationSink(context), { invocationId: context.invocationId, fn: spec.name });
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      log.error('queue.message-malformed', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
      return;
    }
    const message = parsed.data;
    const deferrals =
      typeof (raw as { deferrals?: unknown } | null)?.deferrals === 'number'
        ? (raw as { deferrals: number }).deferrals
        : 0;
    const dequeueCount = dequeueCountOf(context);
    const scoped = log.with({ ...message, dequeueCount, deferrals });
    try {
      const result = await spec.handle(message, { log: scoped, dequeueCount });
      scoped.info(`${spec.name}.done`, { result });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const lastAttempt = isLastAttempt(dequeueCount);
      if (lastAttempt && isTransient(error) && deferrals < MAX_DEFERRALS) {
        const delaySeconds = deferralDelaySeconds(deferrals, queueRetryWindowSeconds());
        try {
          await spec.requeue({ ...message, deferrals: deferrals + 1 }, delaySeconds);
          scoped.warn(`${spec.name}.deferred`, { delaySeconds, error: reason });
          return;
        } catch {
          // The queue is down too: the host's own poison path keeps the message.
        }
      }
      scoped.warn(`${spec.name}.failed`, { lastAttempt, error: reason });
      if (lastAttempt && spec.onLastAttempt) await spec.onLastAttempt(message, reason, dequeueCount);
      throw error;
    }
  };
}
