import { inject } from 'vitest';
import type { FaultRule } from '../../scripts/local-stack/proxy.js';

/** The Cosmos DB proxy of the test stack: fault rules and request counts, set over its HTTP control API. */
export function cosmosProxy(url: string = inject('stack').cosmosUrl) {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/_proxy/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`proxy ${method} ${path} answered ${response.status}`);
    return response.status === 200 ? ((await response.json()) as unknown) : undefined;
  };
  return {
    setRules: (rules: FaultRule[]) => call('POST', 'rules', rules),
    clearRules: () => call('DELETE', 'rules'),
    counts: async () => (await call('GET', 'counts')) as Record<string, number>,
    resetCounts: () => call('DELETE', 'counts'),
    setReachable: (reachable: boolean) => call('POST', 'reachable', { reachable }),
  };
}
