import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartner, testApp } from '../support/app.js';
import { activationLinkIn, inbox } from '../support/inbox.js';
import { eventually } from '../support/eventually.js';
import { launchChromium } from '../support/chromium.js';

const { stack, api } = testApp();
const mail = inbox(stack.emailUrl);
const ARTIFACTS = resolve(import.meta.dirname, '../../test-results/browser');

let browser: Browser;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  ({ browser, close: closeBrowser } = await launchChromium(stack.caCertPath));
});

afterAll(async () => {
  await closeBrowser?.();
});

describe('the profile page in a real browser', () => {
  it('is filled in and submitted by a person, and the subscription becomes active', async () => {
    const p = await createPartner({ program: 'competency', name: 'Fabrikam Browser Test' });
    const person = await p.associate('grace', { firstName: 'Grace', lastName: 'Hopper' });
    const granted = await p.grant(person.personId);
    const email = await eventually(async () => (await mail.messages(person.email))[0], {
      what: 'the invitation',
    });

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(activationLinkIn(email).toString());
    await page.waitForURL(/\/api\/profile$/);

    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Your profile');
    const firstName = page.getByLabel('First Name');
    const lastName = page.getByLabel('Last Name');
    const contactEmail = page.getByLabel('Contact Email');
    expect(await firstName.getAttribute('autocomplete')).toBe('given-name');
    expect(await contactEmail.inputValue()).toBe(person.email);

    // A mistake first: the error appears next to the field, and the form keeps what was typed.
    await firstName.fill('');
    await lastName.fill('Hopper');
    await page.getByRole('button', { name: 'Activate my subscription' }).click();
    await page.waitForLoadState();
    expect(await page.getByLabel('First Name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#firstName-error').textContent()).toContain('Enter your first name');

    await page.getByLabel('First Name').fill('Grace');
    await page.getByLabel('Contact Email').fill(`grace.hopper@${p.domain}`);
    await page.screenshot({ path: join(ARTIFACTS, 'profile-page.png'), fullPage: true });
    await page.getByRole('button', { name: 'Activate my subscription' }).click();
    await page.waitForURL(/\/api\/benefits$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign-in complete');
    expect(await page.textContent('body')).toContain('Visual Studio Enterprise');
    await page.screenshot({ path: join(ARTIFACTS, 'benefits-page.png'), fullPage: true });
    await context.close();

    const assignment = await api.request<{ status: string }>(
      'GET',
      `${p.base}/assignments/${granted.body.assignmentId}`,
      { as: p.admin },
    );
    expect(assignment.body.status).toBe('active');
    expect(existsSync(join(ARTIFACTS, 'profile-page.png'))).toBe(true);
  });
});
