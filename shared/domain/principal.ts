/**
 * Who is calling, as established from a verified access token; never built from unverified input.
 *
 * A caller is a Microsoft Entra identity: a tenant (`tid`) and an object id in it (`oid`). Those two are
 * the only facts anything is authorized on. Email-like claims are names the issuing tenant chose: `email`
 * is kept for display and the audit log only, and `verifiedEmail` is set only where the issuer vouches
 * that the tenant owns the address's domain (Entra's `xms_edov`), for the one-time binding of a Program
 * Administrator designated by email.
 */
export interface Principal {
  issuer: string;
  subject: string;
  tenantId: string;
  objectId: string;
  /** For display and audit only: never compared with anything to grant access. */
  email?: string | undefined;
  /** The `email` claim where the issuer says the tenant owns its domain; used only to bind an administrator. */
  verifiedEmail?: string | undefined;
  name?: string | undefined;
  /** App roles that count: `Platform.Operator` only from the home tenant (see `effectiveRoles`). */
  roles: readonly string[];
}

export const PLATFORM_OPERATOR_ROLE = 'Platform.Operator';

/**
 * The app roles of a token that the service honours. In a multi-tenant app every customer tenant's
 * administrator can assign the app's roles to their own users, so the operator role means something
 * only in a token from the tenant that runs the service; from any other tenant it is ignored.
 */
export function effectiveRoles(
  tokenRoles: readonly string[],
  tenantId: string,
  homeTenantId: string,
): string[] {
  const home = tenantId.toLowerCase() === homeTenantId.toLowerCase();
  return tokenRoles.filter((role) => role !== PLATFORM_OPERATOR_ROLE || home);
}

export const isPlatformOperator = (principal: Principal): boolean =>
  principal.roles.includes(PLATFORM_OPERATOR_ROLE);

/** Two identities are the same person only when tenant and object id both match. */
export const sameEntraIdentity = (
  a: { tenantId: string; objectId: string },
  b: { tenantId: string; objectId: string },
): boolean =>
  a.tenantId.toLowerCase() === b.tenantId.toLowerCase() &&
  a.objectId.toLowerCase() === b.objectId.toLowerCase();
