import { describe, expect, it } from 'vitest';
import { assignmentRepository } from '../../shared/root.js';
import { expectConsistent, expectOneInvitationEach } from '../support/consistency.js';
import { createPartner, testApp } from '../support/app.js';
import { queueProxy } from '../support/proxies.js';
import { appLog } from '../support/app-log.js';
import { eventually } from '../support/eventually.js';
import { queues as storageQueues } from '../support/inbox.js';

const { stack } = testApp();
const queues = queueProxy();
// The queues themselves, not through the proxy: only the app's traffic is faulted.
const storage = storageQueues(stack.storageConnectionString);
const log = appLog(stack.logFile);

/** Fires a timer function now, through the host's admin API. */
async function runTimer(name: string): Promise<void> {
  const response = await fetch(`${new URL(stack.apiUrl).origin}/admin/functions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: '' }),
  });
  expect(response.status).toBe(202);
}

describe('Storage queues down while grants are made', () => {
  it('grants answer 201 with the email queued; once the queues are back the re-queue timer sends each once', async () => {
    const p = await createPartner({ program: 'competency' });
    const people = [];
    for (let i = 0; i < 4; i++) people.push(await p.associate(`offline${i}`));
    await queues.setReachable(false);
    const grants = await Promise.all(people.map((person) => p.grant(person.personId))).finally(() =>
      queues.setReachable(true),
    );
    for (const grant of grants) {
      expect(grant.status).toBe(201);
      expect(grant.body.delivery).toMatchObject({ state: 'queued', attempts: 0 });
    }
    // Time passes (the emails are older than EMAIL_STALE_MINUTES), then the timer runs, twice.
    for (const grant of grants) {
      await assignmentRepository().update(p.body.partnerId, grant.body.assignmentId, (a) => ({
        ...a,
        delivery: { ...a.delivery, queuedAt: new Date(Date.now() - 30 * 60_000).toISOString() },
      }));
    }
    await runTimer('requeue-stale-emails');
    const { live } = await expectConsistent(p, { liveAssignments: 4 });
    await expectOneInvitationEach(p, live);
    const from = log.mark();
    await runTimer('requeue-stale-emails');
    // The admin API answers before the timer runs: wait for its report, then for what it queued to be sent.
    await eventually(
      async () =>
        log.events(from, (e) => e.event === 'email.requeue-sweep.done').length > 0 ? true : undefined,
      { what: 'the second sweep to finish' },
    );
    await storage.drained('email-dispatch');
    await expectOneInvitationEach(p, live);
  });
});
