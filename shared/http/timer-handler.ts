import { randomUUID } from 'node:crypto';
import type { InvocationContext, Timer } from '@azure/functions';
import type { Clock } from '../app/ports.js';
import { createLogger, invocationSink, type Logger } from '../log.js';

export interface TimerContext {
  log: Logger;
  correlationId: string;
  now: Date;
}

/**
 * The skeleton of every timer function, bound to the root's clock: each run gets its own correlation
 * id, and what the sweep returns (its counts) is logged once as `<name>.done`.
 */
export function timerHandlerFactory(deps: () => { clock: Clock }) {
  return function timerHandler(
    name: string,
    run: (context: TimerContext) => Promise<Record<string, unknown>>,
  ) {
    return async (_timer: Timer, context: InvocationContext): Promise<void> => {
      const correlationId = randomUUID();
      const log = createLogger(invocationSink(context), {
        correlationId,
        invocationId: context.invocationId,
        fn: name,
      });
      const result = await run({ log, correlationId, now: deps().clock() });
      log.info(`${name}.done`, result);
    };
  };
}
