import { describe, expect, it } from 'vitest';
import { reissueInvitation, type SignedInIdentity } from '../../../shared/domain/assignment.js';
import { activateAssignment, assertInvitee, bindSubscriber } from '../../../shared/domain/invitation.js';
import { INVITATION_POLICY, anAssignment } from '../../support/mothers/assignment.js';
import { LATER, NOW } from '../../support/mothers/clock.js';
import { aPartner } from '../../support/mothers/partner.js';
import { ATTACKER_TENANT, CONTOSO_TENANT, objectIdOf } from '../../support/mothers/principal.js';
import { appErrorFrom } from '../../support/app-error.js';

/** Grace (grace@contoso.com) signing in with her Contoso account. */
function grace(overrides: Partial<SignedInIdentity> = {}): SignedInIdentity {
  return {
    issuer: `https://login.example.test/${CONTOSO_TENANT}/v2.0`,
    subject: 'grace-subject',
    tenantId: CONTOSO_TENANT,
    objectId: objectIdOf(CONTOSO_TENANT, 'grace@contoso.com'),
    email: 'grace@contoso.com',
    signInNames: ['grace@contoso.com'],
    ...overrides,
  };
}

const invitation = () => anAssignment({}, { tokenHash: 'h1' });
const profile = { firstName: 'Grace', lastName: 'Hopper', contactEmail: 'grace@contoso.com' };

describe('assertInvitee', () => {
  it('accepts the invitee signing in with an account of the partner tenant, by any of its sign-in names', () => {
    expect(() => assertInvitee(aPartner(), invitation(), grace())).not.toThrow();
    const byUpn = grace({
      email: 'g.hopper@contoso.com',
      signInNames: ['g.hopper@contoso.com', 'Grace@Contoso.com'],
    });
    expect(() => assertInvitee(aPartner(), invitation(), byUpn)).not.toThrow();
  });

  it('refuses a foreign-tenant account that claims the invitee’s address, naming both accounts', () => {
    const impostor = grace({ tenantId: ATTACKER_TENANT, objectId: objectIdOf(ATTACKER_TENANT, 'grace') });
    const error = appErrorFrom(() => assertInvitee(aPartner(), invitation(), impostor), 'forbidden');
    expect(error.details).toMatchObject({
      reason: 'identity-not-in-partner',
      signedInAs: 'grace@contoso.com',
      invitationFor: 'grace@contoso.com',
    });
  });

  it('refuses a colleague of the same tenant who is not the invitee, saying which account is signed in', () => {
    const colleague = grace({ email: 'alan@contoso.com', signInNames: ['alan@contoso.com'] });
    const error = appErrorFrom(() => assertInvitee(aPartner(), invitation(), colleague), 'forbidden');
    expect(error.details).toMatchObject({ reason: 'not-the-invitee', signedInAs: 'alan@contoso.com' });
    expect(error.message).toContain('alan@contoso.com');
    expect(error.message).toContain('grace@contoso.com');
  });

  it('refuses an account with no sign-in name at all', () => {
    appErrorFrom(
      () => assertInvitee(aPartner(), invitation(), grace({ email: undefined, signInNames: [] })),
      'forbidden',
    );
  });
});

describe('bindSubscriber', () => {
  it('binds tenant + object id to the current invitation version', () => {
    const bound = bindSubscriber(invitation(), grace(), 'h1', NOW);
    expect(bound.subscriber).toMatchObject({
      tenantId: CONTOSO_TENANT,
      objectId: grace().objectId,
      invitationVersion: 1,
      profile: null,
    });
    expect(bindSubscriber(bound, grace(), 'h1', LATER)).toBe(bound);
  });

  it('refuses a second account for the same version with claimed', () => {
    const bound = bindSubscriber(invitation(), grace(), 'h1', NOW);
    const other = grace({ objectId: objectIdOf(CONTOSO_TENANT, 'someone-else') });
    expect(
      appErrorFrom(() => bindSubscriber(bound, other, 'h1', LATER), 'invitation-invalid').details,
    ).toEqual({
      reason: 'claimed',
    });
  });

  it('lets the invitee claim a resent invitation after a wrong claimant: a resend clears the binding', () => {
    const wrong = grace({ objectId: objectIdOf(CONTOSO_TENANT, 'wrong-account') });
    const claimed = bindSubscriber(invitation(), wrong, 'h1', NOW);
    const resent = reissueInvitation(claimed, () => 'h2', 'grace@contoso.com', LATER, INVITATION_POLICY);
    expect(resent.subscriber).toBeNull();
    appErrorFrom(() => bindSubscriber(resent, grace(), 'h1', LATER), 'invitation-invalid'); // the old link is dead
    const rebound = bindSubscriber(resent, grace(), 'h2', LATER);
    expect(rebound.subscriber).toMatchObject({ objectId: grace().objectId, invitationVersion: 2 });
  });
});

describe('activateAssignment', () => {
  it('activates for the bound identity only (tenant + object id)', () => {
    const bound = bindSubscriber(invitation(), grace(), 'h1', NOW);
    appErrorFrom(
      () => activateAssignment(bound, grace({ tenantId: ATTACKER_TENANT }), profile, LATER),
      'invitation-invalid',
    );
    expect(
      activateAssignment(bound, grace({ subject: 'another-pairwise-subject' }), profile, LATER).status,
    ).toBe('active');
  });
});
