import { createServer } from 'node:http';
import type { TestProject } from 'vitest/node';
import { listen } from '../../scripts/local-stack/net.js';
import { startTestStack } from './stack.js';

/**
 * The fault tests' own stack (so a fault never leaks into the other tests): Cosmos DB and the app's
 * queues behind fault-injecting proxies, a host that delivers every queue message twice, and a control
 * endpoint with which a test kills the function host (SIGKILL) and starts it again.
 */
export default async function setup(project: TestProject) {
  const { stack, teardown } = await startTestStack(project, {
    logName: 'faults-stack',
    proxyQueues: true,
    appSettings: {
      // A message a killed host was running comes back after 10 s, not the minute of a normal lease.
      DEVHOST_QUEUE_LEASE_SECONDS: '10',
      // Every queue message is delivered twice (concurrently) and batches out of order, as at-least-once
      // delivery allows: every fault test runs under it too.
      DEVHOST_AT_LEAST_ONCE: 'true',
    },
  });
  const control = createServer((req, res) => {
    const run =
      req.url === '/functions/kill'
        ? stack.killFunctions()
        : req.url === '/functions/start'
          ? stack.startFunctions()
          : null;
    if (req.method !== 'POST' || !run) {
      res.writeHead(404).end();
      return;
    }
    run.then(
      () => res.writeHead(204).end(),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
    );
  });
  const port = await listen(control);
  project.provide('stack', {
    ...project.getProvidedContext().stack,
    controlUrl: `http://127.0.0.1:${port}`,
  });
  return async () => {
    control.close();
    await teardown();
  };
}
