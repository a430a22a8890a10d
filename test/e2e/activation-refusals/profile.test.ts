import { describe, expect, it } from 'vitest';
import { grantAndReadLink } from '../../support/activation.js';
import { TestBrowser, inputValue } from '../../support/browser.js';
import {
  stack,
  apiOrigin,
  expectPage,
  expectClaimedNotActivated,
  flipAt,
  expectProfilePage,
} from '../../support/activation-refusals.js';

/** The profile step: a submission without its CSRF token or with invalid fields activates nothing. */

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
