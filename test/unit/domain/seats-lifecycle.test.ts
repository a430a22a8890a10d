import { describe, expect, it } from 'vitest';
import type { Partner } from '../../../shared/domain/partner.js';
import { activateSeat, releaseSeat, seatsToExpire } from '../../../shared/domain/seats.js';
import { NOW } from '../../support/mothers/clock.js';
import { SEAT_POLICY, aCoolingSeat, aLiveSeat } from '../../support/mothers/seats.js';
import { appErrorFrom } from '../../support/app-error.js';
import { at, competency, daysAfter, grant } from './seats-support.js';

/** A live seat after its grant: released, activated, and found when its entitlement ends. */

describe('releaseSeat', () => {
  const assignedAt = at('2025-03-10T12:00:00.000Z');

  it('frees an invited seat at once: no cooling record', () => {
    const partner = grant(competency(2), 'p-carol', assignedAt);
    const released = releaseSeat(partner, 'a-p-carol', daysAfter(assignedAt, 3), SEAT_POLICY);
    expect(released.seatLedger.live).toEqual([]);
    expect(released.seatLedger.cooling).toEqual([]);
    expect(released.updatedAt).toBe(daysAfter(assignedAt, 3).toISOString());
  });

  it('cools an active seat until assignedAt + cooldownDays', () => {
    const partner = activateSeat(
      grant(competency(2), 'p-carol', assignedAt),
      'a-p-carol',
      daysAfter(assignedAt, 1),
    );
    const released = releaseSeat(partner, 'a-p-carol', daysAfter(assignedAt, 30), SEAT_POLICY);
    expect(released.seatLedger.live).toEqual([]);
    expect(released.seatLedger.cooling).toEqual([
      {
        assignmentId: 'a-p-carol',
        personId: 'p-carol',
        benefit: 'vs-enterprise',
        freesAt: '2025-06-08T12:00:00.000Z',
      },
    ]);
  });

  it('uses the configured cooldown', () => {
    const partner = activateSeat(grant(competency(2), 'p-carol', assignedAt), 'a-p-carol', assignedAt);
    const released = releaseSeat(partner, 'a-p-carol', daysAfter(assignedAt, 1), { cooldownDays: 7 });
    expect(released.seatLedger.cooling.map((s) => s.freesAt)).toEqual(['2025-03-17T12:00:00.000Z']);
  });

  it('frees at once an active seat assigned longer ago than cooldownDays', () => {
    const partner = activateSeat(grant(competency(2), 'p-carol', assignedAt), 'a-p-carol', assignedAt);
    const released = releaseSeat(partner, 'a-p-carol', daysAfter(assignedAt, 91), SEAT_POLICY);
    expect(released.seatLedger.live).toEqual([]);
    expect(released.seatLedger.cooling).toEqual([]);
  });

  it('drops cooling records that have expired by the time of the release', () => {
    const granted = grant(competency(3), 'p-carol', assignedAt);
    const partner: Partner = {
      ...granted,
      seatLedger: {
        ...granted.seatLedger,
        cooling: [
          aCoolingSeat({ benefit: 'vs-enterprise', personId: 'p-old', freesAt: '2025-03-11T00:00:00.000Z' }),
          aCoolingSeat({ benefit: 'vs-enterprise', personId: 'p-new', freesAt: '2025-12-01T00:00:00.000Z' }),
        ],
      },
    };
    const released = releaseSeat(partner, 'a-p-carol', daysAfter(assignedAt, 5), SEAT_POLICY);
    expect(released.seatLedger.cooling.map((s) => s.personId)).toEqual(['p-new']);
  });

  it('returns the very same partner for an unknown assignment id', () => {
    const partner = grant(competency(2), 'p-carol', assignedAt);
    expect(releaseSeat(partner, 'a-unknown', daysAfter(assignedAt, 1), SEAT_POLICY)).toBe(partner);
  });

  it('keeps max usage when a seat is released', () => {
    const partner = grant(competency(2), 'p-carol', assignedAt);
    const released = releaseSeat(partner, 'a-p-carol', daysAfter(assignedAt, 1), SEAT_POLICY);
    expect(released.seatLedger.maxUsage).toEqual(partner.seatLedger.maxUsage);
  });
});

describe('activateSeat', () => {
  it('turns an invited seat active with activatedAt', () => {
    const partner = grant(competency(2), 'p-carol', NOW);
    const later = at('2025-03-12T09:15:00.000Z');
    const active = activateSeat(partner, 'a-p-carol', later);
    expect(active.seatLedger.live).toEqual([
      {
        assignmentId: 'a-p-carol',
        personId: 'p-carol',
        benefit: 'vs-enterprise',
        status: 'active',
        assignedAt: NOW.toISOString(),
        activatedAt: '2025-03-12T09:15:00.000Z',
      },
    ]);
    expect(active.updatedAt).toBe('2025-03-12T09:15:00.000Z');
  });

  it('only changes the seat it activates', () => {
    const partner = grant(grant(competency(2), 'p-carol', NOW), 'p-dan', NOW);
    const active = activateSeat(partner, 'a-p-carol', NOW);
    expect(active.seatLedger.live.map((s) => [s.personId, s.status])).toEqual([
      ['p-carol', 'active'],
      ['p-dan', 'invited'],
    ]);
  });

  it('returns the very same partner for an already active seat', () => {
    const active = activateSeat(grant(competency(2), 'p-carol', NOW), 'a-p-carol', NOW);
    expect(activateSeat(active, 'a-p-carol', daysAfter(NOW, 1))).toBe(active);
  });

  it('refuses an assignment that holds no live seat with invitation-invalid', () => {
    const partner = grant(competency(2), 'p-carol', NOW);
    appErrorFrom(() => activateSeat(partner, 'a-unknown', NOW), 'invitation-invalid');
    const released = releaseSeat(partner, 'a-p-carol', NOW, SEAT_POLICY);
    appErrorFrom(() => activateSeat(released, 'a-p-carol', NOW), 'invitation-invalid');
  });
});

describe('seatsToExpire', () => {
  const partner = activateSeat(
    grant(grant(competency(3, { startsOn: '2025-01-01', expiresOn: '2025-06-01' }), 'p-carol'), 'p-dan'),
    'a-p-carol',
    NOW,
  );

  it('is empty while the entitlement is in force', () => {
    expect(seatsToExpire(partner, at('2025-05-31T23:59:59.999Z'))).toEqual([]);
  });

  it('lists every live seat (invited and active) once the entitlement has ended', () => {
    expect(
      seatsToExpire(partner, at('2025-06-01T00:00:00.000Z')).map((s) => [s.assignmentId, s.status]),
    ).toEqual([
      ['a-p-carol', 'active'],
      ['a-p-dan', 'invited'],
    ]);
  });

  it('lists seats of a benefit the partner has no entitlement for', () => {
    const orphan: Partner = {
      ...partner,
      seatLedger: {
        ...partner.seatLedger,
        live: [
          ...partner.seatLedger.live,
          aLiveSeat({ assignmentId: 'a-orphan', benefit: 'vs-professional' }),
        ],
      },
    };
    expect(seatsToExpire(orphan, NOW).map((s) => s.assignmentId)).toEqual(['a-orphan']);
  });
});
