import { decodeJwt } from 'jose';
import { BlobServiceClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CosmosBulkJobStore } from '../../shared/adapters/cosmos/bulk-job-store.js';
import type { BulkJob } from '../../shared/domain/bulk.js';
import { cosmosProxy } from '../support/proxies.js';
import { partnersContainer } from '../../shared/root.js';
import { createPartner, testApp } from '../support/app.js';
import { inbox, queues } from '../support/inbox.js';
import { eventually } from '../support/eventually.js';
import { allRows, type RowResult } from '../support/bulk.js';
import { appLog } from '../support/app-log.js';

const { stack, api, operator } = testApp();
const cosmos = cosmosProxy();

interface Usage {
  benefits: { invited: number }[];
}
const mail = inbox(stack.emailUrl);
const storage = queues(stack.storageConnectionString);
const log = appLog(stack.logFile);

interface Job {
  jobId: string;
  status: string;
  dryRun: boolean;
  counts: { total: number; succeeded: number; failed: number; skipped: number; pending: number };
  rows: { items: RowResult[]; nextCursor: string | null };
  code?: string;
  detail?: string;
}

type Partner = Awaited<ReturnType<typeof createPartner>>;

const HEADER = 'email,firstName,lastName,notificationEmail,technicalContact,privilege';

function upload(p: Partner, body: string | object, options: { dryRun?: boolean; contentType?: string } = {}) {
  const isText = typeof body === 'string';
  return api.request<Job>('POST', `${p.base}/bulk-assignments${options.dryRun ? '?dryRun=true' : ''}`, {
    as: p.admin,
    ...(isText ? { rawBody: body } : { body }),
    headers: { 'content-type': options.contentType ?? (isText ? 'text/csv' : 'application/json') },
  });
}

async function finished(p: Partner, jobId: string, timeoutMs = 120_000): Promise<Job> {
  return eventually(
    async () => {
      const job = await api.request<Job>('GET', `${p.base}/bulk-assignments/${jobId}?limit=1`, {
        as: p.admin,
      });
      return job.body.status.startsWith('completed') ? job.body : undefined;
    },
    { timeoutMs, intervalMs: 500, what: `bulk job ${jobId} to complete` },
  );
}

describe('bulk upload limits and formats', () => {
  it('over 5 MB is a 413 naming the limit', async () => {
    const p = await createPartner({ program: 'competency' });
    const big = `${HEADER}\r\n${`a@${p.domain},${'x'.repeat(90)},Y,,,\r\n`.repeat(60_000)}`;
    const response = await upload(p, big);
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('payload-too-large');
    expect(response.body.detail).toContain('5 MB');
  });

  it('over 10,000 rows is a 413 naming the limit', async () => {
    const p = await createPartner({ program: 'competency' });
    const rows = Array.from({ length: 10_001 }, (_, i) => ({
      email: `p${i}@${p.domain}`,
      firstName: 'P',
      lastName: 'Q',
    }));
    const response = await upload(p, { rows });
    expect(response.status).toBe(413);
    expect(response.body.detail).toContain('10000 rows');
  });

  it('a wrong content type is 415; a CSV without the required columns or with unknown ones is 400', async () => {
    const p = await createPartner({ program: 'competency' });
    expect((await upload(p, 'hello', { contentType: 'text/plain' })).status).toBe(415);
    const missing = await upload(p, `email,firstName\r\na@${p.domain},A\r\n`);
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('header.lastName');
    const unknown = await upload(p, `${HEADER},shoeSize\r\na@${p.domain},A,B,,,,42\r\n`);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('header.shoeSize');
    expect((await upload(p, `${HEADER}\r\n`)).status).toBe(400);
  });

  it('reads quoted fields, a byte-order mark and CRLF with a real CSV parser; JSON rows work too', async () => {
    const p = await createPartner({ program: 'competency' });
    const csv = `\uFEFF${HEADER}\r\n"quoted@${p.domain}","O'Brien, Jr.","Smith ""Smitty""",,,\r\n`;
    const accepted = await upload(p, csv);
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe(`/api${p.base}/bulk-assignments/${accepted.body.jobId}`);
    const job = await finished(p, accepted.body.jobId);
    expect(job.status).toBe('completed');
    const people = await api.request<{ items: { firstName: string; lastName: string }[] }>(
      'GET',
      `${p.base}/people`,
      {
        as: p.admin,
      },
    );
    expect(people.body.items).toEqual([
      expect.objectContaining({ firstName: "O'Brien, Jr.", lastName: 'Smith "Smitty"' }),
    ]);

    const json = await upload(p, {
      rows: [{ email: `json@${p.domain}`, firstName: 'Jay', lastName: 'Son' }],
    });
    expect(json.status).toBe(202);
    expect((await finished(p, json.body.jobId)).counts).toMatchObject({ total: 1, succeeded: 1 });
  });

  it('keeps a large upload in Blob storage as it came', async () => {
    const p = await createPartner({ program: 'competency' });
    const rows = Array.from(
      { length: 3_000 },
      (_, i) => `big${i}@${p.domain},${'N'.repeat(60)},Person ${i},,,`,
    );
    const csv = [HEADER, ...rows].join('\r\n');
    expect(Buffer.byteLength(csv)).toBeGreaterThan(256 * 1024);
    const response = await upload(p, csv, { dryRun: true });
    expect(response.status).toBe(202);
    const blobName = (response.body as unknown as { source: { blobName: string | null } }).source.blobName;
    expect(blobName).toBe(`${p.body.partnerId}/${response.body.jobId}.csv`);
    const blob = BlobServiceClient.fromConnectionString(stack.storageConnectionString)
      .getContainerClient('bulk-uploads')
      .getBlobClient(blobName!);
    expect((await blob.downloadToBuffer()).toString('utf8')).toBe(csv);
    expect((await finished(p, response.body.jobId)).counts).toMatchObject({ total: 3_000, succeeded: 3_000 });
  });
});

describe('bulk rows', () => {
  it('a dry run reports what would happen, in row order, and changes nothing', async () => {
    const p = await createPartner({
      program: 'competency',
      entitlements: [{ benefit: 'vs-enterprise', seats: 2, startsOn: '2020-01-01', expiresOn: '2099-01-01' }],
    });
    const csv = [
      HEADER,
      `a@${p.domain},A,A,,,msdn-subscriptions`,
      `b@${p.domain},B,B,,,msdn-subscriptions`,
      `c@${p.domain},C,C,,,msdn-subscriptions`,
      `not-an-email,D,D,,,`,
      `e@elsewhere.example.org,E,E,,,`,
      `a@${p.domain},A,A,,,msdn-subscriptions`,
    ].join('\r\n');
    const response = await upload(p, csv, { dryRun: true });
    expect(response.status).toBe(202);
    const job = await finished(p, response.body.jobId);
    expect(job.dryRun).toBe(true);
    const rows = await allRows(p, response.body.jobId);
    expect(rows.map((r) => [r.row, r.outcome, r.code])).toEqual([
      [1, 'succeeded', null],
      [2, 'succeeded', null],
      [3, 'failed', 'no-seats-available'],
      [4, 'failed', 'validation-failed'],
      [5, 'failed', 'email-domain-not-verified'],
      [6, 'failed', 'already-assigned'],
    ]);
    expect(rows[0]!.message).toMatch(/^Would have/);
    const people = await api.request<{ items: unknown[] }>('GET', `${p.base}/people`, { as: p.admin });
    expect(people.body.items).toEqual([]);
    const usage = await api.request<{ benefits: { invited: number }[] }>('GET', `${p.base}/usage`, {
      as: p.admin,
    });
    expect(usage.body.benefits[0]!.invited).toBe(0);
  });

  it('processes every good row and explains every bad one, with each row error code', async () => {
    const p = await createPartner({
      entitlements: [
        { benefit: 'vs-professional', seats: 2, startsOn: '2020-01-01', expiresOn: '2099-01-01' },
      ],
    });
    await p.associate('existing');
    const csv = [
      HEADER,
      `ann@${p.domain},Ann,A,,first,visual-studio-subscriptions`, // 1 ok: associated, slot, granted
      `bob@${p.domain},Bob,B,,first,`, // 2 slot-taken (row 1 holds first)
      `cid@${p.domain},Cid,C,,,visual-studio-subscriptions`, // 3 technical-contact-required
      `dan@${p.domain},Dan,D,,second,msdn-subscriptions`, // 4 privilege-not-in-program (after the slot is set)
      `eve@${p.domain},Eve,E,,third,visual-studio-subscriptions`, // 5 ok: the second seat
      `fay@${p.domain},Fay,F,,,`, // 6 ok: associated only
      `ann@${p.domain},Ann,A,,first,visual-studio-subscriptions`, // 7 already-assigned
      `not-an-email,Gus,G,,,`, // 8 validation-failed
      `hal@elsewhere.example.org,Hal,H,,,`, // 9 email-domain-not-verified
      `existing@${p.domain},Existing,Tester,,,`, // 10 skipped: nothing to do
      `ivy@${p.domain},Ivy,I,,,bogus-privilege`, // 11 validation-failed
      `jon@${p.domain},Jon,J,,,extra,cells`, // 12 validation-failed (too many cells)
    ].join('\r\n');
    const response = await upload(p, csv);
    const job = await finished(p, response.body.jobId);
    expect(job.status).toBe('completed-with-errors');
    expect(job.counts).toEqual({ total: 12, succeeded: 3, failed: 8, skipped: 1, pending: 0 });
    const rows = await allRows(p, response.body.jobId);
    expect(rows.map((r) => [r.row, r.outcome, r.code])).toEqual([
      [1, 'succeeded', null],
      [2, 'failed', 'slot-taken'],
      [3, 'failed', 'technical-contact-required'],
      [4, 'failed', 'privilege-not-in-program'],
      [5, 'succeeded', null],
      [6, 'succeeded', null],
      [7, 'failed', 'already-assigned'],
      [8, 'failed', 'validation-failed'],
      [9, 'failed', 'email-domain-not-verified'],
      [10, 'skipped', null],
      [11, 'failed', 'validation-failed'],
      [12, 'failed', 'validation-failed'],
    ]);
    expect(rows[0]!.actions).toEqual(['associated', 'slot-set', 'granted']);
    expect(rows[3]!.actions).toEqual(['associated', 'slot-set']); // what happened before the refusal
    for (const row of rows.filter((r) => r.outcome === 'failed'))
      expect(row.message.length).toBeGreaterThan(10);

    const usage = await api.request<{ benefits: { invited: number; available: number }[] }>(
      'GET',
      `${p.base}/usage`,
      {
        as: p.admin,
      },
    );
    expect(usage.body.benefits[0]).toMatchObject({ invited: 2, available: 0 });

    const csvResults = await api.request<string>(
      'GET',
      `${p.base}/bulk-assignments/${response.body.jobId}/results.csv`,
      {
        as: p.admin,
      },
    );
    expect(csvResults.headers.get('content-type')).toContain('text/csv');
    const parsed = parse(csvResults.text, { columns: true }) as Record<string, string>[];
    expect(parsed).toHaveLength(12);
    expect(parsed[1]).toMatchObject({ row: '2', outcome: 'failed', code: 'slot-taken' });
  });

  it('no-seats-available and entitlement-inactive rows, and injection-safe results', async () => {
    const p = await createPartner({
      program: 'competency',
      entitlements: [{ benefit: 'vs-enterprise', seats: 1, startsOn: '2099-01-01', expiresOn: '2100-01-01' }],
    });
    const response = await upload(p, `${HEADER}\r\n+cmd@${p.domain},Plus,Sign,,,msdn-subscriptions\r\n`);
    const rows = await allRows(p, (await finished(p, response.body.jobId)).jobId);
    expect(rows.map((r) => r.code)).toEqual(['entitlement-inactive']);
    const results = await api.request<string>(
      'GET',
      `${p.base}/bulk-assignments/${response.body.jobId}/results.csv`,
      {
        as: p.admin,
      },
    );
    expect(results.text).toContain(`'+cmd@${p.domain}`);

    const patched = await api.request('PATCH', p.base, {
      as: operator,
      body: {
        entitlements: [
          { benefit: 'vs-enterprise', seats: 1, startsOn: '2020-01-01', expiresOn: '2099-01-01' },
        ],
      },
    });
    expect(patched.status).toBe(200);
    const second = await upload(
      p,
      `${HEADER}\r\none@${p.domain},One,O,,,msdn-subscriptions\r\ntwo@${p.domain},Two,T,,,msdn-subscriptions\r\n`,
    );
    const secondRows = await allRows(p, (await finished(p, second.body.jobId)).jobId);
    expect(secondRows.map((r) => r.code)).toEqual([null, 'no-seats-available']);
  });

  it('a chunk delivered twice neither repeats nor doubles anything', async () => {
    const p = await createPartner({ program: 'competency' });
    const rows = Array.from({ length: 3 }, (_, i) => ({
      email: `dup${i}@${p.domain}`,
      firstName: 'Dup',
      lastName: String(i),
      privilege: 'msdn-subscriptions',
    }));
    const response = await upload(p, { rows });
    const message = {
      partnerId: p.body.partnerId,
      jobId: response.body.jobId,
      chunk: 0,
      correlationId: 'dup',
    };
    const from = log.mark();
    await storage.send('bulk-assignments', message); // redelivered while the first copy may still be running
    const job = await finished(p, response.body.jobId);
    await storage.send('bulk-assignments', message); // and again after it finished
    // Both copies reported handled, then every email queued meanwhile handled: nothing more can follow.
    await eventually(
      async () => {
        const done = log.events(
          from,
          (e) =>
            e.event === 'bulk-assignments.done' && e.jobId === message.jobId && e.correlationId === 'dup',
        );
        return done.length >= 2 ? true : undefined;
      },
      { what: 'both redelivered copies of the chunk to be handled' },
    );
    await storage.drained('email-dispatch');

    const after = await api.request<Job>('GET', `${p.base}/bulk-assignments/${response.body.jobId}`, {
      as: p.admin,
    });
    expect(after.body.counts).toEqual(job.counts);
    expect(after.body.counts).toMatchObject({ total: 3, succeeded: 3 });
    const assignments = await api.request<{ items: unknown[] }>('GET', `${p.base}/assignments`, {
      as: p.admin,
    });
    expect(assignments.body.items).toHaveLength(3);
    for (const row of rows) {
      await eventually(async () => ((await mail.messages(row.email)).length > 0 ? true : undefined));
      expect(await mail.messages(row.email)).toHaveLength(1);
    }
  });

  it('a chunk that keeps failing ends in the poison queue, its rows failed, and the job completes', async () => {
    const p = await createPartner({ program: 'competency' });
    const store = new CosmosBulkJobStore(partnersContainer);
    const jobId = crypto.randomUUID();
    const rows = ['r1', 'r2', 'r3'].map((name) => ({
      email: `${name}@${p.domain}`,
      firstName: name,
      lastName: 'X',
      privilege: 'msdn-subscriptions',
    }));
    const admin = await api.request<{ roles: unknown }>('GET', p.base, { as: p.admin });
    expect(admin.status).toBe(200); // binds the administrator, whose identity the job runs under
    const { iss, sub, tid, oid } = decodeJwt(await api.token(p.admin));
    const job: BulkJob = {
      jobId,
      partnerId: p.body.partnerId,
      dryRun: false,
      total: 3,
      chunks: 1,
      createdAt: new Date().toISOString(),
      createdBy: {
        issuer: String(iss),
        subject: String(sub),
        tenantId: String(tid),
        objectId: String(oid),
        email: p.admin,
        roles: [],
      },
      source: { format: 'json', bytes: 0, blobName: null },
    };
    await store.createJob(job, [{ jobId, partnerId: p.body.partnerId, index: 0, firstRow: 1, rows }]);
    // Cosmos DB refuses every bulk write that carries row 2's person: every delivery of the chunk fails
    // writing its documents, after its seats were committed.
    await cosmos.setRules([
      {
        kind: 'bulk',
        bodyIncludes: rows[1]!.email,
        fault: { kind: 'respond', status: 400, body: { code: 'BadRequest' } },
      },
    ]);
    await storage.send('bulk-assignments', {
      partnerId: p.body.partnerId,
      jobId,
      chunk: 0,
      correlationId: 'poison',
    });

    const done = await finished(p, jobId, 90_000).finally(() => cosmos.clearRules());
    expect(done.status).toBe('completed-with-errors');
    const results = await allRows(p, jobId);
    // The people of the chunk were one refused write, so no assignment was written either (people come
    // first): every row failed, and the seats the chunk had taken were given back.
    expect(results.map((r) => [r.row, r.outcome, r.code, r.actions])).toEqual([
      [1, 'failed', 'processing-error', []],
      [2, 'failed', 'processing-error', []],
      [3, 'failed', 'processing-error', []],
    ]);
    const usage = await api.request<Usage>('GET', `${p.base}/usage`, { as: p.admin });
    expect(usage.body.benefits[0]!.invited).toBe(0);
    const assignments = await api.request<{ items: unknown[] }>('GET', `${p.base}/assignments`, {
      as: p.admin,
    });
    expect(assignments.body.items).toEqual([]);
    const poisoned = (await storage.peekAll('bulk-assignments-poison')) as { jobId: string }[];
    expect(poisoned.map((m) => m.jobId)).toContain(jobId);
  });
});
