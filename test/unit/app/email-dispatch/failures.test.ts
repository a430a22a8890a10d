import { describe, expect, it } from 'vitest';
import { dispatchEmail, markEmailFailed, requeueStaleEmails } from '../../../../shared/app/email-dispatch.js';
import { hashToken } from '../../../../shared/app/tokens.js';
import {
  endAssignment,
  recordAttempt,
  recordSent,
  reissueInvitation,
} from '../../../../shared/domain/assignment.js';
import { INVITATION_POLICY, anAssignment } from '../../../support/mothers/assignment.js';
import { NOW } from '../../../support/mothers/clock.js';
import { FakeAssignmentRepository, FakeClock, FakeEmailQueue } from '../../../support/fakes/index.js';
import { tokenOf, hashFor, minutesAfter, aWorld, stored } from './world.js';

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
