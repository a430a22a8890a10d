import { type DispatchDeps } from '../../../../shared/app/email-dispatch.js';
import type { EmailDispatchMessage } from '../../../../shared/app/ports.js';
import { invitationTokenHash } from '../../../../shared/app/assignments.js';
import { hashToken } from '../../../../shared/app/tokens.js';
import { type Assignment } from '../../../../shared/domain/assignment.js';
import { anAssignment } from '../../../support/mothers/assignment.js';
import { NOW, minutesAfter } from '../../../support/mothers/clock.js';
import { aPartner } from '../../../support/mothers/partner.js';
import { aPerson } from '../../../support/mothers/person.js';
import {
  FakeAssignmentRepository,
  FakeClock,
  FakeEmailQueue,
  FakeEmailSender,
  FakeLinks,
  FakePartnerRepository,
  FakePersonRepository,
  TEST_INVITATIONS,
} from '../../../support/fakes/index.js';

export const tokenOf = (assignmentId: string, version = 1) =>
  TEST_INVITATIONS.tokenFor({ partnerId: 'contoso', assignmentId, version });
export const hashFor = (assignmentId: string) =>
  invitationTokenHash(TEST_INVITATIONS, 'contoso', assignmentId);

export const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export { minutesAfter };

export interface World {
  deps: DispatchDeps;
  assignments: FakeAssignmentRepository;
  sender: FakeEmailSender;
  emails: FakeEmailQueue;
  clock: FakeClock;
  token: string;
  message: EmailDispatchMessage;
}

/** Contoso; Grace (person-1) invited to a-1 with a real token; the dispatch message for it. */
export function aWorld(assignment?: (a: Assignment) => Assignment): World {
  const token = tokenOf('a-1');
  const invited = anAssignment({}, { tokenHash: hashToken(token) });
  const assignments = new FakeAssignmentRepository(assignment ? assignment(invited) : invited);
  const sender = new FakeEmailSender();
  const emails = new FakeEmailQueue();
  const clock = new FakeClock(minutesAfter(NOW, 1));
  const deps: DispatchDeps = {
    partners: new FakePartnerRepository(aPartner()),
    people: new FakePersonRepository(aPerson()),
    assignments,
    sender,
    emails,
    links: new FakeLinks(),
    invitations: TEST_INVITATIONS,
    clock: clock.now,
    policy: { emailStaleMinutes: 15 },
  };
  const message = { partnerId: 'contoso', assignmentId: 'a-1', sequence: 1, correlationId: 'corr-1' };
  return { deps, assignments, sender, emails, clock, token, message };
}

export const stored = (world: World) => world.assignments.current('contoso', 'a-1');
