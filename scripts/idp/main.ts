/**
 * Runs the local identity provider on its own: `tsx scripts/idp/main.ts`.
 *
 * Environment (all optional):
 *   IDP_PORT           port on 127.0.0.1 (default 7443)
 *   IDP_DATA_DIR       CA, certificate, signing keys, cookie keys (default .local/idp)
 *   IDP_OPERATORS      comma-separated e-mail addresses that always get Platform.Operator
 *   API_CLIENT_ID      the API's confidential client (default partner-subscriptions-api)
 *   API_CLIENT_SECRET  its secret (default local-dev-secret)
 *   API_AUDIENCE       aud of access tokens (default api://partner-subscriptions)
 *   API_REDIRECT_URIS  comma-separated redirect URIs of the API client
 *                      (default http://localhost:7071/api/auth/callback)
 */
import { resolve } from 'node:path';
import {
  CLI_CLIENT_ID,
  CLI_REDIRECT_URI,
  DEFAULT_API_AUDIENCE,
  DEFAULT_API_CLIENT_ID,
  DEFAULT_API_CLIENT_SECRET,
  DEFAULT_API_REDIRECT_URI,
  DEFAULT_IDP_DATA_DIR,
  DEFAULT_IDP_PORT,
} from './clients.js';
import { startIdentityProvider } from './server.js';

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function envPort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_IDP_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`IDP_PORT must be a port number, got "${value}"`);
    process.exit(2);
  }
  return port;
}

async function main(): Promise<void> {
  const env = process.env;
  const port = envPort(env.IDP_PORT);
  const dataDir = resolve(env.IDP_DATA_DIR || DEFAULT_IDP_DATA_DIR);
  const apiClientId = env.API_CLIENT_ID || DEFAULT_API_CLIENT_ID;
  const redirectUris = list(env.API_REDIRECT_URIS);
  const operators = list(env.IDP_OPERATORS);

  let idp;
  try {
    idp = await startIdentityProvider({
      port,
      dataDir,
      operators,
      clients: {
        apiClientId,
        apiClientSecret: env.API_CLIENT_SECRET || DEFAULT_API_CLIENT_SECRET,
        redirectUris: redirectUris.length ? redirectUris : [DEFAULT_API_REDIRECT_URI],
      },
      audience: env.API_AUDIENCE || DEFAULT_API_AUDIENCE,
      log: (line) => console.log(`[idp] ${line}`),
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      console.error(
        `[idp] port ${port} is in use: is the identity provider already running? (set IDP_PORT to use another)`,
      );
    } else {
      console.error(`[idp] could not start: ${e.message}`);
    }
    process.exit(1);
  }

  console.log(`[idp] issuer        ${idp.url}`);
  console.log(`[idp] discovery     ${idp.url}/.well-known/openid-configuration`);
  console.log(`[idp] trust this CA ${idp.caCertPath}`);
  console.log(`[idp] API client    ${apiClientId} (client_secret_post, PKCE)`);
  console.log(`[idp] CLI client    ${CLI_CLIENT_ID} (public, PKCE, ${CLI_REDIRECT_URI})`);
  if (operators.length) console.log(`[idp] operators     ${operators.join(', ')}`);
  console.log('[idp] get a token:  npm run --silent token -- someone@contoso.com [--operator]');

  const running = idp;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[idp] ${signal}: stopping`);
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
