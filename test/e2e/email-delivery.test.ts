import { afterEach, describe, expect, it } from 'vitest';
import { anUnsentAssignment } from '../support/activation.js';
import { appLog } from '../support/app-log.js';
import { createPartner, testApp, type AssignmentBody } from '../support/app.js';
import { inbox, queues } from '../support/inbox.js';
import { eventually } from '../support/eventually.js';

const { stack, api } = testApp();
const mail = inbox(stack.emailUrl);
const storage = queues(stack.storageConnectionString);
const log = appLog(stack.logFile);

afterEach(() => mail.clearFaults());

const deliveryOf = async (p: Awaited<ReturnType<typeof createPartner>>, assignmentId: string) =>
  (await p.assignment(assignmentId)).body.delivery;

describe('email dispatch', () => {
  it('a message delivered twice to the queue function sends one email', async () => {
    const p = await createPartner({ program: 'competency' });
    const person = await p.associate('twice');
    // An assignment whose invitation has not been queued yet, so the test owns its only message.
    const { assignmentId, token } = await anUnsentAssignment(p.body.partnerId, person);
    const message = {
      partnerId: p.body.partnerId,
      assignmentId,
      sequence: 1,
      token,
      correlationId: 'dup-test',
    };
    const from = log.mark();
    await Promise.all([storage.send('email-dispatch', message), storage.send('email-dispatch', message)]);

    await eventually(async () => ((await deliveryOf(p, assignmentId)).state === 'sent' ? true : undefined));
    // Count only once the app reported both copies handled: whatever the second would send is sent by then.
    await eventually(
      async () => {
        const done = log.events(
          from,
          (e) => e.event === 'email-dispatch.done' && e.assignmentId === assignmentId,
        );
        return done.length >= 2 ? true : undefined;
      },
      { what: 'both copies of the message to be handled' },
    );
    expect(await mail.messages(person.email)).toHaveLength(1);
  });

  it('throttling (429 with Retry-After) and then 500s: every email still ends sent, once', async () => {
    const p = await createPartner({ program: 'competency' });
    const people = await Promise.all(['t1', 't2', 't3'].map((name) => p.associate(name)));
    const before = await mail.stats();
    await mail.setFaults({
      plan: [
        { status: 429, retryAfterSeconds: 1, times: 3 },
        { status: 500, times: 3 },
      ],
      then: 'succeed',
    });
    const grants = await Promise.all(people.map((person) => p.grant(person.personId)));
    expect(grants.map((g) => g.status)).toEqual([201, 201, 201]);

    for (const grant of grants) {
      const delivery = await eventually(
        async () => {
          const current = await deliveryOf(p, grant.body.assignmentId);
          return current.state === 'sent' ? current : undefined;
        },
        { timeoutMs: 60_000, what: 'the email to be sent' },
      );
      expect(delivery.state).toBe('sent');
    }
    for (const person of people) expect(await mail.messages(person.email)).toHaveLength(1);
    const after = await mail.stats();
    expect(after.sendAttempts - before.sendAttempts).toBeGreaterThanOrEqual(3 + 6); // every fault was really hit
  });

  it('when sending fails every time: each email ends failed and its message is in the poison queue', async () => {
    const p = await createPartner({ program: 'competency' });
    const people = await Promise.all(['f1', 'f2'].map((name) => p.associate(name)));
    await mail.setFaults({ plan: [], then: 'fail' });
    const grants = await Promise.all(people.map((person) => p.grant(person.personId)));

    for (const grant of grants) {
      const delivery = await eventually(
        async () => {
          const current = await deliveryOf(p, grant.body.assignmentId);
          return current.state === 'failed' ? current : undefined;
        },
        { timeoutMs: 90_000, what: 'the email to be marked failed' },
      );
      expect(delivery.lastError).toMatch(/gave up after 5 attempts/);
    }
    const poisoned = (await storage.peekAll('email-dispatch-poison')) as { assignmentId: string }[];
    for (const grant of grants) {
      expect(poisoned.map((m) => m.assignmentId)).toContain(grant.body.assignmentId);
    }
    for (const person of people) expect(await mail.messages(person.email)).toHaveLength(0);

    // The admin sees `failed` and resends once the provider is back.
    await mail.clearFaults();
    const resent = await api.request<AssignmentBody>(
      'POST',
      `${p.base}/assignments/${grants[0]!.body.assignmentId}/resend`,
      { as: p.admin },
    );
    expect(resent.status).toBe(200);
    expect(resent.body.delivery.state).toBe('queued');
    await eventually(async () =>
      (await deliveryOf(p, grants[0]!.body.assignmentId)).state === 'sent' ? true : undefined,
    );
    expect(await mail.messages(people[0]!.email)).toHaveLength(1);
  });
});
