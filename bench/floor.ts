/**
 * The floor: what storage and the host cost when the app does (almost) nothing, measured in the same
 * run as the app, so the app's figures can be read as multiples of it.
 *   (a) one emulator point read + conditional replace (If-Match) of a ~2 KB document, SDK direct;
 *   (b) a request through the host that touches no storage (no Authorization header: 401);
 *   (c) raw SDK creates of ~1 KB documents at concurrency 16 into one partition.
 */
import type { Container } from '@azure/cosmos';
import { CosmosClient } from '@azure/cosmos';
import { COSMOS_EMULATOR_KEY } from '../scripts/local-stack/cosmos.js';
import type { Bench } from './context.js';
import { latency, pool, round, sequential, type Latency } from './stats.js';

export const FLOOR_ITERATIONS = 400;
export const FLOOR_WARMUP = 50;
export const RAW_CONCURRENCY = 16;

export interface FloorResult {
  readReplace: Latency;
  /** The same read + replace through the Cosmos proxy the host talks to (for reference, not the floor). */
  readReplaceViaProxy: Latency;
  emptyRequest: Latency & { status: number };
  rawCreates: RawCreates;
  /** floor read+replace p50 + empty request p50: the unit grant latency is compared to. */
  unitP50: number;
}

export interface RawCreates {
  documents: number;
  concurrency: number;
  documentBytes: number;
  ms: number;
  perSecond: number;
}

const filler = (bytes: number) => 'x'.repeat(bytes);

/** A point read and a conditional replace of one ~2 KB document, `iterations` times after a warm-up. */
async function readReplace(container: Container, partnerId: string): Promise<Latency> {
  const id = 'floor-doc';
  const document = { id, partnerId, type: 'bench', version: 0, payload: filler(1900) };
  await container.items.upsert(document);
  const item = container.item(id, partnerId);
  const samples = await sequential(
    FLOOR_ITERATIONS,
    async () => {
      const { resource, etag } = await item.read<typeof document>();
      if (!resource || !etag) throw new Error('floor: the document is gone');
      resource.version++;
      const replaced = await item.replace(resource, {
        accessCondition: { type: 'IfMatch', condition: etag },
      });
      if (replaced.statusCode !== 200) throw new Error(`floor: replace answered ${replaced.statusCode}`);
    },
    FLOOR_WARMUP,
  );
  return latency(samples);
}

/** `GET /api/partners/nobody` without a token: the host's routing, middleware and a 401, no storage. */
async function emptyRequest(bench: Bench): Promise<Latency & { status: number }> {
  const url = `${bench.stack.urls.api}/partners/nobody`;
  let status = 0;
  const before = await bench.counts();
  const samples = await sequential(
    FLOOR_ITERATIONS,
    async () => {
      const response = await fetch(url);
      await response.arrayBuffer();
      status = response.status;
      if (status !== 401) throw new Error(`the empty request answered ${status}, not 401`);
    },
    FLOOR_WARMUP,
  );
  const after = await bench.counts();
  const storageCalls =
    Object.values(after).reduce((s, n) => s + n, 0) - Object.values(before).reduce((s, n) => s + n, 0);
  if (storageCalls !== 0) throw new Error(`the empty request made ${storageCalls} Cosmos requests`);
  return { ...latency(samples), status };
}

/** Creates `documents` ~1 KB documents in one fresh partition with `concurrency` workers; SDK direct. */
export async function rawCreates(
  container: Container,
  partitionKey: string,
  documents: number,
  concurrency = RAW_CONCURRENCY,
): Promise<RawCreates> {
  const payload = filler(900);
  const started = performance.now();
  await pool(documents, concurrency, async (i) => {
    const created = await container.items.create(
      { id: `raw-${i}`, partnerId: partitionKey, type: 'bench', i, payload },
      { disableAutomaticIdGeneration: true },
    );
    if (created.statusCode !== 201) throw new Error(`raw create answered ${created.statusCode}`);
  });
  const ms = performance.now() - started;
  return {
    documents,
    concurrency,
    documentBytes: 1024,
    ms: round(ms, 0),
    perSecond: round((documents / ms) * 1000, 0),
  };
}

export async function measureFloor(bench: Bench): Promise<FloorResult> {
  const readReplaceResult = await readReplace(bench.floorContainer, 'bench-floor');
  const viaProxy = new CosmosClient({
    endpoint: bench.stack.urls.cosmos,
    key: COSMOS_EMULATOR_KEY,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  let readReplaceViaProxy: Latency;
  try {
    const container = viaProxy
      .database(bench.stack.appEnv['COSMOS_DATABASE']!)
      .container(bench.floorContainer.id);
    readReplaceViaProxy = await readReplace(container, 'bench-floor-proxy');
  } finally {
    viaProxy.dispose();
  }
  const empty = await emptyRequest(bench);
  // Warm the create path on its own partition, then measure on a fresh one.
  await rawCreates(bench.floorContainer, 'bench-raw-warmup', 200);
  const creates = await rawCreates(bench.floorContainer, 'bench-raw-floor', 3_000);
  return {
    readReplace: readReplaceResult,
    readReplaceViaProxy,
    emptyRequest: empty,
    rawCreates: creates,
    unitP50: round(readReplaceResult.p50 + empty.p50, 3),
  };
}
