import { describe, expect, it } from 'vitest';
import { assignmentRepository } from '../../../shared/root.js';
import { grantAndReadLink, submitProfile } from '../../support/activation.js';
import type { AssignmentBody } from '../../support/app.js';
import { TestBrowser } from '../../support/browser.js';
import { activationLinkIn } from '../../support/inbox.js';
import { eventually } from '../../support/eventually.js';
import {
  api,
  stack,
  mail,
  apiOrigin,
  callbackUrl,
  stored,
  activationState,
  expectPage,
  expectUntouched,
  flipAt,
  expectProfilePage,
} from '../../support/activation-refusals.js';

/** Activation links that cannot be used: spent, expired, replaced, revoked, or tampered with. */

describe('activation links that cannot be used', () => {
  it('a link used for a full activation is refused the second time, with a way to sign in', async () => {
    const { p, partnerId, assignmentId, link } = await grantAndReadLink('action-pack');
    const browser = new TestBrowser(stack.caCertPath);
    const profile = await browser.navigate(link);
    expectProfilePage(profile);
    const benefits = await submitProfile(browser, profile, `sub.home@${p.domain}`);
    expect(benefits.url).toBe(`${apiOrigin}/api/benefits`);
    const before = await activationState(partnerId, assignmentId);
    expect(before.status).toBe('active');
    expect(before.invitation.usedAt).not.toBeNull();

    for (const again of [browser, new TestBrowser(stack.caCertPath)]) {
      const page = await again.navigate(link);
      expectPage(page, 410, 'This invitation link has already been used.');
      expect(page.body).toContain('<a class="button" href="/api/signin">Sign in</a>');
      expect(again.cookie(callbackUrl, 'ps_signin')).toBeUndefined(); // no sign-in was started
    }

    expect(await activationState(partnerId, assignmentId)).toEqual(before);
    const read = await p.assignment(assignmentId);
    expect(read.body.status).toBe('active');
    expect(read.body.invitation.usedAt).toBe(before.invitation.usedAt);
  });

  it('an expired link is refused', async () => {
    const { p, partnerId, assignmentId, link } = await grantAndReadLink();
    await assignmentRepository().update(partnerId, assignmentId, (a) => ({
      ...a,
      invitation: { ...a.invitation, expiresAt: new Date(Date.now() - 1000).toISOString() },
    }));
    const browser = new TestBrowser(stack.caCertPath);
    const page = await browser.navigate(link);
    expectPage(page, 410, 'This invitation link has expired.');
    expect(page.body).toContain('Program Administrator');
    expect(browser.cookie(callbackUrl, 'ps_signin')).toBeUndefined();
    await expectUntouched(p, assignmentId);
  });

  it('a link replaced by a resend is refused, and the new one works', async () => {
    const { p, partnerId, person, assignmentId, link } = await grantAndReadLink();
    const resent = await api.request<AssignmentBody>('POST', `${p.base}/assignments/${assignmentId}/resend`, {
      as: p.admin,
    });
    expect(resent.status).toBe(200);
    expect(resent.body.invitation.version).toBe(2);
    const newLink = await eventually(
      async () => {
        const links = (await mail.messages(person.email)).map((m) => activationLinkIn(m).toString());
        return links.find((l) => l !== link);
      },
      { what: 'the second invitation' },
    );
    const before = await activationState(partnerId, assignmentId);

    const old = await new TestBrowser(stack.caCertPath).navigate(link);
    expectPage(old, 410, 'This invitation link is not valid: it was replaced by a newer email');
    expect(await activationState(partnerId, assignmentId)).toEqual(before);
    await expectUntouched(p, assignmentId);

    const fresh = await new TestBrowser(stack.caCertPath).navigate(newLink);
    expectProfilePage(fresh);
  });

  it('a link for a revoked subscription is refused', async () => {
    const { p, assignmentId, link } = await grantAndReadLink();
    const revoked = await api.request('DELETE', `${p.base}/assignments/${assignmentId}`, { as: p.admin });
    expect(revoked.status).toBe(200);
    const page = await new TestBrowser(stack.caCertPath).navigate(link);
    expectPage(page, 410, 'This subscription is no longer on offer: it was revoked or has ended.');
    await expectUntouched(p, assignmentId, 'revoked');
  });

  it('a link with a changed, empty or missing token is refused without an error', async () => {
    const { p, partnerId, assignmentId, link } = await grantAndReadLink();
    const token = new URL(link).searchParams.get('token')!;
    const variants = {
      changedFirst: flipAt(token, 0),
      changedMiddle: flipAt(token, Math.floor(token.length / 2)),
      changedLast: flipAt(token, token.length - 1),
      shortened: token.slice(0, -1),
      extended: `${token}A`,
    };
    for (const [what, value] of Object.entries(variants)) {
      const url = new URL(link);
      url.searchParams.set('token', value);
      const browser = new TestBrowser(stack.caCertPath);
      const page = await browser.navigate(url.toString());
      expect(page.status, what).toBe(410);
      expectPage(page, 410, 'This invitation link is not valid');
      expect(browser.cookie(callbackUrl, 'ps_signin'), what).toBeUndefined();
    }

    const empty = new URL(link);
    empty.searchParams.set('token', '');
    const missing = new URL(link);
    missing.searchParams.delete('token');
    for (const url of [empty, missing]) {
      const page = await new TestBrowser(stack.caCertPath).navigate(url.toString());
      expect([400, 410]).toContain(page.status);
      expectPage(page, page.status, /<p>[A-Z][^<]+\.<\/p>/);
    }

    await expectUntouched(p, assignmentId);
    // The real link still works: none of the attempts spent it.
    expectProfilePage(await new TestBrowser(stack.caCertPath).navigate(link));
    expect((await stored(partnerId, assignmentId)).subscriber).not.toBeNull();
  });
});
