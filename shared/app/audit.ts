import type { AuditLog, CallContext, Page, PageRequest, AuditEvent, PartnerRepository } from './ports.js';
import { loadPartner } from './access.js';
import { newId } from './ids.js';

/** Who did what, when: the event a change leaves in the partner's audit log. */
export function auditEvent(
  ctx: CallContext,
  partnerId: string,
  action: string,
  target: { type: string; id: string },
  details: Record<string, unknown> = {},
  eventId: string = newId(),
): AuditEvent {
  return {
    eventId,
    partnerId,
    at: ctx.now.toISOString(),
    actor: { subject: ctx.principal.subject, email: ctx.principal.email ?? null },
    action,
    target,
    details,
    correlationId: ctx.correlationId,
  };
}

export async function recordChange(
  audit: AuditLog,
  ctx: CallContext,
  partnerId: string,
  action: string,
  target: { type: string; id: string },
  details: Record<string, unknown> = {},
): Promise<void> {
  await audit.record(auditEvent(ctx, partnerId, action, target, details));
}

export async function listAudit(
  deps: { partners: PartnerRepository; audit: AuditLog },
  ctx: CallContext,
  partnerId: string,
  page: PageRequest,
): Promise<Page<AuditEvent>> {
  await loadPartner(deps.partners, partnerId, ctx, 'read');
  return deps.audit.list(partnerId, page);
}
