import { describe, expect, it } from 'vitest';
import { createPartner, testApp } from '../support/app.js';
import { useChromium } from '../support/chromium.js';
import { open, signInToConsole } from '../support/console.js';

const { stack, api } = testApp();
const chromium = useChromium(stack.caCertPath);

describe('the admin console: people and Technical Contacts', () => {
  it('searches and filters people, edits a name, and refuses an address outside the domains keeping what was typed', async () => {
    const p = await createPartner({ program: 'action-pack', name: 'People Browser Test' });
    const partnerId = p.body.partnerId;
    const ada = await p.associate('ada', { firstName: 'Ada', lastName: 'Lovelace' });
    await p.associate('alan', { firstName: 'Alan', lastName: 'Turing' });
    await p.setSlot(ada.personId, 'first');
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    const { page } = admin;

    await open(page, stack.consoleUrl, `#/partners/${partnerId}/people`, 'People');
    await page.getByLabel('Search by name or email').fill('alan');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/people\?q=alan/);
    await expect.poll(() => page.locator('main tbody tr').count()).toBe(1);
    expect(await page.locator('main tbody').textContent()).toContain('Alan Turing');

    await open(page, stack.consoleUrl, `#/partners/${partnerId}/people?role=first`, 'People');
    await expect.poll(() => page.locator('main tbody tr').count()).toBe(1);
    expect(await page.locator('main tbody').textContent()).toContain('Ada Lovelace');
    await admin.check('people-filtered');

    // A refusal in words; the form keeps every field as typed.
    await open(page, stack.consoleUrl, `#/partners/${partnerId}/people`, 'People');
    await page.getByLabel('Work email').fill('grace@elsewhere.example');
    await page.getByLabel('First name').fill('Grace');
    await page.getByLabel('Last name').fill('Hopper');
    await page.getByRole('button', { name: 'Associate' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('verified domains');
    expect(await page.getByLabel('Work email').inputValue()).toBe('grace@elsewhere.example');
    expect(await page.getByLabel('Last name').inputValue()).toBe('Hopper');
    await admin.check('people-refused');

    await page.getByRole('link', { name: 'Alan Turing' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Alan Turing');
    await page.getByLabel('Last name').fill('Mathison Turing');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Saved the changes');
    await admin.check('person');
    await open(page, stack.consoleUrl, `#/partners/${partnerId}/people?q=mathison`, 'People');
    await expect.poll(() => page.locator('main tbody').textContent()).toContain('Alan Mathison Turing');
    await admin.close();
  });

  it('shows slot-taken in words when someone else took the slot meanwhile, naming who holds it', async () => {
    const p = await createPartner({ program: 'action-pack', name: 'Slot Browser Test' });
    const ada = await p.associate('ada', { firstName: 'Ada', lastName: 'Lovelace' });
    const alan = await p.associate('alan', { firstName: 'Alan', lastName: 'Turing' });
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    const { page } = admin;
    await open(page, stack.consoleUrl, `#/partners/${p.body.partnerId}/contacts`, 'Technical Contacts');
    const select = page.getByLabel('Person for the First Technical Contact slot');
    const value = await select.locator('option', { hasText: ada.email }).getAttribute('value');
    await select.selectOption(value!);
    // Another administrator gives the slot to Alan while this page is open.
    await p.setSlot(alan.personId, 'first');
    await page.getByRole('button', { name: 'Assign the First Technical Contact slot' }).click();
    await expect
      .poll(() => page.locator('[data-slot=first]').getByRole('alert').textContent())
      .toContain('already held by Alan');
    await admin.check('contacts-slot-taken');
    await admin.close();
  });

  it('shows role-in-use in words, and disassociates after a confirmation that says what cascades', async () => {
    const p = await createPartner({ program: 'action-pack', name: 'Cascade Browser Test' });
    const partnerId = p.body.partnerId;
    const ada = await p.associate('ada', { firstName: 'Ada', lastName: 'Lovelace' });
    await p.setSlot(ada.personId, 'first');
    await p.grant(ada.personId);
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    const { page } = admin;

    await open(page, stack.consoleUrl, `#/partners/${partnerId}/contacts`, 'Technical Contacts');
    await page.getByRole('button', { name: 'Free slot: First Technical Contact' }).click();
    await expect
      .poll(() => page.locator('[data-slot=first]').getByRole('alert').textContent())
      .toContain('Revoke');
    await admin.check('contacts-role-in-use');

    await open(page, stack.consoleUrl, `#/partners/${partnerId}/people/${ada.personId}`, 'Ada Lovelace');
    await page.getByRole('button', { name: 'Disassociate…' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('revokes 1 live subscription');
    expect(await dialog.textContent()).toContain('First Technical Contact slot');
    await admin.check('person-disassociate');
    await dialog.getByRole('button', { name: 'Disassociate' }).click();
    await page.waitForURL(/people$/);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('no longer associated');

    const people = await api.request<{ items: unknown[] }>('GET', `${p.base}/people`, { as: p.admin });
    expect(people.body.items).toEqual([]);
    await admin.close();
  });
});
