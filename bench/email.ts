/**
 * Email throughput: the email-dispatch queue holds every message the phases before queued (the main
 * host runs with the dispatcher off). A second dev host with the dispatcher on (and the bulk function
 * off) drains it; the time from its readiness until the local inbox holds every email that should be
 * sent gives emails dispatched per second. Revoked grants' invitations are stale (dropped unsent);
 * their revocation notices are due, as are the bulk grantees' invitations.
 */
import { QueueClient } from '@azure/storage-queue';
import { spawnDevHost, type DevHostService } from 'functions-devhost';
import { freePort } from '../scripts/local-stack/net.js';
import { root, type Bench } from './context.js';
import { round, sleep } from './stats.js';

const TIMEOUT_MS = 120_000;
const POLL_MS = 250;

export interface ExpectedEmail {
  to: string;
  kind: 'invitation' | 'revocation';
}

export interface EmailResult {
  queuedMessages: number;
  expected: { invitations: number; revocations: number; total: number };
  hostStartMs: number;
  /** Already in the inbox when the host answered ready (sent while it started). */
  atReady: number;
  ms: number;
  perSecond: number;
  /** Inbox messages that were not expected (e.g. a stale invitation sent anyway). */
  unexpected: number;
}

interface InboxMessage {
  to: string;
  subject: string;
}

const kindOf = (m: InboxMessage): ExpectedEmail['kind'] | 'other' =>
  / has given you a /.test(m.subject) ? 'invitation' : / has ended$/.test(m.subject) ? 'revocation' : 'other';

async function inbox(emailUrl: string): Promise<InboxMessage[]> {
  const response = await fetch(`${emailUrl}/messages`);
  if (!response.ok) throw new Error(`the inbox answered ${response.status}`);
  return (await response.json()) as InboxMessage[];
}

function tally(
  messages: InboxMessage[],
  expected: Map<string, number>,
): { found: number; unexpected: number } {
  const left = new Map(expected);
  let found = 0;
  let unexpected = 0;
  for (const m of messages) {
    const key = `${kindOf(m)}|${m.to.toLowerCase()}`;
    const n = left.get(key) ?? 0;
    if (n > 0) {
      left.set(key, n - 1);
      found++;
    } else unexpected++;
  }
  return { found, unexpected };
}

export async function measureEmail(
  bench: Bench,
  expectedEmails: ExpectedEmail[],
  log: (line: string) => void,
): Promise<EmailResult> {
  const before = await inbox(bench.stack.urls.email);
  if (before.length !== 0) throw new Error(`the inbox already holds ${before.length} messages`);
  const queue = new QueueClient(bench.stack.urls.storage, 'email-dispatch');
  const queuedMessages = (await queue.getProperties()).approximateMessagesCount ?? 0;
  const expected = new Map<string, number>();
  for (const e of expectedEmails) {
    const key = `${e.kind}|${e.to.toLowerCase()}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const total = expectedEmails.length;

  const port = await freePort();
  const spawnStarted = performance.now();
  let host: DevHostService | undefined;
  try {
    host = await spawnDevHost({
      scriptRoot: root,
      port,
      env: {
        ...bench.stack.appEnv,
        'AzureWebJobs.email-dispatch.Disabled': 'false',
        'AzureWebJobs.bulk-assignments.Disabled': 'true',
      },
      onOutput: (line) => {
        if (/\bERROR\b/.test(line)) bench.hostErrors.push(`[email host] ${line}`);
      },
    });
    const ready = performance.now();
    const atReady = tally(await inbox(bench.stack.urls.email), expected).found;
    let lastLog = ready;
    for (;;) {
      const messages = await inbox(bench.stack.urls.email);
      const { found, unexpected } = tally(messages, expected);
      const now = performance.now();
      if (found >= total) {
        const ms = now - ready;
        return {
          queuedMessages,
          expected: {
            invitations: expectedEmails.filter((e) => e.kind === 'invitation').length,
            revocations: expectedEmails.filter((e) => e.kind === 'revocation').length,
            total,
          },
          hostStartMs: round(ready - spawnStarted, 0),
          atReady,
          ms: round(ms, 0),
          perSecond: round(((total - atReady) / ms) * 1000, 1),
          unexpected,
        };
      }
      if (now - ready > TIMEOUT_MS) {
        throw new Error(
          `after ${TIMEOUT_MS / 1000} s the inbox holds ${found} of the ${total} expected emails`,
        );
      }
      if (now - lastLog > 10_000) {
        lastLog = now;
        log(`  emails: ${found}/${total}`);
      }
      await sleep(POLL_MS);
    }
  } finally {
    await host?.stop();
  }
}
