/**
 * `npm run bench`: the app's speed on the local stack as ratios to figures measured side by side in
 * the same run (the machines are noisy): the storage and host floor, single operations over HTTP with
 * their Cosmos round trips, 10,000-row bulk jobs against raw creates, cold start against the SDKs
 * alone, and email throughput. It starts its own stack on free ports (never disturbing `npm start`),
 * prints one table to stdout (progress goes to stderr) and writes the figures to
 * test-results/bench/latest.json and a timestamped copy. Any failure stops every process it started
 * and exits non-zero with the reason; a missed target is reported, not a failure.
 */
import { join } from 'node:path';
import { actionPackDesign, competencyDesign, runBulkJob, type BulkResult } from './bulk-job.js';
import { measureColdStart } from './cold-start.js';
import { root, startBench, type Bench } from './context.js';
import { measureEmail, type ExpectedEmail } from './email.js';
import { measureFloor } from './floor.js';
import { measureOperations } from './operations.js';
import { machine, missNotes, renderTable, targetsOf, writeJson, type Results } from './report.js';

/** Far above the ~3–4 minutes a run takes on 2 cores: something hangs. */
const WATCHDOG_MS = 10 * 60_000;
const JOB_ROWS = 10_000;
const COMPETENCY_SEATS = 150;

const startedAt = performance.now();
const log = (line: string) =>
  process.stderr.write(
    `[bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${line}\n`,
  );

let bench: Bench | undefined;
let failing = false;

/** The phase's message, then each cause (undici hides ECONNREFUSED in one), then the deepest stack. */
function describe(reason: unknown): string {
  const chain: unknown[] = [reason];
  for (let last = reason; last instanceof Error && last.cause !== undefined; last = last.cause)
    chain.push(last.cause);
  const deepest = chain[chain.length - 1];
  return [
    ...chain.slice(0, -1).map((e) => (e as Error).message),
    deepest instanceof Error ? (deepest.stack ?? deepest.message) : String(deepest),
  ].join('\ncaused by: ');
}

async function fail(reason: unknown, code = 1): Promise<never> {
  if (!failing) {
    failing = true;
    process.stderr.write(`\nbench FAILED: ${describe(reason)}\n`);
    if (bench && bench.hostErrors.length > 0) {
      process.stderr.write(
        `last errors the function hosts printed:\n  ${bench.hostErrors.slice(-15).join('\n  ')}\n`,
      );
    }
    await bench
      ?.stop()
      .catch((error: unknown) => process.stderr.write(`stopping the stack failed: ${String(error)}\n`));
  }
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void fail(`interrupted (${signal})`, 130));
process.on('unhandledRejection', (reason) => void fail(reason));
const watchdog = setTimeout(
  () => void fail(`the run took longer than ${WATCHDOG_MS / 60_000} minutes`),
  WATCHDOG_MS,
);
watchdog.unref();

/** Runs one phase; a failure names the phase it happened in. */
async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function run(): Promise<void> {
  const measuredAt = new Date().toISOString();
  const host = machine();
  log(`on ${host.cpuCount} × ${host.cpuModel}, ${host.memoryGb} GB, Node ${host.node}; starting the stack…`);
  const b = await phase('starting the stack', () => startBench(log));
  bench = b;

  log('floor: SDK read + replace, empty request, raw creates…');
  const floor = await phase('floor', () => measureFloor(b));
  log('operations: associate, grant, read person, revoke…');
  const operations = await phase('operations', () => measureOperations(b, floor.unitP50));

  const bulk: BulkResult[] = [];
  for (const design of [competencyDesign(JOB_ROWS, COMPETENCY_SEATS), actionPackDesign(JOB_ROWS)]) {
    log(`bulk: ${design.name} job, ${design.rows} rows…`);
    bulk.push(await phase(`bulk ${design.name} job`, () => runBulkJob(b, design, log)));
  }

  log('cold start: fresh node processes…');
  const coldStart = await phase('cold start', () => measureColdStart(b.stack.appEnv));

  const expected: ExpectedEmail[] = [
    ...operations.revoked.map((r) => ({ to: r.email, kind: 'revocation' as const })),
    ...bulk.flatMap((job) => job.grantees.map((to) => ({ to, kind: 'invitation' as const }))),
  ];
  log(`email: a second host drains the queue (${expected.length} emails expected)…`);
  const email = await phase('email', () => measureEmail(b, expected, log));

  await b.stop();
  const results: Results = { floor, operations, bulk, coldStart, email };
  const targets = targetsOf(results);
  const notes = missNotes(targets);
  const conditions = [
    'Main host: email-dispatch and both timers disabled (the proxy then counts only the requests’ own Cosmos calls); host.json queue settings as committed.',
    'Grant and revoke each also queue one email message in Azurite (not a Cosmos call, so not counted).',
    'Emulator: its query engine’s O(n²) result building is replaced in this process by the same in O(n) (see bench/emulator-patch.ts); queries still scan the whole container.',
  ];
  const table = renderTable(results, targets);
  const title = `partner-subscriptions bench  ${measuredAt}  ${host.cpuCount} × ${host.cpuModel}, ${host.memoryGb} GB, Node ${host.node}, ${host.os.split(' (')[0]}`;
  process.stdout.write(
    `${title}\n${conditions.join('\n')}\n\n${table}\n\n${notes.length ? notes.join('\n') : 'Every target met.'}\n`,
  );

  const report = {
    measuredAt,
    durationS: Math.round((performance.now() - startedAt) / 1000),
    machine: host,
    conditions,
    targets,
    notes,
    floor,
    operations: { ...operations, revoked: operations.revoked.length },
    bulk: bulk.map(({ grantees, ...job }) => ({ ...job, grantees: grantees.length })),
    coldStart,
    email,
  };
  const paths = writeJson(join(root, 'test-results', 'bench'), report, measuredAt);
  log(`done in ${report.durationS} s; figures in ${paths.join(' and ')}`);
}

run().then(
  () => process.exit(0),
  (error: unknown) => fail(error),
);
