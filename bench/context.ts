/**
 * What every phase of the benchmark shares: its own local stack (free ports, Cosmos proxy in front of
 * the emulator, the email dispatcher and the timers off), a portal-like API client with real tokens,
 * and a CosmosClient in this process that talks to the emulator's own port (not through the proxy).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CosmosClient, type Container } from '@azure/cosmos';
import {
  apiClient,
  type ApiClient,
  type ApiResponse,
  type Caller,
} from '../scripts/local-stack/api-client.js';
import { COSMOS_EMULATOR_KEY } from '../scripts/local-stack/cosmos.js';
import { freeStackPorts, startLocalStack, type RunningStack } from '../scripts/local-stack/stack.js';
import { tenantIdFor } from '../scripts/idp/users.js';
import { patchEmulatorQueries } from './emulator-patch.js';

export const root = resolve(import.meta.dirname, '..');
export const OPERATOR = 'operator@bench.test';

export interface Bench {
  stack: RunningStack;
  api: ApiClient;
  /** The emulator itself (its own port), for the floor and for counting documents. */
  emulatorUrl: string;
  /** The app's container, on the emulator's own port (to count the documents a job wrote). */
  container: Container;
  /**
   * The floor's documents live in a container of their own: the emulator answers every query by
   * scanning its container, so the bench's documents must not slow the app's queries.
   */
  floorContainer: Container;
  /** Requests the Cosmos proxy counted since the last reset, by kind. */
  counts(): Promise<Record<string, number>>;
  resetCounts(): Promise<void>;
  /** Every host output line that looks like an error, for the failure report. */
  hostErrors: string[];
  stop(): Promise<void>;
}

export async function startBench(log: (line: string) => void): Promise<Bench> {
  patchEmulatorQueries();
  const ports = await freeStackPorts();
  const dataDir = mkdtempSync(join(tmpdir(), 'partner-subscriptions-bench-'));
  const hostErrors: string[] = [];
  let stack: RunningStack;
  try {
    stack = await startLocalStack({
      projectRoot: root,
      ports,
      dataDir,
      persistStorage: false,
      withFunctions: true,
      proxyCosmos: true,
      operators: [OPERATOR],
      // Only the requests' own storage calls reach the proxy while it counts: no email sends (their
      // messages wait in the queue for the email phase) and no timers. Everything else is host.json's.
      appSettings: {
        'AzureWebJobs.email-dispatch.Disabled': 'true',
        'AzureWebJobs.requeue-stale-emails.Disabled': 'true',
        'AzureWebJobs.expire-assignments.Disabled': 'true',
      },
      log: (service, line) => {
        if (service === 'functions' && /\b(ERROR|error|fail)/.test(line)) {
          hostErrors.push(line);
          if (hostErrors.length > 50) hostErrors.shift();
        }
      },
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  log(`stack up: api ${stack.urls.api}, cosmos proxy ${stack.urls.cosmos}, host pid ${stack.functionsPid}`);
  const emulatorUrl = `http://127.0.0.1:${ports.cosmos}`;
  const cosmos = new CosmosClient({
    endpoint: emulatorUrl,
    key: COSMOS_EMULATOR_KEY,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const { database } = await cosmos.databases.createIfNotExists({ id: stack.appEnv['COSMOS_DATABASE']! });
  const { container } = await database.containers.createIfNotExists({
    id: stack.appEnv['COSMOS_CONTAINER']!,
    partitionKey: { paths: ['/partnerId'] },
  });
  const { container: floorContainer } = await database.containers.createIfNotExists({
    id: 'bench-floor',
    partitionKey: { paths: ['/partnerId'] },
  });
  const control = `${stack.urls.cosmos}/_proxy/counts`;
  const api = apiClient({ apiUrl: stack.urls.api, idpUrl: stack.urls.idp, caCertPath: stack.idpCaCertPath });
  let stopped = false;
  return {
    stack,
    api,
    emulatorUrl,
    container,
    floorContainer,
    counts: async () => (await (await fetch(control)).json()) as Record<string, number>,
    resetCounts: async () => {
      const response = await fetch(control, { method: 'DELETE' });
      if (response.status !== 204) throw new Error(`resetting the proxy counts answered ${response.status}`);
    },
    hostErrors,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      cosmos.dispose();
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Fails with the status and body when a response is not the one expected. */
export function expectStatus<T>(response: ApiResponse<T>, status: number, what: string): ApiResponse<T> {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${response.text.slice(0, 300)}`);
  }
  return response;
}

export interface BenchPartner {
  partnerId: string;
  domain: string;
  admin: string;
  program: 'action-pack' | 'competency';
  privilege: 'visual-studio-subscriptions' | 'msdn-subscriptions';
  base: string;
}

/** Creates a partner as the operator; its admin makes one call (the first call binds them: one write). */
export async function createPartner(
  bench: Bench,
  name: string,
  program: 'action-pack' | 'competency',
  seats?: number,
): Promise<BenchPartner> {
  const partnerId = `bench-${name}`;
  const domain = `${partnerId}.example.com`;
  const admin = `admin@${domain}`;
  const benefit = program === 'competency' ? 'vs-enterprise' : 'vs-professional';
  const created = await bench.api.request('POST', '/partners', {
    as: { email: OPERATOR, operator: true },
    body: {
      partnerId,
      name: `Bench ${name}`,
      program,
      verifiedDomains: [domain],
      tenantId: tenantIdFor(domain),
      programAdministrators: [admin],
      ...(seats === undefined
        ? {}
        : { entitlements: [{ benefit, seats, startsOn: '2020-01-01', expiresOn: '2099-01-01' }] }),
    },
  });
  expectStatus(created, 201, `creating partner ${partnerId}`);
  const base = `/partners/${partnerId}`;
  await bench.api.token(admin); // tokens are fetched outside every timing
  expectStatus(await bench.api.request('GET', base, { as: admin }), 200, `warm-up call of ${admin}`);
  const privilege = program === 'competency' ? 'msdn-subscriptions' : 'visual-studio-subscriptions';
  return { partnerId, domain, admin, program, privilege, base };
}

/** Calls as a partner's admin. */
export function callAs(bench: Bench, who: Caller) {
  return <T>(method: string, path: string, body?: unknown) =>
    bench.api.request<T>(method, path, { as: who, ...(body === undefined ? {} : { body }) });
}

/** Documents in a partner's partition (or the whole container), counted by the emulator itself. */
export async function documentsIn(container: Container, partnerId?: string): Promise<number> {
  const query =
    partnerId === undefined
      ? { query: 'SELECT VALUE COUNT(1) FROM c' }
      : {
          query: 'SELECT VALUE COUNT(1) FROM c WHERE c.partnerId = @p',
          parameters: [{ name: '@p', value: partnerId }],
        };
  const { resources } = await container.items
    .query<number>(query, partnerId === undefined ? {} : { partitionKey: partnerId })
    .fetchAll();
  return resources.reduce((s, n) => s + n, 0);
}
