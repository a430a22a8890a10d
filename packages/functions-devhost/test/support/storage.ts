import { createRequire } from 'node:module';
import { freePort, spawnOwned, waitForPort } from '../../src/process/index.js';

/** Azurite's development account: public by design, accepted only by the emulator. */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface TestStorage {
  /** An AzureWebJobsStorage connection string for this emulator. */
  connection: string;
  stop(): Promise<void>;
}

/**
 * The storage connection the host contract asks for: an in-memory Azurite (queues only) on a free
 * port, owned by the test file that starts it.
 */
export async function startTestStorage(): Promise<TestStorage> {
  const port = await freePort();
  const bin = createRequire(import.meta.url).resolve('azurite/dist/src/queue/main.js');
  const owned = spawnOwned(
    process.execPath,
    [
      bin,
      '--silent',
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--queueHost',
      '127.0.0.1',
      '--queuePort',
      String(port),
    ],
    { name: 'azurite-queue' },
  );
  await waitForPort(port);
  const connection = `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};QueueEndpoint=http://127.0.0.1:${port}/${ACCOUNT}`;
  return { connection, stop: owned.stop };
}
