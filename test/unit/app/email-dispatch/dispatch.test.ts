import { describe, expect, it } from 'vitest';
import { dispatchEmail } from '../../../../shared/app/email-dispatch.js';
import { hashToken, hmacInvitationTokens } from '../../../../shared/app/tokens.js';
import { endAssignment, reissueInvitation } from '../../../../shared/domain/assignment.js';
import { INVITATION_POLICY, anAssignment } from '../../../support/mothers/assignment.js';
import { NOW } from '../../../support/mothers/clock.js';
import { aPerson } from '../../../support/mothers/person.js';
import type { FakePersonRepository } from '../../../support/fakes/index.js';
import { FakeLinks } from '../../../support/fakes/index.js';
import { tokenOf, hashFor, UUID_V5, aWorld, stored } from './world.js';

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
