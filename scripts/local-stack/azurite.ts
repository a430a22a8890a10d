import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { spawnOwned } from 'functions-devhost/process';
import { waitForPort } from './net.js';
import type { RunningService } from './service.js';

/** Azurite's well-known development account; public by design, valid only against the emulator. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  blobPort: number;
  queuePort: number;
  tablePort: number;
  /** Folder to persist to; omitted means in memory (tests). */
  location?: string;
  onOutput?: (line: string) => void;
}

export function azuriteConnectionString(o: {
  blobPort: number;
  queuePort: number;
  tablePort: number;
}): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `BlobEndpoint=http://127.0.0.1:${o.blobPort}/${AZURITE_ACCOUNT}`,
    `QueueEndpoint=http://127.0.0.1:${o.queuePort}/${AZURITE_ACCOUNT}`,
    `TableEndpoint=http://127.0.0.1:${o.tablePort}/${AZURITE_ACCOUNT}`,
  ].join(';');
}

/** Starts Azurite as a child process; `url` is the storage connection string. */
export async function startAzurite(options: AzuriteOptions): Promise<RunningService> {
  const require = createRequire(import.meta.url);
  const bin = require.resolve('azurite/dist/src/azurite.js');
  const args = [
    bin,
    '--silent',
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--blobHost',
    '127.0.0.1',
    '--queueHost',
    '127.0.0.1',
    '--tableHost',
    '127.0.0.1',
    '--blobPort',
    String(options.blobPort),
    '--queuePort',
    String(options.queuePort),
    '--tablePort',
    String(options.tablePort),
  ];
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  const owned = spawnOwned(process.execPath, args, { name: 'azurite', onOutput: options.onOutput });
  await Promise.all([waitForPort(options.blobPort), waitForPort(options.queuePort)]);
  return { url: azuriteConnectionString(options), stop: owned.stop };
}
