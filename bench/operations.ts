/**
 * Single operations over HTTP as a portal calls them (real tokens, fetched before any timing), each
 * `OPERATION_CALLS` sequential calls after a few untimed warm-up calls, with the Cosmos requests of
 * each call counted by the proxy (counts reset before the call, read after its response).
 */
import { callAs, createPartner, expectStatus, type Bench, type BenchPartner } from './context.js';
import { addCounts, latency, round, sum, type Latency } from './stats.js';

export const OPERATION_CALLS = 200;
const WARMUP_CALLS = 10;

export interface OperationResult {
  name: string;
  request: string;
  calls: number;
  latency: Latency;
  /** p50 / (floor read+replace p50 + empty request p50). */
  ratioToFloor: number;
  /** Cosmos requests per call, on average, and by kind. */
  roundTrips: number;
  roundTripsMin: number;
  roundTripsMax: number;
  byKind: Record<string, number>;
}

export interface OperationsResult {
  partnerId: string;
  seats: number;
  operations: OperationResult[];
  /** Size of the partner aggregate (read and replaced by grant and revoke) before the grants and after. */
  partnerDocumentBytes: { beforeGrants: number; afterGrants: number };
  /** Assignments granted and then revoked here: their invitations are stale, their revocations due. */
  revoked: { assignmentId: string; email: string }[];
}

interface Measured {
  samples: number[];
  perCall: number[];
  byKind: Record<string, number>;
}

/** Runs `call(i)` for the warm-up indexes (negative) untimed, then times and counts each of the others. */
async function measure(bench: Bench, count: number, call: (i: number) => Promise<void>): Promise<Measured> {
  for (let i = 0; i < WARMUP_CALLS; i++) await call(-1 - i);
  const measured: Measured = { samples: [], perCall: [], byKind: {} };
  for (let i = 0; i < count; i++) {
    await bench.resetCounts();
    const started = performance.now();
    await call(i);
    measured.samples.push(performance.now() - started);
    const counts = await bench.counts();
    measured.perCall.push(sum(counts));
    addCounts(measured.byKind, counts);
  }
  return measured;
}

function result(name: string, request: string, measured: Measured, unitP50: number): OperationResult {
  const calls = measured.samples.length;
  const stats = latency(measured.samples);
  return {
    name,
    request,
    calls,
    latency: stats,
    ratioToFloor: round(stats.p50 / unitP50, 2),
    roundTrips: round(measured.perCall.reduce((s, n) => s + n, 0) / calls, 2),
    roundTripsMin: Math.min(...measured.perCall),
    roundTripsMax: Math.max(...measured.perCall),
    byKind: Object.fromEntries(
      Object.entries(measured.byKind)
        .sort(([, a], [, b]) => b - a)
        .map(([kind, n]) => [kind, round(n / calls, 2)]),
    ),
  };
}

/** The stored partner document's size, read straight from the emulator. */
async function aggregateBytes(bench: Bench, partnerId: string): Promise<number> {
  const { resource } = await bench.container.item('partner', partnerId).read();
  if (!resource) throw new Error(`partner ${partnerId} has no aggregate document`);
  return Buffer.byteLength(JSON.stringify(resource));
}

export async function measureOperations(bench: Bench, unitP50: number): Promise<OperationsResult> {
  const seats = OPERATION_CALLS + WARMUP_CALLS + 40;
  const p: BenchPartner = await createPartner(bench, 'operations', 'competency', seats);
  const as = callAs(bench, p.admin);
  // Warm-up calls use negative indexes; both get a person each.
  const index = (i: number) => (i < 0 ? OPERATION_CALLS - 1 - i : i);
  const people: string[] = [];
  const emails: string[] = [];
  const assignments: string[] = [];

  const associated = await measure(bench, OPERATION_CALLS, async (i) => {
    const n = index(i);
    const email = `person${n}@${p.domain}`;
    const response = await as<{ personId: string }>('POST', `${p.base}/people`, {
      email,
      firstName: 'Bench',
      lastName: `Person ${n}`,
    });
    expectStatus(response, 201, 'associate');
    people[n] = response.body.personId;
    emails[n] = email;
  });

  const beforeGrants = await aggregateBytes(bench, p.partnerId);
  const granted = await measure(bench, OPERATION_CALLS, async (i) => {
    const n = index(i);
    const response = await as<{ assignmentId: string; status: string }>('POST', `${p.base}/assignments`, {
      personId: people[n],
      privilege: p.privilege,
    });
    expectStatus(response, 201, 'grant');
    if (response.body.status !== 'invited') throw new Error(`grant: status ${response.body.status}`);
    assignments[n] = response.body.assignmentId;
  });

  const afterGrants = await aggregateBytes(bench, p.partnerId);
  const read = await measure(bench, OPERATION_CALLS, async (i) => {
    const n = index(i);
    const response = await as<{ personId: string; subscriptions: unknown[] }>(
      'GET',
      `${p.base}/people/${people[n]}`,
    );
    expectStatus(response, 200, 'read person');
    if (response.body.subscriptions.length !== 1) throw new Error('read person: the grant is missing');
  });

  const revoked = await measure(bench, OPERATION_CALLS, async (i) => {
    const n = index(i);
    const response = await as<{ status: string }>('DELETE', `${p.base}/assignments/${assignments[n]}`);
    expectStatus(response, 200, 'revoke');
    if (response.body.status !== 'revoked') throw new Error(`revoke: status ${response.body.status}`);
  });

  return {
    partnerId: p.partnerId,
    seats,
    partnerDocumentBytes: { beforeGrants, afterGrants },
    operations: [
      result('grant', 'POST /partners/{id}/assignments', granted, unitP50),
      result('revoke', 'DELETE /partners/{id}/assignments/{id}', revoked, unitP50),
      result('associate', 'POST /partners/{id}/people', associated, unitP50),
      result('read person', 'GET /partners/{id}/people/{id}', read, unitP50),
    ],
    revoked: assignments.map((assignmentId, n) => ({ assignmentId, email: emails[n]! })),
  };
}
