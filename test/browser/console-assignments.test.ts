import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createPartner, testApp } from '../support/app.js';
import { useChromium } from '../support/chromium.js';
import { open, signInToConsole } from '../support/console.js';
import { eventually } from '../support/eventually.js';
import { inbox } from '../support/inbox.js';

const { stack } = testApp();
const chromium = useChromium(stack.caCertPath);
const mail = inbox(stack.emailUrl);

const subscriptions = (page: Page, partnerId: string, query = '') =>
  open(page, stack.consoleUrl, `#/partners/${partnerId}/assignments${query}`, 'Subscriptions');

/** On an assignment's page: Refresh until its email has gone out through the queue. */
async function refreshUntilSent(page: Page): Promise<void> {
  const delivery = page.getByRole('region', { name: 'Email delivery' });
  await expect
    .poll(
      async () => {
        await page.getByRole('button', { name: 'Refresh the delivery state' }).click();
        await delivery.waitFor();
        return delivery.locator('[data-state]').getAttribute('data-state');
      },
      { timeout: 30_000, interval: 500 },
    )
    .toBe('sent');
}

describe('the admin console: giving, resending and revoking subscriptions', () => {
  it('gives a Competency subscription: queued at first, then sent, and the invitation arrives', async () => {
    const p = await createPartner({ program: 'competency', name: 'Grant Browser Test' });
    const grace = await p.associate('grace', { firstName: 'Grace', lastName: 'Hopper' });
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    const { page } = admin;
    await subscriptions(page, p.body.partnerId);
    expect(await page.getByRole('navigation', { name: 'Partner' }).textContent()).toContain('Subscriptions');
    expect(await page.textContent('main')).toContain('No subscriptions given yet.');
    const privilege = page.getByLabel('Privilege');
    expect(await privilege.inputValue()).toBe('msdn-subscriptions');
    expect(await privilege.locator('option:checked').textContent()).toContain('MSDN subscriptions');
    await admin.check('assignments-empty');

    await page.getByLabel('Person').selectOption(grace.personId);
    await page.getByRole('button', { name: 'Give subscription' }).click();
    const result = page.locator('.result');
    await expect.poll(() => result.textContent()).toContain('Grace Hopper: Visual Studio Enterprise');
    expect(await result.locator('[data-state]').getAttribute('data-state')).toBe('queued');
    const row = page.locator('tbody tr', { hasText: grace.email });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('Invited');
    await admin.check('assignments-granted');

    await result.getByRole('link', { name: 'Follow its delivery' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Grace Hopper: Visual Studio Enterprise');
    const delivery = page.getByRole('region', { name: 'Email delivery' });
    // The email goes out through the queue: Refresh until it has.
    await refreshUntilSent(page);
    const text = await delivery.textContent();
    expect(text).toContain(grace.email);
    expect(text).toContain('Invitation');
    expect(await page.getByRole('region', { name: 'Invitation link' }).textContent()).toContain('not yet');
    await admin.check('assignment-sent');

    const messages = await eventually(
      async () => {
        const found = await mail.messages(grace.email);
        return found.length ? found : undefined;
      },
      { what: 'the invitation email' },
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]!.plainText).toContain('/api/activate?');

    // Revoked from its own page: the revocation notice becomes the email being delivered.
    await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await expect
      .poll(() => dialog.getByRole('heading').textContent())
      .toBe("Revoke Grace Hopper's Visual Studio Enterprise subscription?");
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    const subscription = page.getByRole('region', { name: 'Subscription', exact: true });
    await expect.poll(() => subscription.textContent()).toContain('Revoked');
    expect(await subscription.textContent()).toContain('revoked by an administrator');
    expect(await page.getByRole('region', { name: 'Email delivery' }).textContent()).toContain(
      'Revocation notice',
    );
    expect(await page.getByRole('button', { name: 'Resend invitation' }).count()).toBe(0);
    await admin.check('assignment-revoked');
    await admin.close();
  });

  it('shows a refusal in words, naming the seats, and keeps the chosen person', async () => {
    const p = await createPartner({
      program: 'competency',
      name: 'Full Browser Test',
      entitlements: [{ benefit: 'vs-enterprise', seats: 1, startsOn: '2020-01-01', expiresOn: '2099-01-01' }],
    });
    const first = await p.associate('first');
    const second = await p.associate('second', { firstName: 'Linus', lastName: 'Second' });
    expect((await p.grant(first.personId)).status).toBe(201);
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    const { page } = admin;
    await subscriptions(page, p.body.partnerId);
    const person = page.getByLabel('Person');
    expect(await person.locator(`option[value="${first.personId}"]`).textContent()).toContain(
      'already has a subscription',
    );

    await person.selectOption(second.personId);
    await page.getByRole('button', { name: 'Give subscription' }).click();
    const alert = page.locator('form [role=alert]');
    await expect.poll(() => alert.getAttribute('data-code')).toBe('no-seats-available');
    expect(await alert.textContent()).toContain(
      'No Visual Studio Enterprise seat is free: 1 of 1 seats are in use.',
    );
    expect(await person.inputValue()).toBe(second.personId);
    expect(await page.locator('.granted').textContent()).toBe('');
    await admin.check('assignments-no-seats');

    // A partner whose entitlement has ended: the same form says so.
    const ended = await createPartner({
      program: 'competency',
      name: 'Ended Browser Test',
      entitlements: [{ benefit: 'vs-enterprise', seats: 5, startsOn: '2020-01-01', expiresOn: '2021-01-01' }],
    });
    const late = await ended.associate('late');
    await admin.close();
    const endedAdmin = await signInToConsole(chromium.browser, stack.consoleUrl, ended.admin);
    await subscriptions(endedAdmin.page, ended.body.partnerId);
    await endedAdmin.page.getByLabel('Person').selectOption(late.personId);
    await endedAdmin.page.getByRole('button', { name: 'Give subscription' }).click();
    const refusal = endedAdmin.page.locator('form [role=alert]');
    await expect.poll(() => refusal.getAttribute('data-code')).toBe('entitlement-inactive');
    expect(await refusal.textContent()).toContain(
      'The partner has no Visual Studio Enterprise entitlement in force today.',
    );
    await endedAdmin.check('assignments-entitlement-inactive');
    await endedAdmin.close();
  });

  it('resends and revokes from the list, saying what happens to the seat, and exports CSV', async () => {
    const p = await createPartner({ program: 'competency', name: 'Revoke Browser Test' });
    const ada = await p.associate('ada', { firstName: 'Ada', lastName: 'Lovelace' });
    const granted = await p.grant(ada.personId);
    expect(granted.status).toBe(201);
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    const { page } = admin;
    await subscriptions(page, p.body.partnerId);
    const row = page.locator('tbody tr', { hasText: ada.email });
    await expect.poll(() => row.textContent()).toContain('Invited');

    await row.getByRole('button', { name: 'Resend the invitation to Ada Lovelace' }).click();
    await expect
      .poll(() => page.locator('.notice').textContent())
      .toContain('A new invitation to Ada Lovelace is queued; the previous link no longer works.');
    expect((await p.assignment(granted.body.assignmentId)).body.invitation.version).toBe(2);
    await eventually(async () => ((await mail.messages(ada.email)).length === 2 ? true : undefined), {
      what: 'the second invitation',
    });

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV of the subscriptions' }).click();
    const csv = readFileSync((await (await download).path())!, 'utf8');
    expect(csv).toContain(ada.email);
    expect((await download).suggestedFilename()).toBe(`subscriptions-${p.body.partnerId}.csv`);

    await row.getByRole('button', { name: "Revoke Ada Lovelace's subscription" }).click();
    const dialog = page.getByRole('dialog');
    await expect
      .poll(() => dialog.getByRole('heading').textContent())
      .toBe("Revoke Ada Lovelace's Visual Studio Enterprise subscription?");
    expect(await dialog.textContent()).toContain(
      'The invitation link stops working and the seat is free again at once.',
    );
    await admin.check('assignments-revoke-dialog');
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row.textContent()).toContain('Revoked');
    expect(await row.getByRole('button').count()).toBe(0);
    expect(await page.locator('.notice').textContent()).toContain(
      "Ada Lovelace's Visual Studio Enterprise subscription is revoked.",
    );
    expect((await p.assignment(granted.body.assignmentId)).body.status).toBe('revoked');
    await admin.check('assignments-revoked');

    // The status filter lives in the address: revoked ones only, then none invited.
    await page.getByLabel('Status').selectOption('revoked');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/status=revoked/);
    await expect.poll(() => page.locator('tbody tr', { hasText: ada.email }).count()).toBe(1);
    await subscriptions(page, p.body.partnerId, '?status=invited');
    await expect.poll(() => page.textContent('main')).toContain('No invited subscriptions.');
    await admin.check('assignments-filtered');
    await admin.close();
  });

  it('Action Pack: says who is eligible, and refuses someone without a Technical Contact slot in words', async () => {
    const p = await createPartner({ program: 'action-pack', name: 'Action Pack Browser Test' });
    const contact = await p.associate('contact', { firstName: 'Tess', lastName: 'Contact' });
    const other = await p.associate('other', { firstName: 'Otto', lastName: 'Other' });
    expect((await p.setSlot(contact.personId, 'first')).status).toBe(200);
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    const { page } = admin;
    await subscriptions(page, p.body.partnerId);
    expect(await page.getByLabel('Privilege').locator('option:checked').textContent()).toBe(
      'Visual Studio subscriptions',
    );
    const person = page.getByLabel('Person');
    const hint = await page.locator(`#${await person.getAttribute('aria-describedby')}`).textContent();
    expect(hint).toContain('only a First, Second or Third Technical Contact can have a subscription');
    const option = (id: string) => person.locator(`option[value="${id}"]`).textContent();
    expect(await option(contact.personId)).toContain('First Technical Contact');
    expect(await option(other.personId)).toContain('no Technical Contact slot: not eligible');
    await admin.check('assignments-action-pack');

    await person.selectOption(other.personId);
    await page.getByRole('button', { name: 'Give subscription' }).click();
    const alert = page.locator('form [role=alert]');
    await expect.poll(() => alert.getAttribute('data-code')).toBe('technical-contact-required');
    expect(await alert.textContent()).toContain(
      'An Action Pack subscription goes only to a First, Second or Third Technical Contact.',
    );
    expect(await person.inputValue()).toBe(other.personId);
    await admin.check('assignments-technical-contact-required');

    await person.selectOption(contact.personId);
    await page.getByRole('button', { name: 'Give subscription' }).click();
    await expect
      .poll(() => page.locator('.result').textContent())
      .toContain('Tess Contact: Visual Studio Professional');
    expect(await page.locator('form [role=alert]').count()).toBe(0);
    expect(await option(contact.personId)).toContain('already has a subscription');

    // Twice to the same person: refused in words, the choice kept.
    await person.selectOption(contact.personId);
    await page.getByRole('button', { name: 'Give subscription' }).click();
    await expect.poll(() => alert.getAttribute('data-code')).toBe('already-assigned');
    expect(await alert.textContent()).toContain('This person already holds that subscription.');
    expect(await person.inputValue()).toBe(contact.personId);
    await admin.close();
  });

  it('pages through the list on a 390 px wide phone screen without sideways scrolling', async () => {
    const p = await createPartner({ program: 'competency', name: 'Paging Browser Test' });
    for (const local of ['one', 'two', 'three']) {
      const person = await p.associate(local);
      expect((await p.grant(person.personId)).status).toBe(201);
    }
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin, {
      width: 390,
      height: 844,
    });
    const { page } = admin;
    await subscriptions(page, p.body.partnerId, '?limit=2');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await admin.check('assignments-390px');

    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL(/cursor=/);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
    await page.getByRole('link', { name: 'First page' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    await admin.close();
  });

  it('shows an email that could not be sent as failed, with its error, and a resend sends it', async () => {
    const p = await createPartner({ program: 'competency', name: 'Failed Email Browser Test' });
    const lin = await p.associate('lin', { firstName: 'Lin', lastName: 'Failing' });
    await mail.setFaults({ plan: [], then: 'fail' });
    let assignmentId: string;
    try {
      const granted = await p.grant(lin.personId);
      expect(granted.status).toBe(201);
      assignmentId = granted.body.assignmentId;
      await eventually(
        async () => ((await p.assignment(assignmentId)).body.delivery.state === 'failed' ? true : undefined),
        { timeoutMs: 120_000, what: 'the email to be marked failed' },
      );
    } finally {
      await mail.clearFaults();
    }
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    const { page } = admin;
    await subscriptions(page, p.body.partnerId);
    const row = page.locator('tbody tr', { hasText: lin.email });
    await expect.poll(() => row.locator('[data-state]').getAttribute('data-state')).toBe('failed');
    expect(await row.textContent()).toMatch(/gave up after 5 attempts/);
    await admin.check('assignments-email-failed');

    await row.getByRole('link', { name: 'Lin Failing' }).click();
    const delivery = page.getByRole('region', { name: 'Email delivery' });
    await expect.poll(() => delivery.textContent()).toContain('The email could not be delivered.');
    await admin.check('assignment-email-failed');
    await page.getByRole('button', { name: 'Resend invitation' }).click();
    await refreshUntilSent(page);
    expect(await page.getByRole('region', { name: 'Invitation link' }).textContent()).toMatch(/Version\s*2/);
    expect(await mail.messages(lin.email)).toHaveLength(1);
    await admin.close();
  });
});
