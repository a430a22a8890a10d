import { createHash } from 'node:crypto';

/** The app role the API checks for platform operators; same value as the Entra app registration's role. */
export const OPERATOR_ROLE = 'Platform.Operator';

/**
 * The domain of the tenant that runs the service (Entra: the publisher's own tenant). Platform operators
 * are assigned their app role in this tenant; an app role from any other tenant means nothing to the API.
 */
export const HOME_DOMAIN = 'partner-subscriptions.local';

/**
 * Claims the local IdP puts in ID tokens and access tokens for a signed-in user, shaped like Entra ID
 * v2 multi-tenant tokens. Every user belongs to one tenant: the same e-mail address in two tenants is
 * two different users (different oid and sub), exactly as in Entra, where any tenant can create a user
 * whose e-mail claim names someone else's address.
 */
export interface DevUserClaims {
  /** Subject: pairwise, a UUID of (tenant, e-mail), deliberately different from `oid` (as in Entra). */
  sub: string;
  /** Object id: the user's id in that tenant, a UUID of (tenant, e-mail). */
  oid: string;
  /** Tenant id (a GUID): the directory the user signed in to. */
  tid: string;
  /** Token version, as in Entra v2 tokens. */
  ver: '2.0';
  email: string;
  preferred_username: string;
  name: string;
  given_name: string;
  /** Omitted when the local part has a single word (`admin@x`). */
  family_name?: string;
  /** App roles the tenant assigned the user; omitted when none (Entra omits the claim too). */
  roles?: string[];
  /**
   * Present (true) only when the tenant owns the e-mail's domain, i.e. has verified it (Entra's
   * "email domain owner verified" optional claim); omitted otherwise.
   */
  xms_edov?: true;
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

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A tenant id (any GUID), lower-cased; undefined when the value is not a GUID. */
export function normalizeTenantId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const tenantId = value.trim().toLowerCase();
  return GUID.test(tenantId) ? tenantId : undefined;
}

const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

/** Lower-cases and trims a DNS domain name; undefined when the value is not one. */
export function normalizeDomain(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const domain = value.trim().toLowerCase();
  return domain.length > 0 && domain.length <= 253 && DOMAIN.test(domain) ? domain : undefined;
}

/** The tenant that owns `domain` (has it as a verified domain): a stable UUID of the lower-cased domain. */
export function tenantIdFor(domain: string): string {
  return uuidV5(TENANT_NAMESPACE, domain.toLowerCase());
}

/** The tenant that runs the service; configured operators are operators here only. */
export const HOME_TENANT_ID = tenantIdFor(HOME_DOMAIN);

/** The domain part of a normalized e-mail address. */
export function domainOf(email: string): string {
  return email.slice(email.indexOf('@') + 1);
}

/**
 * `sub` (the oidc-provider account id) of `email` in tenant `tenantId`; both already normalized.
 * Pairwise like Entra's: the same address in another tenant is another subject.
 */
export function subjectFor(tenantId: string, email: string): string {
  return uuidV5(SUB_NAMESPACE, `${tenantId}:${email}`);
}

/** `oid` of `email` in tenant `tenantId`: the same address in another tenant is another user. */
export function objectIdFor(tenantId: string, email: string): string {
  return uuidV5(OID_NAMESPACE, `${tenantId}:${email}`);
}

/** Whether tenant `tenantId` owns (has verified) the domain of `email`. */
export function ownsEmailDomain(tenantId: string, email: string): boolean {
  return tenantIdFor(domainOf(email)) === tenantId;
}

/**
 * Where a sign-in lands when nothing names a tenant: operators (configured, or asking for the role) in
 * the home tenant, everyone else in the tenant that owns their e-mail's domain.
 */
export function defaultTenantFor(email: string, operator: boolean): string {
  return operator ? HOME_TENANT_ID : tenantIdFor(domainOf(email));
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

/**
 * Everything about a dev user follows from the e-mail address, the tenant signed in to, and whether
 * that tenant assigned the user the operator role.
 */
export function claimsFor(email: string, tenantId: string, operator: boolean): DevUserClaims {
  return {
    sub: subjectFor(tenantId, email),
    oid: objectIdFor(tenantId, email),
    tid: tenantId,
    ver: '2.0',
    email,
    preferred_username: email,
    ...namesFor(email),
    ...(operator ? { roles: [OPERATOR_ROLE] } : {}),
    ...(ownsEmailDomain(tenantId, email) ? { xms_edov: true as const } : {}),
  };
}
