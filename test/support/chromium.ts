import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Trust exactly the local identity provider's certificate (by its public key), not every certificate:
 * the browser keeps checking all others.
 */
function idpSpkiHash(caCertPath: string): string {
  const pem = readFileSync(join(dirname(caCertPath), 'server.pem'), 'utf8');
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** Debian's Chromium, headless, trusting the local IdP; closes with its throwaway profile. */
export async function launchChromium(
  caCertPath: string,
): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is needed for the browser tests: apt-get install chromium (or set CHROMIUM_PATH). Not found at ${CHROMIUM}.`,
    );
  }
  const profileDir = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--ignore-certificate-errors-spki-list=${idpSpkiHash(caCertPath)}`,
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** One Chromium for a test file: launched before its tests, closed after them. */
export function useChromium(caCertPath: string): { readonly browser: Browser } {
  let launched: { browser: Browser; close(): Promise<void> } | undefined;
  beforeAll(async () => {
    launched = await launchChromium(caCertPath);
  });
  afterAll(async () => {
    await launched?.close();
  });
  return {
    get browser() {
      if (!launched) throw new Error('Chromium is not running (used outside a test?)');
      return launched.browser;
    },
  };
}
