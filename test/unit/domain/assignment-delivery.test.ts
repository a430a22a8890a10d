import { describe, expect, it } from 'vitest';
import {
  isDeliveryStale,
  recordAttempt,
  recordFailed,
  recordSent,
  reissueInvitation,
  requeueDelivery,
} from '../../../shared/domain/assignment.js';
import { LATER, NOW, minutesAfter } from '../../support/mothers/clock.js';
import {
  INVITATION_POLICY,
  aRevokedAssignment,
  aSentAssignment,
  anAssignment,
} from '../../support/mothers/assignment.js';

/** An assignment's email delivery: each report of the sender applied to the current sequence only. */

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
    const once = aSentAssignment();
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
    const revokedOne = aRevokedAssignment();
    expect(recordAttempt(revokedOne, 1, 'boom', null)).toBe(revokedOne);
  });

  it('never downgrades a sent email', () => {
    const once = aSentAssignment();
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
    const once = aSentAssignment();
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
    const ended = aRevokedAssignment();
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
    expect(isDeliveryStale(queued, new Date(minutesAfter(NOW, 15).getTime() + 1), 15)).toBe(true);
  });

  it('counts from nextAttemptAt when a throttled attempt set one', () => {
    const throttled = recordAttempt(queued, 1, 'throttled', minutesAfter(NOW, 60));
    expect(isDeliveryStale(throttled, minutesAfter(NOW, 30), 15)).toBe(false);
    expect(isDeliveryStale(throttled, minutesAfter(NOW, 75), 15)).toBe(false);
    expect(isDeliveryStale(throttled, minutesAfter(NOW, 76), 15)).toBe(true);
  });

  it('is never stale once sent', () => {
    expect(isDeliveryStale(aSentAssignment(queued), minutesAfter(NOW, 10_000), 15)).toBe(false);
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
    const ended = aRevokedAssignment(queued);
    expect(isDeliveryStale(ended, minutesAfter(LATER, 16), 15)).toBe(true);
    expect(isDeliveryStale(ended, minutesAfter(LATER, 14), 15)).toBe(false);
  });
});
