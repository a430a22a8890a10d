import { describe, expect, it } from 'vitest';
import {
  endAssignment,
  isDeliveryStale,
  isLive,
  newAssignment,
  recordAttempt,
  recordFailed,
  recordSent,
  reissueInvitation,
  requeueDelivery,
  type Assignment,
} from '../../../shared/domain/assignment.js';
import { LATER, NOW } from '../../support/mothers/clock.js';
import { INVITATION_POLICY, aNewAssignment, anAssignment } from '../../support/mothers/assignment.js';
import { appErrorFrom } from '../../support/app-error.js';

const MINUTE = 60_000;
const minutesAfter = (from: Date, minutes: number) => new Date(from.getTime() + minutes * MINUTE);

const sent = (assignment: Assignment = anAssignment()) => recordSent(assignment, 1, NOW);
const revoked = (assignment: Assignment = anAssignment()) =>
  endAssignment(assignment, 'revoked', 'grace@contoso.com', LATER);

describe('newAssignment', () => {
  const assignment = newAssignment(aNewAssignment({ deliverTo: 'grace.notify@contoso.com' }), NOW, {
    invitationTtlDays: 30,
  });

  it('is invited, assigned now, by the admin, not yet activated or ended', () => {
    expect(assignment).toMatchObject({
      assignmentId: 'a-1',
      partnerId: 'contoso',
      personId: 'person-1',
      personEmail: 'grace@contoso.com',
      privilege: 'visual-studio-subscriptions',
      benefit: 'vs-professional',
      status: 'invited',
      assignedAt: '2025-03-10T12:00:00.000Z',
      assignedBy: { subject: 'subject-admin', email: 'ada@contoso.com' },
      activatedAt: null,
      endedAt: null,
      endReason: null,
    });
    expect(isLive(assignment)).toBe(true);
  });

  it('carries invitation version 1 with the token hash, expiring invitationTtlDays later', () => {
    expect(assignment.invitation).toEqual({
      version: 1,
      tokenHash: 'token-hash-1',
      issuedAt: '2025-03-10T12:00:00.000Z',
      expiresAt: '2025-04-09T12:00:00.000Z',
      usedAt: null,
    });
  });

  it('uses the configured invitation lifetime', () => {
    const short = newAssignment(aNewAssignment(), NOW, { invitationTtlDays: 7 });
    expect(short.invitation.expiresAt).toBe('2025-03-17T12:00:00.000Z');
  });

  it('queues delivery sequence 1 of the invitation to the delivery address', () => {
    expect(assignment.delivery).toEqual({
      sequence: 1,
      kind: 'invitation',
      to: 'grace.notify@contoso.com',
      state: 'queued',
      attempts: 0,
      lastError: null,
      queuedAt: '2025-03-10T12:00:00.000Z',
      nextAttemptAt: null,
      sentAt: null,
    });
  });
});

describe('reissueInvitation', () => {
  it('issues version 2 with the new hash and a new expiry, and queues delivery sequence 2', () => {
    const original = sent();
    const reissued = reissueInvitation(
      original,
      () => 'token-hash-2',
      'grace@contoso.com',
      LATER,
      INVITATION_POLICY,
    );
    expect(reissued.invitation).toEqual({
      version: 2,
      tokenHash: 'token-hash-2',
      issuedAt: '2025-04-01T08:30:00.000Z',
      expiresAt: '2025-05-01T08:30:00.000Z',
      usedAt: null,
    });
    expect(reissued.delivery).toEqual({
      sequence: 2,
      kind: 'invitation',
      to: 'grace@contoso.com',
      state: 'queued',
      attempts: 0,
      lastError: null,
      queuedAt: '2025-04-01T08:30:00.000Z',
      nextAttemptAt: null,
      sentAt: null,
    });
    expect(reissued.status).toBe('invited');
  });

  it('keeps counting: a second resend is version 3, sequence 3', () => {
    const once = reissueInvitation(anAssignment(), () => 'h2', 'grace@contoso.com', NOW, INVITATION_POLICY);
    const twice = reissueInvitation(once, () => 'h3', 'grace@contoso.com', LATER, INVITATION_POLICY);
    expect([twice.invitation.version, twice.invitation.tokenHash, twice.delivery.sequence]).toEqual([
      3,
      'h3',
      3,
    ]);
  });

  it.each(['active', 'revoked', 'expired'] as const)(
    'refuses a %s assignment with already-assigned naming its status',
    (status) => {
      const error = appErrorFrom(
        () =>
          reissueInvitation(
            anAssignment({ status }),
            () => 'token-hash-2',
            'grace@contoso.com',
            LATER,
            INVITATION_POLICY,
          ),
        'already-assigned',
      );
      expect(error.details).toEqual({ status });
    },
  );
});

describe('endAssignment', () => {
  it('revokes: status revoked, endReason revoked, endedAt, a revocation email queued as sequence 2', () => {
    const ended = endAssignment(sent(), 'revoked', 'grace.notify@contoso.com', LATER);
    expect(ended).toMatchObject({
      status: 'revoked',
      endReason: 'revoked',
      endedAt: '2025-04-01T08:30:00.000Z',
    });
    expect(ended.delivery).toEqual({
      sequence: 2,
      kind: 'revocation',
      to: 'grace.notify@contoso.com',
      state: 'queued',
      attempts: 0,
      lastError: null,
      queuedAt: '2025-04-01T08:30:00.000Z',
      nextAttemptAt: null,
      sentAt: null,
    });
    expect(isLive(ended)).toBe(false);
  });

  it('revokes an active assignment the same way', () => {
    const ended = endAssignment(anAssignment({ status: 'active' }), 'revoked', 'grace@contoso.com', LATER);
    expect([ended.status, ended.delivery.kind, ended.delivery.sequence]).toEqual([
      'revoked',
      'revocation',
      2,
    ]);
  });

  it('disassociation: status revoked, endReason disassociated, a revocation email queued', () => {
    const ended = endAssignment(anAssignment(), 'disassociated', 'grace@contoso.com', LATER);
    expect([ended.status, ended.endReason, ended.delivery.kind, ended.delivery.sequence]).toEqual([
      'revoked',
      'disassociated',
      'revocation',
      2,
    ]);
  });

  it('expiry: status expired, endReason expired, and no email (the delivery is untouched)', () => {
    const original = sent();
    const ended = endAssignment(original, 'expired', 'grace@contoso.com', LATER);
    expect(ended).toMatchObject({
      status: 'expired',
      endReason: 'expired',
      endedAt: '2025-04-01T08:30:00.000Z',
    });
    expect(ended.delivery).toEqual(original.delivery);
  });

  it.each(['revoked', 'expired'] as const)(
    'returns the very same %s assignment: it is not live',
    (status) => {
      const ended = anAssignment({ status });
      expect(endAssignment(ended, 'revoked', 'grace@contoso.com', LATER)).toBe(ended);
      expect(endAssignment(ended, 'expired', 'grace@contoso.com', LATER)).toBe(ended);
    },
  );

  it('revoking twice queues one revocation only', () => {
    const once = revoked();
    expect(endAssignment(once, 'revoked', 'grace@contoso.com', minutesAfter(LATER, 5))).toBe(once);
  });
});

describe('recordSent', () => {
  it('marks the current sequence sent with sentAt and one more attempt, clearing errors', () => {
    const attempted = recordAttempt(anAssignment(), 1, 'throttled', minutesAfter(NOW, 1));
    const done = recordSent(attempted, 1, LATER);
    expect(done.delivery).toMatchObject({
      sequence: 1,
      state: 'sent',
      attempts: 2,
      sentAt: '2025-04-01T08:30:00.000Z',
      nextAttemptAt: null,
      lastError: null,
    });
  });

  it('ignores a stale sequence', () => {
    const resent = reissueInvitation(anAssignment(), () => 'h2', 'grace@contoso.com', NOW, INVITATION_POLICY);
    expect(recordSent(resent, 1, LATER)).toBe(resent);
  });

  it('ignores a second report for an email already sent (sentAt stays the first)', () => {
    const once = sent();
    expect(recordSent(once, 1, LATER)).toBe(once);
    expect(once.delivery.sentAt).toBe('2025-03-10T12:00:00.000Z');
  });
});

describe('recordAttempt', () => {
  it('counts the attempt and keeps the email queued with the error and the retry time', () => {
    const attempted = recordAttempt(
      anAssignment(),
      1,
      'throttled; retrying after 60 s',
      minutesAfter(NOW, 1),
    );
    expect(attempted.delivery).toMatchObject({
      state: 'queued',
      attempts: 1,
      lastError: 'throttled; retrying after 60 s',
      nextAttemptAt: '2025-03-10T12:01:00.000Z',
      sentAt: null,
    });
  });

  it('keeps nextAttemptAt null for an attempt without a retry time', () => {
    expect(recordAttempt(anAssignment(), 1, 'boom', null).delivery.nextAttemptAt).toBeNull();
  });

  it('ignores a stale sequence', () => {
    const revokedOne = revoked();
    expect(recordAttempt(revokedOne, 1, 'boom', null)).toBe(revokedOne);
  });

  it('never downgrades a sent email', () => {
    const once = sent();
    expect(recordAttempt(once, 1, 'late failure', null)).toBe(once);
  });

  it('leaves a failed email failed', () => {
    const failed = recordFailed(anAssignment(), 1, 'gave up');
    expect(recordAttempt(failed, 1, 'again', null)).toBe(failed);
  });
});

describe('recordFailed', () => {
  it('marks the current sequence failed with the error', () => {
    const failed = recordFailed(anAssignment(), 1, 'mailbox unavailable');
    expect(failed.delivery).toMatchObject({ state: 'failed', lastError: 'mailbox unavailable', sequence: 1 });
  });

  it('ignores a stale sequence', () => {
    const resent = reissueInvitation(anAssignment(), () => 'h2', 'grace@contoso.com', NOW, INVITATION_POLICY);
    expect(recordFailed(resent, 1, 'late poison')).toBe(resent);
  });

  it('never downgrades a sent email', () => {
    const once = sent();
    expect(recordFailed(once, 1, 'late poison')).toBe(once);
    expect(once.delivery.state).toBe('sent');
  });
});

describe('requeueDelivery', () => {
  it('gives a pending invitation a new delivery sequence and keeps its link (the token is derived, not stored)', () => {
    const stale = recordAttempt(anAssignment(), 1, 'boom', null);
    const requeued = requeueDelivery(stale, LATER);
    expect(requeued.invitation).toEqual(stale.invitation);
    expect(requeued.delivery).toEqual({
      sequence: 2,
      kind: 'invitation',
      to: 'grace@contoso.com',
      state: 'queued',
      attempts: 0,
      lastError: null,
      queuedAt: '2025-04-01T08:30:00.000Z',
      nextAttemptAt: null,
      sentAt: null,
    });
  });

  it('re-queues a revocation under a new sequence only, keeping the invitation', () => {
    const ended = revoked();
    const requeued = requeueDelivery(ended, minutesAfter(LATER, 60));
    expect(requeued.invitation).toEqual(ended.invitation);
    expect(requeued.delivery).toMatchObject({
      sequence: 3,
      kind: 'revocation',
      to: 'grace@contoso.com',
      state: 'queued',
      queuedAt: '2025-04-01T09:30:00.000Z',
    });
    expect(requeued.status).toBe('revoked');
  });
});

describe('isDeliveryStale', () => {
  const queued = anAssignment();

  it('counts from queuedAt: stale only once more than staleAfterMinutes have passed', () => {
    expect(isDeliveryStale(queued, minutesAfter(NOW, 15), 15)).toBe(false);
    expect(isDeliveryStale(queued, new Date(NOW.getTime() + 15 * MINUTE + 1), 15)).toBe(true);
  });

  it('counts from nextAttemptAt when a throttled attempt set one', () => {
    const throttled = recordAttempt(queued, 1, 'throttled', minutesAfter(NOW, 60));
    expect(isDeliveryStale(throttled, minutesAfter(NOW, 30), 15)).toBe(false);
    expect(isDeliveryStale(throttled, minutesAfter(NOW, 75), 15)).toBe(false);
    expect(isDeliveryStale(throttled, minutesAfter(NOW, 76), 15)).toBe(true);
  });

  it('is never stale once sent', () => {
    expect(isDeliveryStale(sent(queued), minutesAfter(NOW, 10_000), 15)).toBe(false);
  });

  it('is never stale once failed', () => {
    expect(isDeliveryStale(recordFailed(queued, 1, 'gave up'), minutesAfter(NOW, 10_000), 15)).toBe(false);
  });

  it.each(['revoked', 'expired', 'active'] as const)(
    'never calls an invitation of a %s assignment stale (it must not go out again)',
    (status) => {
      expect(isDeliveryStale(anAssignment({ status }), minutesAfter(NOW, 10_000), 15)).toBe(false);
    },
  );

  it('does call a queued revocation stale', () => {
    const ended = revoked(queued);
    expect(isDeliveryStale(ended, minutesAfter(LATER, 16), 15)).toBe(true);
    expect(isDeliveryStale(ended, minutesAfter(LATER, 14), 15)).toBe(false);
  });
});
