import { inject } from 'vitest';
import type { FaultRule } from '../../scripts/local-stack/proxy.js';

/** A proxy of the test stack (Cosmos DB, or the app's queues): fault rules and counts, over its HTTP control API. */
export function proxyControl(url: string) {
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
    /** The rules as set, each with how many requests it answered (`used`). */
    rules: async () => (await call('GET', 'rules')) as (FaultRule & { used: number })[],
    counts: async () => (await call('GET', 'counts')) as Record<string, number>,
    resetCounts: () => call('DELETE', 'counts'),
    /** Unreachable: every connection is dropped, as when the service is down. */
    setReachable: (reachable: boolean) => call('POST', 'reachable', { reachable }),
  };
}

/** The Cosmos DB proxy the app talks to. */
export const cosmosProxy = () => proxyControl(inject('stack').cosmosUrl);

/** The proxy in front of the app's Storage queues (only the fault tests' stack has one). */
export function queueProxy() {
  const url = inject('stack').queueProxyUrl;
  if (!url) throw new Error('this stack has no queue proxy (the fault tests’ stack does)');
  return proxyControl(url);
}

/** The fault tests' stack control: kill the function host (SIGKILL) and start it again. */
export function functionHost() {
  const url = inject('stack').controlUrl;
  if (!url) throw new Error('this stack cannot kill its function host (the fault tests’ stack can)');
  const post = async (path: string) => {
    const response = await fetch(`${url}${path}`, { method: 'POST' });
    if (response.status !== 204) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  };
  return { kill: () => post('/functions/kill'), start: () => post('/functions/start') };
}
