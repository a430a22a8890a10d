import { describe, expect, it } from 'vitest';
import { createPartner, testApp } from '../support/app.js';
import { inbox } from '../support/inbox.js';
import { eventually } from '../support/eventually.js';
import { allRows } from '../support/bulk.js';

const { stack, api } = testApp();
const mail = inbox(stack.emailUrl);

const SEATS = 40;

/** Row i of the upload, and what must become of it (rows compete for seats in row order). */
function rowFor(i: number, domain: string): { csv: string; privileged: boolean; expected: string } {
  const email = `person${i}@${domain}`;
  if (i % 50 === 7)
    return { csv: `bad-email-${i},Bad,Email,,,`, privileged: false, expected: 'validation-failed' };
  if (i % 50 === 13)
    return {
      csv: `p${i}@elsewhere.example.org,Out,Side,,,`,
      privileged: false,
      expected: 'email-domain-not-verified',
    };
  if (i % 50 === 21)
    return {
      csv: `${email},Wrong,Privilege,,,visual-studio-subscriptions`,
      privileged: false,
      expected: 'privilege-not-in-program',
    };
  if (i % 50 === 33)
    return { csv: `${email},Bad,Slot,,fourth,`, privileged: false, expected: 'validation-failed' };
  if (i === 999)
    return {
      csv: `person10@${domain},Again,Ten,,,msdn-subscriptions`,
      privileged: false,
      expected: 'already-assigned',
    };
  if (i % 10 === 0)
    return {
      csv: `${email},Seat,Holder,home${i}@example.org,,msdn-subscriptions`,
      privileged: true,
      expected: 'seat',
    };
  return { csv: `${email},Plain,"Person, ${i}",,,`, privileged: false, expected: 'ok' };
}

describe('a 1,000-row CSV with bad rows mixed in', () => {
  it('gives every row its outcome, takes exactly the seats there are, and emails every granted row', async () => {
    const p = await createPartner({
      program: 'competency',
      entitlements: [
        { benefit: 'vs-enterprise', seats: SEATS, startsOn: '2020-01-01', expiresOn: '2099-01-01' },
      ],
    });
    const plan = Array.from({ length: 1000 }, (_, index) => rowFor(index + 1, p.domain));
    const csv = [
      'email,firstName,lastName,notificationEmail,technicalContact,privilege',
      ...plan.map((r) => r.csv),
    ].join('\r\n');

    const submitted = await api.request<{ jobId: string }>('POST', `${p.base}/bulk-assignments`, {
      as: p.admin,
      rawBody: csv,
      headers: { 'content-type': 'text/csv', 'idempotency-key': `bulk-1000-${p.body.partnerId}` },
    });
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.jobId;

    const job = await eventually(
      async () => {
        const read = await api.request<{ status: string; counts: Record<string, number> }>(
          'GET',
          `${p.base}/bulk-assignments/${jobId}?limit=1`,
          { as: p.admin },
        );
        return read.body.status.startsWith('completed') ? read.body : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 1_000, what: 'the 1,000-row job' },
    );

    let seatsLeft = SEATS;
    const expected = plan.map((r, index) => {
      if (r.expected === 'seat') {
        const granted = seatsLeft > 0;
        if (granted) seatsLeft--;
        return {
          row: index + 1,
          outcome: granted ? 'succeeded' : 'failed',
          code: granted ? null : 'no-seats-available',
        };
      }
      if (r.expected === 'ok') return { row: index + 1, outcome: 'succeeded', code: null };
      return { row: index + 1, outcome: 'failed', code: r.expected };
    });

    const rows = await allRows(p, jobId);
    expect(rows.map((r) => ({ row: r.row, outcome: r.outcome, code: r.code }))).toEqual(expected);
    expect(job.status).toBe('completed-with-errors');
    expect(job.counts).toMatchObject({
      total: 1000,
      succeeded: expected.filter((e) => e.outcome === 'succeeded').length,
      failed: expected.filter((e) => e.outcome === 'failed').length,
      pending: 0,
    });

    const usage = await api.request<{ benefits: { invited: number; available: number }[] }>(
      'GET',
      `${p.base}/usage`,
      {
        as: p.admin,
      },
    );
    expect(usage.body.benefits[0]).toMatchObject({ invited: SEATS, available: 0 });

    // Every granted row's invitation goes to its notification address; nobody else gets one.
    const grantedRows = plan
      .map((r, index) => ({ r, index }))
      .filter(({ index }) => expected[index]!.outcome === 'succeeded' && plan[index]!.privileged);
    expect(grantedRows).toHaveLength(SEATS);
    await eventually(
      async () => {
        const all = await Promise.all(
          grantedRows.map(({ index }) => mail.messages(`home${index + 1}@example.org`)),
        );
        return all.every((messages) => messages.length === 1) ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1_000, what: 'every invitation email' },
    );
    // The job's status says how far its emails are: all of them sent.
    const emails = await eventually(
      async () => {
        const read = await api.request<{ emails: { queued: number; sent: number; failed: number } }>(
          'GET',
          `${p.base}/bulk-assignments/${jobId}?limit=1`,
          { as: p.admin },
        );
        return read.body.emails.sent === SEATS ? read.body.emails : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the job to count its emails sent' },
    );
    expect(emails).toEqual({ queued: 0, sent: SEATS, failed: 0 });
    const refusedSeatRow = expected.findIndex((e) => e.code === 'no-seats-available');
    expect(await mail.messages(`home${refusedSeatRow + 1}@example.org`)).toHaveLength(0);
  });
});
