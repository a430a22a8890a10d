import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freeStackPorts, startLocalStack, type RunningStack } from '../../scripts/local-stack/stack.js';

export interface TestStack {
  apiUrl: string;
  /** The admin console, served by the function app. */
  consoleUrl: string;
  idpUrl: string;
  emailUrl: string;
  storageConnectionString: string;
  /** The Cosmos DB endpoint the app uses: a proxy that takes fault rules at /_proxy/rules. */
  cosmosUrl: string;
  /** The app's Storage queue endpoint when it goes through a proxy (fault tests), else null. */
  queueProxyUrl: string | null;
  /** Where the stack's services (the app's logs among them) write their lines. */
  logFile: string;
  /** The fault tests' stack control (kill and start the function host), else null. */
  controlUrl?: string | null;
  caCertPath: string;
  appEnv: Record<string, string>;
  operatorEmail: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack;
  }
}

const root = resolve(import.meta.dirname, '../..');
export const TEST_OPERATOR = 'operator@platform.test';

let built: Promise<void> | undefined;

/** Builds the app once per test run, whichever project's setup asks first (they share this process). */
export function buildOnce(): Promise<void> {
  built ??= Promise.resolve().then(() => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`The app does not build:\n${build.stdout}${build.stderr}`);
    // The admin console too: the function app serves it, and the browser tests drive it.
    const web = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: root, encoding: 'utf8' });
    if (web.status !== 0) throw new Error(`The console does not build:\n${web.stdout}${web.stderr}`);
  });
  return built;
}

/** Starts the whole local stack on free ports for a test project, its logs in test-results/<name>.log. */
export async function startTestStack(
  project: TestProject,
  options: { logName: string; proxyQueues?: boolean; appSettings?: Record<string, string> },
): Promise<{ stack: RunningStack; teardown: () => Promise<void> }> {
  await buildOnce();
  mkdirSync(join(root, 'test-results'), { recursive: true });
  const logFile = join(root, 'test-results', `${options.logName}.log`);
  rmSync(logFile, { force: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'partner-subscriptions-test-'));
  const ports = await freeStackPorts();
  const stack = await startLocalStack({
    projectRoot: root,
    ports,
    dataDir,
    persistStorage: false,
    withFunctions: true,
    // Tests inject Cosmos DB faults through it (test/support/cosmos-faults.ts).
    proxyCosmos: true,
    proxyQueues: options.proxyQueues ?? false,
    operators: [TEST_OPERATOR],
    // Retry failed queue messages after 1 s instead of 10 s, so retry and poison tests stay short.
    appSettings: {
      AzureFunctionsJobHost__extensions__queues__visibilityTimeout: '00:00:01',
      AzureFunctionsJobHost__extensions__queues__maxPollingInterval: '00:00:00.500',
      ...options.appSettings,
    },
    log: (service, line) => appendFileSync(logFile, `[${service}] ${line}\n`),
  });
  project.provide('stack', {
    apiUrl: stack.urls.api,
    consoleUrl: stack.urls.console,
    idpUrl: stack.urls.idp,
    emailUrl: stack.urls.email,
    storageConnectionString: stack.urls.storage,
    cosmosUrl: stack.urls.cosmos,
    queueProxyUrl: stack.urls.queueProxy ?? null,
    caCertPath: stack.idpCaCertPath,
    appEnv: stack.appEnv,
    operatorEmail: TEST_OPERATOR,
    logFile,
  });
  return {
    stack,
    teardown: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The stack the app tests share (integration and end to end), started once for all of them. */
export default async function setup(project: TestProject) {
  const { teardown } = await startTestStack(project, { logName: 'stack' });
  return teardown;
}
