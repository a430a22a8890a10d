import { fileURLToPath } from 'node:url';
import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzurite } from '../../scripts/local-stack/azurite.js';
import { freePort } from '../../scripts/local-stack/net.js';
import type { RunningService } from '../../scripts/local-stack/service.js';
import { spawnDevHost, type DevHostService } from '../../scripts/devhost/spawn.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/devhost-app', import.meta.url));
const WORK_QUEUE = 'work-items';
const MAX_DEQUEUE_COUNT = 3; // fixture host.json

type Entry = Record<string, unknown> & { fn?: string; testId?: string; dequeueCount?: unknown };

/** Drains a queue in the background, keeping what it read (decoded) for the assertions. */
class Collector {
  readonly entries: Entry[] = [];
  #running = true;
  readonly #done: Promise<void>;

  constructor(
    readonly queue: QueueClient,
    decode: (text: string) => string = (t) => t,
  ) {
    this.#done = (async () => {
      await queue.createIfNotExists();
      while (this.#running) {
        try {
          const { receivedMessageItems } = await queue.receiveMessages({
            numberOfMessages: 32,
            visibilityTimeout: 30,
          });
          for (const m of receivedMessageItems) {
            this.entries.push(JSON.parse(decode(m.messageText)) as Entry);
            await queue.deleteMessage(m.messageId, m.popReceipt);
          }
          if (receivedMessageItems.length === 0) await sleep(100);
        } catch {
          await sleep(200);
        }
      }
    })();
  }

  of(fn: string, testId?: string): Entry[] {
    return this.entries.filter((e) => e.fn === fn && (testId === undefined || e.testId === testId));
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` returns a value that is not undefined/false; generous, never a speed assertion. */
async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const testId = () => `t-${Math.random().toString(36).slice(2, 10)}`;

let azurite: RunningService | undefined;
let host: DevHostService | undefined;
let connection = '';
let observed: Collector;
let observedOutput: Collector;
const output: string[] = [];

const queue = (name: string) => new QueueClient(connection, name);
const api = (path: string, init?: RequestInit) => fetch(`${host!.url}${path}`, init);

beforeAll(async () => {
  const blobPort = await freePort();
  const queuePort = await freePort();
  const tablePort = await freePort();
  const hostPort = await freePort();
  azurite = await startAzurite({ blobPort, queuePort, tablePort });
  connection = azurite.url;
  observed = new Collector(queue('observed'));
  observedOutput = new Collector(queue('observed-output'), (t) => Buffer.from(t, 'base64').toString('utf8'));
  host = await spawnDevHost({
    scriptRoot: FIXTURE,
    port: hostPort,
    env: { AzureWebJobsStorage: connection, WORK_QUEUE, TICK_SCHEDULE: '* * * * * *' },
    onOutput: (line) => output.push(line),
  });
}, 90_000);

afterAll(async () => {
  await observed?.stop();
  await observedOutput?.stop();
  await host?.stop();
  await azurite?.stop();
}, 30_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.log(`dev host output (last 120 lines):\n${output.slice(-120).join('\n')}`));
});

describe('dev host: HTTP', () => {
  async function getJson(path: string): Promise<{ status: number; body: unknown }> {
    const response = await api(path);
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  it('matches route templates: constraints, optional and catch-all parameters, most specific route wins', async () => {
    expect(await getJson('/api/items/42')).toEqual({ status: 200, body: { kind: 'id', id: '42' } });
    expect(await getJson('/api/items/special')).toEqual({ status: 200, body: { kind: 'special' } });
    expect(await getJson('/API/Items/SPECIAL')).toEqual({ status: 200, body: { kind: 'special' } });
    expect(await getJson('/api/items/widget')).toEqual({
      status: 200,
      body: { kind: 'slug', slug: 'widget' },
    });
    // beyond int32: not an int, so the unconstrained route takes it
    expect(await getJson('/api/items/99999999999')).toEqual({
      status: 200,
      body: { kind: 'slug', slug: '99999999999' },
    });

    const order = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    expect(await getJson(`/api/orders/${order}/lines/7`)).toEqual({
      status: 200,
      body: { orderId: order, line: '7' },
    });
    expect(await getJson(`/api/orders/${order}/lines`)).toEqual({
      status: 200,
      body: { orderId: order, line: null },
    });
    expect((await getJson('/api/orders/not-a-guid/lines/7')).status).toBe(404);
    expect((await getJson(`/api/orders/${order}/lines/seven`)).status).toBe(404);

    expect(await getJson('/api/files/a/b/c.txt')).toEqual({ status: 200, body: { path: 'a/b/c.txt' } });
    expect(await getJson('/api/files')).toEqual({ status: 200, body: { path: null } });

    expect(await getJson('/api/flags/dark/true')).toEqual({
      status: 200,
      body: { name: 'dark', on: 'true' },
    });
    expect((await getJson('/api/flags/dark/maybe')).status).toBe(404);
    expect((await getJson('/api/flags/d4rk/true')).status).toBe(404);

    const byName = await api('/api/nameasroute');
    expect(byName.status).toBe(200);
    expect(await byName.text()).toBe('routed by name');
  });

  it('answers 404 with an empty body when no route takes the method and path, as the Functions host does', async () => {
    for (const [path, method] of [
      ['/api/items/5', 'DELETE'],
      ['/api/echo/x', 'GET'],
      ['/api/nothing-here', 'GET'],
    ] as const) {
      const response = await api(path, { method });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await response.text()).toBe('');
      expect(response.headers.get('content-type')).toBeNull();
    }
    expect((await api('/items/5')).status).toBe(404); // no route prefix
    expect((await api('/api/items/5/extra')).status).toBe(404);
  });

  it('hands the handler a real HttpRequest and InvocationContext, and round-trips query, headers, body and cookies', async () => {
    const body = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const response = await api('/api/echo/abc?x=1&x=2&y=z%20z', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'X-Custom': 'hello', cookie: 'a=b' },
      body,
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual([
      'session=abc%20123; path=/api; samesite=strict; httponly',
      'theme=dark; max-age=60; path=/; secure',
    ]);
    const echo = (await response.json()) as Record<string, unknown>;
    expect(echo.isHttpRequest).toBe(true);
    expect(echo.isInvocationContext).toBe(true);
    expect(echo.invocationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(echo.functionName).toBe('echo');
    expect(echo.method).toBe('POST');
    expect(echo.url).toBe(`${host!.url}/api/echo/abc?x=1&x=2&y=z%20z`);
    expect(echo.params).toEqual({ tail: 'abc' });
    // as in Azure, a repeated query key arrives as one comma-joined value
    expect(echo.query).toEqual({ x: ['1,2'], y: ['z z'] });
    const headers = echo.headers as Record<string, string>;
    expect(headers['x-custom']).toBe('hello');
    expect(headers.cookie).toBe('a=b');
    expect(headers['content-type']).toBe('application/octet-stream');
    expect(Buffer.from(echo.bodyBase64 as string, 'base64').equals(body)).toBe(true);

    const put = await api('/api/echo', { method: 'PUT', body: 'plain text' });
    expect(put.status).toBe(201);
    const putEcho = (await put.json()) as Record<string, unknown>;
    expect(putEcho.params).toEqual({});
    expect(Buffer.from(putEcho.bodyBase64 as string, 'base64').toString()).toBe('plain text');
  });

  it('answers 500 with an empty body when the handler throws, and keeps serving', async () => {
    const response = await api('/api/boom');
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('');
    expect(output.some((line) => line.includes('[boom]') && line.includes('kaboom'))).toBe(true);
    expect((await api('/api/items/1')).status).toBe(200);
  });

  it('requires a key for authLevel function, by code query or x-functions-key header', async () => {
    expect((await api('/api/secret')).status).toBe(401);
    expect((await api('/api/secret?code=wrong')).status).toBe(401);
    const byQuery = await api('/api/secret?code=dev-key');
    expect(byQuery.status).toBe(200);
    expect(await byQuery.text()).toBe('the secret');
    expect((await api('/api/secret', { headers: { 'x-functions-key': 'dev-key' } })).status).toBe(200);
  });

  it("runs the app's appStart, preInvocation and postInvocation hooks", async () => {
    const response = await api('/api/hooked');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-post-hook')).toBe('preInvocation');
    expect(await response.json()).toEqual({ appStarted: true, replacedBy: 'preInvocation' });
  });

  it('lists the functions and their bindings on GET /admin/functions', async () => {
    const response = await api('/admin/functions');
    expect(response.status).toBe(200);
    const functions = (await response.json()) as Array<Record<string, unknown>>;
    const byName = new Map(functions.map((f) => [f.name, f]));
    expect(byName.get('echo')).toMatchObject({
      kind: 'http',
      http: { route: 'echo/{tail?}', methods: ['POST', 'PUT'] },
    });
    expect(byName.get('work')).toMatchObject({
      kind: 'queue',
      queue: { queueName: WORK_QUEUE, poisonQueueName: `${WORK_QUEUE}-poison` },
    });
    expect(byName.get('tick')).toMatchObject({
      kind: 'timer',
      timer: { schedule: '* * * * * *', runOnStartup: false },
    });
    expect(byName.get('onStartup')).toMatchObject({ timer: { runOnStartup: true } });
    for (const f of functions) expect(f.error).toBeUndefined();
  });
});

describe('dev host: queue triggers', () => {
  it('delivers a base64 message with its payload parsed and Azure trigger metadata', async () => {
    const id = testId();
    const payload = { testId: id, amount: 12.5, tags: ['a', 'b'] };
    await queue(WORK_QUEUE).sendMessage(base64(JSON.stringify(payload)));
    const [entry] = await waitFor('the work invocation', () => {
      const found = observed.of('work', id);
      return found.length > 0 && found;
    });
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
    await queue(WORK_QUEUE).sendMessage(base64(JSON.stringify({ testId: id, failFirst: true })));
    await waitFor('two deliveries', () => observed.of('work', id).length >= 2);
    // well past visibilityTimeout (1 s) and maxPollingInterval (0.5 s): a message still there would be seen again
    await sleep(3000);
    expect(observed.of('work', id).map((e) => e.dequeueCount)).toEqual([1, 2]);
  });

  it('moves a message that keeps failing to <queue>-poison after exactly maxDequeueCount attempts, text unchanged', async () => {
    const id = testId();
    const text = base64(JSON.stringify({ testId: id }));
    await queue('doomed').sendMessage(text);
    const poison = queue('doomed-poison');
    const poisoned = await waitFor('the poison message', async () => {
      if (!(await poison.exists())) return undefined;
      const { peekedMessageItems } = await poison.peekMessages({ numberOfMessages: 32 });
      return peekedMessageItems.find((m) => m.messageText === text);
    });
    expect(poisoned.messageText).toBe(text);
    await sleep(2000); // any further attempt would show up by now
    expect(observed.of('alwaysFails', id).map((e) => e.dequeueCount)).toEqual(
      Array.from({ length: MAX_DEQUEUE_COUNT }, (_, i) => i + 1),
    );
    const properties = await queue('doomed').getProperties();
    expect(properties.approximateMessagesCount).toBe(0);
  });

  it('honours messageEncoding base64: a message that is not base64 never reaches the function and ends in poison', async () => {
    const id = testId();
    const raw = JSON.stringify({ testId: id });
    await queue(WORK_QUEUE).sendMessage(raw);
    const poison = queue(`${WORK_QUEUE}-poison`);
    await waitFor('the undecodable message in poison', async () => {
      if (!(await poison.exists())) return undefined;
      const { peekedMessageItems } = await poison.peekMessages({ numberOfMessages: 32 });
      return peekedMessageItems.some((m) => m.messageText === raw);
    });
    expect(observed.of('work', id)).toEqual([]);
  });

  it('writes a storage queue output binding, one base64 message per array element', async () => {
    const id = testId();
    const response = await api('/api/enqueue', { method: 'POST', body: JSON.stringify({ testId: id }) });
    expect(response.status).toBe(202);
    const entries = await waitFor('two output messages', () => {
      const found = observedOutput.entries.filter((e) => e.testId === id);
      return found.length >= 2 && found;
    });
    expect(entries.map((e) => e.n).sort()).toEqual([1, 2]);
  });

  it('runs a queue function once on POST /admin/functions/{name}', async () => {
    const id = testId();
    const response = await api('/admin/functions/work', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: JSON.stringify({ testId: id }) }),
    });
    expect(response.status).toBe(202);
    const [entry] = await waitFor('the admin invocation', () => {
      const found = observed.of('work', id);
      return found.length > 0 && found;
    });
    expect(entry!.payload).toEqual({ testId: id });
    expect(entry!.dequeueCount).toBe(1);
  });
});

describe('dev host: timers', () => {
  it('runs a runOnStartup timer once at startup', async () => {
    await waitFor('the startup run', () => observed.of('onStartup').length > 0);
    expect(observed.of('onStartup')).toHaveLength(1);
  });

  it('fires a timer on POST /admin/functions/{name} with the Azure Timer shape', async () => {
    const before = observed.of('manual').length;
    const response = await api('/admin/functions/manual', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: '' }),
    });
    expect(response.status).toBe(202);
    await waitFor('the manual timer run', () => observed.of('manual').length > before);
    const entry = observed.of('manual').at(-1)!;
    expect(entry.isPastDue).toBe(false);
    const status = entry.scheduleStatus as { last: string; next: string; lastUpdated: string };
    const next = new Date(status.next);
    expect([next.getUTCMonth(), next.getUTCDate(), next.getUTCHours()]).toEqual([0, 1, 0]); // 0 0 0 1 1 *
    expect(Number.isNaN(Date.parse(status.last))).toBe(false);
    expect(Number.isNaN(Date.parse(status.lastUpdated))).toBe(false);

    expect((await api('/admin/functions/nope', { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await api('/admin/functions/echo', { method: 'POST', body: '{}' })).status).toBe(400);
  });

  it('fires a "* * * * * *" schedule on its own, once per second', async () => {
    const start = observed.of('tick').length;
    await waitFor('two more ticks', () => observed.of('tick').length >= start + 2);
    const ticks = observed.of('tick').slice(start);
    const nexts = ticks.map((t) => (t.scheduleStatus as { next: string }).next);
    expect(new Set(nexts).size).toBe(nexts.length);
    for (const tick of ticks) expect(tick.isPastDue).toBe(false);
  });
});

describe('dev host: lifecycle', () => {
  it('stop() shuts down gracefully and leaves no process behind', async () => {
    const pid = host!.pid!;
    expect(() => process.kill(-pid, 0)).not.toThrow();
    await host!.stop();
    expect(() => process.kill(-pid, 0)).toThrow(); // no process left in the group
    expect(output.some((line) => line.includes('Dev host stopped'))).toBe(true);
    await expect(api('/admin/host/status')).rejects.toThrow();
  });
});

describe('dev host: at-least-once delivery (DEVHOST_AT_LEAST_ONCE)', () => {
  it('hands every message to the function twice, the second time while the first still runs', async () => {
    const second = await spawnDevHost({
      scriptRoot: FIXTURE,
      port: await freePort(),
      env: {
        AzureWebJobsStorage: connection,
        WORK_QUEUE,
        TICK_SCHEDULE: '0 0 0 1 1 *',
        DEVHOST_AT_LEAST_ONCE: 'true',
      },
      onOutput: (line) => output.push(line),
    });
    try {
      const ids = Array.from({ length: 8 }, testId);
      await Promise.all(
        ids.map((id) => queue(WORK_QUEUE).sendMessage(base64(JSON.stringify({ testId: id })))),
      );
      await waitFor('two deliveries of each message', () =>
        ids.every((id) => observed.of('work', id).length >= 2),
      );
      for (const id of ids) {
        expect(observed.of('work', id).map((e) => e.dequeueCount)).toEqual([1, 1]); // one message, two deliveries
      }
    } finally {
      await second.stop();
    }
  });
});
