import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QueueRetry } from '../app/queues/queue.js';

/** `hh:mm:ss` (with optional fraction) as seconds, or undefined. */
function seconds(timeSpan: unknown): number | undefined {
  if (typeof timeSpan !== 'string') return undefined;
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(timeSpan.trim());
  return match ? Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]) : undefined;
}

/**
 * The queue retry settings the Functions host applies (host.json `extensions.queues`, or their
 * `AzureFunctionsJobHost__…` app-setting overrides), so a handler knows when an attempt is the last one
 * and how long the host's retries last. The app runs with host.json in its working directory, in Azure
 * as locally.
 */
export function readQueueRetry(
  env: Record<string, string | undefined> = process.env,
  directory = process.cwd(),
): QueueRetry {
  const setting = (name: string) => env[`AzureFunctionsJobHost__extensions__queues__${name}`];
  let queues: { maxDequeueCount?: unknown; visibilityTimeout?: unknown } | undefined;
  try {
    const host = JSON.parse(readFileSync(join(directory, 'host.json'), 'utf8')) as {
      extensions?: { queues?: typeof queues };
    };
    queues = host.extensions?.queues;
  } catch {
    queues = undefined;
  }
  const count = Number(setting('maxDequeueCount') ?? queues?.maxDequeueCount ?? 5);
  const maxDequeueCount = Number.isInteger(count) && count > 0 ? count : 5;
  const visibility = seconds(setting('visibilityTimeout') ?? queues?.visibilityTimeout) ?? 0;
  // How long the host keeps retrying a message before it gives up: its attempts and the pauses between.
  return { maxDequeueCount, retryWindowSeconds: Math.max(1, maxDequeueCount * visibility) };
}
