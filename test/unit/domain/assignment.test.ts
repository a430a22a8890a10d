import { describe, expect, it } from 'vitest';
import {
  endAssignment,
  isLive,
  newAssignment,
  reissueInvitation,
} from '../../../shared/domain/assignment.js';
import { LATER, NOW, minutesAfter } from '../../support/mothers/clock.js';
import {
  INVITATION_POLICY,
  aNewAssignment,
  aRevokedAssignment,
  aSentAssignment,
  anAssignment,
} from '../../support/mothers/assignment.js';
import { appErrorFrom } from '../../support/app-error.js';

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
    const original = aSentAssignment();
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
    const ended = endAssignment(aSentAssignment(), 'revoked', 'grace.notify@contoso.com', LATER);
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
    const original = aSentAssignment();
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
    const once = aRevokedAssignment();
    expect(endAssignment(once, 'revoked', 'grace@contoso.com', minutesAfter(LATER, 5))).toBe(once);
  });
});
