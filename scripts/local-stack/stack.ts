import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startAzurite } from './azurite.js';
import { startCosmos, COSMOS_EMULATOR_KEY } from './cosmos.js';
import { classifyCosmos, startProxy } from './proxy.js';
import type { RunningService } from './service.js';
import { startEmailServer, LOCAL_EMAIL_ACCESS_KEY } from '../acs-email/server.js';
import { startIdentityProvider } from '../idp/server.js';
import { CONSOLE_CLIENT_ID } from '../idp/clients.js';
import { spawnDevHost, type DevHostService } from 'functions-devhost';
import { spawnOwned } from 'functions-devhost/process';
import { freePort, waitForPort } from './net.js';

export interface StackPorts {
  api: number;
  idp: number;
  email: number;
  cosmos: number;
  blob: number;
  queue: number;
  table: number;
}

export const DEFAULT_PORTS: StackPorts = {
  api: 7071,
  idp: 7443,
  email: 7072,
  cosmos: 8081,
  blob: 10000,
  queue: 10001,
  table: 10002,
};

/** Free ports for every service, so a test or benchmark stack never collides with `npm start`. */
export async function freeStackPorts(): Promise<StackPorts> {
  return {
    api: await freePort(),
    idp: await freePort(),
    email: await freePort(),
    cosmos: await freePort(),
    blob: await freePort(),
    queue: await freePort(),
    table: await freePort(),
  };
}

export interface StackOptions {
  projectRoot: string;
  ports: StackPorts;
  /** Where Azurite and the identity provider keep their state. */
  dataDir: string;
  /** Keep Azurite's data between runs (npm start); tests run in memory. */
  persistStorage: boolean;
  /** Which host runs the function app: the dev host, Core Tools (`func start`), or none. */
  withFunctions: boolean | 'func';
  operators?: string[];
  /**
   * Put a proxy between the app and the Cosmos DB emulator (tests and benchmarks): it counts requests
   * and takes fault rules over HTTP at `urls.cosmos` + `/_proxy/…`.
   */
  proxyCosmos?: boolean;
  /** The same for the app's Storage queues (`urls.queueProxy`); tests talk to Azurite directly. */
  proxyQueues?: boolean;
  /** Extra app settings for the function app (tests shorten queue retry delays this way). */
  appSettings?: Record<string, string>;
  log: (service: string, line: string) => void;
}

export interface RunningStack {
  urls: {
    api: string;
    /** The admin console, served by the function app. */
    console: string;
    idp: string;
    email: string;
    cosmos: string;
    /** Azurite's connection string, direct (the app's may go through the queue proxy). */
    storage: string;
    queueProxy: string | undefined;
  };
  /** The environment the function app runs with: the sample settings with this stack's addresses. */
  appEnv: Record<string, string>;
  idpCaCertPath: string;
  /** The function host's process id (the dev host), for benchmarks that watch its memory. */
  functionsPid: number | undefined;
  /** Kills the function host with SIGKILL (a crash: nothing finishes), for fault tests. */
  killFunctions(): Promise<void>;
  /** Starts the function host again after `killFunctions`. */
  startFunctions(): Promise<void>;
  stop(): Promise<void>;
}

export const API_AUDIENCE = 'api://partner-subscriptions';
export const API_CLIENT_ID = 'partner-subscriptions-api';
export const API_CLIENT_SECRET = 'local-dev-secret';

/** The admin console's address, served by the function app (and its redirect URI for sign-in). */
export const consoleUrl = (host: string, port: number) => `http://${host}:${port}/api/console/`;

/** local.settings.json where a developer has one, else the committed sample. */
export function localSettings(projectRoot: string): Record<string, string> {
  const own = join(projectRoot, 'local.settings.json');
  const file = existsSync(own) ? own : join(projectRoot, 'local.settings.sample.json');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, string> };
  return { ...parsed.Values };
}

/** Starts every local stand-in (and optionally the function app) and returns how to reach them. */
export async function startLocalStack(options: StackOptions): Promise<RunningStack> {
  const { ports, log } = options;
  const started: RunningService[] = [];
  const stopAll = async () => {
    for (const service of started.reverse()) {
      await service.stop().catch((error: unknown) => log('stack', `stop failed: ${String(error)}`));
    }
  };
  try {
    const [storage, cosmos, email, idp] = await Promise.all([
      startAzurite({
        blobPort: ports.blob,
        queuePort: ports.queue,
        tablePort: ports.table,
        location: options.persistStorage ? join(options.dataDir, 'azurite') : undefined,
        onOutput: (line) => log('azurite', line),
      }).then((s) => (started.push(s), s)),
      startCosmos({ port: ports.cosmos }).then((s) => (started.push(s), s)),
      startEmailServer({
        port: ports.email,
        accessKey: LOCAL_EMAIL_ACCESS_KEY,
        log: (line) => log('email', line),
      }).then((s) => (started.push(s), s)),
      startIdentityProvider({
        port: ports.idp,
        dataDir: join(options.dataDir, 'idp'),
        operators: options.operators ?? [],
        audience: API_AUDIENCE,
        clients: {
          apiClientId: API_CLIENT_ID,
          apiClientSecret: API_CLIENT_SECRET,
          redirectUris: [
            `http://localhost:${ports.api}/api/auth/callback`,
            `http://127.0.0.1:${ports.api}/api/auth/callback`,
          ],
          consoleRedirectUris: [consoleUrl('localhost', ports.api), consoleUrl('127.0.0.1', ports.api)],
        },
        log: (line) => log('idp', line),
      }).then((s) => (started.push(s), s)),
    ]);

    let host: DevHostService | undefined;
    let cosmosUrl = cosmos.url;
    if (options.proxyCosmos) {
      const proxy = await startProxy({ target: cosmos.url, classify: classifyCosmos });
      started.push(proxy);
      cosmosUrl = proxy.url;
    }
    let appStorage = storage.url;
    let queueProxy: string | undefined;
    if (options.proxyQueues) {
      const proxy = await startProxy({ target: `http://127.0.0.1:${ports.queue}` });
      started.push(proxy);
      queueProxy = proxy.url;
      appStorage = storage.url.replace(`http://127.0.0.1:${ports.queue}/`, `${proxy.url}/`);
    }
    const apiBase = `http://localhost:${ports.api}`;
    const appEnv: Record<string, string> = {
      ...localSettings(options.projectRoot),
      AzureWebJobsStorage: appStorage,
      COSMOS_CONNECTION__accountEndpoint: cosmosUrl,
      COSMOS_KEY: COSMOS_EMULATOR_KEY,
      COSMOS_CREATE_IF_MISSING: 'true',
      EMAIL_CONNECTION__endpoint: email.url,
      EMAIL_ACCESS_KEY: LOCAL_EMAIL_ACCESS_KEY,
      // Entra multi-tenant, as the local IdP mimics it: tokens from any tenant's issuer
      // (<idp>/<tenant id>/v2.0), sign-in through the front door, keys from the front door's JWKS.
      AUTH_ISSUER: idp.issuerTemplate,
      AUTH_AUTHORITY: idp.authority,
      AUTH_JWKS_URI: idp.jwksUri,
      AUTH_HOME_TENANT_ID: idp.homeTenantId,
      AUTH_AUDIENCE: API_AUDIENCE,
      AUTH_CLIENT_ID: API_CLIENT_ID,
      AUTH_CLIENT_SECRET: API_CLIENT_SECRET,
      CONSOLE_CLIENT_ID,
      PUBLIC_BASE_URL: apiBase,
      NODE_EXTRA_CA_CERTS: resolve(idp.caCertPath),
      ...options.appSettings,
    };

    if (options.withFunctions === 'func') {
      started.push(
        await startCoreTools(options.projectRoot, ports.api, appEnv, (line) => log('functions', line)),
      );
    } else if (options.withFunctions) {
      host = await startHost();
    }

    async function startHost(): Promise<DevHostService> {
      const spawned = await spawnDevHost({
        scriptRoot: options.projectRoot,
        port: ports.api,
        env: appEnv,
        onOutput: (line) => log('functions', line),
      });
      started.push(spawned);
      return spawned;
    }

    return {
      urls: {
        api: `${apiBase}/api`,
        console: consoleUrl('localhost', ports.api),
        idp: idp.url,
        email: email.url,
        cosmos: cosmosUrl,
        storage: storage.url,
        queueProxy,
      },
      appEnv,
      idpCaCertPath: idp.caCertPath,
      get functionsPid() {
        return host?.pid;
      },
      killFunctions: async () => {
        if (!host?.pid) throw new Error('no function host runs');
        process.kill(-host.pid, 'SIGKILL');
        await host.stop();
        started.splice(started.indexOf(host), 1);
        host = undefined;
      },
      startFunctions: async () => {
        if (host) throw new Error('the function host runs already');
        host = await startHost();
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Runs the same app under Azure Functions Core Tools, where they are installed. */
async function startCoreTools(
  projectRoot: string,
  port: number,
  env: Record<string, string>,
  log: (line: string) => void,
): Promise<RunningService> {
  const owned = spawnOwned('func', ['start', '--port', String(port), '--javascript'], {
    name: 'func',
    cwd: projectRoot,
    env: { ...process.env, ...env },
    onOutput: log,
  });
  const failed = new Promise<never>((_, reject) => {
    owned.child.once('error', (error) =>
      reject(
        new Error(
          `Core Tools ('func') could not start: ${error.message}. Install Azure Functions Core Tools v4, or use npm start.`,
        ),
      ),
    );
    owned.child.once('exit', (code) => reject(new Error(`'func start' exited with code ${code}`)));
  });
  await Promise.race([waitForPort(port, '127.0.0.1', 120_000), failed]);
  return { url: `http://localhost:${port}`, stop: owned.stop };
}
