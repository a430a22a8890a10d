import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { grantAndReadLink, submitProfile } from '../support/activation.js';
import { testApp, type AssignmentBody } from '../support/app.js';
import { TestBrowser } from '../support/browser.js';
import { activationLinkIn, inbox } from '../support/inbox.js';
import { eventually } from '../support/eventually.js';

/**
 * The whole flow with every log line of the function app captured (the test stack writes them to
 * test-results/stack.log): no token, secret, invitation link or cookie value may appear in any line.
 */
const { stack, api } = testApp();
const mail = inbox(stack.emailUrl);
const logFile = stack.logFile;
const apiOrigin = new URL(stack.apiUrl).origin;

/** The app's lines written since `from` (the host prints each log line of the app as one line). */
function appLinesSince(from: number): string[] {
  return readFileSync(logFile)
    .subarray(from)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.startsWith('[functions]'));
}

describe('logs keep secrets', () => {
  it('a full flow (grant, email, activation, profile, resend, revoke, bulk) logs none of its secrets', async () => {
    const from = statSync(logFile).size;
    const secrets = new Map<string, string>();
    for (const name of [
      'SESSION_SECRET',
      'INVITATION_SECRET',
      'AUTH_CLIENT_SECRET',
      'EMAIL_ACCESS_KEY',
      'COSMOS_KEY',
    ]) {
      secrets.set(name, stack.appEnv[name]!);
    }

    const { p, person, assignmentId, link } = await grantAndReadLink('competency');
    secrets.set('admin bearer token', await api.token(p.admin));
    secrets.set('invitation link', link);
    secrets.set('invitation token', new URL(link).searchParams.get('token')!);

    const browser = new TestBrowser(stack.caCertPath);
    const profile = await browser.navigate(link);
    for (const name of ['ps_signin', 'ps_session']) {
      const value =
        browser.cookie(`${apiOrigin}/api/auth/callback`, name) ??
        browser.cookie(`${apiOrigin}/api/profile`, name);
      if (value) secrets.set(`cookie ${name}`, decodeURIComponent(value));
    }
    const benefits = await submitProfile(browser, profile, person.email);
    expect(benefits.url).toBe(`${apiOrigin}/api/benefits`);
    secrets.set(
      'session cookie after activation',
      decodeURIComponent(browser.cookie(`${apiOrigin}/api/benefits`, 'ps_session')!),
    );

    // A second person: resend (a second link), then revoke.
    const other = await p.associate('second');
    const granted = await p.grant(other.personId);
    expect(granted.status).toBe(201);
    await eventually(async () => (await mail.messages(other.email))[0], { what: 'the first invitation' });
    const resent = await api.request<AssignmentBody>(
      'POST',
      `${p.base}/assignments/${granted.body.assignmentId}/resend`,
      {
        as: p.admin,
      },
    );
    expect(resent.status).toBe(200);
    const links = await eventually(
      async () => {
        const found = (await mail.messages(other.email)).map((m) => activationLinkIn(m).toString());
        return found.length === 2 ? found : undefined;
      },
      { what: 'both invitations' },
    );
    for (const [i, l] of links.entries()) {
      secrets.set(`resent link ${i}`, l);
      secrets.set(`resent token ${i}`, new URL(l).searchParams.get('token')!);
    }
    expect(
      (await api.request('DELETE', `${p.base}/assignments/${granted.body.assignmentId}`, { as: p.admin }))
        .status,
    ).toBe(200);

    // A bulk job with a grant.
    const bulk = await api.request<{ jobId: string }>('POST', `${p.base}/bulk-assignments`, {
      as: p.admin,
      rawBody: `email,firstName,lastName,notificationEmail,technicalContact,privilege\nbulk@${p.domain},B,U,,,msdn-subscriptions\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(bulk.status).toBe(202);
    const bulkLink = await eventually(async () => (await mail.messages(`bulk@${p.domain}`))[0], {
      what: 'the bulk invitation',
    });
    secrets.set('bulk token', activationLinkIn(bulkLink).searchParams.get('token')!);
    expect(assignmentId).toBeTruthy();

    // Let the host write what it logs about the last emails.
    await eventually(
      async () =>
        appLinesSince(from).some((l) => l.includes('email-dispatch.done') && l.includes('"sent"'))
          ? true
          : undefined,
      { what: 'the dispatch logs' },
    );
    const lines = appLinesSince(from);
    expect(lines.length).toBeGreaterThan(20); // the flow was logged
    for (const [what, value] of secrets) {
      expect(value.length, what).toBeGreaterThan(8);
      const leaking = lines.filter((line) => line.includes(value));
      expect(leaking, `${what} appears in the logs`).toEqual([]);
    }
  });
});
