import type { InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import { isAppError } from '../domain/errors.js';
import { createLogger, invocationSink, type Logger } from '../log.js';
import { dequeueCountOf, isLastAttempt } from './queue-messages.js';

/** How a message waits out a dependency that is down: 2, 4, 8 … seconds, at most a minute, 15 times. */
export const DEFERRAL = { maxDeferrals: 15, firstDelaySeconds: 2, maxDelaySeconds: 60 } as const;

export const deferralDelaySeconds = (deferrals: number): number =>
  Math.min(DEFERRAL.firstDelaySeconds * 2 ** deferrals, DEFERRAL.maxDelaySeconds);

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
 * thrown so the host retries it, except two cases. A dependency that is down (the database, the queue)
 * defers the message: it is put back with a growing delay and does not use up the host's attempts, so an
 * outage of minutes never poisons a message. On the host's last attempt `onLastAttempt` runs first.
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
      if (isTransient(error) && deferrals < DEFERRAL.maxDeferrals) {
        const delaySeconds = deferralDelaySeconds(deferrals);
        try {
          await spec.requeue({ ...message, deferrals: deferrals + 1 }, delaySeconds);
          scoped.warn(`${spec.name}.deferred`, { delaySeconds, error: reason });
          return;
        } catch {
          // The queue is down too: fall through to the host's own retry.
        }
      }
      const lastAttempt = isLastAttempt(dequeueCount);
      scoped.warn(`${spec.name}.failed`, { lastAttempt, error: reason });
      if (lastAttempt && spec.onLastAttempt) await spec.onLastAttempt(message, reason, dequeueCount);
      throw error;
    }
  };
}
