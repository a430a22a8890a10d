import { rejectionOf } from '../../../support/app-error.js';
import { describe, expect, it } from 'vitest';
import { revokeAssignment } from '../../../../shared/app/assignments.js';
import { activateSeat } from '../../../../shared/domain/seats.js';
import { LATER, NOW } from '../../../support/mothers/clock.js';
import { ctx, callAt, aWorld, grantTo } from './world.js';

describe('revokeAssignment', () => {
  it('reads the aggregate and the assignment once and commits once', async () => {
    const world = aWorld();
    const created = await grantTo(world, 'p-grace');
    const [loads, commits] = [world.partition.loads, world.partition.commits];
    await revokeAssignment(world.deps, callAt(world, LATER), 'contoso', created.value.assignmentId);
    expect([world.partition.loads - loads, world.partition.commits - commits]).toEqual([1, 1]);
  });

  it('decides again when the aggregate changed between its read and its commit, releasing the seat once', async () => {
    const world = aWorld();
    const created = await grantTo(world, 'p-grace');
    const other = await grantTo(world, 'p-alan');
    world.partition.beforeCommit = (commit) => {
      if (commit === 3)
        world.partners.put({ ...world.partners.current('contoso'), name: 'Renamed meanwhile' });
    };
    const revoked = await revokeAssignment(
      world.deps,
      callAt(world, LATER),
      'contoso',
      created.value.assignmentId,
    );
    expect(revoked.value.status).toBe('revoked');
    const partner = world.partners.current('contoso');
    expect(partner.name).toBe('Renamed meanwhile');
    expect(partner.seatLedger.live.map((s) => s.assignmentId)).toEqual([other.value.assignmentId]);
    expect(world.audit.events.filter((e) => e.action === 'assignment.revoked')).toHaveLength(1);
  });

  it('releases the seat, marks the assignment revoked and queues a revocation', async () => {
    const world = aWorld();
    const created = await grantTo(world, 'p-grace');
    const { assignmentId } = created.value;

    const revoked = await revokeAssignment(world.deps, callAt(world, LATER), 'contoso', assignmentId);

    expect(revoked.value).toMatchObject({
      status: 'revoked',
      endReason: 'revoked',
      endedAt: LATER.toISOString(),
    });
    expect(world.assignments.current('contoso', assignmentId)).toEqual(revoked.value);
    expect(world.partners.current('contoso').seatLedger.live).toEqual([]);
    expect(world.partners.current('contoso').seatLedger.cooling).toEqual([]);
    expect(revoked.value.delivery).toMatchObject({ sequence: 2, kind: 'revocation', state: 'queued' });
    expect(world.emails.messages).toHaveLength(2);
    expect(world.emails.messages[1]).toEqual({
      partnerId: 'contoso',
      assignmentId,
      sequence: 2,
      token: undefined,
      correlationId: 'corr-1',
    });
    expect(world.audit.events.map((e) => e.action)).toEqual(['assignment.granted', 'assignment.revoked']);
    expect(world.audit.events[1]!.details).toEqual({ personId: 'p-grace', reason: 'revoked' });
  });

  it('leaves an activated seat cooling until assignedAt + cooldownDays', async () => {
    const world = aWorld();
    const created = await grantTo(world, 'p-grace');
    const { assignmentId } = created.value;
    world.partners.put(activateSeat(world.partners.current('contoso'), assignmentId, NOW));
    await world.assignments.update('contoso', assignmentId, (a) => ({
      ...a,
      status: 'active',
      activatedAt: NOW.toISOString(),
    }));

    await revokeAssignment(world.deps, callAt(world, LATER), 'contoso', assignmentId);
    expect(world.partners.current('contoso').seatLedger.live).toEqual([]);
    expect(world.partners.current('contoso').seatLedger.cooling).toEqual([
      { assignmentId, personId: 'p-grace', benefit: 'vs-professional', freesAt: '2025-06-08T12:00:00.000Z' },
    ]);
  });

  it('is idempotent: revoking twice queues one revocation email and records one revocation', async () => {
    const world = aWorld();
    const created = await grantTo(world, 'p-grace');
    const { assignmentId } = created.value;
    const first = await revokeAssignment(world.deps, callAt(world, LATER), 'contoso', assignmentId);
    const second = await revokeAssignment(
      world.deps,
      callAt(world, new Date(LATER.getTime() + 60_000)),
      'contoso',
      assignmentId,
    );

    expect(second.value).toEqual(first.value);
    expect(world.emails.messages.map((m) => m.sequence)).toEqual([1, 2]);
    expect(world.audit.events.map((e) => e.action)).toEqual(['assignment.granted', 'assignment.revoked']);
  });

  it('does not release a seat that a later grant took when revoking an already revoked assignment', async () => {
    const world = aWorld();
    const created = await grantTo(world, 'p-grace');
    await revokeAssignment(world.deps, callAt(world, LATER), 'contoso', created.value.assignmentId);
    const again = await grantTo(world, 'p-grace', LATER);
    await revokeAssignment(world.deps, callAt(world, LATER), 'contoso', created.value.assignmentId);
    expect(world.partners.current('contoso').seatLedger.live.map((s) => s.assignmentId)).toEqual([
      again.value.assignmentId,
    ]);
  });

  it('answers not-found for an unknown assignment', async () => {
    const world = aWorld();
    await rejectionOf(revokeAssignment(world.deps, ctx(), 'contoso', 'a-nope'), 'not-found');
  });
});
