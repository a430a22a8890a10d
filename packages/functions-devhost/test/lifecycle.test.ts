import { describe, expect, it } from 'vitest';
import { useFixtureHost } from './support/fixture-host.js';

const fixture = useFixtureHost();

describe('dev host: lifecycle', () => {
  it('stop() shuts down gracefully and leaves no process behind', async () => {
    const pid = fixture.host.pid!;
    expect(() => process.kill(-pid, 0)).not.toThrow();
    await fixture.host.stop();
    expect(() => process.kill(-pid, 0)).toThrow(); // no process left in the group
    expect(fixture.output.some((line) => line.includes('Dev host stopped'))).toBe(true);
    await expect(fixture.api('/admin/host/status')).rejects.toThrow();
  });
});
