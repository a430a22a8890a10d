import { describe, expect, it } from 'vitest';
import { lazy, lazyBy } from '../../shared/lazy.js';

describe('lazy', () => {
  it('builds on first use only, then returns the same value', () => {
    let builds = 0;
    const value = lazy(() => ({ n: ++builds }));
    expect(builds).toBe(0);
    expect(value()).toBe(value());
    expect(builds).toBe(1);
  });

  it('forgets a build that threw, so the next use tries again', () => {
    let attempts = 0;
    const value = lazy(() => {
      attempts += 1;
      if (attempts === 1) throw new Error('not yet');
      return attempts;
    });
    expect(() => value()).toThrow('not yet');
    expect(value()).toBe(2);
    expect(value()).toBe(2);
  });

  it('forgets a promise that rejected, and keeps one that resolved', async () => {
    let attempts = 0;
    const value = lazy(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('database down');
      return attempts;
    });
    await expect(value()).rejects.toThrow('database down');
    await expect(value()).resolves.toBe(2);
    await expect(value()).resolves.toBe(2);
    expect(attempts).toBe(2);
  });
});

describe('lazyBy', () => {
  it('builds one value per key', () => {
    const built: string[] = [];
    const byName = lazyBy((name: string) => {
      built.push(name);
      return { name };
    });
    expect(byName('a')).toBe(byName('a'));
    expect(byName('b')).not.toBe(byName('a'));
    expect(built).toEqual(['a', 'b']);
  });
});
