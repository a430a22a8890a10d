import { describe, expect, it } from 'vitest';
import { base64, MAX_DEQUEUE_COUNT, testId, useFixtureHost, WORK_QUEUE } from './support/fixture-host.js';
import { waitFor } from './support/wait.js';

const fixture = useFixtureHost();

/** Azurite counts invisible messages too: 0 means every message was deleted, none is still leased. */
async function drained(queueName: string): Promise<boolean> {
  const { approximateMessagesCount } = await fixture.queue(queueName).getProperties();
  return approximateMessagesCount === 0;
}

async function inPoison(queueName: string, text: string) {
  const poison = fixture.queue(`${queueName}-poison`);
  return waitFor(`the message in ${queueName}-poison`, async () => {
    if (!(await poison.exists())) return undefined;
    const { peekedMessageItems } = await poison.peekMessages({ numberOfMessages: 32 });
    return peekedMessageItems.find((m) => m.messageText === text);
  });
}

describe('dev host: queue triggers', () => {
  it('delivers a base64 message with its payload parsed and Azure trigger metadata', async () => {
    const id = testId();
    const payload = { testId: id, amount: 12.5, tags: ['a', 'b'] };
    await fixture.send(WORK_QUEUE, base64(JSON.stringify(payload)));
    const [entry] = await fixture.observed.atLeast(1, 'work', id);
    expect(entry!.payload).toEqual(payload);
    expect(entry!.queueTrigger).toEqual(payload);
    expect(entry!.dequeueCount).toBe(1);
    expect(typeof entry!.id).toBe('string');
    expect(typeof entry!.popReceipt).toBe('string');
    expect(Number.isNaN(Date.parse(entry!.insertionTime as string))).toBe(false);
    expect(Number.isNaN(Date.parse(entry!.expirationTime as string))).toBe(false);
    expect(Number.isNaN(Date.parse(entry!.nextVisibleTime as string))).toBe(false);
  });

  it('retries a failed invocation: the second delivery sees dequeueCount 2, success deletes the message', async () => {
    const id = testId();
    await fixture.send(WORK_QUEUE, base64(JSON.stringify({ testId: id, failFirst: true })));
    await fixture.observed.atLeast(2, 'work', id);
    // Once the message is deleted no third delivery can come; then everything observed has arrived.
    await waitFor('the retried message deleted', () => drained(WORK_QUEUE));
    await fixture.observed.flush();
    expect(fixture.observed.of('work', id).map((e) => e.dequeueCount)).toEqual([1, 2]);
  });

  it('moves a message that keeps failing to <queue>-poison after exactly maxDequeueCount attempts, text unchanged', async () => {
    const id = testId();
    const text = base64(JSON.stringify({ testId: id }));
    await fixture.send('doomed', text);
    const poisoned = await inPoison('doomed', text);
    expect(poisoned.messageText).toBe(text);
    // The original is deleted after its copy reaches poison: from then on no attempt can follow.
    await waitFor('the original deleted', () => drained('doomed'));
    await fixture.observed.flush();
    expect(fixture.observed.of('alwaysFails', id).map((e) => e.dequeueCount)).toEqual(
      Array.from({ length: MAX_DEQUEUE_COUNT }, (_, i) => i + 1),
    );
  });

  it('honours messageEncoding base64: a message that is not base64 never reaches the function and ends in poison', async () => {
    const id = testId();
    const raw = JSON.stringify({ testId: id });
    await fixture.send(WORK_QUEUE, raw);
    await inPoison(WORK_QUEUE, raw);
    await waitFor('the undecodable message deleted', () => drained(WORK_QUEUE));
    await fixture.observed.flush();
    expect(fixture.observed.of('work', id)).toEqual([]);
  });

  it('writes a storage queue output binding, one base64 message per array element', async () => {
    const id = testId();
    const response = await fixture.api('/api/enqueue', {
      method: 'POST',
      body: JSON.stringify({ testId: id }),
    });
    expect(response.status).toBe(202);
    const entries = await waitFor('two output messages', () => {
      const found = fixture.observedOutput.entries.filter((e) => e.testId === id);
      return found.length >= 2 && found;
    });
    expect(entries.map((e) => e.n).sort()).toEqual([1, 2]);
  });

  it('runs a queue function once on POST /admin/functions/{name}', async () => {
    const id = testId();
    const response = await fixture.api('/admin/functions/work', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: JSON.stringify({ testId: id }) }),
    });
    expect(response.status).toBe(202);
    const [entry] = await fixture.observed.atLeast(1, 'work', id);
    expect(entry!.payload).toEqual({ testId: id });
    expect(entry!.dequeueCount).toBe(1);
  });
});
