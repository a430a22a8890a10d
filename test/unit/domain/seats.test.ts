import { describe, expect, it } from 'vitest';
import type { Partner } from '../../../shared/domain/partner.js';
import { activateSeat, benefitForPrivilege, grantSeat } from '../../../shared/domain/seats.js';
import { NOW } from '../../support/mothers/clock.js';
import { aCompetencyPartner, aPartner } from '../../support/mothers/partner.js';
import { withSlots } from '../../support/mothers/seats.js';
import { appErrorFrom } from '../../support/app-error.js';
import { actionPack, at, competency, enterprise, grant } from './seats-support.js';

/** Granting a seat: which benefit a privilege gives, and the rules a grant must pass (4, 6, 2, 1). */

describe('benefitForPrivilege', () => {
  it('maps the Action Pack privilege visual-studio-subscriptions to vs-professional', () => {
    expect(benefitForPrivilege({ program: 'action-pack' }, 'visual-studio-subscriptions')).toBe(
      'vs-professional',
    );
  });

  it('maps the Competency privilege msdn-subscriptions to vs-enterprise', () => {
    expect(benefitForPrivilege({ program: 'competency' }, 'msdn-subscriptions')).toBe('vs-enterprise');
  });

  it('refuses the Competency privilege for an Action Pack partner with privilege-not-in-program', () => {
    const error = appErrorFrom(
      () => benefitForPrivilege({ program: 'action-pack' }, 'msdn-subscriptions'),
      'privilege-not-in-program',
    );
    expect(error.details).toEqual({ program: 'action-pack', privilege: 'visual-studio-subscriptions' });
  });

  it('refuses the Action Pack privilege for a Competency partner with privilege-not-in-program', () => {
    const error = appErrorFrom(
      () => benefitForPrivilege({ program: 'competency' }, 'visual-studio-subscriptions'),
      'privilege-not-in-program',
    );
    expect(error.details).toEqual({ program: 'competency', privilege: 'msdn-subscriptions' });
  });
});

describe('grantSeat', () => {
  describe('Technical Contact slot (rule 4)', () => {
    it('refuses an Action Pack person without a slot with technical-contact-required', () => {
      const partner = actionPack();
      appErrorFrom(() => grant(partner, 'p-bob'), 'technical-contact-required');
    });

    it('grants an Action Pack person holding a slot an invited vs-professional seat', () => {
      const partner = withSlots(aPartner(), { third: 'p-bob' });
      const next = grant(partner, 'p-bob');
      expect(next.seatLedger.live).toEqual([
        {
          assignmentId: 'a-p-bob',
          personId: 'p-bob',
          benefit: 'vs-professional',
          status: 'invited',
          assignedAt: NOW.toISOString(),
          activatedAt: null,
        },
      ]);
      expect(next.updatedAt).toBe(NOW.toISOString());
    });

    it('grants a Competency person without any slot a vs-enterprise seat', () => {
      const partner = competency();
      expect(Object.values(partner.technicalContacts)).toEqual([null, null, null]);
      const next = grant(partner, 'p-carol');
      expect(next.seatLedger.live.map((s) => [s.personId, s.benefit, s.status])).toEqual([
        ['p-carol', 'vs-enterprise', 'invited'],
      ]);
    });

    it('refuses the wrong privilege before anything else with privilege-not-in-program', () => {
      appErrorFrom(
        () =>
          grantSeat(
            actionPack(),
            { assignmentId: 'a', personId: 'p-alice', privilege: 'msdn-subscriptions' },
            NOW,
          ),
        'privilege-not-in-program',
      );
    });

    it('does not change the partner it was given', () => {
      const partner = actionPack();
      const before = structuredClone(partner);
      grant(partner, 'p-alice');
      expect(partner).toEqual(before);
    });
  });

  describe('entitlement dates (rule 6)', () => {
    const starting = competency(2, { startsOn: '2025-03-11', expiresOn: '2025-06-01' });

    it('refuses before startsOn with entitlement-inactive naming the benefit', () => {
      const error = appErrorFrom(
        () => grant(starting, 'p-carol', at('2025-03-10T23:59:59.999Z')),
        'entitlement-inactive',
      );
      expect(error.details).toEqual({ benefit: 'vs-enterprise' });
    });

    it('grants from the first instant of startsOn', () => {
      expect(grant(starting, 'p-carol', at('2025-03-11T00:00:00.000Z')).seatLedger.live).toHaveLength(1);
    });

    it('grants on the last day covered (the day before expiresOn)', () => {
      expect(grant(starting, 'p-carol', at('2025-05-31T23:59:59.999Z')).seatLedger.live).toHaveLength(1);
    });

    it('refuses on expiresOn itself: it is the first day NOT covered', () => {
      appErrorFrom(() => grant(starting, 'p-carol', at('2025-06-01T00:00:00.000Z')), 'entitlement-inactive');
    });

    it('refuses after expiresOn', () => {
      appErrorFrom(() => grant(starting, 'p-carol', at('2025-09-01T12:00:00.000Z')), 'entitlement-inactive');
    });

    it('refuses when the partner has no entitlement for the benefit at all', () => {
      const partner = aCompetencyPartner({ entitlements: [] });
      appErrorFrom(() => grant(partner, 'p-carol'), 'entitlement-inactive');
    });

    it('ignores an in-force entitlement of another benefit', () => {
      const partner: Partner = {
        ...aCompetencyPartner(),
        entitlements: [{ ...enterprise(), benefit: 'vs-professional' }],
      };
      appErrorFrom(() => grant(partner, 'p-carol'), 'entitlement-inactive');
    });
  });

  describe('one live seat per person (rule 2)', () => {
    it('refuses a person with an invited seat with already-assigned naming that assignment', () => {
      const partner = grant(competency(5), 'p-carol', NOW, 'a-first');
      const error = appErrorFrom(() => grant(partner, 'p-carol', NOW, 'a-second'), 'already-assigned');
      expect(error.details).toEqual({ assignmentId: 'a-first' });
    });

    it('refuses a person with an active seat with already-assigned naming that assignment', () => {
      const partner = activateSeat(grant(competency(5), 'p-carol', NOW, 'a-first'), 'a-first', NOW);
      const error = appErrorFrom(() => grant(partner, 'p-carol', NOW, 'a-second'), 'already-assigned');
      expect(error.details).toEqual({ assignmentId: 'a-first' });
    });

    it('says already-assigned rather than no-seats-available when the person holds one of the full seats', () => {
      const full = grant(grant(competency(2), 'p-carol'), 'p-dan');
      appErrorFrom(() => grant(full, 'p-carol', NOW, 'a-again'), 'already-assigned');
    });
  });

  describe('seat limit (rule 1)', () => {
    it('refuses when every seat is live with no-seats-available naming benefit, seats and seats in use', () => {
      const full = grant(grant(competency(2), 'p-carol'), 'p-dan');
      const error = appErrorFrom(() => grant(full, 'p-erin'), 'no-seats-available');
      expect(error.details).toEqual({ benefit: 'vs-enterprise', seats: 2, inUse: 2 });
    });

    it('counts pending invitations as taken seats', () => {
      const full = grant(grant(competency(2), 'p-carol'), 'p-dan');
      expect(full.seatLedger.live.map((s) => s.status)).toEqual(['invited', 'invited']);
      appErrorFrom(() => grant(full, 'p-erin'), 'no-seats-available');
    });

    it('fills an Action Pack partner up to exactly 3 seats', () => {
      let partner = withSlots(aPartner(), { first: 'p-1', second: 'p-2', third: 'p-3' });
      partner = grant(grant(grant(partner, 'p-1'), 'p-2'), 'p-3');
      expect(partner.seatLedger.live).toHaveLength(3);
      // A fourth slot holder cannot exist, so prove the count with a fourth seat on a 3-seat Competency partner.
      const competencyFull = grant(grant(grant(competency(3), 'p-1'), 'p-2'), 'p-3');
      appErrorFrom(() => grant(competencyFull, 'p-4'), 'no-seats-available');
    });
  });
});
