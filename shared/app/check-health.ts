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
  now: () => Date = () => new Date(),
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
    checkedAt: now().toISOString(),
    dependencies,
  };
}
