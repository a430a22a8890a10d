/**
 * Prints an access token for the API from the running local identity provider, or a domain's tenant id:
 *
 *   npm run --silent token -- ada.lovelace@contoso.com [--operator] [--tenant <tenant-id>]
 *   npm run --silent token -- --tenant-of contoso.com
 *
 * stdout carries the token (or the tenant id) and a newline only; notes and errors go to stderr.
 * Environment: IDP_URL (default https://127.0.0.1:7443), IDP_DATA_DIR (default .local/idp; the CA is
 * read from IDP_DATA_DIR/ca.pem).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeJwt } from 'jose';
import { DEFAULT_IDP_DATA_DIR, DEFAULT_IDP_PORT } from './idp/clients.js';
import { request } from './idp/https-client.js';
import { frontDoorOf, getAccessToken } from './idp/token-client.js';
import { normalizeDomain, normalizeEmail, normalizeTenantId, tenantIdFor } from './idp/users.js';

const USAGE = `usage: npm run --silent token -- <email> [--operator] [--tenant <tenant-id>]
       npm run --silent token -- --tenant-of <domain>

Prints an access token for the API from the local identity provider: stdout has the token and a
newline only. Any e-mail address signs in, no password.

  <email>                who signs in
  --operator             ask for the Platform.Operator role (dev_operator=true)
  --tenant <tenant-id>   sign in to this tenant (any GUID). Default: the tenant that owns the
                         e-mail's domain; configured operators and --operator: the home tenant
  --tenant-of <domain>   print the id (GUID) of the tenant that owns <domain>, and a newline;
                         contacts nothing, so it works without the IdP running
  -h, --help             show this help

Environment: IDP_URL (default https://127.0.0.1:${DEFAULT_IDP_PORT}), IDP_DATA_DIR (default ${DEFAULT_IDP_DATA_DIR};
the IdP's CA is read from IDP_DATA_DIR/ca.pem).`;

class UsageError extends Error {}

type Command =
  | { kind: 'help' }
  | { kind: 'tenant-of'; domain: string }
  | { kind: 'token'; email: string; operator: boolean; tenant?: string };

function parseArgs(argv: string[]): Command {
  let operator = false;
  let tenant: string | undefined;
  let tenantOf: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined || next.startsWith('-')) throw new UsageError(`${name} needs a value`);
      return next;
    };
    if (name === '-h' || name === '--help') return { kind: 'help' };
    else if (name === '--operator' && inline === undefined) operator = true;
    else if (name === '--tenant') tenant = value();
    else if (name === '--tenant-of') tenantOf = value();
    else if (name!.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }

  if (tenantOf !== undefined) {
    if (positional.length || operator || tenant !== undefined) {
      throw new UsageError('--tenant-of takes a domain and nothing else');
    }
    const domain = normalizeDomain(tenantOf);
    if (!domain) throw new UsageError(`"${tenantOf}" is not a domain name`);
    return { kind: 'tenant-of', domain };
  }

  if (positional.length !== 1) {
    throw new UsageError(
      positional.length ? 'give exactly one e-mail address' : 'missing the e-mail address',
    );
  }
  const email = normalizeEmail(positional[0]);
  if (!email) throw new UsageError(`"${positional[0]}" is not an e-mail address`);
  if (tenant === undefined) return { kind: 'token', email, operator };
  const tenantId = normalizeTenantId(tenant);
  if (!tenantId) throw new UsageError(`"${tenant}" is not a tenant id (a GUID)`);
  return { kind: 'token', email, operator, tenant: tenantId };
}

/** Explains, without a stack trace, why the IdP at `idpUrl` cannot be used. */
async function checkIdp(idpUrl: string, caCertPath: string): Promise<void> {
  if (!existsSync(caCertPath)) {
    throw new Error(
      `no IdP CA certificate at ${caCertPath}: the identity provider has not been started with this IDP_DATA_DIR.\n` +
        'Start the dev stack (npm start) or the IdP alone (npx tsx scripts/idp/main.ts).',
    );
  }
  const ca = readFileSync(caCertPath, 'utf8');
  const discoveryUrl = `${frontDoorOf(idpUrl)}/.well-known/openid-configuration`;
  let discovery;
  try {
    discovery = await request(discoveryUrl, { ca, timeoutMs: 5_000 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH') {
      throw new Error(
        `the identity provider is not running at ${idpUrl}.\n` +
          'Start the dev stack (npm start) or the IdP alone (npx tsx scripts/idp/main.ts), or set IDP_URL.',
      );
    }
    if (e.code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(e.code)) {
      throw new Error(
        `the server at ${idpUrl} does not present a certificate signed by the CA in ${caCertPath} (${e.code}).\n` +
          'Is IDP_DATA_DIR the data folder of the IdP that runs there?',
      );
    }
    throw new Error(`could not reach the identity provider at ${idpUrl}: ${e.message}`);
  }
  if (discovery.status !== 200) {
    throw new Error(
      `${idpUrl} does not look like the local identity provider (${discoveryUrl} answered ${discovery.status})`,
    );
  }
}

async function main(): Promise<number> {
  let command;
  try {
    command = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`token: ${error.message}`);
    console.error(USAGE);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === 'tenant-of') {
    process.stdout.write(`${tenantIdFor(command.domain)}\n`);
    return 0;
  }

  const idpUrl = (process.env.IDP_URL || `https://127.0.0.1:${DEFAULT_IDP_PORT}`).replace(/\/+$/, '');
  const caCertPath = resolve(join(process.env.IDP_DATA_DIR || DEFAULT_IDP_DATA_DIR, 'ca.pem'));
  try {
    await checkIdp(idpUrl, caCertPath);
    const token = await getAccessToken({
      issuer: idpUrl,
      caCertPath,
      email: command.email,
      operator: command.operator,
      ...(command.tenant ? { tenant: command.tenant } : {}),
    });
    process.stdout.write(`${token}\n`);
    if (process.stderr.isTTY) {
      const claims = decodeJwt(token);
      const roles =
        Array.isArray(claims.roles) && claims.roles.length ? ` roles=${claims.roles.join(',')}` : '';
      const minutes =
        typeof claims.exp === 'number' ? Math.round((claims.exp * 1000 - Date.now()) / 60_000) : '?';
      console.error(
        `token: ${command.email} tid=${String(claims.tid)} aud=${String(claims.aud)}${roles}, valid ${minutes} min`,
      );
    }
    return 0;
  } catch (error) {
    console.error(`token: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`token: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
