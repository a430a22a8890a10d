import { describe, expect, it } from 'vitest';
import { useFixtureHost, WORK_QUEUE } from './support/fixture-host.js';
import { waitFor } from './support/wait.js';

const fixture = useFixtureHost();

describe('dev host: HTTP', () => {
  async function getJson(path: string): Promise<{ status: number; body: unknown }> {
    const response = await fixture.api(path);
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

    const byName = await fixture.api('/api/nameasroute');
    expect(byName.status).toBe(200);
    expect(await byName.text()).toBe('routed by name');
  });

  it('answers 404 with an empty body when no route takes the method and path, as the Functions host does', async () => {
    for (const [path, method] of [
      ['/api/items/5', 'DELETE'],
      ['/api/echo/x', 'GET'],
      ['/api/nothing-here', 'GET'],
    ] as const) {
      const response = await fixture.api(path, { method });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await response.text()).toBe('');
      expect(response.headers.get('content-type')).toBeNull();
    }
    expect((await fixture.api('/items/5')).status).toBe(404); // no route prefix
    expect((await fixture.api('/api/items/5/extra')).status).toBe(404);
  });

  it('hands the handler a real HttpRequest and InvocationContext, and round-trips query, headers, body and cookies', async () => {
    const body = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const response = await fixture.api('/api/echo/abc?x=1&x=2&y=z%20z', {
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
    expect(echo.url).toBe(`${fixture.host.url}/api/echo/abc?x=1&x=2&y=z%20z`);
    expect(echo.params).toEqual({ tail: 'abc' });
    // as in Azure, a repeated query key arrives as one comma-joined value
    expect(echo.query).toEqual({ x: ['1,2'], y: ['z z'] });
    const headers = echo.headers as Record<string, string>;
    expect(headers['x-custom']).toBe('hello');
    expect(headers.cookie).toBe('a=b');
    expect(headers['content-type']).toBe('application/octet-stream');
    expect(Buffer.from(echo.bodyBase64 as string, 'base64').equals(body)).toBe(true);

    const put = await fixture.api('/api/echo', { method: 'PUT', body: 'plain text' });
    expect(put.status).toBe(201);
    const putEcho = (await put.json()) as Record<string, unknown>;
    expect(putEcho.params).toEqual({});
    expect(Buffer.from(putEcho.bodyBase64 as string, 'base64').toString()).toBe('plain text');
  });

  it('answers 500 with an empty body when the handler throws, and keeps serving', async () => {
    const response = await fixture.api('/api/boom');
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('');
    await waitFor('the logged error', () =>
      fixture.output.some((line) => line.includes('[boom]') && line.includes('kaboom')),
    );
    expect((await fixture.api('/api/items/1')).status).toBe(200);
  });

  it('requires a key for authLevel function, by code query or x-functions-key header', async () => {
    expect((await fixture.api('/api/secret')).status).toBe(401);
    expect((await fixture.api('/api/secret?code=wrong')).status).toBe(401);
    const byQuery = await fixture.api('/api/secret?code=dev-key');
    expect(byQuery.status).toBe(200);
    expect(await byQuery.text()).toBe('the secret');
    expect((await fixture.api('/api/secret', { headers: { 'x-functions-key': 'dev-key' } })).status).toBe(
      200,
    );
  });

  it("runs the app's appStart, preInvocation and postInvocation hooks", async () => {
    const response = await fixture.api('/api/hooked');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-post-hook')).toBe('preInvocation');
    expect(await response.json()).toEqual({ appStarted: true, replacedBy: 'preInvocation' });
  });

  it('lists the functions and their bindings on GET /admin/functions', async () => {
    const response = await fixture.api('/admin/functions');
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
      timer: { schedule: '0 0 0 1 1 *', runOnStartup: false }, // %TICK_SCHEDULE% resolved
    });
    expect(byName.get('onStartup')).toMatchObject({ timer: { runOnStartup: true } });
    for (const f of functions) expect(f.error).toBeUndefined();
  });
});
