import { AppError, notFound } from '../domain/errors.js';
import { administratorToBind, bindAdministrator, isProgramAdministrator } from '../domain/administrators.js';
import type { Partner } from '../domain/partner.js';
import { isPlatformOperator, type Principal } from '../domain/principal.js';
import type { CallContext, Clock, PartnerRepository, Versioned } from './ports.js';

/** What an access check needs: the partner documents, and the time a first call's binding is stamped with. */
export interface AccessDeps {
  partners: PartnerRepository;
  clock: Clock;
}

/**
 * Who may touch a partner: its Program Administrators manage it; platform operators may read any
 * partner and change its terms. Anyone else is told the partner does not exist (404, never 403), so
 * one partner cannot learn about another.
 */
export type PartnerAccessNeed = 'read' | 'manage' | 'operate';

export function assertAccess(partner: Partner, principal: Principal, need: PartnerAccessNeed): void {
  const admin = isProgramAdministrator(partner, principal);
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

/**
 * Reads the partner and checks the caller's access. A designated administrator's first call binds its
 * object id (one conditional write, once); every later call is matched on tenant + object id alone.
 */
export async function loadPartner(
  deps: AccessDeps,
  partnerId: string,
  ctx: Pick<CallContext, 'principal'>,
  need: PartnerAccessNeed,
): Promise<Versioned<Partner>> {
  return authorizeRead(deps, await deps.partners.get(partnerId), partnerId, ctx, need);
}

/**
 * The access check on a partner already read (with the documents a command needs, in one round trip).
 * A first call that binds an administrator writes once, through the repository, and answers the bound
 * version, whose ETag the command then commits against.
 */
export async function authorizeRead(
  deps: AccessDeps,
  found: Versioned<Partner> | null,
  partnerId: string,
  ctx: Pick<CallContext, 'principal'>,
  need: PartnerAccessNeed,
): Promise<Versioned<Partner>> {
  if (!found) throw notFound(`Partner ${partnerId}`);
  let partner = found;
  if (administratorToBind(found.value, ctx.principal) !== null) {
    const now = deps.clock();
    partner = await deps.partners.update(partnerId, (current) =>
      bindAdministrator(current, ctx.principal, now),
    );
  }
  assertAccess(partner.value, ctx.principal, need);
  return partner;
}

export function assertOperator(principal: Principal): void {
  if (!isPlatformOperator(principal)) {
    throw new AppError('forbidden', 'Only a platform operator (app role Platform.Operator) may do this.');
  }
}

/** What a request acts on: the platform (operators only) or one partner, with the access it needs. */
export type RequestScope =
  { kind: 'platform' } | { kind: 'partner'; partnerId: string; need: PartnerAccessNeed };

/**
 * The access check on its own, for what must happen only once it passed (an idempotency record, which
 * must never be written for a caller who may not act on the partner).
 */
export async function authorizeScope(
  deps: AccessDeps,
  ctx: Pick<CallContext, 'principal'>,
  scope: RequestScope,
): Promise<void> {
  if (scope.kind === 'platform') assertOperator(ctx.principal);
  else await loadPartner(deps, scope.partnerId, ctx, scope.need);
}
