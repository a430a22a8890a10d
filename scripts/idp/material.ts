import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { generate } from 'selfsigned';

/**
 * Key material the local IdP keeps in its data folder so that restarts keep the same identity:
 * the CA clients trust, the HTTPS server certificate, the token signing keys and the cookie keys.
 */

export const CA_CERT_FILE = 'ca.pem';
const CA_KEY_FILE = 'ca-key.pem';
const SERVER_CERT_FILE = 'server.pem';
const SERVER_KEY_FILE = 'server-key.pem';
const JWKS_FILE = 'jwks.json';
const COOKIE_KEYS_FILE = 'cookie-keys.json';

const DAY_MS = 24 * 60 * 60 * 1000;

function writeAtomically(path: string, content: string, secret: boolean): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content, { mode: secret ? 0o600 : 0o644 });
  renameSync(temp, path);
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export interface TlsMaterial {
  caCertPath: string;
  cert: string;
  key: string;
  /** True when this call generated a new CA (clients holding the old one must re-read it). */
  createdCa: boolean;
}

function usableCa(certPem: string | undefined, keyPem: string | undefined): boolean {
  if (!certPem || !keyPem) return false;
  try {
    const ca = new X509Certificate(certPem);
    return ca.ca && Date.parse(ca.validTo) - Date.now() > 30 * DAY_MS;
  } catch {
    return false;
  }
}

function usableServerCert(certPem: string | undefined, keyPem: string | undefined, caPem: string): boolean {
  if (!certPem || !keyPem) return false;
  try {
    const cert = new X509Certificate(certPem);
    return (
      cert.checkIssued(new X509Certificate(caPem)) &&
      cert.verify(new X509Certificate(caPem).publicKey) &&
      cert.checkIP('127.0.0.1') !== undefined &&
      cert.checkHost('localhost') !== undefined &&
      Date.parse(cert.validTo) - Date.now() > 7 * DAY_MS
    );
  } catch {
    return false;
  }
}

/** Loads the CA and server certificate from `dataDir`, generating (or renewing) what is missing. */
export async function ensureTlsMaterial(dataDir: string): Promise<TlsMaterial> {
  mkdirSync(dataDir, { recursive: true });
  const caCertPath = join(dataDir, CA_CERT_FILE);
  let caCert = readIfExists(caCertPath);
  let caKey = readIfExists(join(dataDir, CA_KEY_FILE));
  let createdCa = false;

  if (!usableCa(caCert, caKey)) {
    const now = new Date();
    const ca = await generate([{ name: 'commonName', value: 'partner-subscriptions local dev CA' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - DAY_MS),
      notAfterDate: new Date(now.getTime() + 10 * 365 * DAY_MS),
      extensions: [
        { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    caCert = ca.cert;
    caKey = ca.private;
    writeAtomically(join(dataDir, CA_KEY_FILE), caKey, true);
    writeAtomically(caCertPath, caCert, false);
    createdCa = true;
  }

  let cert = readIfExists(join(dataDir, SERVER_CERT_FILE));
  let key = readIfExists(join(dataDir, SERVER_KEY_FILE));
  if (createdCa || !usableServerCert(cert, key, caCert!)) {
    const now = new Date();
    const server = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - DAY_MS),
      notAfterDate: new Date(now.getTime() + 397 * DAY_MS),
      ca: { key: caKey!, cert: caCert! },
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    });
    cert = server.cert;
    key = server.private;
    writeAtomically(join(dataDir, SERVER_KEY_FILE), key, true);
    writeAtomically(join(dataDir, SERVER_CERT_FILE), cert, false);
  }

  return { caCertPath, cert: cert!, key: key!, createdCa };
}

export type PrivateJwk = Record<string, unknown> & { kid: string; kty: string };

/** The RS256 signing key set (private JWKs), generated once and persisted so tokens verify across restarts. */
export async function ensureSigningKeys(dataDir: string): Promise<{ keys: PrivateJwk[] }> {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, JWKS_FILE);
  const stored = readIfExists(path);
  if (stored) {
    try {
      const parsed = JSON.parse(stored) as { keys?: PrivateJwk[] };
      if (
        Array.isArray(parsed.keys) &&
        parsed.keys.length > 0 &&
        parsed.keys.every((k) => k.kty === 'RSA' && k.d)
      ) {
        return { keys: parsed.keys };
      }
    } catch {
      // unreadable: generate a new set below
    }
  }
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  const key: PrivateJwk = { ...jwk, kty: 'RSA', kid, alg: 'RS256', use: 'sig' };
  writeAtomically(path, `${JSON.stringify({ keys: [key] }, null, 2)}\n`, true);
  return { keys: [key] };
}

/** Keys that sign the IdP's session cookies; persisted so a restart does not invalidate cookies' signatures. */
export function ensureCookieKeys(dataDir: string): string[] {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, COOKIE_KEYS_FILE);
  const stored = readIfExists(path);
  if (stored) {
    try {
      const keys = JSON.parse(stored) as unknown;
      if (
        Array.isArray(keys) &&
        keys.length > 0 &&
        keys.every((k) => typeof k === 'string' && k.length >= 32)
      ) {
        return keys as string[];
      }
    } catch {
      // unreadable: generate below
    }
  }
  const keys = [randomBytes(32).toString('base64url')];
  writeAtomically(path, `${JSON.stringify(keys)}\n`, true);
  return keys;
}
