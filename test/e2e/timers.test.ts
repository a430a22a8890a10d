import { describe, expect, it } from 'vitest';
import { anUnsentAssignment } from '../support/activation.js';
import { createPartner, testApp, type AssignmentBody } from '../support/app.js';
import { activationLinkIn, inbox } from '../support/inbox.js';
import { eventually } from '../support/eventually.js';

const { stack, api, operator } = testApp();
const mail = inbox(stack.emailUrl);
const hostUrl = new URL(stack.apiUrl).origin;

/** Fires a timer function now, through the host's admin API (as `func` and Azure allow). */
async function runTimer(name: string): Promise<void> {
  const response = await fetch(`${hostUrl}/admin/functions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': 'dev-key' },
    body: JSON.stringify({ input: '' }),
  });
  expect(response.status).toBe(202);
}

describe('timers', () => {
  it('re-queues an email left queued too long (its enqueue failed), with its working link', async () => {
    const p = await createPartner({ program: 'competency' });
    const person = await p.associate('stuck');
    const twentyMinutesAgo = new Date(Date.now() - 20 * 60_000);
    const { assignmentId, token } = await anUnsentAssignment(p.body.partnerId, person, twentyMinutesAgo);
    await runTimer('requeue-stale-emails');
    const delivered = await eventually(async () => {
      const read = await p.assignment(assignmentId);
      return read.body.delivery.state === 'sent' ? read.body : undefined;
    });
    expect(delivered.delivery.sequence).toBe(2);
    // The link is derived from the invitation, so the same one goes out: nothing secret was ever stored.
    expect(delivered.invitation.version).toBe(1);
    const [email] = await mail.messages(person.email);
    const link = activationLinkIn(email!);
    expect(link.searchParams.get('assignment')).toBe(assignmentId);
    expect(link.searchParams.get('token')).toBe(token);
  });

  it('expires assignments whose entitlement has ended, and only those', async () => {
    const p = await createPartner({ program: 'competency' });
    const ending = await p.associate('ending');
    const granted = await p.grant(ending.personId);
    expect(granted.status).toBe(201);

    const other = await createPartner({ program: 'competency' });
    const staying = await other.associate('staying');
    const kept = await other.grant(staying.personId);

    const today = new Date().toISOString().slice(0, 10);
    const ended = await api.request('PATCH', p.base, {
      as: operator,
      body: {
        entitlements: [{ benefit: 'vs-enterprise', seats: 5, startsOn: '2020-01-01', expiresOn: today }],
      },
    });
    expect(ended.status).toBe(200);

    await runTimer('expire-assignments');
    const expired = await eventually(async () => {
      const read = await p.assignment(granted.body.assignmentId);
      return read.body.status === 'expired' ? read.body : undefined;
    });
    expect(expired.status).toBe('expired');
    const usage = await api.request<{ benefits: { invited: number; active: boolean }[] }>(
      'GET',
      `${p.base}/usage`,
      {
        as: p.admin,
      },
    );
    expect(usage.body.benefits[0]).toMatchObject({ invited: 0, active: false });
    const stillInvited = await api.request<AssignmentBody>(
      'GET',
      `${other.base}/assignments/${kept.body.assignmentId}`,
      { as: other.admin },
    );
    expect(stillInvited.body.status).toBe('invited');
  });
});
