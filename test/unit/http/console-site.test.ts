import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import {
  consoleCsp,
  consoleFile,
  serveConsole,
  type ConsoleSite,
} from '../../../shared/http/console-site.js';

const dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
writeFileSync(join(dist, 'notes.txt'), 'no type for this one');

const site: ConsoleSite = {
  dist,
  console: {
    clientId: 'console-client',
    authority: 'https://login.example.test/organizations',
    protocolMode: 'AAD',
    apiScope: 'api://app/access_as_user',
  },
};

const get = (path: string | undefined, url = `http://localhost/api/console/${path ?? ''}`) =>
  serveConsole(site, new HttpRequest({ method: 'GET', url, params: path === undefined ? {} : { path } }));

describe('the admin console site', () => {
  it('serves the page with a strict policy: scripts and styles from itself only, the IdP reached by fetch', async () => {
    const page = await get('');
    expect(page.status).toBe(200);
    const headers = page.headers as Record<string, string>;
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headers['cache-control']).toBe('no-cache');
    const csp = headers['content-security-policy']!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' https://login.example.test");
    expect(csp).not.toContain('unsafe');
    expect(headers['x-correlation-id']).toBeTruthy();
  });

  it('sends the address without its slash to the one with it (relative asset URLs need it)', async () => {
    const answer = await get(undefined, 'http://localhost/api/console');
    expect(answer.status).toBe(308);
    expect((answer.headers as Record<string, string>)['location']).toBe('/api/console/');
  });

  it('marks hashed assets immutable', async () => {
    const asset = await get('assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect((asset.headers as Record<string, string>)['cache-control']).toContain('immutable');
    expect((asset.headers as Record<string, string>)['content-type']).toContain('text/javascript');
  });

  it("gives MSAL its settings, with the authority's host as a known authority and no secret", async () => {
    const settings = await get('config.json');
    expect(JSON.parse(String(settings.body))).toEqual({
      clientId: 'console-client',
      authority: 'https://login.example.test/organizations',
      knownAuthorities: ['login.example.test'],
      protocolMode: 'AAD',
      apiScope: 'api://app/access_as_user',
    });
    expect((settings.headers as Record<string, string>)['cache-control']).toBe('no-store');
  });

  it('answers 404 for a missing file and for a file of no known type', async () => {
    expect((await get('assets/missing.js')).status).toBe(404);
    expect((await get('notes.txt')).status).toBe(404);
  });

  it('never leaves its folder, however the path is written', async () => {
    for (const path of [
      '../package.json',
      'assets/../../etc/passwd',
      '..%2f..%2fetc',
      'a\\..\\..\\x.js',
      'x\0.js',
    ]) {
      expect(consoleFile(dist, path)?.startsWith(dist) ?? true, path).toBe(true);
    }
    expect(consoleFile(dist, '../secret.js')).toBeUndefined();
    expect((await get('../../package.json')).status).toBe(404);
  });

  it('names only the IdP origin in the policy, not its path', () => {
    expect(consoleCsp('https://127.0.0.1:7443/organizations/v2.0')).toContain(
      "connect-src 'self' https://127.0.0.1:7443;",
    );
  });
});
