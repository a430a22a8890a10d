import { CronExpressionParser } from 'cron-parser';
import { parseTimeSpan, isTimeSpan } from './config.js';
import type { HostedFunction } from './functions.js';
import type { InvokeOutcome, Invoker } from './invoke.js';
import type { HostLog } from './log.js';
import type { RpcDuration, RpcRetryOptions } from './rpc.js';

/** setTimeout's longest delay; longer waits are done in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export interface Schedule {
  next(after: Date): Date;
  previous(before: Date): Date;
}

/**
 * An NCRONTAB expression (`sec min hour day month dow`, or the 5-field form without seconds) or a
 * TimeSpan (`hh:mm:ss`, "every interval"). The time zone is WEBSITE_TIME_ZONE (IANA name) or UTC.
 */
export function parseSchedule(expression: string, timeZone = 'UTC'): Schedule {
  if (isTimeSpan(expression)) {
    const interval = parseTimeSpan(expression);
    if (interval <= 0) throw new Error(`the schedule "${expression}" must be a positive interval`);
    return {
      next: (after) => new Date(after.getTime() + interval),
      previous: (before) => new Date(before.getTime() - interval),
    };
  }
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new Error(
      `the schedule "${expression}" is not an NCRONTAB expression (sec min hour day month dow)`,
    );
  }
  const cron = (currentDate: Date) => CronExpressionParser.parse(expression, { currentDate, tz: timeZone });
  cron(new Date()); // throws on an invalid expression
  return {
    next: (after) => cron(after).next().toDate(),
    previous: (before) => cron(before).prev().toDate(),
  };
}

function durationMs(duration: RpcDuration | null | undefined): number {
  return (Number(duration?.seconds ?? 0) || 0) * 1000 + Math.round((duration?.nanos ?? 0) / 1e6);
}

/** Delay before retry number `retry` (1-based) under the function's retry policy. */
export function retryDelayMs(options: RpcRetryOptions, retry: number): number {
  if (options.retryStrategy === 'exponentialBackoff') {
    const min = durationMs(options.minimumInterval);
    const max = durationMs(options.maximumInterval) || Number.MAX_SAFE_INTEGER;
    return Math.min(max, min * 2 ** (retry - 1));
  }
  return durationMs(options.delayInterval);
}

/**
 * Runs one timerTrigger function on its schedule, never overlapping itself (like Azure's singleton
 * timer listener): occurrences missed while the function runs are skipped.
 */
export class TimerListener {
  readonly #schedule: Schedule;
  #stopped = false;
  readonly #wakers = new Set<() => void>();
  #loop: Promise<void> | undefined;
  #last: Date | undefined;
  readonly #running = new Set<Promise<unknown>>();

  constructor(
    private readonly fn: HostedFunction,
    private readonly invoker: Invoker,
    private readonly log: HostLog,
    timeZone: string,
  ) {
    this.#schedule = parseSchedule(fn.info.timer!.schedule, timeZone);
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(graceMs: number): Promise<void> {
    this.#stopped = true;
    for (const wake of [...this.#wakers]) wake();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([this.#loop, ...this.#running]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Fires the function once now (admin endpoint). */
  fireNow(): Promise<InvokeOutcome> {
    return this.#fire(new Date(), 'This function was programmatically called via the host APIs.', false);
  }

  #sleepUntil(when: Date): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        resolve();
      };
      const arm = () => {
        const wait = when.getTime() - Date.now();
        if (wait <= 0 || this.#stopped) return done();
        timer = setTimeout(arm, Math.min(wait, MAX_TIMEOUT_MS));
      };
      this.#wakers.add(done);
      arm();
    });
  }

  async #run(): Promise<void> {
    if (this.fn.info.timer!.runOnStartup && !this.#stopped) {
      await this.#fire(new Date(), `Timer fired at ${new Date().toISOString()} (runOnStartup)`, false);
    }
    while (!this.#stopped) {
      let due: Date;
      try {
        due = this.#schedule.next(new Date());
      } catch (error) {
        this.log.error(
          `[${this.fn.info.name}] cannot compute the next occurrence: ${(error as Error).message}`,
        );
        return;
      }
      await this.#sleepUntil(due);
      if (this.#stopped) break;
      await this.#fire(due, `Timer fired at ${new Date().toISOString()}`, false);
    }
  }

  async #fire(due: Date, reason: string, isPastDue: boolean): Promise<InvokeOutcome> {
    const run = this.#fireWithRetries(due, reason, isPastDue);
    this.#running.add(run);
    try {
      return await run;
    } finally {
      this.#running.delete(run);
    }
  }

  async #fireWithRetries(due: Date, reason: string, isPastDue: boolean): Promise<InvokeOutcome> {
    const last = this.#last ?? this.#schedule.previous(due);
    this.#last = due;
    const timerInfo = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: last.toISOString(),
        Next: this.#schedule.next(due).toISOString(),
        LastUpdated: new Date().toISOString(),
      },
      IsPastDue: isPastDue,
    };
    const retry = this.fn.registration.metadata.retryOptions;
    const maxRetryCount = retry?.maxRetryCount ?? 0;
    let attempt = 0;
    let exception: { message: string; source: string; stackTrace: string } | undefined;
    for (;;) {
      const outcome = await this.invoker.invoke(this.fn, {
        reason,
        inputData: [{ name: this.fn.triggerName, data: { json: JSON.stringify(timerInfo) } }],
        triggerMetadata: {},
        retryContext: retry ? { retryCount: attempt, maxRetryCount, exception } : undefined,
      });
      const canRetry = retry && (maxRetryCount === -1 || attempt < maxRetryCount) && !this.#stopped;
      if (outcome.succeeded || !canRetry) return outcome;
      attempt++;
      const error = outcome.error;
      exception = {
        message: error instanceof Error ? error.message : String(error),
        source: this.fn.info.name,
        stackTrace: error instanceof Error ? (error.stack ?? '') : '',
      };
      const delay = retryDelayMs(retry, attempt);
      this.log.info(
        `[${this.fn.info.name}] retry ${attempt}${maxRetryCount === -1 ? '' : `/${maxRetryCount}`} in ${delay} ms`,
      );
      await this.#sleepUntil(new Date(Date.now() + delay));
      if (this.#stopped) return outcome;
    }
  }
}
