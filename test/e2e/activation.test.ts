import { describe, expect, it } from 'vitest';
import { grantAndReadLink, submitProfile } from '../support/activation.js';
import { createPartner, testApp, type AssignmentBody } from '../support/app.js';
import { TestBrowser, inputValue } from '../support/browser.js';
import { activationLinkIn, inbox } from '../support/inbox.js';
import { eventually } from '../support/eventually.js';

const { stack, api } = testApp();
const mail = inbox(stack.emailUrl);
const apiOrigin = new URL(stack.apiUrl).origin;

describe.each(['action-pack', 'competency'] as const)('activation, %s partner', (program) => {
  it('follows the emailed link through sign-in and the profile page to an active subscription', async () => {
    const { p, person, assignmentId, link } = await grantAndReadLink(program);
    const browser = new TestBrowser(stack.caCertPath);

    // The link starts sign-in at the identity provider, which signs the invited person in (login_hint)
    // and returns to the callback, which binds the identity and shows the profile page.
    const profile = await browser.navigate(link);
    expect(profile.status).toBe(200);
    expect(profile.url).toBe(`${apiOrigin}/api/profile`);
    expect(profile.body).toContain('<label for="firstName">First Name</label>');
    expect(profile.body).toContain('autocomplete="family-name"');
    expect(profile.body).toContain('autocomplete="email"');
    expect(inputValue(profile.body, 'firstName')).toBe('Sub'); // from the ID token's given_name
    expect(inputValue(profile.body, 'contactEmail')).toBe(person.email);
    const csrfToken = inputValue(profile.body, 'csrfToken')!;
    expect(csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect((await p.assignment(assignmentId)).body.status).toBe('invited'); // not yet

    const benefits = await browser.navigate(`${apiOrigin}/api/profile`, {
      method: 'POST',
      form: { csrfToken, firstName: 'Sub', lastName: 'Scriber', contactEmail: `sub.home@${p.domain}` },
    });
    expect(benefits.status).toBe(200);
    expect(benefits.url).toBe(`${apiOrigin}/api/benefits`);
    expect(benefits.body).toContain('Sign-in complete');
    expect(benefits.body).toContain(
      program === 'action-pack' ? 'Visual Studio Professional' : 'Visual Studio Enterprise',
    );
    expect(benefits.body).toContain(p.body.name);
    expect(benefits.body).toMatch(/active since <time/);

    const assignment = await p.assignment(assignmentId);
    expect(assignment.body.status).toBe('active');
    expect(assignment.body.invitation.usedAt).not.toBeNull();
    const usage = await api.request<{ benefits: { activated: number; invited: number }[] }>(
      'GET',
      `${p.base}/usage`,
      {
        as: p.admin,
      },
    );
    expect(usage.body.benefits[0]).toMatchObject({ activated: 1, invited: 0 });
    const audit = await api.request<{ items: { action: string }[] }>('GET', `${p.base}/audit`, {
      as: p.admin,
    });
    expect(audit.body.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['assignment.claimed', 'assignment.activated']),
    );

    // The same subscriptions as JSON, for a bearer token of the same person.
    const mine = await api.request<{ items: { assignmentId: string; status: string; level: string }[] }>(
      'GET',
      '/me/subscriptions',
      { as: person.email },
    );
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([expect.objectContaining({ assignmentId, status: 'active' })]);

    // A returning subscriber signs in again without an invitation and reaches the same page.
    const returning = new TestBrowser(stack.caCertPath);
    const again = await returning.navigate(
      `${apiOrigin}/api/signin?login_hint=${encodeURIComponent(person.email)}`,
    );
    expect(again.url).toBe(`${apiOrigin}/api/benefits`);
    expect(again.body).toContain(p.body.name);
    expect(again.body).toMatch(/active since/);
  });
});

describe('activation pages without a session', () => {
  it('profile and benefits ask the person to sign in', async () => {
    const browser = new TestBrowser(stack.caCertPath);
    for (const path of ['/api/profile', '/api/benefits']) {
      const page = await browser.fetch(`${apiOrigin}${path}`);
      expect(page.status).toBe(401);
      expect(page.body).toContain('Please sign in');
    }
  });

  it('the assignment stays invited until the profile is submitted', async () => {
    const { p, assignmentId, link } = await grantAndReadLink('competency', 'half');
    const browser = new TestBrowser(stack.caCertPath);
    await browser.navigate(link);
    const read = await api.request<AssignmentBody>('GET', `${p.base}/assignments/${assignmentId}`, {
      as: p.admin,
    });
    expect(read.body.status).toBe('invited');
  });
});

describe('reassignment cooldown (rule 7)', () => {
  it('an activated seat goes to someone else only after the cooldown; the same person may have it back', async () => {
    const p = await createPartner({
      program: 'competency',
      entitlements: [{ benefit: 'vs-enterprise', seats: 1, startsOn: '2020-01-01', expiresOn: '2099-01-01' }],
    });
    const first = await p.associate('first');
    const granted = await p.grant(first.personId);
    const email = await eventually(async () => (await mail.messages(first.email))[0], {
      what: 'the invitation',
    });
    const browser = new TestBrowser(stack.caCertPath);
    const profile = await browser.navigate(activationLinkIn(email).toString());
    await submitProfile(browser, profile, first.email, { firstName: 'First', lastName: 'Person' });
    expect((await p.assignment(granted.body.assignmentId)).body.status).toBe('active');
    const revoked = await api.request('DELETE', `${p.base}/assignments/${granted.body.assignmentId}`, {
      as: p.admin,
    });
    expect(revoked.status).toBe(200);

    const second = await p.associate('second');
    const refused = await p.grant(second.personId);
    expect(refused.status).toBe(409);
    const body = refused.body as unknown as { code: string; freesAt: string };
    expect(body.code).toBe('seat-in-cooldown');
    const days = (Date.parse(body.freesAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThanOrEqual(90);

    // The same refusal for a bulk row, through the same use case.
    const bulk = await api.request<{ jobId: string }>('POST', `${p.base}/bulk-assignments`, {
      as: p.admin,
      body: {
        rows: [
          { email: second.email, firstName: 'Second', lastName: 'Person', privilege: 'msdn-subscriptions' },
        ],
      },
    });
    const rowCode = await eventually(async () => {
      const job = await api.request<{ rows: { items: { code: string | null }[] } }>(
        'GET',
        `${p.base}/bulk-assignments/${bulk.body.jobId}`,
        { as: p.admin },
      );
      return job.body.rows.items[0]?.code ?? undefined;
    });
    expect(rowCode).toBe('seat-in-cooldown');

    const usage = await api.request<{ benefits: { coolingDown: number; available: number }[] }>(
      'GET',
      `${p.base}/usage`,
      {
        as: p.admin,
      },
    );
    expect(usage.body.benefits[0]).toMatchObject({ coolingDown: 1, available: 0 });
    expect((await p.grant(first.personId)).status).toBe(201); // the person who left it takes it back
  });
});
