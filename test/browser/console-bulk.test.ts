import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPartner, testApp } from '../support/app.js';
import { BULK_CSV_HEADER, bulkCsv } from '../support/bulk.js';
import { useChromium } from '../support/chromium.js';
import { open, signInToConsole } from '../support/console.js';

const { stack } = testApp();
const chromium = useChromium(stack.caCertPath);

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('the admin console: a bulk upload', () => {
  it('takes a 200-row file with bad rows through a dry run, then the run, its outcomes and the results CSV', async () => {
    const p = await createPartner({
      program: 'competency',
      name: 'Bulk Browser Test',
      entitlements: [{ benefit: 'vs-enterprise', seats: 250, startsOn: day(-1), expiresOn: day(365) }],
    });
    const partnerId = p.body.partnerId;
    // Every 20 rows: one bad address, one outside the verified domains, one with the other program's privilege.
    const csv = bulkCsv(200, (i) => {
      if (i % 20 === 0) return `not-an-email-${i},Bad,Address,,,msdn-subscriptions`;
      if (i % 20 === 1) return `person${i}@elsewhere.example,Other,Domain,,,msdn-subscriptions`;
      if (i % 20 === 2) return `person${i}@${p.domain},Wrong,Privilege,,,visual-studio-subscriptions`;
      return `person${i}@${p.domain},Person,${i},,,msdn-subscriptions`;
    });
    const admin = await signInToConsole(chromium.browser, stack.consoleUrl, p.admin);
    const { page } = admin;
    await open(page, stack.consoleUrl, `#/partners/${partnerId}/bulk`, 'Bulk upload');
    await admin.check('bulk-upload');

    const template = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the template' }).click();
    const templateText = readFileSync(await (await template).path(), 'utf8');
    expect(templateText.split(/\r?\n/)[0]).toContain(BULK_CSV_HEADER);

    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    const dryRun = page.getByRole('region', { name: 'Dry run', exact: true });
    await expect
      .poll(() => dryRun.textContent(), { timeout: 60_000 })
      .toContain('170 rows would succeed, 30 would fail');
    await admin.check('bulk-dry-run');

    // Narrowed to one code: only the rows outside the verified domains.
    await dryRun.getByLabel('Show').selectOption('code:email-domain-not-verified');
    await expect.poll(() => dryRun.textContent()).toContain('Rows 1–10 of 10 shown.');
    expect(await dryRun.locator('tbody tr').count()).toBe(10);

    await page.getByRole('button', { name: 'Run it' }).click();
    await page.waitForURL(/#\/partners\/[^/]+\/bulk\/[^/]+$/);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Row outcomes' }).count(), { timeout: 90_000 })
      .toBe(1);
    const figure = (label: string) => page.locator(`dt:text-is("${label}") + dd`).first().textContent();
    expect(await figure('Rows')).toBe('200');
    expect(await figure('Succeeded')).toBe('170');
    expect(await figure('Failed')).toBe('30');
    expect(await page.textContent('main')).toContain('Invitation emails:');
    await admin.check('bulk-job');

    await page.getByLabel('Show').selectOption('code:privilege-not-in-program');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(10);
    await admin.check('bulk-job-filtered');

    const results = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download results CSV' }).click();
    const lines = readFileSync(await (await results).path(), 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(lines).toHaveLength(201);
    expect(lines.filter((line) => line.includes('email-domain-not-verified'))).toHaveLength(10);
    expect(lines.filter((line) => line.includes('privilege-not-in-program'))).toHaveLength(10);
    await admin.close();
  });
});
