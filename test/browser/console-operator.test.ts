import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tenantIdFor } from '../../scripts/idp/users.js';
import { createPartner, testApp, uniquePartnerId } from '../support/app.js';
import { useChromium } from '../support/chromium.js';
import { open, signInToConsole } from '../support/console.js';

const { stack, api, operator } = testApp();
const chromium = useChromium(stack.caCertPath);
const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

describe("the admin console: the operator's screens", () => {
  it('an operator finds a partner, creates one (after a refusal), and changes its seats', async () => {
    const existing = await createPartner({ name: 'Operator Existing Browser Test' });
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, stack.operatorEmail);
    const { page } = admin;
    await open(page, stack.consoleUrl, '#/partners', 'Partners');
    await admin.check('partners');

    await page.getByLabel('Search partners').fill(existing.body.partnerId);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.hash.includes(`q=${existing.body.partnerId}`));
    const list = page.getByRole('region', { name: /Partners matching/ });
    await expect.poll(() => list.locator('tbody tr').count()).toBe(1);
    expect(await list.textContent()).toContain('Operator Existing Browser Test');
    await admin.check('partners-search');

    // Three partners sharing a prefix, two to a page: Next page, then back to the first.
    const prefix = uniquePartnerId('pg');
    for (const suffix of ['a', 'b', 'c']) await createPartner({ partnerId: `${prefix}-${suffix}` });
    await open(page, stack.consoleUrl, `#/partners?q=${prefix}&limit=2`, 'Partners');
    const ids = () => page.locator('tbody td[data-label="Partner ID"]').allTextContents();
    await expect.poll(ids).toEqual([`${prefix}-a`, `${prefix}-b`]);
    await page.getByRole('link', { name: 'Next page' }).click();
    await expect.poll(ids).toEqual([`${prefix}-c`]);
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
    await admin.check('partners-page-2');
    await page.getByRole('link', { name: 'First page' }).click();
    await expect.poll(ids).toEqual([`${prefix}-a`, `${prefix}-b`]);

    await page.getByRole('button', { name: 'Create a partner' }).click();
    await expect.poll(() => h1(page)).toBe('Create a partner');
    const partnerId = uniquePartnerId('op');
    const domain = `${partnerId}.example.com`;
    // First a mistake: the id of a partner that exists.
    await page.getByLabel('Partner ID').fill(existing.body.partnerId);
    await page.getByLabel('Name', { exact: true }).fill('Operator Created Browser Test');
    await page.getByLabel('Program', { exact: true }).selectOption('competency');
    await page.getByLabel('Verified domains').fill(domain);
    await page.getByLabel('Tenant ID').fill(tenantIdFor(domain));
    await page.getByLabel('Program Administrators').fill(`admin@${domain}`);
    await page.getByLabel('Competency 1 name').fill('Cloud Platform');
    await page.getByLabel('Competency 1 level').selectOption('gold');
    // And seats without their dates: the field errors come first, the dates are marked.
    await page.getByLabel('Visual Studio Enterprise seats').fill('7');
    await page.getByRole('button', { name: 'Create partner' }).click();
    const alert = page.locator('form').getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Some fields need attention');
    const startsOn = page.getByLabel('Visual Studio Enterprise starts on');
    expect(await startsOn.getAttribute('aria-invalid')).toBe('true');
    await admin.check('partner-new-field-errors');

    await page.getByLabel('Visual Studio Enterprise seats').fill('');
    await page.getByRole('button', { name: 'Create partner' }).click();
    await expect.poll(() => alert.textContent()).toContain('That already exists');
    expect(await startsOn.getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByLabel('Partner ID').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Operator Created Browser Test');
    expect(await page.getByLabel('Program Administrators').inputValue()).toBe(`admin@${domain}`);
    await admin.check('partner-new-refused');

    await page.getByLabel('Partner ID').fill(partnerId);
    await page.getByRole('button', { name: 'Create partner' }).click();
    await expect.poll(() => h1(page)).toBe('Operator Created Browser Test');
    expect(await page.locator('.notice').textContent()).toContain('is created');
    const figure = (label: string) =>
      page
        .getByRole('region', { name: /Visual Studio Enterprise/ })
        .locator(`dt:text-is("${label}") + dd`)
        .textContent();
    // One gold competency: the default of 10 seats.
    await expect.poll(() => figure('Seats')).toBe('10');
    await admin.check('overview-created');

    const nav = page.getByRole('navigation', { name: 'Partner' });
    await nav.getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => h1(page)).toBe('Settings');
    expect(await page.getByRole('region', { name: 'Program Administrators' }).textContent()).toContain(
      'Not signed in yet',
    );
    await admin.check('settings');

    // Someone else changes the partner meanwhile: the save is refused in words and the typed seats stay.
    await api.request('PATCH', `/partners/${partnerId}`, {
      as: operator,
      body: { name: 'Renamed Meanwhile' },
    });
    await page.getByLabel('Visual Studio Enterprise seats').fill('42');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => alert.textContent()).toContain('Someone changed this in the meantime');
    expect(await page.getByLabel('Visual Studio Enterprise seats').inputValue()).toBe('42');
    await admin.check('settings-precondition-failed');

    // Reloading shows the latest version, the other change included.
    await page.getByRole('button', { name: 'Discard and reload' }).click();
    await expect.poll(() => h1(page)).toBe('Settings');
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('Renamed Meanwhile');
    await page.getByLabel('Visual Studio Enterprise seats').fill('42');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toContain('are saved');
    await nav.getByRole('link', { name: 'Overview' }).click();
    await expect.poll(() => figure('Seats')).toBe('42');
    await admin.check('overview-changed');
    await admin.close();
  });

  it('a Program Administrator sees no Settings, and the partners list refuses them in words', async () => {
    const p = await createPartner({ name: 'Not Operator Browser Test' });
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    const { page } = admin;
    await open(page, stack.consoleUrl, `#/partners/${p.body.partnerId}`, 'Not Operator Browser Test');
    const nav = page.getByRole('navigation', { name: 'Partner' });
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(1);
    expect(await nav.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await admin.check('overview-admin-nav');

    await open(page, stack.consoleUrl, '#/partners', 'Partners');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Your account may not do this');
    await admin.check('partners-forbidden');

    await open(page, stack.consoleUrl, `#/partners/${p.body.partnerId}/settings`, 'Settings');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Your account may not do this');
    expect(await page.locator('form').count()).toBe(0);
    await admin.check('settings-forbidden');
    await admin.close();
  });

  it('the audit log shows the events newest first, page by page, and exports them as CSV', async () => {
    const p = await createPartner({ name: 'Audit Browser Test' });
    await p.associate('ada');
    await p.associate('bob');
    await api.request('PATCH', p.base, { as: operator, body: { name: 'Audit Browser Test' } });
    const listed = await api.request<{ items: { action: string }[] }>('GET', `${p.base}/audit`, {
      as: p.admin,
    });
    const actions = listed.body.items.map((e) => e.action);
    expect(actions).toHaveLength(4);
    expect(actions.at(-1)).toBe('partner.created');

    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    const { page } = admin;
    await open(page, stack.consoleUrl, `#/partners/${p.body.partnerId}/audit?limit=3`, 'Audit log');
    const shown = () => page.locator('tbody tr td[data-label="Action"]').allTextContents();
    await expect.poll(shown).toEqual(actions.slice(0, 3));
    expect(await page.locator('tbody tr td[data-label="Who"]').first().textContent()).toBe(operator.email);
    await admin.check('audit');

    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(shown).toEqual(actions.slice(3));
    expect(await page.getByRole('button', { name: 'Next page' }).count()).toBe(0);
    await admin.check('audit-page-2');
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(shown).toEqual(actions.slice(0, 3));

    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await downloading;
    expect(file.suggestedFilename()).toBe(`${p.body.partnerId}-audit.csv`);
    const csv = readFileSync((await file.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('at,actor,action,targetType,targetId,correlationId,details');
    expect(lines).toHaveLength(5);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('downloaded');
    await admin.check('audit-exported');
    await admin.close();
  });
});
