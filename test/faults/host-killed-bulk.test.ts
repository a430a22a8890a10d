import { describe, expect, it } from 'vitest';
import { allRows } from '../support/bulk.js';
import { expectConsistent, expectOneInvitationEach } from '../support/consistency.js';
import { createPartner, testApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { functionHost } from '../support/proxies.js';

const { api } = testApp();
const host = functionHost();
const ROWS = 3_000;

describe('the function host killed in the middle of a bulk job', () => {
  it('started again, it completes the job with exactly one outcome a row and nothing twice', async () => {
    const p = await createPartner({
      program: 'competency',
      entitlements: [
        { benefit: 'vs-enterprise', seats: ROWS / 25, startsOn: '2020-01-01', expiresOn: '2099-01-01' },
      ],
    });
    const csv = [
      'email,firstName,lastName,notificationEmail,technicalContact,privilege',
      ...Array.from(
        { length: ROWS },
        (_, i) => `k${i + 1}@${p.domain},K,${i + 1},,,${i % 25 === 0 ? 'msdn-subscriptions' : ''}`,
      ),
    ].join('\n');
    const submitted = await api.request<{ jobId: string }>('POST', `${p.base}/bulk-assignments`, {
      as: p.admin,
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(submitted.status).toBe(202);
    const jobUrl = `${p.base}/bulk-assignments/${submitted.body.jobId}?limit=1`;
    await eventually(
      async () => {
        const job = (await api.request<{ counts: { pending: number } }>('GET', jobUrl, { as: p.admin })).body;
        return job.counts.pending < ROWS ? true : undefined;
      },
      { intervalMs: 10, what: 'the job to be under way' },
    );
    await host.kill();
    await host.start();

    await eventually(
      async () => {
        const read = await api.request<{ status: string }>('GET', jobUrl, { as: p.admin });
        return read.status === 200 && read.body.status.startsWith('completed') ? true : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500, what: 'the job to complete after the crash' },
    );
    const rows = await allRows(p, submitted.body.jobId);
    expect(rows.map((r) => r.row)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(rows.filter((r) => r.outcome !== 'succeeded')).toEqual([]);
    const { live } = await expectConsistent(p, { liveAssignments: ROWS / 25, people: ROWS });
    await expectOneInvitationEach(p, live);
  });
});
