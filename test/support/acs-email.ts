import { EmailClient, type EmailMessage } from '@azure/communication-email';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { signAcsRequest } from '../../scripts/acs-email/hmac.js';
import {
  LOCAL_EMAIL_ACCESS_KEY,
  startEmailServer,
  type RunningEmailServer,
} from '../../scripts/acs-email/server.js';
import { freePort } from '../../scripts/local-stack/net.js';
import { inbox } from './inbox.js';

/** The local ACS Email server as its service tests start it, with the real EmailClient. */

/** Short SDK backoff so the 5xx retries do not make the suite slow; the retry count stays the default (3). */
export const clientOptions = {
  allowInsecureConnection: true,
  retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 50 },
};

export function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
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
  server: RunningEmailServer,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
  return { status: response.status, body: body as T, headers: response.headers };
}

export interface TestEmailServer {
  readonly server: RunningEmailServer;
  /** An EmailClient with the right key. */
  readonly client: EmailClient;
  /** A request to the server; a JSON answer is parsed. */
  api<T = unknown>(path: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }>;
  /** The inbox, its fault switches and counters. */
  readonly inbox: ReturnType<typeof inbox>;
  /** The inbox's messages, to one address or all. */
  messages: ReturnType<typeof inbox>['messages'];
  /** The server's counters. */
  stats: ReturnType<typeof inbox>['stats'];
  /** Sets the server's injected faults. */
  setFaults: ReturnType<typeof inbox>['setFaults'];
  /** A request signed like the SDK does, for what the SDK cannot be made to send. */
  signedFetch(
    method: string,
    path: string,
    options?: { body?: string; signBody?: string; accessKey?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
}

/**
 * Starts an email server on a free port before the file's tests and stops it after; before each test
 * the inbox, the faults and the counters are cleared.
 */
export function useEmailServer(): TestEmailServer {
  let started:
    { server: RunningEmailServer; client: EmailClient; inbox: ReturnType<typeof inbox> } | undefined;
  const get = () => {
    if (!started) throw new Error('the email server is not started yet (use it inside a test)');
    return started;
  };
  beforeAll(async () => {
    const server = await startEmailServer({ port: await freePort(), accessKey: LOCAL_EMAIL_ACCESS_KEY });
    started = {
      server,
      client: new EmailClient(server.connectionString, clientOptions),
      inbox: inbox(server.url),
    };
  });
  afterAll(async () => {
    await started?.server.stop();
  });
  beforeEach(async () => {
    const { server } = get();
    await api(server, '/messages', { method: 'DELETE' });
    await api(server, '/_faults', { method: 'DELETE' });
    await api(server, '/_stats', { method: 'DELETE' });
  });
  return {
    get server() {
      return get().server;
    },
    get client() {
      return get().client;
    },
    get inbox() {
      return get().inbox;
    },
    messages: (to) => get().inbox.messages(to),
    stats: () => get().inbox.stats(),
    setFaults: (faults) => get().inbox.setFaults(faults),
    api: (path, init) => api(get().server, path, init),
    async signedFetch(method, path, options = {}) {
      const url = `${get().server.url}${path}`;
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
    },
  };
}
