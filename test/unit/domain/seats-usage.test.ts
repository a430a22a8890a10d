import { describe, expect, it } from 'vitest';
import type { Partner } from '../../../shared/domain/partner.js';
import { activateSeat, liveSeatsOf, releaseSeat, usageOf } from '../../../shared/domain/seats.js';
import { NOW } from '../../support/mothers/clock.js';
import { SEAT_POLICY } from '../../support/mothers/seats.js';
import { appErrorFrom } from '../../support/app-error.js';
import { activatedThenReleased, at, competency, daysAfter, grant } from './seats-support.js';

/** What the seats add up to: max usage (rule 8), usage per benefit, and a person's live seats. */

describe('grantSeat', () => {
  describe('max usage (rule 8)', () => {
    const t1 = at('2025-03-10T12:00:00.000Z');
    const t2 = at('2025-03-11T12:00:00.000Z');
    const t3 = at('2025-03-12T12:00:00.000Z');
    const t4 = at('2025-03-13T12:00:00.000Z');
    const t5 = at('2025-03-14T12:00:00.000Z');

    it('records the count and when it was first reached, not again when reached later, and anew when exceeded', () => {
      let partner = grant(competency(3), 'p-1', t1);
      expect(partner.seatLedger.maxUsage).toEqual({
        'vs-enterprise': { count: 1, firstReachedAt: t1.toISOString() },
      });

      partner = grant(partner, 'p-2', t2);
      expect(partner.seatLedger.maxUsage['vs-enterprise']).toEqual({
        count: 2,
        firstReachedAt: t2.toISOString(),
      });

      partner = releaseSeat(partner, 'a-p-2', t3, SEAT_POLICY);
      expect(partner.seatLedger.maxUsage['vs-enterprise']).toEqual({
        count: 2,
        firstReachedAt: t2.toISOString(),
      });

      partner = grant(partner, 'p-3', t4);
      expect(partner.seatLedger.live).toHaveLength(2);
      expect(partner.seatLedger.maxUsage['vs-enterprise']).toEqual({
        count: 2,
        firstReachedAt: t2.toISOString(),
      });

      partner = grant(partner, 'p-4', t5);
      expect(partner.seatLedger.maxUsage['vs-enterprise']).toEqual({
        count: 3,
        firstReachedAt: t5.toISOString(),
      });
    });

    it('is not touched by a refused grant', () => {
      const full = grant(competency(1), 'p-1', t1);
      appErrorFrom(() => grant(full, 'p-2', t2), 'no-seats-available');
      expect(full.seatLedger.maxUsage['vs-enterprise']).toEqual({
        count: 1,
        firstReachedAt: t1.toISOString(),
      });
    });
  });
});

describe('usageOf', () => {
  const t0 = at('2025-03-10T12:00:00.000Z');

  function busyPartner(): Partner {
    // carol activated and left (cooling), dan active, erin and fay invited: 5 seats, 1 available.
    let partner = activatedThenReleased(competency(5), 'p-carol', t0, daysAfter(t0, 1));
    partner = grant(partner, 'p-dan', daysAfter(t0, 2));
    partner = activateSeat(partner, 'a-p-dan', daysAfter(t0, 2));
    partner = grant(partner, 'p-erin', daysAfter(t0, 3));
    partner = grant(partner, 'p-fay', daysAfter(t0, 4));
    return partner;
  }

  it('counts invited, activated, cooling and available seats per benefit with max usage', () => {
    expect(usageOf(busyPartner(), daysAfter(t0, 5))).toEqual([
      {
        benefit: 'vs-enterprise',
        seats: 5,
        startsOn: '2025-01-01',
        expiresOn: '2026-01-01',
        active: true,
        invited: 2,
        activated: 1,
        coolingDown: 1,
        available: 1,
        maxUsage: { count: 3, firstReachedAt: daysAfter(t0, 4).toISOString() },
      },
    ]);
  });

  it('stops counting a cooling seat once it has freed', () => {
    const [usage] = usageOf(busyPartner(), at('2025-06-08T12:00:00.000Z'));
    expect(usage).toMatchObject({ coolingDown: 0, available: 2 });
  });

  it('reports an inactive entitlement with 0 available', () => {
    const [usage] = usageOf(busyPartner(), at('2026-01-01T00:00:00.000Z'));
    expect(usage).toMatchObject({ active: false, invited: 2, activated: 1, available: 0 });
  });

  it('reports an entitlement not yet started as inactive with 0 available', () => {
    const [usage] = usageOf(competency(5, { startsOn: '2025-04-01' }), NOW);
    expect(usage).toMatchObject({ active: false, available: 0, invited: 0, activated: 0 });
  });

  it('reports maxUsage null and every seat available when never used', () => {
    expect(usageOf(competency(5), NOW)).toEqual([
      {
        benefit: 'vs-enterprise',
        seats: 5,
        startsOn: '2025-01-01',
        expiresOn: '2026-01-01',
        active: true,
        invited: 0,
        activated: 0,
        coolingDown: 0,
        available: 5,
        maxUsage: null,
      },
    ]);
  });
});

describe('liveSeatsOf', () => {
  it('lists only the live seats of that person', () => {
    let partner = grant(grant(competency(3), 'p-carol'), 'p-dan');
    partner = activateSeat(partner, 'a-p-dan', NOW);
    expect(liveSeatsOf(partner, 'p-dan').map((s) => [s.assignmentId, s.status])).toEqual([
      ['a-p-dan', 'active'],
    ]);
    expect(liveSeatsOf(partner, 'p-erin')).toEqual([]);
  });

  it('forgets a released seat', () => {
    const partner = releaseSeat(grant(competency(3), 'p-carol'), 'a-p-carol', NOW, SEAT_POLICY);
    expect(liveSeatsOf(partner, 'p-carol')).toEqual([]);
  });
});
