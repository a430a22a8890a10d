import { fileURLToPath } from 'node:url';
import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { spawnDevHost, type DevHostService } from '../../src/spawn.js';
import { Collector } from './collector.js';
import { startTestStorage, type TestStorage } from './storage.js';

export const FIXTURE = fileURLToPath(new URL('../fixtures/devhost-app', import.meta.url));
export const WORK_QUEUE = 'work-items';
export const MAX_DEQUEUE_COUNT = 3; // fixture host.json

export const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const fromBase64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');
export const testId = () => `t-${Math.random().toString(36).slice(2, 10)}`;

/** What a test file gets: its own emulator, the fixture app on a dev host, and what the app observed. */
export interface FixtureHost {
  readonly host: DevHostService;
  readonly connection: string;
  /** Every line the dev host printed. */
  readonly output: string[];
  /** Entries the fixture's handlers wrote to the `observed` queue (plain JSON). */
  readonly observed: Collector;
  /** Messages the `enqueue` function's output binding wrote (base64). */
  readonly observedOutput: Collector;
  queue(name: string): QueueClient;
  /** Sends a message as another app would, creating the queue first (the host may not have polled yet). */
  send(queueName: string, text: string): Promise<void>;
  api(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * Registers the hooks of one test file: Azurite and the fixture app on a dev host before the tests,
 * both stopped after them, and the host's last output printed when a test fails.
 */
export function useFixtureHost(env: Record<string, string> = {}): FixtureHost {
  let storage: TestStorage | undefined;
  let host: DevHostService | undefined;
  let observed: Collector | undefined;
  let observedOutput: Collector | undefined;
  const output: string[] = [];
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started (use it inside a test)`);
    return value;
  };

  beforeAll(async () => {
    storage = await startTestStorage();
    observed = new Collector(new QueueClient(storage.connection, 'observed'));
    observedOutput = new Collector(
      new QueueClient(storage.connection, 'observed-output'),
      fromBase64,
      base64,
    );
    host = await spawnDevHost({
      scriptRoot: FIXTURE,
      port: 0, // the host picks one; spawnDevHost reads the address back
      // the fixture's "tick" timer is yearly unless a file asks for it to run every second
      env: { AzureWebJobsStorage: storage.connection, WORK_QUEUE, TICK_SCHEDULE: '0 0 0 1 1 *', ...env },
      onOutput: (line) => output.push(line),
    });
  }, 90_000);

  afterAll(async () => {
    await observed?.stop();
    await observedOutput?.stop();
    await host?.stop();
    await storage?.stop();
  }, 30_000);

  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => console.log(`dev host output (last 120 lines):\n${output.slice(-120).join('\n')}`));
  });

  return {
    get host() {
      return started(host, 'the dev host');
    },
    get connection() {
      return started(storage, 'storage').connection;
    },
    output,
    get observed() {
      return started(observed, 'the collector');
    },
    get observedOutput() {
      return started(observedOutput, 'the output collector');
    },
    queue: (name) => new QueueClient(started(storage, 'storage').connection, name),
    send: async (queueName, text) => {
      const queue = new QueueClient(started(storage, 'storage').connection, queueName);
      await queue.createIfNotExists();
      await queue.sendMessage(text);
    },
    api: (path, init) => fetch(`${started(host, 'the dev host').url}${path}`, init),
  };
}
