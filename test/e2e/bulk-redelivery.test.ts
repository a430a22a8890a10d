import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { CosmosBulkJobStore } from '../../shared/adapters/cosmos/bulk-job-store.js';
import type { BulkJob } from '../../shared/domain/bulk.js';
import { cosmosProxy } from '../support/proxies.js';
import { partnersContainer } from '../../shared/root.js';
import { createPartner, testApp } from '../support/app.js';
import { inbox, queues } from '../support/inbox.js';
import { eventually } from '../support/eventually.js';
import { allRows, bulkJobFinished, uploadBulk, type BulkJobBody } from '../support/bulk.js';
import { appLog } from '../support/app-log.js';

/** A bulk job's chunk messages delivered again, or failing for good: nothing repeats, nothing is lost. */

const { stack, api } = testApp();
const cosmos = cosmosProxy();

interface Usage {
  benefits: { invited: number }[];
}
const mail = inbox(stack.emailUrl);
const storage = queues(stack.storageConnectionString);
const log = appLog(stack.logFile);

describe('bulk rows', () => {
  it('a chunk delivered twice neither repeats nor doubles anything', async () => {
    const p = await createPartner({ program: 'competency' });
    const rows = Array.from({ length: 3 }, (_, i) => ({
      email: `dup${i}@${p.domain}`,
      firstName: 'Dup',
      lastName: String(i),
      privilege: 'msdn-subscriptions',
    }));
    const response = await uploadBulk(p, { rows });
    const message = {
      partnerId: p.body.partnerId,
      jobId: response.body.jobId,
      chunk: 0,
      correlationId: 'dup',
    };
    const from = log.mark();
    await storage.send('bulk-assignments', message); // redelivered while the first copy may still be running
    const job = await bulkJobFinished(p, response.body.jobId);
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

    const after = await api.request<BulkJobBody>('GET', `${p.base}/bulk-assignments/${response.body.jobId}`, {
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

    const done = await bulkJobFinished(p, jobId, 90_000).finally(() => cosmos.clearRules());
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
