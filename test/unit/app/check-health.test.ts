import { describe, expect, it } from 'vitest';
import {
  cachedHealth,
  checkHealth,
  summarize,
  type DependencyProbe,
} from '../../../shared/app/check-health.js';

const CHECKED_AT = new Date('2025-03-10T12:00:00.000Z');
const clock = () => CHECKED_AT;
const TIMEOUT_MS = 50;

const up = (name: string): DependencyProbe => ({ name, check: async () => {} });
const failing = (name: string, message: string): DependencyProbe => ({
  name,
  check: async () => {
    throw new Error(message);
  },
});
/** Never answers on its own; settles only when the signal aborts, like a well-behaved SDK call. */
const hanging = (name: string, seen: { aborted?: boolean } = {}): DependencyProbe => ({
  name,
  check: (signal) =>
    new Promise<void>(() => {
      signal.addEventListener('abort', () => (seen.aborted = true), { once: true });
    }),
});
/** Ignores the signal altogether. */
const deaf = (name: string): DependencyProbe => ({ name, check: () => new Promise<void>(() => {}) });

describe('checkHealth', () => {
  it('is healthy when every dependency is up', async () => {
    const report = await checkHealth([up('cosmos'), up('storage')], TIMEOUT_MS, clock);
    expect(report.status).toBe('healthy');
    expect(report.checkedAt).toBe('2025-03-10T12:00:00.000Z');
    expect(Object.keys(report.dependencies).sort()).toEqual(['cosmos', 'storage']);
    for (const state of Object.values(report.dependencies)) {
      expect(state.status).toBe('up');
      expect(state.error).toBeUndefined();
      expect(Number.isInteger(state.latencyMs)).toBe(true);
      expect(state.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('is healthy with no dependencies at all', async () => {
    expect(await checkHealth([], TIMEOUT_MS, clock)).toEqual({
      status: 'healthy',
      checkedAt: '2025-03-10T12:00:00.000Z',
      dependencies: {},
    });
  });

  it('is unhealthy when one probe throws, reporting that dependency down with its error', async () => {
    const report = await checkHealth(
      [up('cosmos'), failing('storage', 'ECONNREFUSED 127.0.0.1:10001')],
      TIMEOUT_MS,
      clock,
    );
    expect(report.status).toBe('unhealthy');
    expect(report.dependencies['cosmos']).toMatchObject({ status: 'up' });
    expect(report.dependencies['storage']).toMatchObject({
      status: 'down',
      error: 'ECONNREFUSED 127.0.0.1:10001',
    });
  });

  it('reports a non-Error rejection as its string', async () => {
    const probe: DependencyProbe = { name: 'email', check: () => Promise.reject('503 Service Unavailable') };
    const report = await checkHealth([probe], TIMEOUT_MS, clock);
    expect(report.dependencies['email']).toMatchObject({ status: 'down', error: '503 Service Unavailable' });
  });

  it('never throws, even when a probe throws synchronously', async () => {
    const probe: DependencyProbe = {
      name: 'identity',
      check: () => {
        throw new Error('sync failure');
      },
    };
    const report = await checkHealth([probe, up('cosmos')], TIMEOUT_MS, clock);
    expect(report.status).toBe('unhealthy');
    expect(report.dependencies['identity']).toMatchObject({ status: 'down', error: 'sync failure' });
  });

  it('reports a probe that does not answer within the timeout as down, and aborts its signal', async () => {
    const seen: { aborted?: boolean } = {};
    const report = await checkHealth([up('cosmos'), hanging('storage', seen)], TIMEOUT_MS, clock);
    expect(report.status).toBe('unhealthy');
    expect(report.dependencies['cosmos']).toMatchObject({ status: 'up' });
    expect(report.dependencies['storage']).toMatchObject({
      status: 'down',
      error: `no answer within ${TIMEOUT_MS} ms`,
    });
    expect(seen.aborted).toBe(true);
  });

  it('reports a probe that ignores its signal as down too', async () => {
    const report = await checkHealth([deaf('email')], TIMEOUT_MS, clock);
    expect(report.dependencies['email']).toMatchObject({
      status: 'down',
      error: `no answer within ${TIMEOUT_MS} ms`,
    });
  });

  it('reports every dependency, each in its own state', async () => {
    const report = await checkHealth(
      [up('cosmos'), failing('storage', 'boom'), deaf('email')],
      TIMEOUT_MS,
      clock,
    );
    expect(Object.fromEntries(Object.entries(report.dependencies).map(([n, s]) => [n, s.status]))).toEqual({
      cosmos: 'up',
      storage: 'down',
      email: 'down',
    });
  });
});

describe('summarize', () => {
  it('keeps each dependency’s up or down and drops latency and error text', () => {
    const report = {
      status: 'unhealthy' as const,
      checkedAt: CHECKED_AT.toISOString(),
      dependencies: {
        cosmos: { status: 'up' as const, latencyMs: 3 },
        storage: { status: 'down' as const, latencyMs: 50, error: 'connect ECONNREFUSED 10.0.0.7:10001' },
      },
    };
    expect(summarize(report)).toEqual({
      status: 'unhealthy',
      checkedAt: '2025-03-10T12:00:00.000Z',
      dependencies: { cosmos: { status: 'up' }, storage: { status: 'down' } },
    });
  });
});

describe('cachedHealth', () => {
  const aReport = (n: number) => ({ status: 'healthy' as const, checkedAt: `check-${n}`, dependencies: {} });

  it('serves one check to every caller within the maximum age, then checks again', async () => {
    let checks = 0;
    let clock = 0;
    const health = cachedHealth(
      async () => aReport(++checks),
      5_000,
      () => new Date(clock),
    );
    expect((await health()).checkedAt).toBe('check-1');
    clock = 4_999;
    expect((await health()).checkedAt).toBe('check-1');
    clock = 5_000;
    expect((await health()).checkedAt).toBe('check-2');
    expect(checks).toBe(2);
  });

  it('shares a check that is still running between callers arriving meanwhile', async () => {
    let checks = 0;
    let finish: () => void = () => {};
    const health = cachedHealth(
      () => new Promise((resolve) => (finish = () => resolve(aReport(++checks)))),
      5_000,
      () => new Date(0),
    );
    const callers = [health(), health(), health()];
    finish();
    expect((await Promise.all(callers)).map((r) => r.checkedAt)).toEqual(['check-1', 'check-1', 'check-1']);
    expect(checks).toBe(1);
  });
});
