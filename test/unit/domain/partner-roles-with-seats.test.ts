import { describe, expect, it } from 'vitest';
import {
  administratorEmails,
  releasePerson,
  setRoles,
  slotOf,
  type Partner,
} from '../../../shared/domain/partner.js';
import { activateSeat, grantSeat, liveSeatsOf, releaseSeat } from '../../../shared/domain/seats.js';
import { LATER, NOW } from '../../support/mothers/clock.js';
import { aCompetencyPartner, aPartner, alice, bob } from '../../support/mothers/partner.js';
import { SEAT_POLICY, withSlots } from '../../support/mothers/seats.js';
import { appErrorFrom } from '../../support/app-error.js';

/** An Action Pack partner where alice (first slot) holds an invited seat `a-alice`; bob holds the second slot. */
function actionPackWithAliceSeated(): Partner {
  const partner = withSlots(aPartner(), { first: alice.personId, second: bob.personId });
  return grantSeat(
    partner,
    { assignmentId: 'a-alice', personId: alice.personId, privilege: 'visual-studio-subscriptions' },
    NOW,
  );
}

describe('setRoles with live seats (rule 4)', () => {
  it('refuses to take the slot away from an Action Pack person with an invited seat: role-in-use naming the slot', () => {
    const partner = actionPackWithAliceSeated();
    const error = appErrorFrom(
      () => setRoles(partner, alice, { technicalContact: null }, LATER),
      'role-in-use',
    );
    expect(error.details).toEqual({ technicalContact: 'first' });
  });

  it('refuses it for an active seat too', () => {
    const partner = activateSeat(actionPackWithAliceSeated(), 'a-alice', NOW);
    appErrorFrom(() => setRoles(partner, alice, { technicalContact: null }, LATER), 'role-in-use');
  });

  it('leaves the slot where it was when refusing', () => {
    const partner = actionPackWithAliceSeated();
    appErrorFrom(() => setRoles(partner, alice, { technicalContact: null }, LATER), 'role-in-use');
    expect(slotOf(partner, alice.personId)).toBe('first');
  });

  it('lets the person move to another free slot, keeping the seat', () => {
    const partner = actionPackWithAliceSeated();
    const moved = setRoles(partner, alice, { technicalContact: 'third' }, LATER);
    expect(moved.technicalContacts).toEqual({ first: null, second: bob.personId, third: alice.personId });
    expect(liveSeatsOf(moved, alice.personId).map((s) => s.assignmentId)).toEqual(['a-alice']);
  });

  it('refuses moving to a slot someone else holds with slot-taken, not role-in-use', () => {
    const partner = actionPackWithAliceSeated();
    const error = appErrorFrom(
      () => setRoles(partner, alice, { technicalContact: 'second' }, LATER),
      'slot-taken',
    );
    expect(error.details).toEqual({ slot: 'second', holderPersonId: bob.personId });
  });

  it('lets the slot go once the seat has been released (the subscription revoked first)', () => {
    const released = releaseSeat(actionPackWithAliceSeated(), 'a-alice', LATER, SEAT_POLICY);
    const next = setRoles(released, alice, { technicalContact: null }, LATER);
    expect(slotOf(next, alice.personId)).toBeNull();
  });

  it('is not disturbed by another person’s seat: bob without a seat may drop his slot', () => {
    const next = setRoles(actionPackWithAliceSeated(), bob, { technicalContact: null }, LATER);
    expect(next.technicalContacts).toEqual({ first: alice.personId, second: null, third: null });
  });

  it('allows unchanged slots with an administrator change while the seat is live', () => {
    const partner = actionPackWithAliceSeated();
    const next = setRoles(partner, alice, { technicalContact: 'first', programAdministrator: true }, LATER);
    expect(slotOf(next, alice.personId)).toBe('first');
    expect(administratorEmails(next)).toContain('alice@contoso.com');
  });

  it('does not refuse for a Competency partner, whose seats need no slot', () => {
    const partner = grantSeat(
      withSlots(aCompetencyPartner(), { first: alice.personId }),
      { assignmentId: 'a-alice', personId: alice.personId, privilege: 'msdn-subscriptions' },
      NOW,
    );
    const next = setRoles(partner, alice, { technicalContact: null }, LATER);
    expect(slotOf(next, alice.personId)).toBeNull();
    expect(liveSeatsOf(next, alice.personId)).toHaveLength(1);
  });
});

describe('releasePerson with live seats', () => {
  it('refuses a person with a live seat without cascade: person-in-use naming the assignments', () => {
    const error = appErrorFrom(
      () => releasePerson(actionPackWithAliceSeated(), alice, false, LATER),
      'person-in-use',
    );
    expect(error.details).toEqual({ assignments: ['a-alice'] });
  });

  it('refuses it even with cascade: the use case must revoke the seats first', () => {
    const error = appErrorFrom(
      () => releasePerson(actionPackWithAliceSeated(), alice, true, LATER),
      'person-in-use',
    );
    expect(error.details).toEqual({ assignments: ['a-alice'] });
  });

  it('refuses a Competency person with a live seat and no slot', () => {
    const partner = grantSeat(
      aCompetencyPartner(),
      { assignmentId: 'a-alice', personId: alice.personId, privilege: 'msdn-subscriptions' },
      NOW,
    );
    const error = appErrorFrom(() => releasePerson(partner, alice, true, LATER), 'person-in-use');
    expect(error.details).toEqual({ assignments: ['a-alice'] });
  });

  it('frees the slot with cascade once the seat is released', () => {
    const released = releaseSeat(actionPackWithAliceSeated(), 'a-alice', LATER, SEAT_POLICY);
    const next = releasePerson(released, alice, true, LATER);
    expect(next.technicalContacts).toEqual({ first: null, second: bob.personId, third: null });
  });
});
