import {
  createPartner as buildPartner,
  updatePartner as changePartner,
  type NewPartner,
  type Partner,
  type PartnerChanges,
} from '../domain/partner.js';
import { AppError } from '../domain/errors.js';
import { assertOperator, loadPartner } from './access.js';
import { recordChange } from './audit.js';
import type {
  AuditLog,
  CallContext,
  Clock,
  Page,
  PageRequest,
  PartnerQuery,
  PartnerRepository,
  Versioned,
} from './ports.js';

export interface PartnerDeps {
  partners: PartnerRepository;
  audit: AuditLog;
  clock: Clock;
}

export async function createPartner(
  deps: PartnerDeps,
  ctx: CallContext,
  input: NewPartner,
): Promise<Versioned<Partner>> {
  assertOperator(ctx.principal);
  const now = deps.clock();
  const created = await deps.partners.create(buildPartner(input, now));
  await recordChange(
    deps.audit,
    { ...ctx, at: now },
    input.partnerId,
    'partner.created',
    { type: 'partner', id: input.partnerId },
    {
      program: input.program,
      entitlements: created.value.entitlements,
    },
  );
  return created;
}

/** Every partner, for platform operators only: a partner's administrators see their own partner alone. */
export async function listPartners(
  deps: PartnerDeps,
  ctx: CallContext,
  query: PartnerQuery,
  page: PageRequest,
): Promise<Page<Partner>> {
  assertOperator(ctx.principal);
  return deps.partners.list(query, page);
}

export async function getPartner(
  deps: PartnerDeps,
  ctx: CallContext,
  partnerId: string,
): Promise<Versioned<Partner>> {
  return loadPartner(deps, partnerId, ctx, 'read');
}

export async function updatePartner(
  deps: PartnerDeps,
  ctx: CallContext,
  partnerId: string,
  changes: PartnerChanges,
  ifMatch: string | undefined,
): Promise<Versioned<Partner>> {
  await loadPartner(deps, partnerId, ctx, 'operate');
  if (Object.values(changes).every((value) => value === undefined)) {
    throw new AppError('validation-failed', 'Nothing to change.');
  }
  const now = deps.clock();
  const updated = await deps.partners.update(partnerId, (partner) => changePartner(partner, changes, now), {
    ifMatch,
  });
  await recordChange(
    deps.audit,
    { ...ctx, at: now },
    partnerId,
    'partner.updated',
    { type: 'partner', id: partnerId },
    {
      changed: Object.keys(changes).filter((key) => changes[key as keyof PartnerChanges] !== undefined),
    },
  );
  return updated;
}
