import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningIdentityProvider } from '../../../scripts/idp/server.js';
import { HOME_DOMAIN, HOME_TENANT_ID, tenantIdFor } from '../../../scripts/idp/users.js';
import { close, freePort, listen } from '../../../scripts/local-stack/net.js';
import { CONTOSO, OPERATOR_ROLE, useIdentityProvider, UUID, verifyAccessToken } from '../../support/idp.js';

const TOKEN_SCRIPT = fileURLToPath(new URL('../../../scripts/token.ts', import.meta.url));

describe('token command', () => {
  const local = useIdentityProvider();
  let idp: RunningIdentityProvider;
  let dataDir: string;
  beforeAll(() => {
    ({ idp, dataDir } = local);
  });

  function runToken(args: string[], env: Record<string, string>) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', TOKEN_SCRIPT, ...args],
        { env: { ...process.env, ...env }, timeout: 30_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  it('prints only the token on stdout; an operator signs in to the home tenant', async () => {
    const { code, stdout, stderr } = await runToken(['Ada.Lovelace@Contoso.com', '--operator'], {
      IDP_URL: idp.url,
      IDP_DATA_DIR: dataDir,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const ca = await readFile(idp.caCertPath, 'utf8');
    const claims = await verifyAccessToken(idp, ca, stdout.trim(), HOME_TENANT_ID);
    expect(claims).toMatchObject({
      email: 'ada.lovelace@contoso.com',
      tid: HOME_TENANT_ID,
      roles: [OPERATOR_ROLE],
    });
  });

  it('signs in to the tenant that owns the domain, or to the one --tenant names', async () => {
    const env = { IDP_URL: idp.url, IDP_DATA_DIR: dataDir };
    const ca = await readFile(idp.caCertPath, 'utf8');

    const plain = await runToken(['ada.lovelace@contoso.com'], env);
    expect(plain.code).toBe(0);
    const own = await verifyAccessToken(idp, ca, plain.stdout.trim(), CONTOSO);
    expect(own).not.toHaveProperty('roles');

    const tenant = randomUUID();
    const named = await runToken(['ada.lovelace@contoso.com', '--tenant', tenant.toUpperCase()], env);
    expect(named.stderr).toBe('');
    expect(named.code).toBe(0);
    const there = await verifyAccessToken(idp, ca, named.stdout.trim(), tenant);
    expect(there.tid).toBe(tenant);
    expect(there.oid).not.toBe(own.oid);

    const withRole = await runToken([`--tenant=${tenant}`, 'ada.lovelace@contoso.com', '--operator'], env);
    expect(withRole.code).toBe(0);
    expect(await verifyAccessToken(idp, ca, withRole.stdout.trim(), tenant)).toMatchObject({
      tid: tenant,
      roles: [OPERATOR_ROLE],
    });

    const bad = await runToken(['ada.lovelace@contoso.com', '--tenant', 'contoso.com'], env);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('"contoso.com" is not a tenant id (a GUID)');
  });

  it('--tenant-of prints the GUID of the tenant that owns a domain, and contacts nothing', async () => {
    // Something listening where IDP_URL points, to count connections; and no IdP data folder at all.
    let connections = 0;
    const listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    const port = await listen(listener);
    try {
      const env = { IDP_URL: `https://127.0.0.1:${port}`, IDP_DATA_DIR: join(dataDir, 'does-not-exist') };
      const result = await runToken(['--tenant-of', 'Contoso.COM'], env);
      expect(result).toEqual({ code: 0, stdout: `${tenantIdFor('contoso.com')}\n`, stderr: '' });
      expect(result.stdout.trim()).toMatch(UUID);
      const home = await runToken([`--tenant-of=${HOME_DOMAIN}`], env);
      expect(home.stdout).toBe(`${HOME_TENANT_ID}\n`);
      expect(connections).toBe(0);

      const bad = await runToken(['--tenant-of', 'not a domain'], env);
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toContain('"not a domain" is not a domain name');
      const mixed = await runToken(['--tenant-of', 'contoso.com', 'ada@contoso.com'], env);
      expect(mixed.code).toBe(2);
      expect(mixed.stderr).toContain('--tenant-of takes a domain and nothing else');
    } finally {
      await close(listener);
    }
  });

  it('--help shows both forms', async () => {
    const { code, stdout, stderr } = await runToken(['--help'], {});
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('npm run --silent token -- <email> [--operator] [--tenant <tenant-id>]');
    expect(stdout).toContain('npm run --silent token -- --tenant-of <domain>');
  });

  it('explains a malformed e-mail address and an IdP that is not running, without a stack trace', async () => {
    const bad = await runToken(['not-an-email'], { IDP_URL: idp.url, IDP_DATA_DIR: dataDir });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('"not-an-email" is not an e-mail address');
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    const down = await runToken(['a@b.com'], {
      IDP_URL: `https://127.0.0.1:${await freePort()}`,
      IDP_DATA_DIR: dataDir,
    });
    expect(down.code).toBe(1);
    expect(down.stdout).toBe('');
    expect(down.stderr).toContain('the identity provider is not running');
    expect(down.stderr).not.toMatch(/\n\s+at /);
  });
});
