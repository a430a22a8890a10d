import { randomBytes, randomUUID } from 'node:crypto';
import { EmailClient, type EmailMessage } from '@azure/communication-email';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signAcsRequest } from '../../../scripts/acs-email/hmac.js';
import {
  LOCAL_EMAIL_ACCESS_KEY,
  startEmailServer,
  type RunningEmailServer,
} from '../../../scripts/acs-email/server.js';
import { freePort } from 'functions-devhost/process';

interface MessageView {
  id: string;
  operationId: string;
  from: string;
  to: string;
  recipients: string[];
  cc: string[];
  subject: string;
  html: string | null;
  plainText: string | null;
  receivedAt: string;
}

interface Stats {
  sendAttempts: number;
  acceptedMessages: number;
  duplicateSends: number;
  faultedSends: number;
  unauthorizedRequests: number;
  byOperationId: Record<string, number>;
}

let server: RunningEmailServer;
let client: EmailClient;

/** Short SDK backoff so the 5xx retries do not make the suite slow; the retry count stays the default (3). */
const clientOptions = {
  allowInsecureConnection: true,
  retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 50 },
};

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    senderAddress: 'DoNotReply@partner.example.com',
    content: {
      subject: 'Activate your Visual Studio subscription',
      html: '<p>Hello</p><p><a href="http://localhost:7071/api/activate?token=abc">Activate</a></p>',
      plainText: 'Hello. Activate: http://localhost:7071/api/activate?token=abc',
    },
    recipients: { to: [{ address: 'alice@example.com', displayName: 'Alice' }] },
    ...overrides,
  };
}

async function api<T = unknown>(
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
  return { status: response.status, body: body as T, headers: response.headers };
}

const messages = async (query = '') => (await api<MessageView[]>(`/messages${query}`)).body;
const stats = async () => (await api<Stats>('/_stats')).body;
const setFaults = async (faults: unknown) => {
  const result = await api('/_faults', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(result.status).toBe(200);
};

/** A request signed like the SDK does, for what the SDK cannot be made to send. */
async function signedFetch(
  method: string,
  path: string,
  options: { body?: string; signBody?: string; accessKey?: string; headers?: Record<string, string> } = {},
) {
  const url = `${server.url}${path}`;
  const auth = signAcsRequest({
    method,
    url,
    body: options.signBody ?? options.body ?? '',
    accessKey: options.accessKey ?? LOCAL_EMAIL_ACCESS_KEY,
  });
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...auth, ...options.headers },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

beforeAll(async () => {
  server = await startEmailServer({ port: await freePort(), accessKey: LOCAL_EMAIL_ACCESS_KEY });
  client = new EmailClient(server.connectionString, clientOptions);
});

afterAll(async () => {
  await server?.stop();
});

beforeEach(async () => {
  await api('/messages', { method: 'DELETE' });
  await api('/_faults', { method: 'DELETE' });
  await api('/_stats', { method: 'DELETE' });
});

describe('local ACS Email server with the real EmailClient', () => {
  it('answers health', async () => {
    const health = await api('/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
  });

  it('accepts a send with an operation id, polls to Succeeded and shows the message', async () => {
    const operationId = randomUUID();
    const poller = await client.beginSend(
      message({
        recipients: {
          to: [{ address: 'alice@example.com' }, { address: 'al@example.com' }],
          cc: [{ address: 'carol@example.com' }],
        },
      }),
      { operationId },
    );
    const result = await poller.pollUntilDone();
    expect(result).toMatchObject({ id: operationId, status: 'Succeeded' });

    const [stored, ...rest] = await messages();
    expect(rest).toHaveLength(0);
    expect(stored).toMatchObject({
      operationId,
      from: 'DoNotReply@partner.example.com',
      to: 'alice@example.com',
      recipients: ['alice@example.com', 'al@example.com'],
      cc: ['carol@example.com'],
      subject: 'Activate your Visual Studio subscription',
      html: '<p>Hello</p><p><a href="http://localhost:7071/api/activate?token=abc">Activate</a></p>',
      plainText: 'Hello. Activate: http://localhost:7071/api/activate?token=abc',
    });
    expect(Date.parse(stored!.receivedAt)).not.toBeNaN();

    const body = await api<string>(`/messages/${stored!.id}/html`);
    expect(body.status).toBe(200);
    expect(body.headers.get('content-type')).toMatch(/^text\/html/);
    expect(body.headers.get('content-security-policy')).toMatch(/^sandbox\b/);
    expect(body.headers.get('content-security-policy')).not.toMatch(/allow-scripts|allow-same-origin/);
    expect(body.body).toContain('href="http://localhost:7071/api/activate?token=abc"');
  });

  it('generates an operation id when the client sends none', async () => {
    const result = await (await client.beginSend(message())).pollUntilDone();
    expect(result.status).toBe('Succeeded');
    expect(result.id).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await messages();
    expect(stored.map((m) => m.operationId)).toEqual([result.id]);
  });

  it('stores one message when the same operation id is sent twice', async () => {
    const operationId = randomUUID();
    const first = await (await client.beginSend(message(), { operationId })).pollUntilDone();
    const second = await (
      await client.beginSend(message({ content: { subject: 'changed', plainText: 'changed' } }), {
        operationId,
      })
    ).pollUntilDone();
    expect(first).toMatchObject({ id: operationId, status: 'Succeeded' });
    expect(second).toMatchObject({ id: operationId, status: 'Succeeded' });

    const stored = await messages();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.subject).toBe('Activate your Visual Studio subscription');
    const s = await stats();
    expect(s.byOperationId[operationId]).toBe(2);
    expect(s.duplicateSends).toBe(1);
    expect(s.acceptedMessages).toBe(1);
  });

  it('refuses a client with the wrong access key (401) and stores nothing', async () => {
    const wrongKey = randomBytes(32).toString('base64');
    const intruder = new EmailClient(`endpoint=${server.url}/;accesskey=${wrongKey}`, clientOptions);
    const error = await intruder.beginSend(message(), { operationId: randomUUID() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ statusCode: 401 });
    expect(error).toMatchObject({ code: 'Denied' });
    expect(await messages()).toEqual([]);
    const s = await stats();
    expect(s.unauthorizedRequests).toBe(1);
    expect(s.sendAttempts).toBe(0);
  });

  it('refuses a raw request whose body does not match its content hash or signature', async () => {
    const path = '/emails:send?api-version=2025-09-01';
    const original = JSON.stringify(message());
    const tampered = JSON.stringify(message({ recipients: { to: [{ address: 'mallory@example.com' }] } }));

    // Control: the crafted signing is right, so the refusals below are about tampering only.
    const ok = await signedFetch('POST', path, { body: original, headers: { 'operation-id': randomUUID() } });
    expect(ok.status).toBe(202);
    expect(ok.headers.get('operation-location')).toMatch(
      /\/emails\/operations\/[0-9a-f-]{36}\?api-version=2025-09-01$/,
    );

    // Body swapped after signing: x-ms-content-sha256 no longer matches.
    const swapped = await signedFetch('POST', path, { body: tampered, signBody: original });
    expect(swapped.status).toBe(401);
    expect(swapped.body).toMatchObject({ error: { code: 'Denied' } });
    expect(String((swapped.body.error as { message: string }).message)).toMatch(/x-ms-content-sha256/);

    // Content hash recomputed for the new body but the signature still signs the old hash.
    const auth = signAcsRequest({
      method: 'POST',
      url: `${server.url}${path}`,
      body: original,
      accessKey: LOCAL_EMAIL_ACCESS_KEY,
    });
    const rehashed = await signedFetch('POST', path, {
      body: tampered,
      headers: {
        ...auth,
        'x-ms-content-sha256': signAcsRequest({
          method: 'POST',
          url: `${server.url}${path}`,
          body: tampered,
          accessKey: LOCAL_EMAIL_ACCESS_KEY,
        })['x-ms-content-sha256']!,
      },
    });
    expect(rehashed.status).toBe(401);
    expect(String((rehashed.body.error as { message: string }).message)).toMatch(/signature/);

    const stored = await messages();
    expect(stored.map((m) => m.to)).toEqual(['alice@example.com']);
    expect((await stats()).unauthorizedRequests).toBe(2);
  });

  it('rejects invalid bodies with an ACS-style 400 and stores nothing', async () => {
    const path = '/emails:send?api-version=2025-09-01';
    const cases: [unknown, RegExp][] = [
      [{ ...message(), senderAddress: '' }, /senderAddress/],
      [{ ...message(), recipients: { to: [] } }, /recipients\.to/],
      [{ ...message(), recipients: { to: [{ displayName: 'x' }] } }, /address/],
      [{ ...message(), content: { html: '<p>x</p>' } }, /subject/],
      [{ ...message(), content: { subject: 'no body' } }, /html or content\.plainText/],
    ];
    for (const [body, pattern] of cases) {
      const response = await signedFetch('POST', path, { body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      const error = response.body.error as { code: string; message: string };
      expect(typeof error.code).toBe('string');
      expect(error.message).toMatch(pattern);
    }
    const missingVersion = await signedFetch('POST', '/emails:send', { body: JSON.stringify(message()) });
    expect(missingVersion.status).toBe(400);
    expect(missingVersion.body).toMatchObject({ error: { code: 'MissingApiVersionParameter' } });
    expect(await messages()).toEqual([]);
  });

  it('throttles with 429 + Retry-After and 5xx, and the SDK retries into a success', async () => {
    await setFaults({
      plan: [
        { status: 429, retryAfterSeconds: 1, times: 1 },
        { status: 500, times: 1 },
        { status: 503, times: 1 },
      ],
      then: 'succeed',
    });
    const operationId = randomUUID();
    const started = Date.now();
    const result = await (await client.beginSend(message(), { operationId })).pollUntilDone();
    expect(result).toMatchObject({ id: operationId, status: 'Succeeded' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // honoured Retry-After: 1

    const s = await stats();
    expect(s.byOperationId[operationId]).toBe(4);
    expect(s.faultedSends).toBe(3);
    expect(await messages()).toHaveLength(1);
    expect((await api<{ plan: unknown[] }>('/_faults')).body.plan).toEqual([]);
  });

  it('a 429 without Retry-After is not retried by the SDK', async () => {
    await setFaults({ plan: [{ status: 429, retryAfterSeconds: null }] });
    const operationId = randomUUID();
    const error = await client.beginSend(message(), { operationId }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    expect((await stats()).byOperationId[operationId]).toBe(1);
    expect(await messages()).toEqual([]);
  });

  it('then: "fail" makes every send fail; the client gives up and nothing is stored', async () => {
    await setFaults({ plan: [{ status: 503, times: 1 }], then: 'fail' });
    const operationId = randomUUID();
    const error = await client.beginSend(message(), { operationId }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ statusCode: 500, code: 'InternalServerError' });
    const s = await stats();
    expect(s.byOperationId[operationId]).toBe(4); // first try + the SDK's 3 retries
    expect(s.faultedSends).toBe(4);
    expect(await messages()).toEqual([]);

    // Still failing until the faults are cleared.
    const again = await signedFetch('POST', '/emails:send?api-version=2025-09-01', {
      body: JSON.stringify(message()),
    });
    expect(again.status).toBe(500);
    await api('/_faults', { method: 'DELETE' });
    const result = await (await client.beginSend(message(), { operationId })).pollUntilDone();
    expect(result.status).toBe('Succeeded');
    expect(await messages()).toHaveLength(1);
  });

  it('operation-level failure surfaces as a Failed poll result', async () => {
    await setFaults({
      operationStatus: 'Failed',
      operationError: {
        code: 'EmailDroppedAllRecipientsSuppressed',
        message: 'All recipients are suppressed.',
      },
      runningPolls: 1,
    });
    const operationId = randomUUID();
    const poller = await client.beginSend(message(), { operationId });
    expect(poller.getOperationState().status).toBe('running');
    await expect(poller.pollUntilDone()).rejects.toThrow(/EmailDroppedAllRecipientsSuppressed/);
    expect(poller.getOperationState().status).toBe('failed');

    const raw = await signedFetch('GET', `/emails/operations/${operationId}?api-version=2025-09-01`);
    expect(raw.status).toBe(200);
    expect(raw.body).toEqual({
      id: operationId,
      status: 'Failed',
      error: { code: 'EmailDroppedAllRecipientsSuppressed', message: 'All recipients are suppressed.' },
    });
    expect(await messages()).toEqual([]);
  });

  it('escapes HTML in the inbox page', async () => {
    const subject = '<script>alert("x")</script> & more';
    await (
      await client.beginSend(message({ content: { subject, plainText: 'plain <b>text</b> only' } }))
    ).pollUntilDone();
    const page = await api<string>('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).not.toContain('<script>');
    expect(page.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    const [stored] = await messages();
    expect(page.body).toContain(`href="/messages/${stored!.id}/html"`);
    // A plain-text-only email is shown escaped in a <pre>.
    const view = await api<string>(`/messages/${stored!.id}/html`);
    expect(view.body).toContain('plain &lt;b&gt;text&lt;/b&gt; only');
  });

  it('lists messages newest first and filters by ?to= case-insensitively', async () => {
    await (
      await client.beginSend(message({ recipients: { to: [{ address: 'alice@example.com' }] } }))
    ).pollUntilDone();
    await (
      await client.beginSend(
        message({
          content: { subject: 'for bob', plainText: 'bob' },
          recipients: { to: [{ address: 'Bob@Example.com' }] },
        }),
      )
    ).pollUntilDone();

    expect((await messages()).map((m) => m.to)).toEqual(['Bob@Example.com', 'alice@example.com']);
    expect((await messages('?to=ALICE%40example.com')).map((m) => m.to)).toEqual(['alice@example.com']);
    const bob = await messages('?to=bob@example.com');
    expect(bob.map((m) => m.subject)).toEqual(['for bob']);
    expect(await messages('?to=nobody@example.com')).toEqual([]);
  });
});
