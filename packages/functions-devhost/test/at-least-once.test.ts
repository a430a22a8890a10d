import { describe, expect, it } from 'vitest';
import { base64, testId, useFixtureHost, WORK_QUEUE } from './support/fixture-host.js';
import { waitFor } from './support/wait.js';

const fixture = useFixtureHost({ DEVHOST_AT_LEAST_ONCE: 'true' });

describe('dev host: at-least-once delivery (DEVHOST_AT_LEAST_ONCE)', () => {
  it('hands every message to the function twice, the second time while the first still runs', async () => {
    const ids = Array.from({ length: 8 }, testId);
    const queue = fixture.queue(WORK_QUEUE);
    await Promise.all(ids.map((id) => fixture.send(WORK_QUEUE, base64(JSON.stringify({ testId: id })))));
    await waitFor('two deliveries of each message', () =>
      ids.every((id) => fixture.observed.of('work', id).length >= 2),
    );
    // Every message deleted (no further delivery can come), then everything observed collected.
    await waitFor('every message deleted', async () => {
      const { approximateMessagesCount } = await queue.getProperties();
      return approximateMessagesCount === 0;
    });
    await fixture.observed.flush();
    for (const id of ids) {
      expect(fixture.observed.of('work', id).map((e) => e.dequeueCount)).toEqual([1, 1]); // one message, two deliveries
    }
  });
});
