import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readQueueRetry } from '../../../shared/adapters/host-settings.js';

const hostJson = (queues: Record<string, unknown>) => {
  const dir = mkdtempSync(join(tmpdir(), 'host-'));
  writeFileSync(join(dir, 'host.json'), JSON.stringify({ version: '2.0', extensions: { queues } }));
  return dir;
};

describe('readQueueRetry', () => {
  it('reads the attempts and the retry window from host.json', () => {
    const dir = hostJson({ maxDequeueCount: 4, visibilityTimeout: '00:00:30' });
    expect(readQueueRetry({}, dir)).toEqual({ maxDequeueCount: 4, retryWindowSeconds: 120 });
  });

  it('lets the AzureFunctionsJobHost__ app settings override host.json, as the host does', () => {
    const dir = hostJson({ maxDequeueCount: 4, visibilityTimeout: '00:00:30' });
    const env = {
      AzureFunctionsJobHost__extensions__queues__maxDequeueCount: '2',
      AzureFunctionsJobHost__extensions__queues__visibilityTimeout: '00:01:00',
    };
    expect(readQueueRetry(env, dir)).toEqual({ maxDequeueCount: 2, retryWindowSeconds: 120 });
  });

  it('falls back to the host defaults (5 attempts, no pause) without host.json or with nonsense', () => {
    expect(readQueueRetry({}, mkdtempSync(join(tmpdir(), 'none-')))).toEqual({
      maxDequeueCount: 5,
      retryWindowSeconds: 1,
    });
    const dir = hostJson({ maxDequeueCount: 'many', visibilityTimeout: 'soon' });
    expect(readQueueRetry({}, dir)).toEqual({ maxDequeueCount: 5, retryWindowSeconds: 1 });
  });
});
