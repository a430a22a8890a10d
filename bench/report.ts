/** The benchmark's one table (stdout) and the same figures as JSON (test-results/bench/). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type, version } from 'node:os';
import { join } from 'node:path';
import type { BulkResult } from './bulk-job.js';
import type { ColdStartResult } from './cold-start.js';
import type { EmailResult } from './email.js';
import type { FloorResult } from './floor.js';
import type { OperationResult, OperationsResult } from './operations.js';
import { round } from './stats.js';
import { format, Table, type Cell } from './table.js';

export interface Results {
  floor: FloorResult;
  operations: OperationsResult;
  bulk: BulkResult[];
  coldStart: ColdStartResult;
  email: EmailResult;
}

export interface Target {
  name: string;
  /** What the figure is compared with, as printed. */
  target: string;
  value: number;
  limit: number;
  unit: string;
  pass: boolean;
}

export function machine() {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cpuCount: cpu.length,
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    os: `${type()} ${release()} (${version()})`,
    loadAverageAtStart: loadavg().map((l) => round(l, 2)),
  };
}

const target = (name: string, text: string, value: number, limit: number, unit: string): Target => ({
  name,
  target: text,
  value,
  limit,
  unit,
  pass: value <= limit,
});

export function targetsOf(r: Results): Target[] {
  const op = (name: string) => r.operations.operations.find((o) => o.name === name)!;
  const unit = r.floor.unitP50;
  const targets = [
    target('grant p50', `≤ 2× floor unit (${format(2 * unit)} ms)`, op('grant').latency.p50, 2 * unit, 'ms'),
    target('grant round trips', '≤ 3', op('grant').roundTrips, 3, 'round trips'),
    target('revoke round trips', '≤ 2', op('revoke').roundTrips, 2, 'round trips'),
    target('associate round trips', '≤ 2', op('associate').roundTrips, 2, 'round trips'),
  ];
  for (const job of r.bulk) {
    targets.push(
      target(`${job.program} job time`, '≤ 2× raw creates', job.ratioToRaw, 2, '× raw creates'),
      target(`${job.program} job host peak RSS`, '≤ 300 MB', job.rss.app.peakRssMb, 300, 'MB'),
    );
  }
  targets.push(target('cold start', '≤ 1.5× SDKs alone', r.coldStart.ratio, 1.5, '× SDKs alone'));
  return targets;
}

/** One line per missed target: by how much. */
export function missNotes(targets: Target[]): string[] {
  return targets
    .filter((t) => !t.pass)
    .map(
      (t) =>
        `MISS ${t.name}: ${format(t.value)} ${t.unit} against ${t.target}: ${format(t.value / t.limit)}× the limit (${Math.round((t.value / t.limit - 1) * 100)}% over)`,
    );
}

const verdict = (targets: Target[], name: string) => {
  const t = targets.find((x) => x.name === name);
  return t ? [t.target, t.pass ? 'PASS' : 'MISS'] : [undefined, undefined];
};

const kinds = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, n]) => `${kind} ${format(n)}`)
    .join(', ');

function operationRows(row: (...cells: Cell[]) => void, o: OperationResult, targets: Target[]): void {
  const latencyTarget = o.name === 'grant' ? verdict(targets, 'grant p50') : [undefined, undefined];
  row(
    `${o.name}: ${o.request}`,
    o.calls,
    o.latency.p50,
    o.latency.p95,
    `${format(o.ratioToFloor)}× floor unit`,
    ...latencyTarget,
  );
  const spread =
    o.roundTripsMin === o.roundTripsMax ? 'every call' : `${o.roundTripsMin}–${o.roundTripsMax} per call`;
  row(
    `  Cosmos round trips per ${o.name}`,
    undefined,
    undefined,
    undefined,
    `${format(o.roundTrips)} (${kinds(o.byKind)}; ${spread})`,
    ...verdict(targets, `${o.name} round trips`),
  );
}

type Row = (...cells: Cell[]) => void;
const seconds = (ms: number) => `${format(ms / 1000)} s`;

function floorRows(row: Row, f: FloorResult): void {
  const a = f.readReplace;
  const viaProxy = f.readReplaceViaProxy;
  const b = f.emptyRequest;
  const c = f.rawCreates;
  row('(a) SDK point read + If-Match replace, ~2 KB', a.n, a.p50, a.p95);
  row('    the same through the Cosmos proxy (reference)', viaProxy.n, viaProxy.p50, viaProxy.p95);
  row('(b) empty request GET /api/partners/nobody → 401', b.n, b.p50, b.p95, 'no Cosmos request');
  row('floor unit = (a) p50 + (b) p50', undefined, f.unitP50);
  row(
    `(c) raw SDK creates, ~1 KB, ${c.concurrency} workers, 1 partition`,
    c.documents,
    undefined,
    undefined,
    `${format(c.perSecond)} docs/s (${seconds(c.ms)})`,
  );
}

function bulkRows(row: Row, job: BulkResult, targets: Target[]): void {
  row(
    'job: submit → completed (polled every 250 ms)',
    job.rows,
    undefined,
    undefined,
    `${seconds(job.ms)}, ${format(job.rowsPerSecond)} rows/s (container held ${format(job.containerDocuments)} docs)`,
  );
  row(
    `  vs raw creates of as many docs at ${job.raw.concurrency}`,
    job.documentsWritten,
    undefined,
    undefined,
    `${format(job.ratioToRaw)}× raw (raw: ${seconds(job.raw.ms)}, ${format(job.raw.perSecond)} docs/s)`,
    ...verdict(targets, `${job.program} job time`),
  );
  const app = job.rss.app;
  row(
    `  host peak RSS (pid ${app.pid}, the dev host's node)`,
    undefined,
    undefined,
    undefined,
    `${format(app.peakRssMb)} MB (${format(app.startRssMb)} MB at submit; tree ${format(job.rss.treePeakMb)} MB)`,
    ...verdict(targets, `${job.program} job host peak RSS`),
  );
  const total = Object.values(job.cosmosRequests).reduce((sum, n) => sum + n, 0);
  row('  Cosmos requests while it ran', total, undefined, undefined, kinds(job.cosmosRequests));
  const perPoll = Object.values(job.pollCost).reduce((sum, n) => sum + n, 0);
  row(
    `  … of which ${job.polls} status polls × ~${format(perPoll)}`,
    round(job.polls * perPoll, 0),
    undefined,
    undefined,
    `per poll: ${kinds(job.pollCost)}`,
  );
}

export function renderTable(r: Results, targets: Target[]): string {
  const t = new Table([
    { title: 'measure', align: 'left' },
    { title: 'n', align: 'right' },
    { title: 'p50 ms', align: 'right' },
    { title: 'p95 ms', align: 'right' },
    { title: 'target', align: 'left' },
    { title: 'result', align: 'left' },
    { title: 'figure', align: 'left' },
  ]);
  // Rows are given as measure, n, p50, p95, figure, target, result; the (long) figure prints last.
  const row: Row = (measure, n, p50, p95, figure, targetText, result) =>
    t.row(measure, n, p50, p95, targetText, result, figure);

  t.section('Floor (SDK calls straight to the emulator port)');
  floorRows(row, r.floor);

  const calls = r.operations.operations[0]!.calls;
  t.section(`Operations over HTTP (real tokens; ${calls} sequential calls each after 10 warm-up calls)`);
  for (const o of r.operations.operations) operationRows(row, o, targets);
  const aggregate = r.operations.partnerDocumentBytes;
  row(
    'partner aggregate (read + replaced by grant, revoke)',
    undefined,
    undefined,
    undefined,
    `${format(aggregate.beforeGrants / 1024)} KB before the grants, ${format(aggregate.afterGrants / 1024)} KB after`,
  );

  for (const job of r.bulk) {
    t.section(`Bulk, ${job.design}`);
    bulkRows(row, job, targets);
  }

  const cs = r.coldStart;
  t.section(
    `Cold start (fresh node processes, ${cs.runs} runs each alternating; medians of the import time)`,
  );
  row(
    `import the SDKs alone (${cs.sdkCount} packages)`,
    cs.runs,
    cs.sdks.importMs,
    undefined,
    `whole process ${format(cs.sdks.processMs)} ms`,
  );
  row(
    `import the built app (${cs.appFiles} files of main)`,
    cs.runs,
    cs.app.importMs,
    undefined,
    `${format(cs.ratio)}× the SDKs; whole process ${format(cs.app.processMs)} ms${cs.neededAppEnv ? '; needed appEnv' : ''}`,
    ...verdict(targets, 'cold start'),
  );

  const e = r.email;
  t.section('Email (a second dev host with the dispatcher on drains the queue the phases above filled)');
  row(
    'messages waiting in email-dispatch',
    e.queuedMessages,
    undefined,
    undefined,
    `${format(e.queuedMessages - e.expected.total)} of them stale (revoked grants' invitations)`,
  );
  row(
    'second host start (spawn → ready)',
    undefined,
    undefined,
    undefined,
    `${seconds(e.hostStartMs)}; ${e.atReady} sent by then`,
  );
  row(
    'ready → inbox holds every expected email',
    e.expected.total,
    undefined,
    undefined,
    `${format(e.perSecond)} emails/s (${seconds(e.ms)}; ${e.expected.invitations} invitations, ${e.expected.revocations} revocations, ${e.unexpected} unexpected)`,
  );
  return t.render();
}

/** Writes latest.json and a timestamped copy; returns their paths. */
export function writeJson(dir: string, report: unknown, measuredAt: string): string[] {
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const paths = [join(dir, 'latest.json'), join(dir, `bench-${measuredAt.replace(/[:.]/g, '-')}.json`)];
  for (const path of paths) writeFileSync(path, text);
  return paths;
}
