import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The queue retry limit the Functions host applies (host.json `extensions.queues.maxDequeueCount`, or its
 * `AzureFunctionsJobHost__…` app-setting override), so a handler knows when an attempt is the last one.
 * Read once; the app runs with host.json in its working directory, in Azure as locally.
 */
let maxDequeueCount: number | undefined;

export function queueMaxDequeueCount(): number {
  if (maxDequeueCount === undefined) {
    const override = process.env['AzureFunctionsJobHost__extensions__queues__maxDequeueCount'];
    let fromFile: unknown;
    try {
      const host = JSON.parse(readFileSync(join(process.cwd(), 'host.json'), 'utf8')) as {
        extensions?: { queues?: { maxDequeueCount?: unknown } };
      };
      fromFile = host.extensions?.queues?.maxDequeueCount;
    } catch {
      fromFile = undefined;
    }
    const value = Number(override ?? fromFile ?? 5);
    maxDequeueCount = Number.isInteger(value) && value > 0 ? value : 5;
  }
  return maxDequeueCount;
}
