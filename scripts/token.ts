/**
 * Prints an access token for the API from the running local identity provider:
 *
 *   npm run --silent token -- ada.lovelace@contoso.com [--operator]
 *
 * stdout carries the token and a newline only; notes and errors go to stderr.
 * Environment: IDP_URL (default https://127.0.0.1:7443), IDP_DATA_DIR (default .local/idp; the CA is
 * read from IDP_DATA_DIR/ca.pem).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeJwt } from 'jose';
import { DEFAULT_IDP_DATA_DIR, DEFAULT_IDP_PORT } from './idp/clients.js';
import { request } from './idp/https-client.js';
import { getAccessToken } from './idp/token-client.js';
import { normalizeEmail } from './idp/users.js';

const USAGE = 'usage: npm run --silent token -- <email> [--operator]';

class UsageError extends Error {}

function parseArgs(argv: string[]): { email: string; operator: boolean } {
  let operator = false;
  const positional: string[] = [];
  for (const arg of argv) {
    if (arg === '--operator') operator = true;
    else if (arg === '-h' || arg === '--help') throw new UsageError('');
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) {
    throw new UsageError(
      positional.length ? 'give exactly one e-mail address' : 'missing the e-mail address',
    );
  }
  const email = normalizeEmail(positional[0]);
  if (!email) throw new UsageError(`"${positional[0]}" is not an e-mail address`);
  return { email, operator };
}

/** Explains, without a stack trace, why the IdP at `issuer` cannot be used. */
async function checkIdp(issuer: string, caCertPath: string): Promise<void> {
  if (!existsSync(caCertPath)) {
    throw new Error(
      `no IdP CA certificate at ${caCertPath}: the identity provider has not been started with this IDP_DATA_DIR.\n` +
        'Start the dev stack (npm start) or the IdP alone (npx tsx scripts/idp/main.ts).',
    );
  }
  const ca = readFileSync(caCertPath, 'utf8');
  let discovery;
  try {
    discovery = await request(`${issuer}/.well-known/openid-configuration`, { ca, timeoutMs: 5_000 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH') {
      throw new Error(
        `the identity provider is not running at ${issuer}.\n` +
          'Start the dev stack (npm start) or the IdP alone (npx tsx scripts/idp/main.ts), or set IDP_URL.',
      );
    }
    if (e.code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(e.code)) {
      throw new Error(
        `the server at ${issuer} does not present a certificate signed by the CA in ${caCertPath} (${e.code}).\n` +
          'Is IDP_DATA_DIR the data folder of the IdP that runs there?',
      );
    }
    throw new Error(`could not reach the identity provider at ${issuer}: ${e.message}`);
  }
  if (discovery.status !== 200) {
    throw new Error(
      `${issuer} does not look like the local identity provider (discovery answered ${discovery.status})`,
    );
  }
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) console.error(`token: ${error.message}`);
    console.error(USAGE);
    return 2;
  }

  const issuer = (process.env.IDP_URL || `https://127.0.0.1:${DEFAULT_IDP_PORT}`).replace(/\/+$/, '');
  const caCertPath = resolve(join(process.env.IDP_DATA_DIR || DEFAULT_IDP_DATA_DIR, 'ca.pem'));
  try {
    await checkIdp(issuer, caCertPath);
    const token = await getAccessToken({ issuer, caCertPath, email: args.email, operator: args.operator });
    process.stdout.write(`${token}\n`);
    if (process.stderr.isTTY) {
      const claims = decodeJwt(token);
      const roles =
        Array.isArray(claims.roles) && claims.roles.length ? ` roles=${claims.roles.join(',')}` : '';
      const minutes =
        typeof claims.exp === 'number' ? Math.round((claims.exp * 1000 - Date.now()) / 60_000) : '?';
      console.error(`token: ${args.email} aud=${String(claims.aud)}${roles}, valid ${minutes} min`);
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
