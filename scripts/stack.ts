/**
 * `npm start`: the whole system on one machine, no cloud account, no Docker. Starts Azurite, the
 * Cosmos DB emulator, the local identity provider, the local email endpoint and the function app on
 * the dev host, seeds demo data, prints the addresses, and stops everything on Ctrl-C.
 */
import { resolve } from 'node:path';
import { DEFAULT_PORTS, startLocalStack, type StackPorts } from './local-stack/stack.js';
import { seedDemoData } from './seed.js';

const root = resolve(import.meta.dirname, '..');

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    console.error(`${name}=${raw} is not a port number`);
    process.exit(2);
  }
  return value;
}

const ports: StackPorts = {
  api: port('API_PORT', DEFAULT_PORTS.api),
  idp: port('IDP_PORT', DEFAULT_PORTS.idp),
  email: port('EMAIL_PORT', DEFAULT_PORTS.email),
  cosmos: port('COSMOS_PORT', DEFAULT_PORTS.cosmos),
  blob: port('AZURITE_BLOB_PORT', DEFAULT_PORTS.blob),
  queue: port('AZURITE_QUEUE_PORT', DEFAULT_PORTS.queue),
  table: port('AZURITE_TABLE_PORT', DEFAULT_PORTS.table),
};

const operators = (process.env['IDP_OPERATORS'] ?? 'operator@partner-subscriptions.local')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

const verbose = process.env['STACK_VERBOSE'] === '1';
const log = (service: string, line: string) => {
  if (verbose || service === 'functions' || /error|fail/i.test(line)) {
    console.log(`[${service.padEnd(9)}] ${line}`);
  }
};

const stack = await startLocalStack({
  projectRoot: root,
  ports,
  dataDir: resolve(root, '.local'),
  persistStorage: true,
  withFunctions: process.argv.includes('--func') ? 'func' : true,
  operators,
  log,
}).catch((error: unknown) => {
  console.error(`The local stack did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local stack…`);
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const seeded = await seedDemoData({
  apiUrl: stack.urls.api,
  idpUrl: stack.urls.idp,
  caCertPath: stack.idpCaCertPath,
  operator: operators[0]!,
}).catch((error: unknown) => {
  console.error(`Seeding demo data failed: ${error instanceof Error ? error.message : String(error)}`);
  return undefined;
});

console.log(`
partner-subscriptions is running locally.

  Admin console       ${stack.urls.console}   (sign in with any e-mail: an administrator's, or the operator's)
  API                 ${stack.urls.api}            (health: ${stack.urls.api}/health, OpenAPI: ${stack.urls.api}/openapi.json)
  Identity provider   ${stack.appEnv['AUTH_AUTHORITY']}  (front door; dev sign-in: any email, no password)
  Tenants             ${stack.appEnv['AUTH_ISSUER']}  (home tenant ${stack.appEnv['AUTH_HOME_TENANT_ID']})
  Email inbox         ${stack.urls.email}            (JSON: ${stack.urls.email}/messages)
  Cosmos DB emulator  ${stack.urls.cosmos}
  Azurite             blob ${ports.blob}, queue ${ports.queue}, table ${ports.table}  (data in .local/azurite)

  A token:            npm run --silent token -- <email> [--operator] [--tenant <guid>]
  A domain's tenant:  npm run --silent token -- --tenant-of <domain>
  Operator:           ${operators.join(', ')}
${seeded ? `\n${seeded}\n` : ''}
Press Ctrl-C to stop everything.
`);
