import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The queue retry settings the Functions host applies (host.json `extensions.queues`, or their
 * `AzureFunctionsJobHost__…` app-setting overrides), so a handler knows when an attempt is the last one
 * and how long the host's retries last. Read once; the app runs with host.json in its working directory,
 * in Azure as locally.
 */
interface QueueSettings {
  maxDequeueCount: number;
  visibilityTimeoutSeconds: number;
}

let settings: QueueSettings | undefined;

/** `hh:mm:ss` (with optional fraction) as seconds, or undefined. */
function seconds(timeSpan: unknown): number | undefined {
  if (typeof timeSpan !== 'string') return undefined;
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(timeSpan.trim());
  return match ? Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]) : undefined;
}

function queueSettings(): QueueSettings {
  if (!settings) {
    const env = (name: string) => process.env[`AzureFunctionsJobHost__extensions__queues__${name}`];
    let queues: { maxDequeueCount?: unknown; visibilityTimeout?: unknown } | undefined;
    try {
      const host = JSON.parse(readFileSync(join(process.cwd(), 'host.json'), 'utf8')) as {
        extensions?: { queues?: typeof queues };
      };
      queues = host.extensions?.queues;
    } catch {
      queues = undefined;
    }
    const count = Number(env('maxDequeueCount') ?? queues?.maxDequeueCount ?? 5);
    const visibility = seconds(env('visibilityTimeout') ?? queues?.visibilityTimeout) ?? 0;
    settings = {
      maxDequeueCount: Number.isInteger(count) && count > 0 ? count : 5,
      visibilityTimeoutSeconds: visibility,
    };
  }
  return settings;
}

export const queueMaxDequeueCount = (): number => queueSettings().maxDequeueCount;

/** How long the host keeps retrying a message before it gives up: its attempts and the pauses between. */
export const queueRetryWindowSeconds = (): number =>
  Math.max(1, queueSettings().maxDequeueCount * queueSettings().visibilityTimeoutSeconds);
