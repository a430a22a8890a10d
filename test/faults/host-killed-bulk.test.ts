import { describe, expect, it } from 'vitest';
import { allRows, bulkCsv, bulkJobFinished, uploadBulk } from '../support/bulk.js';
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
    const submitted = await uploadBulk(
      p,
      bulkCsv(ROWS, (i) => `k${i + 1}@${p.domain},K,${i + 1},,,${i % 25 === 0 ? 'msdn-subscriptions' : ''}`),
    );
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

    await bulkJobFinished(p, submitted.body.jobId, 180_000, 'the job to complete after the crash');
    const rows = await allRows(p, submitted.body.jobId);
    expect(rows.map((r) => r.row)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(rows.filter((r) => r.outcome !== 'succeeded')).toEqual([]);
    const { live } = await expectConsistent(p, { liveAssignments: ROWS / 25, people: ROWS });
    await expectOneInvitationEach(p, live);
  });
});
