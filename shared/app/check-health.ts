import type { Clock } from './ports.js';

/** A dependency the app needs; `check` resolves when it is reachable and usable. */
export interface DependencyProbe {
  name: string;
  check(signal: AbortSignal): Promise<void>;
}

export interface DependencyState {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

export interface HealthReport {
  status: 'healthy' | 'unhealthy';
  checkedAt: string;
  dependencies: Record<string, DependencyState>;
}

/** Checks every dependency in parallel, each bounded by the timeout, and never throws. */
export async function checkHealth(
  probes: DependencyProbe[],
  timeoutMs: number,
  clock: Clock,
): Promise<HealthReport> {
  const entries = await Promise.all(
    probes.map(async (probe): Promise<[string, DependencyState]> => {
      const started = performance.now();
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        await Promise.race([
          probe.check(signal),
          new Promise<never>((_, reject) =>
            signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), {
              once: true,
            }),
          ),
        ]);
        return [probe.name, { status: 'up', latencyMs: Math.round(performance.now() - started) }];
      } catch (error) {
        return [
          probe.name,
          {
            status: 'down',
            latencyMs: Math.round(performance.now() - started),
            error: error instanceof Error ? error.message : String(error),
          },
        ];
      }
    }),
  );
  const dependencies = Object.fromEntries(entries);
  return {
    status: entries.every(([, state]) => state.status === 'up') ? 'healthy' : 'unhealthy',
    checkedAt: clock().toISOString(),
    dependencies,
  };
}

/** What anyone may see: each dependency up or down, no latency and no error text. */
export interface HealthSummary {
  status: HealthReport['status'];
  checkedAt: string;
  dependencies: Record<string, { status: DependencyState['status'] }>;
}

export function summarize(report: HealthReport): HealthSummary {
  return {
    status: report.status,
    checkedAt: report.checkedAt,
    dependencies: Object.fromEntries(
      Object.entries(report.dependencies).map(([name, state]) => [name, { status: state.status }]),
    ),
  };
}

/**
 * One check serves every caller for `maxAgeMs`, and callers arriving while a check runs share it, so an
 * anonymous flood of health requests never becomes a flood of calls to the dependencies.
 */
export function cachedHealth(
  check: () => Promise<HealthReport>,
  maxAgeMs: number,
  clock: Clock,
): () => Promise<HealthReport> {
  let last: { at: number; report: HealthReport } | undefined;
  let running: Promise<HealthReport> | undefined;
  return () => {
    if (last && clock().getTime() - last.at < maxAgeMs) return Promise.resolve(last.report);
    running ??= check()
      .then((report) => {
        last = { at: clock().getTime(), report };
        return report;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
}
