import { randomUUID } from 'node:crypto';
import type { InvocationContext, Timer } from '@azure/functions';
import { createLogger, invocationSink, type Logger } from '../log.js';

export interface TimerContext {
  log: Logger;
  correlationId: string;
}

/**
 * The skeleton of every timer function: each run gets its own correlation id, and what the sweep
 * returns (its counts) is logged once as `<name>.done`. The sweeps read the time from their own deps.
 */
export function timerHandler(name: string, run: (context: TimerContext) => Promise<Record<string, unknown>>) {
  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const correlationId = randomUUID();
    const log = createLogger(invocationSink(context), {
      correlationId,
      invocationId: context.invocationId,
      fn: name,
    });
    const result = await run({ log, correlationId });
    log.info(`${name}.done`, result);
  };
}
