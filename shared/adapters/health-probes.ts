import { config } from '../config.js';
import type { DependencyProbe } from '../app/check-health.js';
import { partnersContainer } from './cosmos/client.js';
import { queueClient } from './storage/clients.js';
import { EMAIL_DISPATCH_QUEUE } from './storage/email-queue.js';
import { discoveryUrl } from './identity/token-verifier.js';

/** What "up" means for each dependency: a cheap, real call to it. */
export function dependencyProbes(): DependencyProbe[] {
  const { auth, email } = config();
  return [
    {
      name: 'cosmos',
      check: async (signal) => {
        const container = await partnersContainer();
        await container.read({ abortSignal: signal });
      },
    },
    {
      name: 'storage',
      // A queue the app uses: its identity holds roles on its queues, not on the account.
      check: async (signal) => {
        await queueClient(EMAIL_DISPATCH_QUEUE).getProperties({ abortSignal: signal });
      },
    },
    {
      name: 'identity',
      check: async (signal) => {
        const response = await fetch(discoveryUrl(auth.issuers[0]!), { signal });
        if (!response.ok) throw new Error(`discovery answered ${response.status}`);
      },
    },
    {
      name: 'email',
      // Communication Services has no health endpoint; any HTTP answer proves it is reachable.
      check: async (signal) => {
        const response = await fetch(email.endpoint, { method: 'GET', signal });
        if (response.status >= 500) throw new Error(`endpoint answered ${response.status}`);
      },
    },
  ];
}
