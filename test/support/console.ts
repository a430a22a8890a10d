import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Screenshots of every screen a test visits: CI keeps test-results/ as artifacts. */
export const CONSOLE_ARTIFACTS = resolve(import.meta.dirname, '../../test-results/browser/console');

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Content Security Policy violations and script errors seen so far (a test expects none). */
  problems: string[];
  /** Runs axe-core on the screen as it is and saves a screenshot; fails on a serious or critical violation. */
  check(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface SignInOptions {
  width?: number;
  height?: number;
}

/**
 * Opens the admin console in a fresh browser context and signs in through the local identity provider as
 * a person would: the console's Sign in button, the IdP's e-mail form, back to the console.
 */
export async function signInToConsole(
  browser: Browser,
  consoleUrl: string,
  email: string,
  options: SignInOptions = {},
): Promise<ConsolePage> {
  mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      problems.push(`CSP: ${message.text()}`);
    }
  });
  await page.goto(consoleUrl);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('E-mail address').fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.toString().startsWith(consoleUrl));
  await expect.poll(() => page.locator('.banner .account').textContent()).toContain(email.toLowerCase());
  return {
    page,
    context,
    problems,
    check: async (name) => {
      await page.screenshot({ path: join(CONSOLE_ARTIFACTS, `${name}.png`), fullPage: true });
      const violations = (await page.evaluate(`${axeSource}
        ;axe.run(document, { resultTypes: ['violations'] }).then((r) =>
          r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })))`)) as {
        id: string;
        impact: string | null;
        targets: string[];
      }[];
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious, `axe on ${name}`).toEqual([]);
      expect(problems, `CSP or script errors on ${name}`).toEqual([]);
    },
    close: () => context.close(),
  };
}

/** Goes to a screen by its hash and waits for its heading. */
export async function open(
  page: Page,
  consoleUrl: string,
  hash: string,
  heading: string | RegExp,
): Promise<void> {
  await page.goto(`${consoleUrl}${hash}`);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toMatch(heading);
}
