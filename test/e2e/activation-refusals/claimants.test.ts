import { describe, expect, it } from 'vitest';
import { assignmentRepository } from '../../../shared/root.js';
import { grantAndReadLink, submitProfile } from '../../support/activation.js';
import type { AssignmentBody } from '../../support/app.js';
import { TestBrowser } from '../../support/browser.js';
import { activationLinkIn } from '../../support/inbox.js';
import { eventually } from '../../support/eventually.js';
import { tenantIdFor } from '../../../scripts/idp/users.js';
import {
  api,
  stack,
  mail,
  apiOrigin,
  callbackUrl,
  stored,
  expectPage,
  expectUntouched,
  signInAs,
  expectProfilePage,
} from '../../support/activation-refusals.js';

/** Who may claim an invitation: only the invitee, from the partner's tenant; anyone else binds nothing. */

describe('identities that may not claim the invitation', () => {
  it('someone outside the partner is told which account is signed in and which is invited; the link stays usable', async () => {
    const { p, partnerId, person, assignmentId, link } = await grantAndReadLink();
    const outsider = 'someone@outsider.example.org';
    const page = await signInAs(new TestBrowser(stack.caCertPath), link, outsider);
    expect(page.url.startsWith(callbackUrl)).toBe(true);
    expectPage(page, 403, `You are signed in as ${outsider}, an account that does not belong to`);
    expect(page.body).toContain(`This invitation is for ${person.email}`);
    await expectUntouched(p, assignmentId);

    // The refusal spent nothing: the invited person follows the same link and reaches the profile page.
    expectProfilePage(await new TestBrowser(stack.caCertPath).navigate(link));
    expect((await stored(partnerId, assignmentId)).subscriber?.email).toBe(person.email.toLowerCase());
  });

  it('a foreign-tenant account that claims the invitee’s own address is refused, and nothing is bound', async () => {
    const { p, partnerId, person, assignmentId, link } = await grantAndReadLink();
    const page = await signInAs(new TestBrowser(stack.caCertPath), link, person.email, {
      tenant: tenantIdFor('attacker.example'),
    });
    expect(page.url.startsWith(callbackUrl)).toBe(true);
    expectPage(
      page,
      403,
      `You are signed in as ${person.email.toLowerCase()}, an account that does not belong to`,
    );
    await expectUntouched(p, assignmentId);

    // The invitee, from the partner's tenant, then claims it.
    expectProfilePage(await new TestBrowser(stack.caCertPath).navigate(link));
    expect((await stored(partnerId, assignmentId)).subscriber?.tenantId).toBe(p.body.tenantId);
  });

  it('a colleague of the same tenant who is not the invitee is refused, naming both accounts', async () => {
    const { p, person, assignmentId, link } = await grantAndReadLink();
    const colleague = `other@${p.domain}`;
    const page = await signInAs(new TestBrowser(stack.caCertPath), link, colleague);
    expect(page.url.startsWith(callbackUrl)).toBe(true);
    expectPage(page, 403, `You are signed in as ${colleague}, but this invitation is for ${person.email}.`);
    await expectUntouched(p, assignmentId);
  });

  it('after a wrong claimant, the invitee is refused until a resend, whose new link activates for the invitee', async () => {
    const { p, partnerId, person, assignmentId, link } = await grantAndReadLink();
    // Another account already holds the claim of this invitation version (e.g. one the tenant later reissued).
    await assignmentRepository().update(partnerId, assignmentId, (a) => ({
      ...a,
      subscriber: {
        issuer: `${stack.idpUrl}/${p.body.tenantId}/v2.0`,
        subject: 'someone-else',
        tenantId: p.body.tenantId,
        objectId: '00000000-0000-4000-8000-00000000dead',
        email: person.email,
        invitationVersion: a.invitation.version,
        boundAt: new Date().toISOString(),
        profile: null,
      },
    }));
    const refused = await new TestBrowser(stack.caCertPath).navigate(link);
    expectPage(refused, 410, 'This invitation was already claimed by another account.');

    const resent = await api.request<AssignmentBody>('POST', `${p.base}/assignments/${assignmentId}/resend`, {
      as: p.admin,
    });
    expect(resent.status).toBe(200);
    expect((await stored(partnerId, assignmentId)).subscriber).toBeNull();
    const newLink = await eventually(
      async () =>
        (await mail.messages(person.email))
          .map((m) => activationLinkIn(m).toString())
          .find((l) => l !== link),
      { what: 'the second invitation' },
    );
    const browser = new TestBrowser(stack.caCertPath);
    const profile = await browser.navigate(newLink);
    expectProfilePage(profile);
    const benefits = await submitProfile(browser, profile, person.email);
    expect(benefits.url).toBe(`${apiOrigin}/api/benefits`);
    const activated = await stored(partnerId, assignmentId);
    expect(activated.status).toBe('active');
    expect(activated.subscriber).toMatchObject({ tenantId: p.body.tenantId, invitationVersion: 2 });
    expect(activated.subscriber?.objectId).not.toBe('00000000-0000-4000-8000-00000000dead');
  });
});
