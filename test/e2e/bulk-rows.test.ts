import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createPartner, testApp } from '../support/app.js';
import { BULK_CSV_HEADER, allRows, bulkJobFinished, uploadBulk } from '../support/bulk.js';

/** Each row of a bulk job gets one outcome: a dry run, good and bad rows, and the seat rules. */

const { api, operator } = testApp();

describe('bulk rows', () => {
  it('a dry run reports what would happen, in row order, and changes nothing', async () => {
    const p = await createPartner({
      program: 'competency',
      entitlements: [{ benefit: 'vs-enterprise', seats: 2, startsOn: '2020-01-01', expiresOn: '2099-01-01' }],
    });
    const csv = [
      BULK_CSV_HEADER,
      `a@${p.domain},A,A,,,msdn-subscriptions`,
      `b@${p.domain},B,B,,,msdn-subscriptions`,
      `c@${p.domain},C,C,,,msdn-subscriptions`,
      `not-an-email,D,D,,,`,
      `e@elsewhere.example.org,E,E,,,`,
      `a@${p.domain},A,A,,,msdn-subscriptions`,
    ].join('\r\n');
    const response = await uploadBulk(p, csv, { dryRun: true });
    expect(response.status).toBe(202);
    const job = await bulkJobFinished(p, response.body.jobId);
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
      BULK_CSV_HEADER,
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
    const response = await uploadBulk(p, csv);
    const job = await bulkJobFinished(p, response.body.jobId);
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
    const response = await uploadBulk(
      p,
      `${BULK_CSV_HEADER}\r\n+cmd@${p.domain},Plus,Sign,,,msdn-subscriptions\r\n`,
    );
    const rows = await allRows(p, (await bulkJobFinished(p, response.body.jobId)).jobId);
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
    const second = await uploadBulk(
      p,
      `${BULK_CSV_HEADER}\r\none@${p.domain},One,O,,,msdn-subscriptions\r\ntwo@${p.domain},Two,T,,,msdn-subscriptions\r\n`,
    );
    const secondRows = await allRows(p, (await bulkJobFinished(p, second.body.jobId)).jobId);
    expect(secondRows.map((r) => r.code)).toEqual([null, 'no-seats-available']);
  });
});
