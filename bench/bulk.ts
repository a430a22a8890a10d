/**
 * `npm run bench`: bulk assignment throughput on the local stack, measured side by side in one run
 * (these machines are noisy, so figures are reported as ratios):
 *   - a portal's loop of single POST /people calls (the baseline a partner admin has today),
 *   - a 1,000-row bulk job and a 10,000-row bulk job (the largest allowed).
 * It starts its own stack on free ports, so it never disturbs a running `npm start`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { apiClient } from '../scripts/local-stack/api-client.js';
import { freeStackPorts, startLocalStack } from '../scripts/local-stack/stack.js';

const root = resolve(import.meta.dirname, '..');
const operatorEmail = 'operator@bench.test';

const ports = await freeStackPorts();
const dataDir = mkdtempSync(join(tmpdir(), 'partner-subscriptions-bench-'));
const stack = await startLocalStack({
  projectRoot: root,
  ports,
  dataDir,
  persistStorage: false,
  withFunctions: true,
  operators: [operatorEmail],
  appSettings: { AzureFunctionsJobHost__extensions__queues__maxPollingInterval: '00:00:00.500' },
  log: () => undefined,
});

// Interrupted (Ctrl-C, a timeout): stop the stack's child processes too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stack.stop().finally(() => process.exit(130));
  });
}

const api = apiClient({ apiUrl: stack.urls.api, idpUrl: stack.urls.idp, caCertPath: stack.idpCaCertPath });

async function partner(name: string) {
  const partnerId = `bench-${name}`;
  const domain = `${partnerId}.example.com`;
  const admin = `admin@${domain}`;
  const created = await api.request('POST', '/partners', {
    as: { email: operatorEmail, operator: true },
    body: {
      partnerId,
      name,
      program: 'competency',
      verifiedDomains: [domain],
      programAdministrators: [admin],
      entitlements: [
        { benefit: 'vs-enterprise', seats: 150, startsOn: '2020-01-01', expiresOn: '2099-01-01' },
      ],
    },
  });
  if (created.status !== 201) throw new Error(`partner: ${created.status} ${created.text}`);
  return { partnerId, domain, admin };
}

async function apiLoop(rows: number) {
  const p = await partner('loop');
  const started = performance.now();
  for (let i = 0; i < rows; i++) {
    const response = await api.request('POST', `/partners/${p.partnerId}/people`, {
      as: p.admin,
      body: { email: `person${i}@${p.domain}`, firstName: 'Bench', lastName: `Person ${i}` },
    });
    if (response.status !== 201) throw new Error(`associate: ${response.status}`);
  }
  return performance.now() - started;
}

async function bulkJob(name: string, rows: number, grants: number) {
  const p = await partner(name);
  const csv = [
    'email,firstName,lastName,notificationEmail,technicalContact,privilege',
    ...Array.from(
      { length: rows },
      (_, i) => `person${i}@${p.domain},Bench,"Person, ${i}",,,${i < grants ? 'msdn-subscriptions' : ''}`,
    ),
  ].join('\r\n');
  const started = performance.now();
  const submitted = await api.request<{ jobId: string }>(
    'POST',
    `/partners/${p.partnerId}/bulk-assignments`,
    {
      as: p.admin,
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    },
  );
  if (submitted.status !== 202) throw new Error(`bulk: ${submitted.status} ${submitted.text}`);
  for (;;) {
    const job = await api.request<{ status: string; counts: { succeeded: number; failed: number } }>(
      'GET',
      `/partners/${p.partnerId}/bulk-assignments/${submitted.body.jobId}?limit=1`,
      { as: p.admin },
    );
    if (job.body.status.startsWith('completed')) {
      if (job.body.counts.failed !== 0)
        throw new Error(`bulk ${name}: ${job.body.counts.failed} rows failed`);
      return { ms: performance.now() - started, bytes: Buffer.byteLength(csv) };
    }
    // Polling is cheap in Cosmos DB but a full scan in the in-memory emulator, which shares this process.
    await new Promise((r) => setTimeout(r, 5_000));
  }
}

try {
  await api.token(operatorEmail, true); // warm the token cache outside the timings
  const loopRows = 300;
  const loopMs = await apiLoop(loopRows);
  const small = await bulkJob('bulk-1k', 1_000, 100);
  const large = await bulkJob('bulk-10k', 10_000, 150);
  const perRow = { loop: loopMs / loopRows, bulk1k: small.ms / 1_000, bulk10k: large.ms / 10_000 };
  const report = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length },
    apiLoop: { rows: loopRows, ms: Math.round(loopMs), msPerRow: +perRow.loop.toFixed(2) },
    bulk1k: { rows: 1_000, grants: 100, ms: Math.round(small.ms), msPerRow: +perRow.bulk1k.toFixed(2) },
    bulk10k: {
      rows: 10_000,
      grants: 150,
      bytes: large.bytes,
      ms: Math.round(large.ms),
      msPerRow: +perRow.bulk10k.toFixed(2),
    },
    ratios: {
      'per-row time, 10k job / 1k job (1.0 = linear scaling)': +(perRow.bulk10k / perRow.bulk1k).toFixed(2),
      // A bulk row does more than a single call (claims its row, records its outcome) and rows run in
      // order so seats are decided deterministically: this is the price of that bookkeeping.
      'per-row time, 10k bulk job / portal loop of single POST /people calls': +(
        perRow.bulk10k / perRow.loop
      ).toFixed(2),
    },
  };
  mkdirSync(join(root, 'test-results'), { recursive: true });
  writeFileSync(join(root, 'test-results', 'bench-bulk.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
