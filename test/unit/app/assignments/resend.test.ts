import { rejectionOf } from '../../../support/app-error.js';
import { describe, expect, it } from 'vitest';
import { resendInvitation, revokeAssignment } from '../../../../shared/app/assignments.js';
import { tokenMatches } from '../../../../shared/app/tokens.js';
import { LATER } from '../../../support/mothers/clock.js';
import { TEST_INVITATIONS } from '../../../support/fakes/index.js';
import { callAt, aWorld, grantTo } from './world.js';

describe('resendInvitation', () => {
  it('reads once and commits once, without writing the aggregate', async () => {
    const world = aWorld();
    const created = await grantTo(world, 'p-grace');
    const before = world.partners.current('contoso');
    const [loads, commits] = [world.partition.loads, world.partition.commits];
    await resendInvitation(world.deps, callAt(world, LATER), 'contoso', created.value.assignmentId);
    expect([world.partition.loads - loads, world.partition.commits - commits]).toEqual([1, 1]);
    expect(world.partners.current('contoso')).toEqual(before);
  });

  it('bumps the invitation version and queues a new token whose hash is the new invitation’s', async () => {
    const world = aWorld();
    const created = await grantTo(world, 'p-grace');
    const { assignmentId } = created.value;
    const tokenOf = (version: number) =>
      TEST_INVITATIONS.tokenFor({ partnerId: 'contoso', assignmentId, version });
    const firstToken = tokenOf(1);

    const resent = await resendInvitation(world.deps, callAt(world, LATER), 'contoso', assignmentId);

    expect(resent.value.invitation).toMatchObject({
      version: 2,
      issuedAt: LATER.toISOString(),
      expiresAt: '2025-05-01T08:30:00.000Z',
      usedAt: null,
    });
    expect(resent.value.delivery).toMatchObject({ sequence: 2, kind: 'invitation', state: 'queued' });
    expect(world.assignments.current('contoso', assignmentId)).toEqual(resent.value);

    expect(world.emails.messages).toHaveLength(2);
    const message = world.emails.messages[1]!;
    expect(message).toMatchObject({ assignmentId, sequence: 2, correlationId: 'corr-1' });
    expect(tokenOf(2)).not.toBe(firstToken);
    expect(tokenMatches(resent.value.invitation.tokenHash, tokenOf(2))).toBe(true);
    // The previous link dies (rule 9).
    expect(tokenMatches(resent.value.invitation.tokenHash, firstToken)).toBe(false);
    expect(world.audit.events.at(-1)).toMatchObject({
      action: 'assignment.invitation-resent',
      details: { version: 2 },
    });
  });

  it('keeps the seat as it was', async () => {
    const world = aWorld();
    const created = await grantTo(world, 'p-grace');
    const before = world.partners.current('contoso').seatLedger;
    await resendInvitation(world.deps, callAt(world, LATER), 'contoso', created.value.assignmentId);
    expect(world.partners.current('contoso').seatLedger).toEqual(before);
  });

  it('refuses a revoked assignment with already-assigned and queues nothing', async () => {
    const world = aWorld();
    const created = await grantTo(world, 'p-grace');
    await revokeAssignment(world.deps, callAt(world, LATER), 'contoso', created.value.assignmentId);
    await rejectionOf(
      resendInvitation(world.deps, callAt(world, LATER), 'contoso', created.value.assignmentId),
      'already-assigned',
    );
    expect(world.emails.messages.map((m) => m.sequence)).toEqual([1, 2]);
  });
});
