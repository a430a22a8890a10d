import { describe, expect, it } from 'vitest';
import { allRows, bulkCsv, bulkJobFinished, uploadBulk } from '../support/bulk.js';
import { expectConsistent, expectOneInvitationEach } from '../support/consistency.js';
import { createPartner, testApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { cosmosProxy } from '../support/proxies.js';

const { api } = testApp();
const cosmos = cosmosProxy();
const ROWS = 2_000;
const SEATS = 150;
const GRANT_ROWS = 200;
const OUTAGE_MS = 5_000;

describe('Cosmos DB unreachable for 5 s in the middle of a 2,000-row bulk job', () => {
  it('the job completes: one outcome a row, seats equal the granted rows, nothing twice', async () => {
    const p = await createPartner({
      program: 'competency',
      entitlements: [
        { benefit: 'vs-enterprise', seats: SEATS, startsOn: '2020-01-01', expiresOn: '2099-01-01' },
      ],
    });
    const submitted = await uploadBulk(
      p,
      bulkCsv(
        ROWS,
        (i) => `row${i + 1}@${p.domain},Row,${i + 1},,,${(i + 1) % 10 === 0 ? 'msdn-subscriptions' : ''}`,
      ),
    );
    expect(submitted.status).toBe(202);
    const jobUrl = `${p.base}/bulk-assignments/${submitted.body.jobId}?limit=1`;
    const progress = async () =>
      (await api.request<{ status: string; counts: { pending: number } }>('GET', jobUrl, { as: p.admin }))
        .body;

    // In the middle: once some rows are done and many are not.
    await eventually(
      async () => {
        const job = await progress();
        return job.counts.pending < ROWS && job.counts.pending > ROWS / 2 ? true : undefined;
      },
      { intervalMs: 20, what: 'the job to be under way' },
    );
    await cosmos.setReachable(false);
    // The outage's length is the scenario itself (longer than the host's retries), not a wait for anything.
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await cosmos.setReachable(true);

    const job = await bulkJobFinished(
      p,
      submitted.body.jobId,
      180_000,
      'the job to complete after the outage',
    );
    const rows = await allRows(p, submitted.body.jobId);
    expect(rows.map((r) => r.row)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    const granted = rows.filter((r) => r.actions.includes('granted'));
    expect(granted).toHaveLength(SEATS);
    expect(rows.filter((r) => r.code === 'no-seats-available')).toHaveLength(GRANT_ROWS - SEATS);
    expect(rows.filter((r) => r.outcome === 'failed')).toHaveLength(GRANT_ROWS - SEATS);
    expect(job.counts).toMatchObject({ total: ROWS, pending: 0 });

    const { live } = await expectConsistent(p, { liveAssignments: SEATS, people: ROWS });
    await expectOneInvitationEach(p, live);
  });
});
