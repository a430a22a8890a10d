import type { AuditLog, CallContext, Page, PageRequest, AuditEvent } from './ports.js';
import { loadPartner, type AccessDeps } from './access.js';
import { newId } from './ids.js';

/** The call a change is made in, and the instant of the change (the operation's one reading of the clock). */
export type AuditContext = CallContext & { at: Date };

/** Who did what, when: the event a change leaves in the partner's audit log. */
export function auditEvent(
  ctx: AuditContext,
  partnerId: string,
  action: string,
  target: { type: string; id: string },
  details: Record<string, unknown> = {},
  eventId: string = newId(),
): AuditEvent {
  return {
    eventId,
    partnerId,
    at: ctx.at.toISOString(),
    actor: { subject: ctx.principal.subject, email: ctx.principal.email ?? null },
    action,
    target,
    details,
    correlationId: ctx.correlationId,
  };
}

export async function recordChange(
  audit: AuditLog,
  ctx: AuditContext,
  partnerId: string,
  action: string,
  target: { type: string; id: string },
  details: Record<string, unknown> = {},
): Promise<void> {
  await audit.record(auditEvent(ctx, partnerId, action, target, details));
}

export async function listAudit(
  deps: AccessDeps & { audit: AuditLog },
  ctx: CallContext,
  partnerId: string,
  page: PageRequest,
): Promise<Page<AuditEvent>> {
  await loadPartner(deps, partnerId, ctx, 'read');
  return deps.audit.list(partnerId, page);
}

/** Every event of the partner's audit log, newest first, page by page (for exports). */
export async function* allAudit(
  deps: AccessDeps & { audit: AuditLog },
  ctx: CallContext,
  partnerId: string,
): AsyncIterable<AuditEvent> {
  await loadPartner(deps, partnerId, ctx, 'read');
  let cursor: string | undefined;
  do {
    const page = await deps.audit.list(partnerId, { limit: 200, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
