import { describe, expect, it } from 'vitest';
import type { Partner } from '../../../shared/domain/partner.js';
import { activateSeat, releaseSeat } from '../../../shared/domain/seats.js';
import { NOW } from '../../support/mothers/clock.js';
import { SEAT_POLICY, aCoolingSeat } from '../../support/mothers/seats.js';
import { appErrorFrom } from '../../support/app-error.js';
import { activatedThenReleased, at, competency, daysAfter, grant } from './seats-support.js';

/** A released seat cools down before the same benefit can go to someone else (rule 7). */

describe('grantSeat', () => {
  describe('reassignment cooldown (rule 7)', () => {
    const t0 = at('2025-03-10T12:00:00.000Z');

    it('refuses a different person when the only free seat cools, with seat-in-cooldown and the date it frees', () => {
      let partner = activatedThenReleased(competency(2), 'p-carol', t0, daysAfter(t0, 10));
      partner = grant(partner, 'p-dan', daysAfter(t0, 11));
      const error = appErrorFrom(() => grant(partner, 'p-erin', daysAfter(t0, 12)), 'seat-in-cooldown');
      expect(error.details).toEqual({ benefit: 'vs-enterprise', freesAt: '2025-06-08T12:00:00.000Z' });
    });

    it('names the EARLIEST freesAt among several cooling seats of other people', () => {
      let partner = grant(competency(2), 'p-carol', t0);
      partner = grant(partner, 'p-dan', daysAfter(t0, 5));
      partner = activateSeat(activateSeat(partner, 'a-p-carol', t0), 'a-p-dan', daysAfter(t0, 5));
      // Released in the order dan, carol: the earliest-freeing record is not the first one stored.
      partner = releaseSeat(partner, 'a-p-dan', daysAfter(t0, 10), SEAT_POLICY);
      partner = releaseSeat(partner, 'a-p-carol', daysAfter(t0, 10), SEAT_POLICY);
      expect(partner.seatLedger.cooling.map((s) => [s.personId, s.freesAt])).toEqual([
        ['p-dan', '2025-06-13T12:00:00.000Z'],
        ['p-carol', '2025-06-08T12:00:00.000Z'],
      ]);
      const error = appErrorFrom(() => grant(partner, 'p-erin', daysAfter(t0, 20)), 'seat-in-cooldown');
      expect(error.details).toEqual({ benefit: 'vs-enterprise', freesAt: '2025-06-08T12:00:00.000Z' });
    });

    it('says when a cooling seat frees in no-seats-available, when live seats already fill a lowered entitlement', () => {
      let partner = activatedThenReleased(competency(2), 'p-carol', t0, daysAfter(t0, 10));
      partner = grant(partner, 'p-dan', daysAfter(t0, 11));
      const lowered: Partner = {
        ...partner,
        entitlements: partner.entitlements.map((e) => ({ ...e, seats: 1 })),
      };
      const error = appErrorFrom(() => grant(lowered, 'p-erin', daysAfter(t0, 12)), 'no-seats-available');
      expect(error.details).toEqual({
        benefit: 'vs-enterprise',
        seats: 1,
        inUse: 1,
        coolingSeatFreesAt: '2025-06-08T12:00:00.000Z',
      });
    });

    it('still grants another person when a seat is free beyond the cooling ones', () => {
      const partner = activatedThenReleased(competency(2), 'p-carol', t0, daysAfter(t0, 10));
      const next = grant(partner, 'p-dan', daysAfter(t0, 11));
      expect(next.seatLedger.live.map((s) => s.personId)).toEqual(['p-dan']);
      expect(next.seatLedger.cooling.map((s) => s.personId)).toEqual(['p-carol']);
    });

    it('lets the person who left a cooling seat take it back, and forgets that cooling record', () => {
      let partner = activatedThenReleased(competency(1), 'p-carol', t0, daysAfter(t0, 10));
      appErrorFrom(() => grant(partner, 'p-dan', daysAfter(t0, 11)), 'seat-in-cooldown');
      partner = grant(partner, 'p-carol', daysAfter(t0, 11), 'a-carol-again');
      expect(partner.seatLedger.live.map((s) => [s.assignmentId, s.personId])).toEqual([
        ['a-carol-again', 'p-carol'],
      ]);
      expect(partner.seatLedger.cooling).toEqual([]);
    });

    it('keeps the other people’s cooling records when one person takes their seat back', () => {
      let partner = grant(grant(competency(2), 'p-carol', t0), 'p-dan', t0);
      partner = activateSeat(activateSeat(partner, 'a-p-carol', t0), 'a-p-dan', t0);
      partner = releaseSeat(partner, 'a-p-carol', daysAfter(t0, 1), SEAT_POLICY);
      partner = releaseSeat(partner, 'a-p-dan', daysAfter(t0, 1), SEAT_POLICY);
      partner = grant(partner, 'p-carol', daysAfter(t0, 2), 'a-carol-again');
      expect(partner.seatLedger.cooling.map((s) => s.personId)).toEqual(['p-dan']);
    });

    it('no longer blocks once the cooling record has expired (from freesAt on)', () => {
      const partner = activatedThenReleased(competency(1), 'p-carol', t0, daysAfter(t0, 10));
      appErrorFrom(() => grant(partner, 'p-dan', at('2025-06-08T11:59:59.999Z')), 'seat-in-cooldown');
      const next = grant(partner, 'p-dan', at('2025-06-08T12:00:00.000Z'));
      expect(next.seatLedger.live.map((s) => s.personId)).toEqual(['p-dan']);
      expect(next.seatLedger.cooling).toEqual([]);
    });

    it('ignores a stored cooling record whose freesAt has passed', () => {
      const partner: Partner = {
        ...competency(1),
        seatLedger: {
          live: [],
          cooling: [aCoolingSeat({ benefit: 'vs-enterprise', freesAt: '2025-03-01T00:00:00.000Z' })],
          maxUsage: {},
        },
      };
      const next = grant(partner, 'p-dan', NOW);
      expect(next.seatLedger.live).toHaveLength(1);
      expect(next.seatLedger.cooling).toEqual([]);
    });

    it('keeps the cooldown when the person who left the seat is re-invited and that invitation is revoked', () => {
      // carol activated the only seat and left it: it cools until 2025-06-08. She is invited again (taking
      // her own seat back), and that invitation is revoked before activation. The seat was still activated
      // by carol less than 90 days ago, so it must not go to dan before the original freesAt (rule 7);
      // otherwise any admin bypasses the cooldown by re-inviting and revoking the previous holder.
      let partner = activatedThenReleased(competency(1), 'p-carol', t0, daysAfter(t0, 10));
      partner = grant(partner, 'p-carol', daysAfter(t0, 11), 'a-carol-again');
      partner = releaseSeat(partner, 'a-carol-again', daysAfter(t0, 12), SEAT_POLICY);
      const error = appErrorFrom(() => grant(partner, 'p-dan', daysAfter(t0, 12)), 'seat-in-cooldown');
      expect(String(error.details.freesAt) >= '2025-06-08T12:00:00.000Z').toBe(true);
    });

    it('frees a seat whose invitation was revoked before activation at once', () => {
      let partner = grant(competency(1), 'p-carol', t0);
      partner = releaseSeat(partner, 'a-p-carol', daysAfter(t0, 1), SEAT_POLICY);
      expect(grant(partner, 'p-dan', daysAfter(t0, 1)).seatLedger.live.map((s) => s.personId)).toEqual([
        'p-dan',
      ]);
    });
  });
});
