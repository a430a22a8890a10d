import * as Iron from 'iron-webcrypto';
import { describe, expect, it } from 'vitest';
import { assignmentRepository } from '../../shared/root.js';
import type { Assignment } from '../../shared/domain/assignment.js';
import { grantAndReadLink, submitProfile } from '../support/activation.js';
import type { createPartner } from '../support/app.js';
import { testApp, type AssignmentBody } from '../support/app.js';
import { TestBrowser, inputValue, type Page } from '../support/browser.js';
import { activationLinkIn, inbox } from '../support/inbox.js';
import { eventually } from '../support/eventually.js';
import { DEV_TENANT_PARAM } from '../../scripts/idp/clients.js';
import { tenantIdFor } from '../../scripts/idp/users.js';

/**
 * Every way an activation can be refused: each refusal is a page a person can read (never JSON or a
 * stack trace), and it changes nothing: no identity bound, the invitation neither spent nor activated.
 */

const { stack, api } = testApp();
const mail = inbox(stack.emailUrl);
const apiOrigin = new URL(stack.apiUrl).origin;
const callbackUrl = `${apiOrigin}/api/auth/callback`;
const sessionSecret = stack.appEnv['SESSION_SECRET']!;

const toIdp = (location: string) => location.startsWith(stack.idpUrl);
const toCallback = (location: string) => location.startsWith(callbackUrl);

/** The assignment document as stored, read in-process through the app's own adapter. */
async function stored(partnerId: string, assignmentId: string): Promise<Assignment> {
  const found = await assignmentRepository().get(partnerId, assignmentId);
  if (!found) throw new Error(`assignment ${assignmentId} not found`);
  return found.value;
}

/** What a refusal must never touch (the delivery record is left out: the email sender updates it). */
async function activationState(partnerId: string, assignmentId: string) {
  const a = await stored(partnerId, assignmentId);
  return {
    status: a.status,
    activatedAt: a.activatedAt,
    invitation: a.invitation,
    subscriber: a.subscriber,
  };
}

/** A page for a person: the status, an HTML page with a heading and the sentence, no JSON, no stack trace. */
function expectPage(page: Page, status: number, sentence: string | RegExp): void {
  // Soft, so a wrong status still shows whether the rest of the refusal holds.
  expect.soft(page.status, `status of ${page.url}`).toBe(status);
  expect(String(page.headers['content-type'])).toMatch(/^text\/html/);
  expect(page.body).toMatch(/^<!doctype html>/i);
  expect(page.body).toMatch(/<h1>[^<]+<\/h1>/);
  if (typeof sentence === 'string') expect(page.body).toContain(sentence);
  else expect(page.body).toMatch(sentence);
  expect(page.body).not.toMatch(/"(code|traceId|status)"\s*:/); // no problem+json
  expect(page.body).not.toMatch(/\n\s+at \S+ \(|\bat (file|node):|Error: /); // no stack trace
  expect(page.body).not.toContain('Something went wrong');
}

/** Nothing spent and nobody bound: through the admin API, and in the stored document. */
async function expectUntouched(
  p: Awaited<ReturnType<typeof createPartner>>,
  assignmentId: string,
  status: 'invited' | 'revoked' = 'invited',
): Promise<void> {
  const read = await p.assignment(assignmentId);
  expect(read.status).toBe(200);
  expect(read.body.status).toBe(status);
  expect(read.body.invitation.usedAt).toBeNull();
  const doc = await stored(p.body.partnerId, assignmentId);
  expect(doc.subscriber).toBeNull();
  expect(doc.activatedAt).toBeNull();
}

/** Claimed (bound) but not activated: the state after sign-in and before a valid profile. */
async function expectClaimedNotActivated(
  p: Awaited<ReturnType<typeof createPartner>>,
  assignmentId: string,
): Promise<void> {
  const read = await p.assignment(assignmentId);
  expect(read.body.status).toBe('invited');
  expect(read.body.invitation.usedAt).toBeNull();
  const doc = await stored(p.body.partnerId, assignmentId);
  expect(doc.activatedAt).toBeNull();
  expect(doc.subscriber?.profile).toBeNull();
}

/** One character of `value` at `index` replaced by a different one of the same alphabet. */
function flipAt(value: string, index: number): string {
  const c = value[index]!;
  const replacement = c === 'A' ? 'B' : 'A';
  return `${value.slice(0, index)}${replacement}${value.slice(index + 1)}`;
}

/** Flips a character in the middle of the encrypted part of an iron seal (so the integrity check fails). */
function tamperSeal(sealed: string): string {
  const parts = sealed.split('*');
  const encrypted = parts[4]!;
  parts[4] = flipAt(encrypted, Math.floor(encrypted.length / 2));
  return parts.join('*');
}

/** Follows the link until the identity provider would return to the callback, without calling it. */
async function stopAtCallback(browser: TestBrowser, link: string): Promise<string> {
  const page = await browser.navigate(link, { stopAt: toCallback });
  expect(page.url.startsWith(callbackUrl)).toBe(true);
  const url = new URL(page.url);
  expect(url.searchParams.get('code')).toBeTruthy();
  expect(url.searchParams.get('state')).toBeTruthy();
  return page.url;
}

/**
 * Follows the link to the identity provider's authorization URL and signs someone else in there: another
 * email, and optionally an account of another tenant (as an attacker with a tenant of their own would).
 */
async function signInAs(
  browser: TestBrowser,
  link: string,
  email: string,
  options: { tenant?: string } = {},
): Promise<Page> {
  const first = await browser.navigate(link, { stopAt: toIdp });
  expect(first.status).toBe(302);
  const authorize = new URL(first.url);
  expect(authorize.searchParams.get('login_hint')).toBeTruthy();
  authorize.searchParams.set('login_hint', email);
  if (options.tenant) authorize.searchParams.set(DEV_TENANT_PARAM, options.tenant);
  return browser.navigate(authorize.toString());
}

const expectProfilePage = (page: Page) => {
  expect(page.status).toBe(200);
  expect(page.url).toBe(`${apiOrigin}/api/profile`);
  expect(page.body).toContain('<h1>Your profile</h1>');
};

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

describe('sign-in responses that do not belong to the sign-in', () => {
  it('a callback with a changed state is refused, and binds nothing', async () => {
    const { p, partnerId, assignmentId, link } = await grantAndReadLink();
    const browser = new TestBrowser(stack.caCertPath);
    const callback = await stopAtCallback(browser, link);

    const tampered = new URL(callback);
    const state = tampered.searchParams.get('state')!;
    tampered.searchParams.set('state', flipAt(state, Math.floor(state.length / 2)));
    const page = await browser.fetch(tampered.toString());
    expectPage(page, 400, 'This sign-in response does not match a sign-in started here');
    expect(page.body).toContain('Sign-in did not complete');
    await expectUntouched(p, assignmentId);

    // The untouched response still completes: it was the state alone that was refused.
    const genuine = await browser.fetch(callback);
    expect(genuine.status).toBe(302);
    expect(genuine.headers['location']).toBe('/api/profile');
    expect((await stored(partnerId, assignmentId)).subscriber).not.toBeNull();
  });

  it('a callback with a tampered sign-in cookie is refused, and binds nothing', async () => {
    const { p, partnerId, assignmentId, link } = await grantAndReadLink();
    const browser = new TestBrowser(stack.caCertPath);
    const callback = await stopAtCallback(browser, link);
    const original = browser.cookie(callback, 'ps_signin')!;
    const sealed = decodeURIComponent(original);
    expect(sealed).toMatch(/^Fe26\.2\*/);

    browser.setCookie(callback, 'ps_signin', encodeURIComponent(tamperSeal(sealed)), '/api/auth');
    const page = await browser.fetch(callback);
    expectPage(page, 400, 'This sign-in response does not match a sign-in started here');
    expect(page.body).toContain('Sign-in did not complete');
    await expectUntouched(p, assignmentId);

    // With the cookie as it was sealed, the same response completes.
    browser.setCookie(callback, 'ps_signin', original, '/api/auth');
    const genuine = await browser.fetch(callback);
    expect(genuine.status).toBe(302);
    expect(genuine.headers['location']).toBe('/api/profile');
    expect((await stored(partnerId, assignmentId)).subscriber).not.toBeNull();
  });

  it('a callback without the sign-in cookie is refused, and binds nothing', async () => {
    const { p, assignmentId, link } = await grantAndReadLink();
    const callback = await stopAtCallback(new TestBrowser(stack.caCertPath), link);
    const page = await new TestBrowser(stack.caCertPath).fetch(callback);
    expectPage(page, 400, 'This sign-in response does not match a sign-in started here');
    expect(page.body).toContain('Sign-in did not complete');
    await expectUntouched(p, assignmentId);
  });

  it('an ID token whose nonce is not the one the sign-in started with is refused, and binds nothing', async () => {
    const { p, assignmentId, link } = await grantAndReadLink();
    const browser = new TestBrowser(stack.caCertPath);
    const callback = await stopAtCallback(browser, link);
    const sealed = decodeURIComponent(browser.cookie(callback, 'ps_signin')!);
    const flow = (await Iron.unseal(sealed, sessionSecret, Iron.defaults)) as Record<string, unknown>;
    expect(flow).toMatchObject({ intent: 'activate', nonce: expect.any(String) });
    const resealed = await Iron.seal({ ...flow, nonce: `${String(flow['nonce'])}x` }, sessionSecret, {
      ...Iron.defaults,
      ttl: 600_000,
    });
    browser.setCookie(callback, 'ps_signin', resealed, '/api/auth');

    const page = await browser.fetch(callback);
    expectPage(page, 400, 'Sign-in did not complete');
    // The resealed cookie was accepted: what was refused is the token's nonce, not the cookie.
    expect(page.body).not.toContain('does not match a sign-in started here');
    expect(page.body).toMatch(/The sign-in could not be completed|does not belong to this sign-in/);
    await expectUntouched(p, assignmentId);
  });
});

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

describe('profile submissions that are refused', () => {
  it('a profile without the right CSRF token is refused; with it, the subscription activates', async () => {
    const { p, person, assignmentId, link } = await grantAndReadLink();
    const browser = new TestBrowser(stack.caCertPath);
    const profile = await browser.navigate(link);
    expectProfilePage(profile);
    const csrfToken = inputValue(profile.body, 'csrfToken')!;
    const fields = { firstName: 'Sub', lastName: 'Scriber', contactEmail: person.email };

    const attempts: Record<string, Record<string, string>> = {
      missing: fields,
      empty: { ...fields, csrfToken: '' },
      wrong: { ...fields, csrfToken: flipAt(csrfToken, Math.floor(csrfToken.length / 2)) },
      longer: { ...fields, csrfToken: `${csrfToken}A` },
    };
    for (const [what, form] of Object.entries(attempts)) {
      const page = await browser.navigate(`${apiOrigin}/api/profile`, { method: 'POST', form });
      expect(page.status, what).toBe(403);
      expectPage(page, 403, 'This form has expired or did not come from this site.');
      const read = await p.assignment(assignmentId);
      expect(read.body.status, what).toBe('invited');
      expect(read.body.invitation.usedAt, what).toBeNull();
    }

    const benefits = await browser.navigate(`${apiOrigin}/api/profile`, {
      method: 'POST',
      form: { ...fields, csrfToken },
    });
    expect(benefits.status).toBe(200);
    expect(benefits.url).toBe(`${apiOrigin}/api/benefits`);
    const read = await p.assignment(assignmentId);
    expect(read.body.status).toBe('active');
    expect(read.body.invitation.usedAt).not.toBeNull();
  });

  it('a profile with invalid fields is shown again with the errors next to the fields', async () => {
    const { p, assignmentId, link } = await grantAndReadLink();
    const browser = new TestBrowser(stack.caCertPath);
    const profile = await browser.navigate(link);
    expectProfilePage(profile);
    const csrfToken = inputValue(profile.body, 'csrfToken')!;

    const page = await browser.navigate(`${apiOrigin}/api/profile`, {
      method: 'POST',
      form: { csrfToken, firstName: '  ', lastName: 'Scriber & Sons', contactEmail: 'not-an-email' },
    });
    expectPage(page, 400, 'Please correct the 2 fields below.');
    expect(page.url).toBe(`${apiOrigin}/api/profile`);
    expect(page.body).toContain('<form method="post" action="/api/profile"');
    expect(page.body).toMatch(
      /<input id="firstName"[^>]*aria-invalid="true" aria-describedby="firstName-error">/,
    );
    expect(page.body).toContain('<p class="field-error" id="firstName-error">Enter your first name.</p>');
    expect(page.body).toMatch(
      /<input id="contactEmail"[^>]*aria-invalid="true" aria-describedby="contactEmail-error">/,
    );
    expect(page.body).toContain(
      '<p class="field-error" id="contactEmail-error">Enter an email address like name@example.com.</p>',
    );
    expect(page.body).not.toMatch(/<input id="lastName"[^>]*aria-invalid/);
    expect(page.body).not.toContain('lastName-error');
    // What the person typed is kept (escaped), and the form can be submitted again.
    expect(inputValue(page.body, 'lastName')).toBe('Scriber & Sons');
    expect(page.body).toContain('value="Scriber &amp; Sons"');
    expect(inputValue(page.body, 'contactEmail')).toBe('not-an-email');
    expect(inputValue(page.body, 'firstName')).toBe('  ');
    expect(inputValue(page.body, 'csrfToken')).toBe(csrfToken);
    await expectClaimedNotActivated(p, assignmentId);
  });
});
