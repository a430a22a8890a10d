import { rejectionOf } from '../../../support/app-error.js';
import { describe, expect, it } from 'vitest';
import { getUsage, grantPrivilege, revokeAssignment } from '../../../../shared/app/assignments.js';
import { hashToken, tokenMatches } from '../../../../shared/app/tokens.js';
import { grantSeat } from '../../../../shared/domain/seats.js';
import { NOW } from '../../../support/mothers/clock.js';
import { aCompetencyPartner, aPartner } from '../../../support/mothers/partner.js';
import { aStranger } from '../../../support/mothers/principal.js';
import { withSlots } from '../../../support/mothers/seats.js';
import { TEST_INVITATIONS } from '../../../support/fakes/index.js';
import { ctx, callAt, aWorld, grantTo } from './world.js';

describe('grantPrivilege', () => {
  it('takes a seat, stores the invited assignment and queues the invitation with a token whose hash matches', async () => {
    const world = aWorld();
    const created = await grantTo(world, 'p-grace');
    const { assignmentId } = created.value;

    expect(created.value).toMatchObject({
      partnerId: 'contoso',
      personId: 'p-grace',
      personEmail: 'grace@contoso.com',
      privilege: 'visual-studio-subscriptions',
      benefit: 'vs-professional',
      status: 'invited',
      assignedAt: NOW.toISOString(),
      assignedBy: { subject: 'subject-admin', email: 'ada@contoso.com' },
    });
    expect(world.assignments.current('contoso', assignmentId)).toEqual(created.value);

    expect(world.partners.current('contoso').seatLedger.live).toEqual([
      {
        assignmentId,
        personId: 'p-grace',
        benefit: 'vs-professional',
        status: 'invited',
        assignedAt: NOW.toISOString(),
        activatedAt: null,
      },
    ]);

    expect(world.emails.queued).toHaveLength(1);
    const message = world.emails.messages[0]!;
    expect(message).toMatchObject({
      partnerId: 'contoso',
      assignmentId,
      sequence: 1,
      correlationId: 'corr-1',
    });
    // The message carries no secret: the link's token is derived from the invitation when the email is made.
    expect(Object.keys(message).sort()).toEqual(['assignmentId', 'correlationId', 'partnerId', 'sequence']);
    const token = TEST_INVITATIONS.tokenFor({ partnerId: 'contoso', assignmentId, version: 1 });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashToken(token)).toBe(created.value.invitation.tokenHash);
    expect(tokenMatches(created.value.invitation.tokenHash, token)).toBe(true);
    expect(JSON.stringify(created.value)).not.toContain(token);
  });

  it('sends the invitation to the notification email when the person has one', async () => {
    const world = aWorld();
    const created = await grantTo(world, 'p-alan');
    expect(created.value.delivery).toMatchObject({
      to: 'alan.notify@contoso.com',
      state: 'queued',
      sequence: 1,
    });
    expect(created.value.personEmail).toBe('alan@contoso.com');
  });

  it('records the grant in the audit log', async () => {
    const world = aWorld();
    const created = await grantTo(world, 'p-grace');
    expect(world.audit.events).toHaveLength(1);
    expect(world.audit.events[0]).toMatchObject({
      partnerId: 'contoso',
      action: 'assignment.granted',
      target: { type: 'assignment', id: created.value.assignmentId },
      actor: { subject: 'subject-admin', email: 'ada@contoso.com' },
      details: { personId: 'p-grace', privilege: 'visual-studio-subscriptions', benefit: 'vs-professional' },
      correlationId: 'corr-1',
      at: NOW.toISOString(),
    });
  });

  it('gives each grant its own assignment id', async () => {
    const world = aWorld();
    const one = await grantTo(world, 'p-grace');
    const two = await grantTo(world, 'p-alan');
    expect(one.value.assignmentId).not.toBe(two.value.assignmentId);
    expect(world.partners.current('contoso').seatLedger.live).toHaveLength(2);
  });

  it('refuses a person that does not exist with not-found, and takes no seat', async () => {
    const world = aWorld(withSlots(aPartner(), { first: 'p-ghost' }));
    const before = world.partners.current('contoso');
    await rejectionOf(grantTo(world, 'p-ghost'), 'not-found');
    expect(world.partners.current('contoso').seatLedger).toEqual(before.seatLedger);
    expect(world.assignments.all()).toEqual([]);
    expect(world.emails.queued).toEqual([]);
    expect(world.audit.events).toEqual([]);
  });

  it('reads once and commits once: the seat, the assignment and its event in one transaction', async () => {
    const world = aWorld();
    await grantTo(world, 'p-grace');
    expect([world.partition.loads, world.partition.commits]).toEqual([1, 1]);
  });

  it('writes nothing when the commit fails: no seat, no assignment, no event, no email', async () => {
    const world = aWorld();
    const failure = new Error('the database is unavailable');
    world.partition.beforeCommit = () => {
      throw failure;
    };
    await expect(grantTo(world, 'p-grace')).rejects.toBe(failure);
    expect(world.partners.current('contoso').seatLedger.live).toEqual([]);
    expect(world.partners.current('contoso').seatLedger.cooling).toEqual([]);
    expect(world.assignments.all()).toEqual([]);
    expect(world.emails.queued).toEqual([]);
    expect(world.audit.events).toEqual([]);
  });

  it('leaves the seat free for the next grant after a failed commit', async () => {
    const world = aWorld(
      withSlots(
        { ...aPartner(), entitlements: [{ ...aPartner().entitlements[0]!, seats: 1 }] },
        { first: 'p-grace', second: 'p-alan' },
      ),
    );
    world.partition.beforeCommit = (commit) => {
      if (commit === 1) throw new Error('the database is unavailable');
    };
    await expect(grantTo(world, 'p-grace')).rejects.toThrow('the database is unavailable');
    const created = await grantTo(world, 'p-alan');
    expect(world.partners.current('contoso').seatLedger.live.map((s) => s.assignmentId)).toEqual([
      created.value.assignmentId,
    ]);
  });

  it('takes no seat when the person is disassociated between its read and its commit', async () => {
    const world = aWorld();
    world.partition.beforeCommit = (commit) => {
      if (commit === 1) world.people.remove('contoso', 'p-grace');
    };
    await rejectionOf(grantTo(world, 'p-grace'), 'not-found');
    expect(world.partners.current('contoso').seatLedger.live).toEqual([]);
    expect(world.assignments.all()).toEqual([]);
    expect(world.emails.queued).toEqual([]);
    expect(world.partition.loads).toBe(2); // the lost race was decided again, on what is stored now
  });

  it('decides again when another grant takes the last seat between its read and its commit', async () => {
    const oneSeat = withSlots(
      { ...aPartner(), entitlements: [{ ...aPartner().entitlements[0]!, seats: 1 }] },
      { first: 'p-grace', second: 'p-alan' },
    );
    const world = aWorld(oneSeat);
    world.partition.beforeCommit = (commit) => {
      if (commit !== 1) return;
      const taken = grantSeat(
        world.partners.current('contoso'),
        { assignmentId: 'a-other', personId: 'p-alan', privilege: 'visual-studio-subscriptions' },
        NOW,
      );
      world.partners.put(taken);
    };
    await rejectionOf(grantTo(world, 'p-grace'), 'no-seats-available');
    expect(world.partners.current('contoso').seatLedger.live.map((s) => s.assignmentId)).toEqual(['a-other']);
    expect(world.assignments.all()).toEqual([]);
  });

  it('refuses an Action Pack person without a slot with technical-contact-required and stores nothing', async () => {
    const world = aWorld();
    await rejectionOf(grantTo(world, 'p-linus'), 'technical-contact-required');
    expect(world.partners.current('contoso').seatLedger.live).toEqual([]);
    expect(world.assignments.all()).toEqual([]);
    expect(world.emails.queued).toEqual([]);
  });

  it('refuses the other program’s privilege with privilege-not-in-program and takes no seat', async () => {
    const world = aWorld();
    await rejectionOf(
      grantPrivilege(world.deps, ctx(), 'contoso', { personId: 'p-grace', privilege: 'msdn-subscriptions' }),
      'privilege-not-in-program',
    );
    expect(world.partners.current('contoso').seatLedger.live).toEqual([]);
  });

  it('refuses a second grant to the same person with already-assigned, keeping one seat', async () => {
    const world = aWorld();
    const first = await grantTo(world, 'p-grace');
    const error = await rejectionOf(grantTo(world, 'p-grace'), 'already-assigned');
    expect(error.details).toEqual({ assignmentId: first.value.assignmentId });
    expect(world.partners.current('contoso').seatLedger.live).toHaveLength(1);
    expect(world.assignments.all()).toHaveLength(1);
  });

  it('grants a Competency person without a slot', async () => {
    const world = aWorld(aCompetencyPartner());
    const created = await grantPrivilege(world.deps, ctx(), 'contoso', {
      personId: 'p-linus',
      privilege: 'msdn-subscriptions',
    });
    expect(created.value.benefit).toBe('vs-enterprise');
  });

  it('still grants when queueing the email fails, warning so the timer can repair it', async () => {
    const world = aWorld();
    world.emails.failNextEnqueue = new Error('queue unavailable');
    const created = await grantTo(world, 'p-grace');
    expect(world.assignments.current('contoso', created.value.assignmentId).delivery.state).toBe('queued');
    expect(world.warnings).toEqual([
      {
        event: 'email.enqueue-failed',
        fields: {
          partnerId: 'contoso',
          assignmentId: created.value.assignmentId,
          error: 'queue unavailable',
        },
      },
    ]);
  });

  it('answers not-found to someone who is not an administrator of the partner, and takes no seat', async () => {
    const world = aWorld();
    await rejectionOf(
      grantPrivilege(world.deps, callAt(world, NOW, aStranger()), 'contoso', {
        personId: 'p-grace',
        privilege: 'visual-studio-subscriptions',
      }),
      'not-found',
    );
    expect(world.partners.current('contoso').seatLedger.live).toEqual([]);
  });
});

describe('getUsage', () => {
  it('reports the seats in use after grants and revocations', async () => {
    const world = aWorld();
    await grantTo(world, 'p-grace');
    const alanGrant = await grantTo(world, 'p-alan');
    await revokeAssignment(world.deps, ctx(), 'contoso', alanGrant.value.assignmentId);
    const usage = await getUsage(world.deps, ctx(), 'contoso');
    expect(usage.benefits).toEqual([
      expect.objectContaining({
        benefit: 'vs-professional',
        seats: 3,
        invited: 1,
        activated: 0,
        coolingDown: 0,
        available: 2,
        maxUsage: { count: 2, firstReachedAt: NOW.toISOString() },
      }),
    ]);
  });
});
