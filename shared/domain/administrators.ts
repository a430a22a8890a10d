import { normalizeEmail, type Partner } from './partner.js';
import { sameEntraIdentity } from './principal.js';

/**
 * Who administers a partner (rule 1 of administration): decided on the tenant and object id the issuer
 * vouches for, never on an email claim; an email counts once, to bind a designated administrator.
 */

/** The identity facts administration is decided on: tenant, object id, and a domain-verified email. */
export interface CallerIdentity {
  tenantId: string;
  objectId: string;
  verifiedEmail?: string | undefined;
}

const inPartnerTenant = (partner: Pick<Partner, 'tenantId'>, caller: CallerIdentity) =>
  caller.tenantId.toLowerCase() === partner.tenantId.toLowerCase();

/** A bound administrator of the partner: the caller's tenant is the partner's and its object id is bound. */
export function isProgramAdministrator(
  partner: Pick<Partner, 'tenantId' | 'programAdministrators'>,
  caller: CallerIdentity,
): boolean {
  return (
    inPartnerTenant(partner, caller) &&
    partner.programAdministrators.some(
      (admin) =>
        admin.objectId !== null &&
        sameEntraIdentity({ tenantId: partner.tenantId, objectId: admin.objectId }, caller),
    )
  );
}

/**
 * The designated, still unbound administrator a caller may be bound to at its first call: only an
 * identity of the partner's tenant, only by an email its issuer verified, and never an address that is
 * already bound to someone else.
 */
export function administratorToBind(
  partner: Pick<Partner, 'tenantId' | 'programAdministrators'>,
  caller: CallerIdentity,
): string | null {
  if (!inPartnerTenant(partner, caller) || !caller.verifiedEmail) return null;
  const email = normalizeEmail(caller.verifiedEmail);
  const admin = partner.programAdministrators.find((a) => a.email === email);
  return admin && admin.objectId === null ? admin.email : null;
}

/** Binds a designated administrator to the caller's object id; a no-op when it is no longer bindable. */
export function bindAdministrator(partner: Partner, caller: CallerIdentity, now: Date): Partner {
  const email = administratorToBind(partner, caller);
  if (email === null) return partner;
  const at = now.toISOString();
  return {
    ...partner,
    programAdministrators: partner.programAdministrators.map((admin) =>
      admin.email === email ? { email, objectId: caller.objectId.toLowerCase(), boundAt: at } : admin,
    ),
    updatedAt: at,
  };
}
