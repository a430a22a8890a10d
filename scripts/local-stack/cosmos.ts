import { createHttpServer } from '@vercel/cosmosdb-server';
import { close, listen } from './net.js';
import type { RunningService } from './service.js';

/** The emulator accepts any key; this is the well-known emulator key, never a real secret. */
export const COSMOS_EMULATOR_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

/** Starts the in-memory Cosmos DB emulator over plain HTTP in this process. */
export async function startCosmos(options: { port: number; host?: string }): Promise<RunningService> {
  const host = options.host ?? '127.0.0.1';
  const server = createHttpServer();
  const port = await listen(server, options.port, host);
  return { url: `http://${host}:${port}`, stop: () => close(server) };
}
