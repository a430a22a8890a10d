import { grantPrivilege, type AssignmentDeps } from '../../../../shared/app/assignments.js';
import type { CallContext } from '../../../../shared/app/ports.js';
import type { Partner } from '../../../../shared/domain/partner.js';
import type { Principal } from '../../../../shared/domain/principal.js';
import { NOW } from '../../../support/mothers/clock.js';
import { aPartner } from '../../../support/mothers/partner.js';
import { aPerson } from '../../../support/mothers/person.js';
import { anAdminOf } from '../../../support/mothers/principal.js';
import { withSlots } from '../../../support/mothers/seats.js';
import {
  FakeAssignmentRepository,
  FakeAuditLog,
  FakeClock,
  FakeEmailQueue,
  FakePartnerRepository,
  FakePartnerPartition,
  FakePersonRepository,
  TEST_INVITATIONS,
} from '../../../support/fakes/index.js';

export const grace = aPerson({
  personId: 'p-grace',
  email: 'grace@contoso.com',
  emailLower: 'grace@contoso.com',
});
export const alan = aPerson({
  personId: 'p-alan',
  email: 'alan@contoso.com',
  emailLower: 'alan@contoso.com',
  firstName: 'Alan',
  lastName: 'Turing',
  notificationEmail: 'alan.notify@contoso.com',
});
/** Linus holds no Technical Contact slot. */
export const linus = aPerson({
  personId: 'p-linus',
  email: 'linus@contoso.com',
  emailLower: 'linus@contoso.com',
});

export const ctx = (principal = anAdminOf('ada@contoso.com')): CallContext => ({
  principal,
  correlationId: 'corr-1',
});

/** The context of a call made at `time`: the world's clock is set to it first. */
export const callAt = (world: World, time: Date, principal?: Principal): CallContext => {
  world.clock.set(time);
  return ctx(principal);
};

export interface World {
  deps: AssignmentDeps;
  partners: FakePartnerRepository;
  people: FakePersonRepository;
  assignments: FakeAssignmentRepository;
  audit: FakeAuditLog;
  emails: FakeEmailQueue;
  partition: FakePartnerPartition;
  warnings: { event: string; fields: Record<string, unknown> }[];
  clock: FakeClock;
}

/** Contoso (Action Pack, 3 seats) with grace in the first slot and alan in the second; linus has none. */
export function aWorld(
  partner: Partner = withSlots(aPartner(), { first: 'p-grace', second: 'p-alan' }),
): World {
  const partners = new FakePartnerRepository(partner);
  const people = new FakePersonRepository(grace, alan, linus);
  const assignments = new FakeAssignmentRepository();
  const audit = new FakeAuditLog();
  const emails = new FakeEmailQueue();
  const warnings: World['warnings'] = [];
  const clock = new FakeClock(NOW);
  const partition = new FakePartnerPartition({ partners, people, assignments, audit });
  const deps: AssignmentDeps = {
    partners,
    partition,
    people,
    assignments,
    audit,
    clock: clock.now,
    emails,
    invitations: TEST_INVITATIONS,
    policy: { cooldownDays: 90, invitationTtlDays: 30 },
    warn: (event, fields) => warnings.push({ event, fields }),
  };
  return { deps, partners, people, assignments, audit, emails, partition, warnings, clock };
}

export const grantTo = (world: World, personId: string, at: Date = NOW) =>
  grantPrivilege(world.deps, callAt(world, at), 'contoso', {
    personId,
    privilege: 'visual-studio-subscriptions',
  });
