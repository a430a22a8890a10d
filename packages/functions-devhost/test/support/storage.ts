import { createRequire } from 'node:module';
import { spawnOwned } from '../../src/process/index.js';

/** Azurite's development account: public by design, accepted only by the emulator. */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const LISTENING = /Queue service successfully listens on (http:\/\/\S+)/;

export interface TestStorage {
  /** An AzureWebJobsStorage connection string for this emulator. */
  connection: string;
  stop(): Promise<void>;
}

/**
 * The storage connection the host contract asks for: an in-memory Azurite (queues only) on a port the
 * OS picks (read back from its startup line), owned by the test file that starts it.
 */
export async function startTestStorage(timeoutMs = 30_000): Promise<TestStorage> {
  const bin = createRequire(import.meta.url).resolve('azurite/dist/src/queue/main.js');
  const args = ['--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry', '--silent'];
  let onUrl: (url: string) => void = () => {};
  const listening = new Promise<string>((resolve) => (onUrl = resolve));
  const owned = spawnOwned(process.execPath, [bin, ...args, '--queueHost', '127.0.0.1', '--queuePort', '0'], {
    name: 'azurite-queue',
    onOutput: (line) => {
      const match = LISTENING.exec(line);
      if (match) onUrl(match[1]!);
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    owned.child.once('exit', (code) => reject(new Error(`Azurite exited with code ${code}`)));
    timer = setTimeout(() => reject(new Error(`Azurite did not listen within ${timeoutMs} ms`)), timeoutMs);
  });
  failed.catch(() => {}); // it also settles when the emulator stops later: not an error then
  try {
    const url = await Promise.race([listening, failed]);
    const connection = `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};QueueEndpoint=${url}/${ACCOUNT}`;
    return { connection, stop: owned.stop };
  } catch (error) {
    await owned.stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
