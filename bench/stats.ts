/** Small statistics and timing helpers for the benchmark. */

export interface Latency {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

/** The q-quantile (0..1) of sorted values, by linear interpolation between closest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile of no values');
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  return a + (b - a) * (position - lower);
}

export const median = (values: readonly number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

export function latency(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round(quantile(sorted, 0.5), 3),
    p95: round(quantile(sorted, 0.95), 3),
    mean: round(sorted.reduce((s, v) => s + v, 0) / sorted.length, 3),
    min: round(sorted[0]!, 3),
    max: round(sorted[sorted.length - 1]!, 3),
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Runs `fn` once and returns how long it took, in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** Runs `iterations` calls of `fn(i)` one after another after `warmup` untimed ones; returns each time. */
export async function sequential(
  iterations: number,
  fn: (i: number) => Promise<void>,
  warmup = 0,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Runs `count` tasks on `workers` concurrent workers; resolves when all are done, rejects on the first error. */
export async function pool(
  count: number,
  workers: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(workers, count) }, worker));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Adds `counts` into `into`, kind by kind. */
export function addCounts(into: Record<string, number>, counts: Record<string, number>): void {
  for (const [kind, n] of Object.entries(counts)) into[kind] = (into[kind] ?? 0) + n;
}

export const sum = (counts: Record<string, number>) => Object.values(counts).reduce((s, n) => s + n, 0);
