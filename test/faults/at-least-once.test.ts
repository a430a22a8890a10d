import { describe, expect, it } from 'vitest';
import { allRows, bulkCsv, bulkJobFinished, uploadBulk } from '../support/bulk.js';
import { expectConsistent } from '../support/consistency.js';
import { createPartner, testApp, type AssignmentBody } from '../support/app.js';
import { inbox, queues } from '../support/inbox.js';
import { eventually } from '../support/eventually.js';

/**
 * This project's host delivers every queue message twice, the second time while the first still runs,
 * and takes each batch in a shuffled order. A full scenario under it: grants, resends, revokes and a
 * bulk job, after which nothing exists twice and every person got each of their emails once.
 */
const { api, stack } = testApp();
const mail = inbox(stack.emailUrl);
const storage = queues(stack.storageConnectionString);

describe('at-least-once delivery: every message twice, some out of order', () => {
  it('grants, resends, revokes and a bulk job give no duplicate email, assignment, person or audit event', async () => {
    const p = await createPartner({
      program: 'competency',
      entitlements: [
        { benefit: 'vs-enterprise', seats: 60, startsOn: '2020-01-01', expiresOn: '2099-01-01' },
      ],
    });
    const people = [];
    for (let i = 0; i < 10; i++) people.push(await p.associate(`twice${i}`));
    const grants = await Promise.all(people.map((person) => p.grant(person.personId)));
    for (const grant of grants) expect(grant.status).toBe(201);
    const [a, b, c, d] = grants.map((g) => g.body.assignmentId);
    // Wait for the first invitations of the two that are resent, so each resend is a second email.
    for (const person of people.slice(0, 2)) {
      await eventually(async () => (await mail.messages(person.email))[0], {
        what: `${person.email}'s invitation`,
      });
    }
    for (const id of [a, b]) {
      const resent = await api.request<AssignmentBody>('POST', `${p.base}/assignments/${id}/resend`, {
        as: p.admin,
      });
      expect(resent.status).toBe(200);
    }
    for (const id of [c, d]) {
      expect((await api.request('DELETE', `${p.base}/assignments/${id}`, { as: p.admin })).status).toBe(200);
    }
    const job = await uploadBulk(
      p,
      bulkCsv(250, (i) => `bulk${i}@${p.domain},B,${i},,,${i % 5 === 0 ? 'msdn-subscriptions' : ''}`),
    );
    expect(job.status).toBe(202);
    await bulkJobFinished(p, job.body.jobId, 120_000, 'the bulk job');
    const rows = await allRows(p, job.body.jobId);
    expect(rows.map((r) => r.row)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(rows.filter((r) => r.outcome !== 'succeeded')).toEqual([]);

    const { live } = await expectConsistent(p, { liveAssignments: 10 - 2 + 50, people: 10 + 250 });
    // Each email once: resent people two invitations (the first, then the resend), revoked ones an
    // invitation and a revocation, the others and the bulk grantees one invitation.
    const expected = new Map<string, number>();
    for (const [i, person] of people.entries()) expected.set(person.email, i < 4 ? 2 : 1);
    for (const assignment of live)
      if (!expected.has(assignment.delivery.to)) expected.set(assignment.delivery.to, 1);
    await eventually(
      async () => {
        const counts = await Promise.all(
          [...expected.keys()].map(async (to) => (await mail.messages(to)).length),
        );
        return counts.every((n, i) => n >= [...expected.values()][i]!) ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'every email' },
    );
    // The host deletes a message once both its deliveries returned: with the queue empty, every
    // duplicate has run and anything it would send is in the inbox.
    await storage.drained('email-dispatch', { timeoutMs: 120_000 });
    for (const [to, count] of expected)
      expect((await mail.messages(to)).length, `emails to ${to}`).toBe(count);
  });
});
