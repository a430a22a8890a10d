/**
 * Bulk: one 10,000-row CSV job per program, as an administrator uploads it, polled every 250 ms until
 * it completes; then raw SDK creates of as many documents as the job wrote, at the same concurrency as
 * the floor's (16), right after it, so the job reads as a multiple of plain writes.
 */
import {
  callAs,
  createPartner,
  documentsIn,
  expectStatus,
  type Bench,
  type BenchPartner,
} from './context.js';
import { rawCreates, RAW_CONCURRENCY, type RawCreates } from './floor.js';
import { sampleRss, type RssPeak } from './rss.js';
import { round, sleep } from './stats.js';

const POLL_MS = 250;
const JOB_TIMEOUT_MS = 180_000;
const HEADER = 'email,firstName,lastName,notificationEmail,technicalContact,privilege';

export interface JobDesign {
  name: string;
  program: 'action-pack' | 'competency';
  rows: number;
  seats?: number;
  /** Rows (1-based) that set a Technical Contact slot, and which. */
  slots: Map<number, 'first' | 'second' | 'third'>;
  /** Rows (1-based) that grant the program's privilege. */
  grants: Set<number>;
  describe: string;
}

export interface BulkResult {
  design: string;
  partnerId: string;
  program: string;
  rows: number;
  csvBytes: number;
  associations: number;
  slots: number;
  grants: number;
  ms: number;
  rowsPerSecond: number;
  polls: number;
  /** Documents in the whole container when the job started (the emulator's queries scan them all). */
  containerDocuments: number;
  /** Documents the job added to the partner's partition (counted by the emulator before/after). */
  documentsWritten: number;
  /** Cosmos requests while the job ran, by kind; they include the polls' own (see pollCost). */
  cosmosRequests: Record<string, number>;
  pollCost: Record<string, number>;
  raw: RawCreates;
  /** job time / raw creates of as many documents at the same concurrency. */
  ratioToRaw: number;
  rss: RssPeak;
  /** Grantees' addresses: their invitations wait in the email queue. */
  grantees: string[];
}

interface JobView {
  status: string;
  counts: { total: number; succeeded: number; failed: number; skipped: number; pending: number };
}

/** Grants spread evenly over the file, so every part of the job decides seats. */
function spread(rows: number, count: number): Set<number> {
  return new Set(Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * rows) / count) + 1));
}

export const competencyDesign = (rows: number, seats: number): JobDesign => ({
  name: 'competency',
  program: 'competency',
  rows,
  seats,
  slots: new Map(),
  grants: spread(rows, seats),
  describe: `Competency partner: ${rows.toLocaleString('en-US')} rows, each associates a new person; ${seats} rows spread over the file also grant (all ${seats} seats); no slots`,
});

export const actionPackDesign = (rows: number): JobDesign => {
  const grants = spread(rows, 3);
  const slots = new Map([...grants].map((row, i) => [row, (['first', 'second', 'third'] as const)[i]!]));
  return {
    name: 'action-pack',
    program: 'action-pack',
    rows,
    slots,
    grants,
    describe: `Action Pack partner: ${rows.toLocaleString('en-US')} rows, each associates a new person; 3 spread rows also set the first/second/third Technical Contact slot and grant (all 3 seats)`,
  };
};

function csvOf(design: JobDesign, p: BenchPartner): { csv: string; grantees: string[] } {
  const grantees: string[] = [];
  const lines = [HEADER];
  for (let row = 1; row <= design.rows; row++) {
    const email = `bulk${row}@${p.domain}`;
    const grant = design.grants.has(row);
    if (grant) grantees.push(email);
    lines.push(`${email},Bulk,"Person, ${row}",,${design.slots.get(row) ?? ''},${grant ? p.privilege : ''}`);
  }
  return { csv: `${lines.join('\r\n')}\r\n`, grantees };
}

/** Polls the job every POLL_MS until its status is completed*; returns the last view and the polls made. */
async function untilCompleted(
  as: ReturnType<typeof callAs>,
  jobPath: string,
  name: string,
  log: (line: string) => void,
): Promise<{ job: JobView; polls: number }> {
  const started = performance.now();
  let lastLog = started;
  for (let polls = 1; ; polls++) {
    await sleep(POLL_MS);
    const job = expectStatus(await as<JobView>('GET', jobPath), 200, 'polling the job').body;
    if (job.status.startsWith('completed')) return { job, polls };
    const now = performance.now();
    if (now - started > JOB_TIMEOUT_MS) {
      throw new Error(
        `the ${name} job did not complete in ${JOB_TIMEOUT_MS / 1000} s: ${JSON.stringify(job.counts)}`,
      );
    }
    if (now - lastLog > 10_000) {
      lastLog = now;
      log(`  ${name} job: ${job.counts.total - job.counts.pending}/${job.counts.total} rows`);
    }
  }
}

/** Checks what the job should have left: every seat it granted invited, every slot it set held. */
async function verify(as: ReturnType<typeof callAs>, p: BenchPartner, design: JobDesign): Promise<void> {
  const usage = expectStatus(
    await as<{ benefits: { invited: number }[] }>('GET', `${p.base}/usage`),
    200,
    'usage',
  );
  const invited = usage.body.benefits.reduce((s, b) => s + b.invited, 0);
  if (invited !== design.grants.size) {
    throw new Error(`the ${design.name} job left ${invited} invited seats, not ${design.grants.size}`);
  }
  const partner = expectStatus(
    await as<{ technicalContacts: Record<string, string | null> }>('GET', p.base),
    200,
    'reading the partner',
  );
  const held = Object.values(partner.body.technicalContacts).filter((v) => v !== null).length;
  if (held !== design.slots.size)
    throw new Error(`the ${design.name} job left ${held} slots held, not ${design.slots.size}`);
}

export async function runBulkJob(
  bench: Bench,
  design: JobDesign,
  log: (line: string) => void,
): Promise<BulkResult> {
  const p = await createPartner(bench, `bulk-${design.name}`, design.program, design.seats);
  const as = callAs(bench, p.admin);
  const { csv, grantees } = csvOf(design, p);
  const before = await documentsIn(bench.container, p.partnerId);
  const containerDocuments = await documentsIn(bench.container);
  const pid = bench.stack.functionsPid;
  if (pid === undefined) throw new Error('the stack reports no function host pid');

  await bench.resetCounts();
  const rss = sampleRss(pid);
  const started = performance.now();
  let outcome: { job: JobView; polls: number };
  let jobPath: string;
  let rssPeak: RssPeak;
  try {
    const submitted = await bench.api.request<{ jobId: string }>('POST', `${p.base}/bulk-assignments`, {
      as: p.admin,
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expectStatus(submitted, 202, `submitting the ${design.name} job`);
    jobPath = `${p.base}/bulk-assignments/${submitted.body.jobId}?limit=1`;
    outcome = await untilCompleted(as, jobPath, design.name, log);
  } finally {
    rssPeak = rss.stop();
  }
  const ms = performance.now() - started;
  const cosmosRequests = await bench.counts();
  const { job, polls } = outcome;
  const { counts } = job;
  if (job.status !== 'completed' || counts.failed !== 0 || counts.succeeded !== design.rows) {
    throw new Error(`the ${design.name} job ended ${job.status}: ${JSON.stringify(counts)}`);
  }
  // What one poll costs in Cosmos requests, measured now (polls during the job may cost a little more).
  const pollCost = await perCall(bench, 5, async () => {
    expectStatus(await as('GET', jobPath), 200, 'polling the job');
  });
  await verify(as, p, design);
  const documentsWritten = (await documentsIn(bench.container, p.partnerId)) - before;
  log(
    `  ${design.name} job: ${design.rows} rows in ${round(ms / 1000, 1)} s, ${documentsWritten} documents; raw creates of as many…`,
  );
  const raw = await rawCreates(
    bench.floorContainer,
    `bench-raw-${design.name}`,
    documentsWritten,
    RAW_CONCURRENCY,
  );
  return {
    design: design.describe,
    partnerId: p.partnerId,
    program: design.program,
    rows: design.rows,
    csvBytes: Buffer.byteLength(csv),
    associations: design.rows,
    slots: design.slots.size,
    grants: design.grants.size,
    ms: round(ms, 0),
    rowsPerSecond: round((design.rows / ms) * 1000, 0),
    polls,
    containerDocuments,
    documentsWritten,
    cosmosRequests,
    pollCost,
    raw,
    ratioToRaw: round(ms / raw.ms, 2),
    rss: rssPeak,
    grantees,
  };
}

/** Cosmos requests of `fn`, averaged over `times` calls, by kind. */
async function perCall(
  bench: Bench,
  times: number,
  fn: () => Promise<void>,
): Promise<Record<string, number>> {
  await bench.resetCounts();
  for (let i = 0; i < times; i++) await fn();
  const counts = await bench.counts();
  return Object.fromEntries(Object.entries(counts).map(([kind, n]) => [kind, round(n / times, 2)]));
}
