import { describe, expect, it } from 'vitest';
import { createLogger, redact, type LogLevel } from '../../shared/log.js';

const R = '[redacted]';

function capture() {
  const lines: { level: LogLevel; line: string }[] = [];
  return { lines, sink: (level: LogLevel, line: string) => void lines.push({ level, line }) };
}

describe('redact', () => {
  it.each([
    'token',
    'accessToken',
    'refresh_token',
    'idToken',
    'authorization',
    'Authorization',
    'activationLink',
    'invitationLink',
    'clientSecret',
    'password',
    'cookie',
    'set-cookie',
    'accessKey',
    'emailAccessKey',
    'apiKey',
    'signature',
    'code_verifier',
    'code',
  ])('replaces the value of %s', (key) => {
    expect(redact({ [key]: 'sensitive-value', keep: 'visible' })).toEqual({ [key]: R, keep: 'visible' });
  });

  it('leaves other keys and values as they are', () => {
    const fields = {
      partnerId: 'contoso',
      personId: 'p-1',
      seats: 3,
      ok: true,
      none: null,
      codeName: 'x',
      email: 'a@contoso.com',
    };
    expect(redact(fields)).toEqual(fields);
  });

  it('replaces sensitive values whatever their type (objects included)', () => {
    expect(redact({ token: { raw: 'abc', exp: 1 }, password: 1234, secret: ['a', 'b'] })).toEqual({
      token: R,
      password: R,
      secret: R,
    });
  });

  it('redacts nested objects and objects inside arrays', () => {
    const out = redact({
      request: { headers: { authorization: 'Bearer eyJ.abc.def', accept: 'application/json' } },
      invitations: [
        { personId: 'p-1', activationLink: 'https://x/activate?token=t1' },
        { personId: 'p-2', activationLink: 'https://x/activate?token=t2' },
      ],
      matrix: [[{ clientSecret: 's' }]],
    });
    expect(out).toEqual({
      request: { headers: { authorization: R, accept: 'application/json' } },
      invitations: [
        { personId: 'p-1', activationLink: R },
        { personId: 'p-2', activationLink: R },
      ],
      matrix: [[{ clientSecret: R }]],
    });
  });

  it('never lets a sensitive value through, however deep it is nested', () => {
    let value: Record<string, unknown> = { accessToken: 'deep-secret-token' };
    for (let i = 0; i < 10; i++) value = { level: value };
    expect(JSON.stringify(redact(value))).not.toContain('deep-secret-token');
  });

  it('keeps a Date as the ISO timestamp JSON would give (not an empty object)', () => {
    const at = new Date('2025-03-10T12:00:00.000Z');
    expect(JSON.parse(JSON.stringify(redact({ at })))).toEqual({ at: '2025-03-10T12:00:00.000Z' });
  });

  it('turns an Error into its name and message', () => {
    expect(redact({ error: new TypeError('boom') })).toEqual({
      error: { name: 'TypeError', message: 'boom' },
    });
  });

  it('returns primitives unchanged', () => {
    expect(redact('text')).toBe('text');
    expect(redact(42)).toBe(42);
    expect(redact(null)).toBeNull();
    expect(redact(undefined)).toBeUndefined();
  });

  it('does not modify its input', () => {
    const input = { token: 't', nested: { password: 'p' } };
    redact(input);
    expect(input).toEqual({ token: 't', nested: { password: 'p' } });
  });
});

describe('createLogger', () => {
  it('writes one JSON line with level, event, base fields, correlation id and the call’s fields', () => {
    const { lines, sink } = capture();
    const log = createLogger(sink, { correlationId: 'corr-123', endpoint: 'partners-get' });
    log.info('partner.read', { partnerId: 'contoso' });
    expect(lines).toHaveLength(1);
    const [{ level, line }] = lines as [{ level: LogLevel; line: string }];
    expect(level).toBe('info');
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      level: 'info',
      event: 'partner.read',
      correlationId: 'corr-123',
      endpoint: 'partners-get',
      partnerId: 'contoso',
    });
  });

  it.each(['debug', 'info', 'warn', 'error'] as const)(
    'passes level %s to the sink and into the line',
    (lvl) => {
      const { lines, sink } = capture();
      createLogger(sink)[lvl]('something.happened');
      expect(lines.map((l) => l.level)).toEqual([lvl]);
      expect(JSON.parse(lines[0]!.line)).toEqual({ level: lvl, event: 'something.happened' });
    },
  );

  it('adds fields with `with`, keeping the base and the correlation id', () => {
    const { lines, sink } = capture();
    createLogger(sink, { correlationId: 'corr-9' }).with({ caller: 'subject-1' }).warn('slow', { ms: 1200 });
    expect(JSON.parse(lines[0]!.line)).toEqual({
      level: 'warn',
      event: 'slow',
      correlationId: 'corr-9',
      caller: 'subject-1',
      ms: 1200,
    });
  });

  it('redacts before writing, in base fields and call fields alike', () => {
    const { lines, sink } = capture();
    createLogger(sink, { authorization: 'Bearer abc' }).error('failed', {
      details: { activationLink: 'https://x/activate?token=secret-token' },
    });
    const line = lines[0]!.line;
    expect(line).not.toContain('Bearer abc');
    expect(line).not.toContain('secret-token');
    expect(JSON.parse(line)).toEqual({
      level: 'error',
      event: 'failed',
      authorization: R,
      details: { activationLink: R },
    });
  });
});
