import { expect } from 'vitest';
import { newAssignment } from '../../shared/domain/assignment.js';
import { hashToken } from '../../shared/app/tokens.js';
import { assignmentRepository, invitationTokens } from '../../shared/root.js';
import { createPartner, testApp, type PersonBody } from './app.js';
import { activationLinkIn, inbox } from './inbox.js';
import { eventually } from './eventually.js';
import { inputValue, type Page, type TestBrowser } from './browser.js';

/** Grants a subscription and returns the activation link from the email the person received. */
export async function grantAndReadLink(program: 'action-pack' | 'competency' = 'competency', local = 'sub') {
  const mail = inbox(testApp().stack.emailUrl);
  const p = await createPartner({ program });
  const person = await p.associate(local);
  if (program === 'action-pack') await p.setSlot(person.personId, 'first');
  const granted = await p.grant(person.personId);
  expect(granted.status).toBe(201);
  const email = await eventually(async () => (await mail.messages(person.email))[0], {
    what: 'the invitation',
  });
  return {
    p,
    partnerId: p.body.partnerId,
    person,
    assignmentId: granted.body.assignmentId,
    link: activationLinkIn(email).toString(),
  };
}

/**
 * Stores an invited Enterprise assignment directly, without queueing its email, so a test owns the only
 * message for it (or none at all). The seat ledger is not touched: these tests are about email delivery.
 */
export async function anUnsentAssignment(partnerId: string, person: PersonBody, at = new Date()) {
  const assignmentId = crypto.randomUUID();
  // The app's own derivation, so the link the dispatcher rebuilds matches the stored hash.
  const token = invitationTokens().tokenFor({ partnerId, assignmentId, version: 1 });
  await assignmentRepository().create(
    newAssignment(
      {
        assignmentId,
        partnerId,
        personId: person.personId,
        personEmail: person.email,
        deliverTo: person.email,
        privilege: 'msdn-subscriptions',
        benefit: 'vs-enterprise',
        assignedBy: { subject: 'test', email: null },
        tokenHash: hashToken(token),
      },
      at,
      { invitationTtlDays: 30 },
    ),
  );
  return { assignmentId, token };
}

/** Submits the profile form shown on `profile` with the session's CSRF token, as the person would. */
export function submitProfile(
  browser: TestBrowser,
  profile: Page,
  contactEmail: string,
  names: { firstName: string; lastName: string } = { firstName: 'Sub', lastName: 'Scriber' },
): Promise<Page> {
  return browser.navigate(`${new URL(profile.url).origin}/api/profile`, {
    method: 'POST',
    form: { csrfToken: inputValue(profile.body, 'csrfToken')!, ...names, contactEmail },
  });
}
