import { describe, expect, it } from 'vitest';
import { useFixtureHost } from './support/fixture-host.js';

const fixture = useFixtureHost({ TICK_SCHEDULE: '* * * * * *' });

describe('dev host: timers', () => {
  it('runs a runOnStartup timer once at startup', async () => {
    await fixture.observed.atLeast(1, 'onStartup');
    // Two later ticks of the every-second timer: the startup run is long done, and not repeated.
    const ticks = fixture.observed.of('tick').length;
    await fixture.observed.atLeast(ticks + 2, 'tick');
    expect(fixture.observed.of('onStartup')).toHaveLength(1);
  });

  it('fires a timer on POST /admin/functions/{name} with the Azure Timer shape', async () => {
    const before = fixture.observed.of('manual').length;
    const response = await fixture.api('/admin/functions/manual', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: '' }),
    });
    expect(response.status).toBe(202);
    await fixture.observed.atLeast(before + 1, 'manual');
    const entry = fixture.observed.of('manual').at(-1)!;
    expect(entry.isPastDue).toBe(false);
    const status = entry.scheduleStatus as { last: string; next: string; lastUpdated: string };
    const next = new Date(status.next);
    expect([next.getUTCMonth(), next.getUTCDate(), next.getUTCHours()]).toEqual([0, 1, 0]); // 0 0 0 1 1 *
    expect(Number.isNaN(Date.parse(status.last))).toBe(false);
    expect(Number.isNaN(Date.parse(status.lastUpdated))).toBe(false);

    expect((await fixture.api('/admin/functions/nope', { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fixture.api('/admin/functions/echo', { method: 'POST', body: '{}' })).status).toBe(400);
  });

  it('fires a "* * * * * *" schedule on its own, once per second', async () => {
    const start = fixture.observed.of('tick').length;
    await fixture.observed.atLeast(start + 2, 'tick');
    const ticks = fixture.observed.of('tick').slice(start);
    const nexts = ticks.map((t) => (t.scheduleStatus as { next: string }).next);
    expect(new Set(nexts).size).toBe(nexts.length);
    for (const tick of ticks) expect(tick.isPastDue).toBe(false);
  });
});
