import { AppError, notFound } from '../domain/errors.js';
import { isProgramAdministrator, type Partner } from '../domain/partner.js';
import { isPlatformOperator, type Principal } from '../domain/principal.js';
import type { PartnerRepository, Versioned } from './ports.js';

/**
 * Who may touch a partner: its Program Administrators manage it; platform operators may read any
 * partner and change its terms. Anyone else is told the partner does not exist (404, never 403), so
 * one partner cannot learn about another.
 */
export type PartnerAccessNeed = 'read' | 'manage' | 'operate';

export function assertAccess(partner: Partner, principal: Principal, need: PartnerAccessNeed): void {
  const admin = isProgramAdministrator(partner, principal.email);
  const operator = isPlatformOperator(principal);
  if (!admin && !operator) throw notFound(`Partner ${partner.partnerId}`);
  if (need === 'manage' && !admin) {
    throw new AppError(
      'forbidden',
      "Only the partner's Program Administrators manage its people and subscriptions.",
    );
  }
  if (need === 'operate' && !operator) {
    throw new AppError('forbidden', 'Only a platform operator changes a partner’s terms.');
  }
}

export async function loadPartner(
  partners: PartnerRepository,
  partnerId: string,
  principal: Principal,
  need: PartnerAccessNeed,
): Promise<Versioned<Partner>> {
  const found = await partners.get(partnerId);
  if (!found) throw notFound(`Partner ${partnerId}`);
  assertAccess(found.value, principal, need);
  return found;
}

export function assertOperator(principal: Principal): void {
  if (!isPlatformOperator(principal)) {
    throw new AppError('forbidden', 'Only a platform operator (app role Platform.Operator) may do this.');
  }
}
