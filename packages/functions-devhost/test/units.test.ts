import { describe, expect, it } from 'vitest';
import { parseHostConfig, withDevHostOptions, parseTimeSpan, resolveAppSettings } from '../src/config.js';
import { compareRoutePrecedence, compileRoute, splitRequestPath } from '../src/routes.js';
import { formatSetCookie } from '../src/http.js';
import { parseSchedule } from '../src/timers.js';

const match = (template: string, path: string) => compileRoute(template).match(splitRequestPath(path)!);

describe('route templates', () => {
  it('matches literals case-insensitively and captures parameters', () => {
    expect(match('Users/{id}/Posts', '/users/42/POSTS')).toEqual({ id: '42' });
    expect(match('users/{id}', '/users')).toBeUndefined();
    expect(match('users/{id}', '/users/1/2')).toBeUndefined();
    expect(match('users/{id}', '/users/a%20b')).toEqual({ id: 'a b' });
    expect(match('users/{id}', '/users/1/')).toEqual({ id: '1' });
  });

  it('checks constraints', () => {
    expect(match('{v:int}', '/-12')).toEqual({ v: '-12' });
    expect(match('{v:int}', '/2147483648')).toBeUndefined();
    expect(match('{v:long}', '/2147483648')).toEqual({ v: '2147483648' });
    expect(match('{v:guid}', '/3F2504E0-4F89-11D3-9A0C-0305E82C3301')).toBeDefined();
    expect(match('{v:guid}', '/3f2504e04f8911d39a0c0305e82c3301')).toBeDefined();
    expect(match('{v:guid}', '/3f2504e0-4f89')).toBeUndefined();
    expect(match('{v:alpha}', '/Abc')).toBeDefined();
    expect(match('{v:alpha}', '/ab1')).toBeUndefined();
    expect(match('{v:bool}', '/TRUE')).toBeDefined();
    expect(match('{v:bool}', '/yes')).toBeUndefined();
    expect(match('{v:int:min(10)}', '/9')).toBeUndefined();
    expect(match('{v:int:range(1,3)}', '/3')).toBeDefined();
    expect(match('{v:length(2)}', '/abc')).toBeUndefined();
    expect(match('{v:regex(^a\\d+$)}', '/a12')).toBeDefined();
    expect(match('{v:regex(^a\\d+$)}', '/b12')).toBeUndefined();
    const unknown = compileRoute('{v:sparkly}');
    expect(unknown.parameters[0]!.constraints[0]!.known).toBe(false);
    expect(unknown.match(['anything'])).toEqual({ v: 'anything' });
  });

  it('handles optional, default and catch-all parameters', () => {
    expect(match('a/{b?}', '/a')).toEqual({});
    expect(match('a/{b?}', '/a/x')).toEqual({ b: 'x' });
    expect(match('a/{b=dflt}', '/a')).toEqual({ b: 'dflt' });
    expect(match('a/{*rest}', '/a/x/y/z')).toEqual({ rest: 'x/y/z' });
    expect(match('a/{*rest}', '/a')).toEqual({});
    expect(match('a/{**rest}', '/a/x/y')).toEqual({ rest: 'x/y' });
    expect(() => compileRoute('a/{*rest}/b')).toThrow();
  });

  it('matches complex segments right to left', () => {
    expect(match('files/{name}.{ext}', '/files/archive.tar.gz')).toEqual({ name: 'archive.tar', ext: 'gz' });
    expect(match('files/{name}.{ext?}', '/files/readme')).toEqual({ name: 'readme' });
    expect(match('files/{name}.{ext?}', '/files/readme.md')).toEqual({ name: 'readme', ext: 'md' });
  });

  it('orders routes most specific first', () => {
    const routes = ['items/{*rest}', 'items/{slug}', 'items/{id:int}', 'items/special', '{a}/{b}'].map(
      compileRoute,
    );
    const sorted = [...routes].sort(compareRoutePrecedence).map((r) => r.template);
    expect(sorted).toEqual(['items/special', 'items/{id:int}', 'items/{slug}', 'items/{*rest}', '{a}/{b}']);
  });
});

describe('host.json and app settings', () => {
  it('parses TimeSpans', () => {
    expect(parseTimeSpan('00:00:02')).toBe(2000);
    expect(parseTimeSpan('00:00:00.250')).toBe(250);
    expect(parseTimeSpan('01:02:03')).toBe(3_723_000);
    expect(parseTimeSpan('1.00:00:00')).toBe(86_400_000);
    expect(() => parseTimeSpan('2s')).toThrow();
  });

  it('takes the dev host’s own test switches from the environment: a shorter lease, at-least-once delivery', () => {
    const config = withDevHostOptions(parseHostConfig({}), {
      DEVHOST_QUEUE_LEASE_SECONDS: '10',
      DEVHOST_AT_LEAST_ONCE: 'true',
    });
    expect(config.queues).toMatchObject({ leaseSeconds: 10, atLeastOnce: true });
    expect(
      withDevHostOptions(parseHostConfig({}), { DEVHOST_QUEUE_LEASE_SECONDS: '0' }).queues.leaseSeconds,
    ).toBe(60);
  });

  it('applies Azure defaults and reads queue options case-insensitively', () => {
    expect(parseHostConfig({}).queues).toEqual({
      batchSize: 16,
      newBatchThreshold: 8,
      maxPollingIntervalMs: 60_000,
      visibilityTimeoutMs: 0,
      maxDequeueCount: 5,
      messageEncoding: 'base64',
      leaseSeconds: 60,
      atLeastOnce: false,
    });
    const config = parseHostConfig({
      Extensions: { Http: { RoutePrefix: '' }, Queues: { BatchSize: 4, MessageEncoding: 'None' } },
    });
    expect(config.routePrefix).toBe('');
    expect(config.queues.batchSize).toBe(4);
    expect(config.queues.newBatchThreshold).toBe(2);
    expect(config.queues.messageEncoding).toBe('none');
    expect(() => parseHostConfig({ extensions: { queues: { batchSize: 33 } } })).toThrow();
  });

  it('resolves %SETTING% references', () => {
    expect(resolveAppSettings('%Q%-x', { Q: 'orders' })).toBe('orders-x');
    expect(() => resolveAppSettings('%MISSING%', {})).toThrow(/MISSING/);
  });
});

describe('timer schedules', () => {
  it('computes NCRONTAB occurrences with seconds, and TimeSpan intervals', () => {
    const from = new Date('2030-01-01T10:00:00.500Z');
    expect(parseSchedule('*/15 * * * * *').next(from).toISOString()).toBe('2030-01-01T10:00:15.000Z');
    expect(parseSchedule('0 30 9 * * 1-5').next(from).toISOString()).toBe('2030-01-02T09:30:00.000Z');
    expect(parseSchedule('00:05:00').next(from).toISOString()).toBe('2030-01-01T10:05:00.500Z');
    expect(() => parseSchedule('* * *')).toThrow();
  });
});

describe('Set-Cookie', () => {
  it('formats cookies like the Functions host', () => {
    expect(
      formatSetCookie({
        name: 'id',
        value: 'a b',
        expires: { value: { seconds: 1_900_000_000 } },
        domain: { value: 'example.com' },
        secure: { value: true },
        httpOnly: { value: true },
        sameSite: 'explicitNone',
      }),
    ).toBe(
      'id=a%20b; expires=Sun, 17 Mar 2030 17:46:40 GMT; domain=example.com; path=/; secure; samesite=none; httponly',
    );
  });
});

describe('host.json overrides from app settings', () => {
  it('AzureFunctionsJobHost__ settings override host.json values, case-insensitively', async () => {
    const { applyHostOverrides, parseHostConfig } = await import('../src/config.js');
    const host = { extensions: { queues: { visibilityTimeout: '00:00:10', maxDequeueCount: 5 } } };
    const overridden = parseHostConfig(
      applyHostOverrides(host, {
        AzureFunctionsJobHost__extensions__queues__visibilityTimeout: '00:00:01',
        AZUREFUNCTIONSJOBHOST__EXTENSIONS__QUEUES__MAXDEQUEUECOUNT: '3',
        Unrelated: 'x',
      }),
    );
    expect(overridden.queues.visibilityTimeoutMs).toBe(1000);
    expect(overridden.queues.maxDequeueCount).toBe(3);
    expect(host.extensions.queues.visibilityTimeout).toBe('00:00:10'); // the input is not changed
  });
});
