import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../shared/domain/errors.js';
import { defineQueue } from '../../../shared/app/queues/queue.js';
import { deferralDelaySeconds, queueHandlerFactory } from '../../../shared/http/queue-handler.js';

const Message = z.object({ id: z.string(), correlationId: z.string() });
type Message = z.infer<typeof Message>;

const MAX_DEFERRALS = 3;
const testQueue = defineQueue({ name: 'test-queue', schema: Message, maxDeferrals: MAX_DEFERRALS });
const retry = { maxDequeueCount: 5, retryWindowSeconds: 50 };
const queueMaxDequeueCount = () => retry.maxDequeueCount;
const queueRetryWindowSeconds = () => retry.retryWindowSeconds;

function aHandler(handle: (message: Message) => Promise<unknown>, requeueFails = false) {
  const calls = {
    handled: [] as Message[],
    requeued: [] as [unknown, number | undefined][],
    requeuedTo: [] as string[],
    lastAttempt: [] as string[],
  };
  const queueHandler = queueHandlerFactory(() => ({
    retry,
    clock: () => new Date('2026-01-01T00:00:00Z'),
    queue: (definition) => ({
      enqueue: async (message, options) => {
        if (requeueFails) throw new Error('the queue is down too');
        calls.requeuedTo.push(definition.name);
        calls.requeued.push([message, options?.delaySeconds]);
      },
    }),
  }));
  const handler = queueHandler(testQueue, {
    handle: async (message) => {
      calls.handled.push(message);
      return handle(message);
    },
    onLastAttempt: async (_message, reason) => {
      calls.lastAttempt.push(reason);
    },
  });
  return { handler, calls };
}

const contextWith = (dequeueCount: number) =>
  new InvocationContext({
    invocationId: 'inv-1',
    functionName: 'test-queue',
    triggerMetadata: { dequeueCount },
  });

const unavailable = () =>
  new AppError('dependency-unavailable', 'The database is unavailable; try again shortly.');

describe('queueHandler', () => {
  it('hands a valid message to the handler', async () => {
    const { handler, calls } = aHandler(async () => 'ok');
    await handler({ id: 'm-1', correlationId: 'c-1' }, contextWith(1));
    expect(calls.handled).toEqual([{ id: 'm-1', correlationId: 'c-1' }]);
  });

  it('drops a malformed message without retrying it (retrying cannot fix it)', async () => {
    const { handler, calls } = aHandler(async () => 'ok');
    await expect(handler({ id: 42 }, contextWith(1))).resolves.toBeUndefined();
    expect(calls.handled).toEqual([]);
  });

  it('lets the host retry a message whose dependency is down, while the host still has attempts', async () => {
    const { handler, calls } = aHandler(async () => {
      throw unavailable();
    });
    await expect(handler({ id: 'm-1', correlationId: 'c-1' }, contextWith(1))).rejects.toThrow('unavailable');
    expect(calls.requeued).toEqual([]);
    expect(calls.lastAttempt).toEqual([]);
  });

  it('defers it on the host’s last attempt, for a growing delay, instead of giving it up', async () => {
    const { handler, calls } = aHandler(async () => {
      throw unavailable();
    });
    const last = contextWith(queueMaxDequeueCount());
    await expect(handler({ id: 'm-1', correlationId: 'c-1' }, last)).resolves.toBeUndefined();
    await expect(handler({ id: 'm-1', correlationId: 'c-1', deferrals: 2 }, last)).resolves.toBeUndefined();
    const window = queueRetryWindowSeconds();
    expect(calls.requeued).toEqual([
      [{ id: 'm-1', correlationId: 'c-1', deferrals: 1 }, window],
      [{ id: 'm-1', correlationId: 'c-1', deferrals: 3 }, window * 4],
    ]);
    expect(calls.requeuedTo).toEqual(['test-queue', 'test-queue']); // back on its own queue
    expect(calls.lastAttempt).toEqual([]);
  });

  it('gives it up after the last deferral: onLastAttempt, then the host poisons it', async () => {
    const { handler, calls } = aHandler(async () => {
      throw unavailable();
    });
    const tired = { id: 'm-1', correlationId: 'c-1', deferrals: MAX_DEFERRALS };
    await expect(handler(tired, contextWith(queueMaxDequeueCount()))).rejects.toThrow('unavailable');
    expect(calls.requeued).toEqual([]);
    expect(calls.lastAttempt).toEqual(['The database is unavailable; try again shortly.']);
  });

  it('throws a real failure for the host to retry, and runs onLastAttempt on the last delivery first', async () => {
    const { handler, calls } = aHandler(async () => {
      throw new Error('the template is broken');
    });
    await expect(handler({ id: 'm-1', correlationId: 'c-1' }, contextWith(1))).rejects.toThrow('broken');
    expect(calls.lastAttempt).toEqual([]);
    await expect(
      handler({ id: 'm-1', correlationId: 'c-1' }, contextWith(queueMaxDequeueCount())),
    ).rejects.toThrow('broken');
    expect(calls.lastAttempt).toEqual(['the template is broken']);
    expect(calls.requeued).toEqual([]);
  });

  it('falls back to the host’s poison path when the queue is down too', async () => {
    const { handler, calls } = aHandler(async () => {
      throw unavailable();
    }, true);
    await expect(
      handler({ id: 'm-1', correlationId: 'c-1' }, contextWith(queueMaxDequeueCount())),
    ).rejects.toThrow('unavailable');
    expect(calls.lastAttempt).toHaveLength(1);
  });
});

describe('deferralDelaySeconds', () => {
  it('waits one retry window, then two, then four', () => {
    expect([0, 1, 2].map((n) => deferralDelaySeconds(n, 50))).toEqual([50, 100, 200]);
  });
});
