import type { Container } from '@azure/cosmos';
import type { QueueClient } from '@azure/storage-queue';
import type { DependencyProbe } from '../app/check-health.js';
import type { AppConfig } from '../config.js';
import { discoveryUrl } from './identity/token-verifier.js';

/** What "up" means for each dependency: a cheap, real call to it. */
export function dependencyProbes(deps: {
  container: () => Promise<Container>;
  /** A queue the app uses: its identity holds roles on its queues, not on the account. */
  queue: () => QueueClient;
  auth: AppConfig['auth'];
  email: AppConfig['email'];
}): DependencyProbe[] {
  return [
    {
      name: 'cosmos',
      check: async (signal) => {
        await (await deps.container()).read({ abortSignal: signal });
      },
    },
    {
      name: 'storage',
      check: async (signal) => {
        await deps.queue().getProperties({ abortSignal: signal });
      },
    },
    {
      name: 'identity',
      check: async (signal) => {
        const response = await fetch(discoveryUrl(deps.auth.issuers[0]!), { signal });
        if (!response.ok) throw new Error(`discovery answered ${response.status}`);
      },
    },
    {
      name: 'email',
      // Communication Services has no health endpoint; any HTTP answer proves it is reachable.
      check: async (signal) => {
        const response = await fetch(deps.email.endpoint, { method: 'GET', signal });
        if (response.status >= 500) throw new Error(`endpoint answered ${response.status}`);
      },
    },
  ];
}
