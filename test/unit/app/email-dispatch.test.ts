import { describe, expect, it } from 'vitest';
import {
  dispatchEmail,
  markEmailFailed,
  requeueStaleEmails,
  type DispatchDeps,
} from '../../../shared/app/email-dispatch.js';
import type { EmailDispatchMessage } from '../../../shared/app/ports.js';
import { invitationTokenHash } from '../../../shared/app/assignments.js';
import { hashToken, hmacInvitationTokens } from '../../../shared/app/tokens.js';
import {
  endAssignment,
  recordAttempt,
  recordSent,
  reissueInvitation,
  type Assignment,
} from '../../../shared/domain/assignment.js';
import { INVITATION_POLICY, anAssignment } from '../../support/mothers/assignment.js';
import { NOW } from '../../support/mothers/clock.js';
import { aPartner } from '../../support/mothers/partner.js';
import { aPerson } from '../../support/mothers/person.js';
import {
  FakeAssignmentRepository,
  FakeClock,
  FakeEmailQueue,
  FakeEmailSender,
  FakeLinks,
  FakePartnerRepository,
  FakePersonRepository,
  TEST_INVITATIONS,
} from '../../support/fakes/index.js';

const tokenOf = (assignmentId: string, version = 1) =>
  TEST_INVITATIONS.tokenFor({ partnerId: 'contoso', assignmentId, version });
const hashFor = (assignmentId: string) => invitationTokenHash(TEST_INVITATIONS, 'contoso', assignmentId);

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const minutesAfter = (from: Date, minutes: number) => new Date(from.getTime() + minutes * 60_000);

interface World {
  deps: DispatchDeps;
  assignments: FakeAssignmentRepository;
  sender: FakeEmailSender;
  emails: FakeEmailQueue;
  clock: FakeClock;
  token: string;
  message: EmailDispatchMessage;
}

/** Contoso; Grace (person-1) invited to a-1 with a real token; the dispatch message for it. */
function aWorld(assignment?: (a: Assignment) => Assignment): World {
  const token = tokenOf('a-1');
  const invited = anAssignment({}, { tokenHash: hashToken(token) });
  const assignments = new FakeAssignmentRepository(assignment ? assignment(invited) : invited);
  const sender = new FakeEmailSender();
  const emails = new FakeEmailQueue();
  const clock = new FakeClock(minutesAfter(NOW, 1));
  const deps: DispatchDeps = {
    partners: new FakePartnerRepository(aPartner()),
    people: new FakePersonRepository(aPerson()),
    assignments,
    sender,
    emails,
    links: new FakeLinks(),
    invitations: TEST_INVITATIONS,
    clock: clock.now,
    policy: { emailStaleMinutes: 15 },
  };
  const message = { partnerId: 'contoso', assignmentId: 'a-1', sequence: 1, correlationId: 'corr-1' };
  return { deps, assignments, sender, emails, clock, token, message };
}

const stored = (world: World) => world.assignments.current('contoso', 'a-1');

describe('dispatchEmail', () => {
  it('sends the invitation once to the delivery address and marks it sent', async () => {
    const world = aWorld();
    await expect(dispatchEmail(world.deps, world.message)).resolves.toBe('sent');

    expect(world.sender.calls).toHaveLength(1);
    const email = world.sender.calls[0]!;
    expect(email.to).toBe('Grace@Contoso.com'); // the person's work email, as stored
    expect(email.subject).toBe('Contoso Ltd has given you a Visual Studio Professional subscription');
    const link = new FakeLinks().activationUrl('contoso', 'a-1', world.token);
    expect(email.plainText).toContain(link);
    expect(email.html).toContain(`href="${link.replaceAll('&', '&amp;')}"`);
    expect(email.html).toContain('Hello Grace,');
    expect(stored(world).delivery).toMatchObject({
      sequence: 1,
      state: 'sent',
      attempts: 1,
      sentAt: '2025-03-10T12:01:00.000Z',
      lastError: null,
    });
  });

  it('sends to the person’s address as it is when sending (a notification email set since it was queued)', async () => {
    const world = aWorld();
    const people = world.deps.people as FakePersonRepository;
    people.put(aPerson({ notificationEmail: 'grace.home@contoso.com' }));
    await expect(dispatchEmail(world.deps, world.message)).resolves.toBe('sent');
    expect(world.sender.calls[0]!.to).toBe('grace.home@contoso.com');
    expect(stored(world).delivery.to).toBe('grace.home@contoso.com');
  });

  it('does not call the sender again for a second delivery of the same message', async () => {
    const world = aWorld();
    await dispatchEmail(world.deps, world.message);
    await expect(dispatchEmail(world.deps, world.message)).resolves.toBe('already-sent');
    expect(world.sender.calls).toHaveLength(1);
    expect(stored(world).delivery).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('drops a message for an older sequence (a resend superseded it) without sending', async () => {
    const world = aWorld((a) => reissueInvitation(a, hashFor('a-1'), a.delivery.to, NOW, INVITATION_POLICY));
    const before = stored(world);
    await expect(dispatchEmail(world.deps, world.message)).resolves.toBe('stale');
    expect(world.sender.calls).toEqual([]);
    expect(stored(world)).toEqual(before);
  });

  it('drops an invitation for an assignment revoked since (its revocation is the current email)', async () => {
    const world = aWorld((a) => endAssignment(a, 'revoked', a.delivery.to, NOW));
    await expect(dispatchEmail(world.deps, world.message)).resolves.toBe('stale');
    expect(world.sender.calls).toEqual([]);
    expect(stored(world).delivery).toMatchObject({ kind: 'revocation', sequence: 2, state: 'queued' });
  });

  it.each(['revoked', 'expired', 'active'] as const)(
    'drops an invitation of the current sequence when the assignment is %s',
    async (status) => {
      const world = aWorld((a) => ({ ...a, status }));
      await expect(dispatchEmail(world.deps, world.message)).resolves.toBe('stale');
      expect(world.sender.calls).toEqual([]);
    },
  );

  it('does not send a link that cannot work: the secret changed since the invitation was made', async () => {
    const world = aWorld();
    const rotated = {
      ...world.deps,
      invitations: hmacInvitationTokens('another-secret-after-a-rotation-0123456789'),
    };
    await expect(dispatchEmail(rotated, world.message)).rejects.toThrow('INVITATION_SECRET changed');
    expect(world.sender.calls).toEqual([]);
    expect(stored(world).delivery.state).toBe('queued');
  });

  it('drops a message whose delivery was already marked failed', async () => {
    const world = aWorld((a) => ({
      ...a,
      delivery: { ...a.delivery, state: 'failed', lastError: 'gave up' },
    }));
    await expect(dispatchEmail(world.deps, world.message)).resolves.toBe('stale');
    expect(world.sender.calls).toEqual([]);
  });

  it('answers gone for an assignment that does not exist', async () => {
    const world = aWorld();
    await expect(dispatchEmail(world.deps, { ...world.message, assignmentId: 'a-nope' })).resolves.toBe(
      'gone',
    );
    expect(world.sender.calls).toEqual([]);
  });

  it('sends a revocation without any token or link', async () => {
    const world = aWorld((a) => endAssignment(a, 'revoked', 'grace.notify@contoso.com', NOW));
    // Disassociated with the revocation: the address the delivery was queued for is used.
    (world.deps.people as FakePersonRepository).remove('contoso', 'person-1');
    const revocation = { ...world.message, sequence: 2 };
    await expect(dispatchEmail(world.deps, revocation)).resolves.toBe('sent');
    const email = world.sender.calls[0]!;
    expect(email.to).toBe('grace.notify@contoso.com');
    expect(email.subject).toBe('Your Visual Studio Professional subscription from Contoso Ltd has ended');
    expect(email.html).not.toContain('href=');
    expect(stored(world).delivery).toMatchObject({ kind: 'revocation', sequence: 2, state: 'sent' });
  });

  it('uses the same operationId for the same message and a different one per sequence', async () => {
    const world = aWorld();
    world.sender.willAnswer(new Error('connection reset'));
    await expect(dispatchEmail(world.deps, world.message)).rejects.toThrow('connection reset');
    await expect(dispatchEmail(world.deps, world.message)).resolves.toBe('sent');
    const [first, redelivered] = world.sender.calls.map((c) => c.operationId);
    expect(first).toMatch(UUID_V5);
    expect(redelivered).toBe(first);

    await world.assignments.update('contoso', 'a-1', (a) =>
      reissueInvitation(a, hashFor('a-1'), a.delivery.to, NOW, INVITATION_POLICY),
    );
    await expect(dispatchEmail(world.deps, { ...world.message, sequence: 2 })).resolves.toBe('sent');
    expect(world.sender.calls[2]!.plainText).toContain(`token=${tokenOf('a-1', 2)}`);
    const resent = world.sender.calls[2]!.operationId;
    expect(resent).toMatch(UUID_V5);
    expect(resent).not.toBe(first);
  });

  it('gives different assignments different operationIds for the same sequence', async () => {
    const world = aWorld();
    world.assignments.put(anAssignment({}, { assignmentId: 'a-2', tokenHash: hashToken(tokenOf('a-2')) }));
    await dispatchEmail(world.deps, world.message);
    await dispatchEmail(world.deps, { ...world.message, assignmentId: 'a-2' });
    const [one, two] = world.sender.calls.map((c) => c.operationId);
    expect(one).not.toBe(two);
  });

  it('on throttling records an attempt with nextAttemptAt, re-enqueues the same message with the delay, and stays queued', async () => {
    const world = aWorld();
    world.sender.willAnswer({ outcome: 'throttled', retryAfterSeconds: 120 });
    await expect(dispatchEmail(world.deps, world.message)).resolves.toBe('throttled');

    expect(stored(world).delivery).toMatchObject({
      sequence: 1,
      state: 'queued',
      attempts: 1,
      nextAttemptAt: '2025-03-10T12:03:00.000Z',
      sentAt: null,
    });
    expect(stored(world).delivery.lastError).toContain('throttled');
    expect(world.emails.queued).toEqual([{ message: world.message, options: { delaySeconds: 120 } }]);

    world.clock.advanceSeconds(120);
    await expect(dispatchEmail(world.deps, world.emails.queued[0]!.message)).resolves.toBe('sent');
    expect(stored(world).delivery).toMatchObject({
      state: 'sent',
      attempts: 2,
      nextAttemptAt: null,
      lastError: null,
    });
    expect(world.sender.calls.map((c) => c.operationId)).toEqual([
      world.sender.calls[0]!.operationId,
      world.sender.calls[0]!.operationId,
    ]);
  });

  it('records the error of a thrown send as lastError, keeps the email queued, and rethrows', async () => {
    const world = aWorld();
    const failure = new Error('Communication Services answered 500');
    world.sender.willAnswer(failure);
    await expect(dispatchEmail(world.deps, world.message)).rejects.toBe(failure);
    expect(stored(world).delivery).toMatchObject({
      state: 'queued',
      attempts: 1,
      lastError: 'Communication Services answered 500',
      nextAttemptAt: null,
    });
    expect(world.emails.queued).toEqual([]);
  });
});

describe('markEmailFailed', () => {
  it('marks the delivery failed, keeping the last error and the number of attempts', async () => {
    const world = aWorld((a) => recordAttempt(a, 1, 'mailbox unavailable', null));
    await markEmailFailed(world.deps, world.message, 5);
    expect(stored(world).delivery).toMatchObject({
      sequence: 1,
      state: 'failed',
      lastError: 'mailbox unavailable (gave up after 5 attempts)',
    });
  });

  it('says the email could not be sent when no error was recorded', async () => {
    const world = aWorld();
    await markEmailFailed(world.deps, world.message, undefined);
    expect(stored(world).delivery).toMatchObject({
      state: 'failed',
      lastError: 'the email could not be sent (gave up)',
    });
  });

  it('does not touch a newer email or one already sent', async () => {
    const resent = aWorld((a) => reissueInvitation(a, hashFor('a-1'), a.delivery.to, NOW, INVITATION_POLICY));
    await markEmailFailed(resent.deps, resent.message, 5);
    expect(stored(resent).delivery).toMatchObject({ sequence: 2, state: 'queued' });

    const sent = aWorld((a) => recordSent(a, 1, NOW));
    await markEmailFailed(sent.deps, sent.message, 5);
    expect(stored(sent).delivery.state).toBe('sent');
  });

  it('ignores a message for an assignment that no longer exists', async () => {
    const world = aWorld();
    await expect(markEmailFailed(world.deps, { ...world.message, assignmentId: 'a-nope' }, 5)).resolves.toBe(
      undefined,
    );
  });
});

describe('requeueStaleEmails', () => {
  const policy = { emailStaleMinutes: 15 };

  /** At NOW + 60 min: a-stale (queued at NOW) and a-revoked (revocation queued at NOW) are stale, the others not. */
  function aTimerWorld() {
    const assignments = new FakeAssignmentRepository(
      anAssignment({}, { assignmentId: 'a-stale', tokenHash: hashToken(tokenOf('a-stale')) }),
      anAssignment({}, { assignmentId: 'a-fresh' }, minutesAfter(NOW, 50)),
      recordSent(anAssignment({}, { assignmentId: 'a-sent' }), 1, NOW),
      recordAttempt(anAssignment({}, { assignmentId: 'a-throttled' }), 1, 'throttled', minutesAfter(NOW, 55)),
      endAssignment(anAssignment({}, { assignmentId: 'a-revoked' }), 'revoked', 'grace@contoso.com', NOW),
      { ...anAssignment({}, { assignmentId: 'a-expired' }), status: 'expired' },
    );
    const emails = new FakeEmailQueue();
    const clock = new FakeClock(minutesAfter(NOW, 60));
    return { assignments, emails, deps: { assignments, emails, clock: clock.now, policy } };
  }

  it('re-queues only the stale emails, each under a new sequence', async () => {
    const world = aTimerWorld();
    const before = new Map(world.assignments.all().map((a) => [a.assignmentId, a]));
    await expect(requeueStaleEmails(world.deps, 'corr-timer')).resolves.toBe(2);

    expect(world.emails.messages.map((m) => [m.assignmentId, m.sequence])).toEqual([
      ['a-stale', 2],
      ['a-revoked', 3],
    ]);
    expect(world.emails.queued.every((q) => q.options === undefined)).toBe(true);
    expect(world.emails.messages.every((m) => m.correlationId === 'corr-timer')).toBe(true);
    for (const id of ['a-fresh', 'a-sent', 'a-throttled', 'a-expired']) {
      expect(world.assignments.current('contoso', id), id).toEqual(before.get(id));
    }
  });

  it('re-sends a stale invitation with the same link: only the delivery moves to a new sequence', async () => {
    const world = aTimerWorld();
    const invitationBefore = world.assignments.current('contoso', 'a-stale').invitation;
    await requeueStaleEmails(world.deps, 'corr-timer');
    const message = world.emails.messages.find((m) => m.assignmentId === 'a-stale')!;
    const requeued = world.assignments.current('contoso', 'a-stale');

    expect(Object.keys(message).sort()).toEqual(['assignmentId', 'correlationId', 'partnerId', 'sequence']);
    expect(requeued.invitation).toEqual(invitationBefore);
    expect(requeued.delivery).toMatchObject({
      sequence: 2,
      kind: 'invitation',
      state: 'queued',
      queuedAt: '2025-03-10T13:00:00.000Z',
    });
  });

  it('re-queues a revocation without touching the invitation', async () => {
    const world = aTimerWorld();
    const invitationBefore = world.assignments.current('contoso', 'a-revoked').invitation;
    await requeueStaleEmails(world.deps, 'corr-timer');
    const requeued = world.assignments.current('contoso', 'a-revoked');
    expect(requeued.invitation).toEqual(invitationBefore);
    expect(requeued.delivery).toMatchObject({ sequence: 3, kind: 'revocation', state: 'queued' });
  });

  it('re-queues nothing on a second run right after the first', async () => {
    const world = aTimerWorld();
    await requeueStaleEmails(world.deps, 'corr-timer');
    await expect(requeueStaleEmails(world.deps, 'corr-timer')).resolves.toBe(0);
    expect(world.emails.queued).toHaveLength(2);
  });

  it('sends the re-queued invitation with the same working link, and drops the old message', async () => {
    const world = aWorld();
    world.clock.set(minutesAfter(NOW, 60));
    await requeueStaleEmails(world.deps, 'corr-timer');
    const requeued = world.emails.messages[0]!;
    await expect(dispatchEmail(world.deps, world.message)).resolves.toBe('stale');
    await expect(dispatchEmail(world.deps, requeued)).resolves.toBe('sent');
    expect(world.sender.calls).toHaveLength(1);
    expect(world.sender.calls[0]!.plainText).toContain(`token=${tokenOf('a-1')}`);
  });
});
