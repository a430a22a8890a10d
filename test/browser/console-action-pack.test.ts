import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { createPartner, testApp } from '../support/app.js';
import { useChromium } from '../support/chromium.js';
import { open, signInToConsole } from '../support/console.js';
import { eventually } from '../support/eventually.js';
import { activationLinkIn, inbox } from '../support/inbox.js';

const { stack, api } = testApp();
const mail = inbox(stack.emailUrl);
const chromium = useChromium(stack.caCertPath);

/** Chooses the option of a select that names this email (options read "Name (email) …"). */
async function choose(select: Locator, email: string): Promise<void> {
  const value = await select.locator('option', { hasText: email }).first().getAttribute('value');
  expect(value, `an option for ${email}`).toBeTruthy();
  await select.selectOption(value!);
}

/** Associates a person on the People screen with the keyboard alone: Tab between fields, Enter on the button. */
async function associateByKeyboard(page: Page, email: string, first: string, last: string): Promise<void> {
  await page.getByLabel('Work email').focus();
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(first);
  await page.keyboard.press('Tab');
  await page.keyboard.type(last);
  await page.keyboard.press('Tab'); // the optional notification email
  await page.keyboard.press('Tab'); // the Associate button
  expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe(
    'Associate',
  );
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByRole('status').first().textContent()).toContain('is now associated');
}

describe('the admin console: the Action Pack flow, steps 1 to 4', () => {
  it('associates people, gives Technical Contact slots, grants the privilege to one of them, and the invitation arrives', async () => {
    const p = await createPartner({ program: 'action-pack', name: 'Action Pack Browser Test' });
    const partnerId = p.body.partnerId;
    const ada = `ada.lovelace@${p.domain}`;
    const alan = `alan.turing@${p.domain}`;
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    const { page } = admin;

    // Step 1: associate the people (by keyboard alone).
    for (const [email, first, last] of [
      [ada, 'Ada', 'Lovelace'],
      [alan, 'Alan', 'Turing'],
    ] as const) {
      await open(page, stack.consoleUrl, `#/partners/${partnerId}/people`, 'People');
      await associateByKeyboard(page, email, first, last);
    }
    await open(page, stack.consoleUrl, `#/partners/${partnerId}/people`, 'People');
    await expect.poll(() => page.locator('main').textContent()).toContain(alan);
    await admin.check('action-pack-people');

    // Step 2: the Technical Contact roles.
    await open(page, stack.consoleUrl, `#/partners/${partnerId}/contacts`, 'Technical Contacts');
    await choose(page.getByLabel('Person for the First Technical Contact slot'), ada);
    await page.getByRole('button', { name: 'Assign the First Technical Contact slot' }).click();
    await expect.poll(() => page.locator('[data-slot=first]').textContent()).toContain(ada);
    await choose(page.getByLabel('Person for the Second Technical Contact slot'), alan);
    await page.getByRole('button', { name: 'Assign the Second Technical Contact slot' }).click();
    await expect.poll(() => page.locator('[data-slot=second]').textContent()).toContain(alan);
    await admin.check('action-pack-contacts');

    // Steps 3 and 4: select the privilege, pick the individual, submit.
    await open(page, stack.consoleUrl, `#/partners/${partnerId}/assignments`, 'Subscriptions');
    expect(await page.getByLabel('Privilege').inputValue()).toBe('visual-studio-subscriptions');
    await choose(page.getByLabel('Person', { exact: true }), ada);
    await page.getByRole('button', { name: 'Give subscription' }).click();
    await expect.poll(() => page.locator('main').textContent()).toMatch(/Queued|Sent/);
    await admin.check('action-pack-granted');

    const invitation = await eventually(async () => (await mail.messages(ada))[0], {
      what: "Ada's invitation",
    });
    expect(activationLinkIn(invitation).searchParams.get('partner')).toBe(partnerId);
    const people = await api.request<{ items: { email: string; subscriptions: { status: string }[] }[] }>(
      'GET',
      `${p.base}/people`,
      { as: p.admin },
    );
    const held = people.body.items.find((person) => person.email === ada)?.subscriptions;
    expect(held?.map((s) => s.status)).toEqual(['invited']);
    await admin.close();
  });
});
