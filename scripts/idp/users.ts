import { createHash } from 'node:crypto';

/** The app role the API checks for platform operators; same value as the Entra app registration's role. */
export const OPERATOR_ROLE = 'Platform.Operator';

/** Claims the local IdP puts in ID tokens and access tokens for a signed-in user, shaped like Entra ID v2. */
export interface DevUserClaims {
  /** Subject. Stable per e-mail; deliberately different from `oid`, as in Entra ID (sub is per-app there). */
  sub: string;
  /** Object id: the user's stable identifier across apps, a UUID derived from the lower-cased e-mail. */
  oid: string;
  /** Tenant id: a UUID derived from the e-mail's domain, so different companies look like different tenants. */
  tid: string;
  email: string;
  preferred_username: string;
  name: string;
  given_name: string;
  /** Omitted when the local part has a single word (`admin@x`). */
  family_name?: string;
  roles: string[];
}

// RFC 4122 name-based UUIDs (v5) in namespaces private to this dev IdP.
const OID_NAMESPACE = 'b1c5f9a2-6a43-4c8e-9d0e-2f3a4b5c6d7e';
const SUB_NAMESPACE = 'c2d6e0b3-7b54-4d9f-8e1f-3a4b5c6d7e8f';
const TENANT_NAMESPACE = 'd3e7f1c4-8c65-4ea0-9f20-4b5c6d7e8f90';

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** Lower-cases and trims; returns undefined when the value is not a plausible e-mail address. */
export function normalizeEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) return undefined;
  return email;
}

/** A version-5 (SHA-1, name-based) UUID of `name` in `namespace`. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `sub` (the oidc-provider account id) for an e-mail address; the address must already be normalized. */
export function subjectFor(email: string): string {
  return uuidV5(SUB_NAMESPACE, email);
}

export function objectIdFor(email: string): string {
  return uuidV5(OID_NAMESPACE, email);
}

export function tenantIdFor(domain: string): string {
  return uuidV5(TENANT_NAMESPACE, domain.toLowerCase());
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `ada.lovelace+test@x` → Ada / Lovelace; `grace_b.hopper@x` → Grace / B Hopper; `admin@x` → Admin. */
export function namesFor(email: string): { given_name: string; family_name?: string; name: string } {
  const local = email.slice(0, email.indexOf('@')).split('+')[0] ?? '';
  const words = local
    .split(/[._-]+/)
    .filter((w) => w.length > 0)
    .map(capitalize);
  const given = words[0] ?? capitalize(local || 'user');
  const family = words.slice(1).join(' ');
  return family
    ? { given_name: given, family_name: family, name: `${given} ${family}` }
    : { given_name: given, name: given };
}

/** Everything about a dev user follows from the e-mail address and whether they are an operator. */
export function claimsFor(email: string, operator: boolean): DevUserClaims {
  const domain = email.slice(email.indexOf('@') + 1);
  return {
    sub: subjectFor(email),
    oid: objectIdFor(email),
    tid: tenantIdFor(domain),
    email,
    preferred_username: email,
    ...namesFor(email),
    roles: operator ? [OPERATOR_ROLE] : [],
  };
}
