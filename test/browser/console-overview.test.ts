import { describe, expect, it } from 'vitest';
import { createPartner, testApp } from '../support/app.js';
import { useChromium } from '../support/chromium.js';
import { open, signInToConsole } from '../support/console.js';

const { stack } = testApp();
const chromium = useChromium(stack.caCertPath);

describe('the admin console: signing in and the overview', () => {
  it("shows a Program Administrator their partner's seats, then signs them out", async () => {
    const p = await createPartner({ program: 'competency', name: 'Overview Browser Test' });
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    const { page } = admin;
    await admin.check('start-admin');

    await page.getByLabel('Partner ID').fill(p.body.partnerId);
    await page.getByRole('button', { name: 'Open' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Overview Browser Test');
    const card = page.getByRole('region', { name: /Visual Studio Enterprise/ });
    const figure = (label: string) => card.locator(`dt:text-is("${label}") + dd`).textContent();
    await expect.poll(() => figure('Seats')).toBe('5');
    expect(await figure('Available')).toBe('5');
    expect(await figure('Active')).toBe('0');
    expect(await page.getByRole('navigation', { name: 'Partner' }).textContent()).toContain('Overview');
    await admin.check('overview');

    // MSAL keeps its tokens in session storage, never in local storage.
    const stored = (await page.evaluate(`({
      local: Object.keys(localStorage).filter((k) => /token/i.test(k)),
      session: Object.keys(sessionStorage).filter((k) => /accesstoken/i.test(k)).length,
    })`)) as { local: string[]; session: number };
    expect(stored.local).toEqual([]);
    expect(stored.session).toBeGreaterThan(0);

    // Sign-out ends the session at the identity provider too (it asks), then comes back to the console.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.toString().startsWith(stack.idpUrl));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.toString().startsWith(stack.consoleUrl));
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).count()).toBe(1);
    expect(await page.evaluate('Object.keys(sessionStorage).filter((k) => /accesstoken/i.test(k))')).toEqual(
      [],
    );
    await admin.close();
  });

  it('fits a 390 px wide phone screen: no sideways scrolling, the navigation above the content', async () => {
    const p = await createPartner({ name: 'Narrow Browser Test' });
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin, {
      width: 390,
      height: 844,
    });
    await open(admin.page, stack.consoleUrl, `#/partners/${p.body.partnerId}`, 'Narrow Browser Test');
    const overflow = await admin.page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await admin.check('overview-390px');
    await admin.close();
  });

  it('warns as an entitlement nears its end, with the days left', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const p = await createPartner({
      program: 'competency',
      name: 'Ending Browser Test',
      entitlements: [{ benefit: 'vs-enterprise', seats: 5, startsOn: day(-300), expiresOn: day(30) }],
    });
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    await open(admin.page, stack.consoleUrl, `#/partners/${p.body.partnerId}`, 'Ending Browser Test');
    const card = admin.page.getByRole('region', { name: /Visual Studio Enterprise/ });
    await expect.poll(() => card.getByRole('status').textContent()).toMatch(/ends on .*: 3[01] days left/);
    await admin.check('overview-ending');
    await admin.close();
  });

  it("refuses another partner's overview in words, as not found", async () => {
    const mine = await createPartner({ name: 'Mine Browser Test' });
    const theirs = await createPartner({ name: 'Theirs Browser Test' });
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, mine.admin);
    await open(admin.page, stack.consoleUrl, `#/partners/${theirs.body.partnerId}`, 'Overview');
    const alert = admin.page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Not found');
    expect(await admin.page.textContent('main')).not.toContain('Theirs Browser Test');
    await admin.check('overview-not-found');
    await admin.close();
  });
});
