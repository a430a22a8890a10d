import { describe, expect, it } from 'vitest';
import type { AuditEvent, AuditLog } from '../../shared/app/ports.js';
import { rejectionOf } from '../support/app-error.js';
import { allPages, freshPartnerId, type MakeSubject } from './support.js';

export interface AuditLogSubject {
  audit: AuditLog;
}

export const anAuditEvent = (partnerId: string, eventId: string, at: string): AuditEvent => ({
  eventId,
  partnerId,
  at,
  actor: { subject: 'subject-admin', email: 'ada@contoso.com' },
  action: 'assignment.granted',
  target: { type: 'assignment', id: `a-${eventId}` },
  details: { privilege: 'visual-studio-subscriptions' },
  correlationId: `corr-${eventId}`,
});

const minute = (m: number) => `2025-03-10T12:${String(m).padStart(2, '0')}:00.000Z`;

/** What the audit use case and every command that records an event rely on. */
export function describeAuditLogContract(label: string, makeSubject: MakeSubject<AuditLogSubject>): void {
  describe(`AuditLog contract: ${label}`, () => {
    it('lists what it recorded, as it was recorded', async () => {
      const { audit } = await makeSubject();
      const event = anAuditEvent(freshPartnerId(), 'e-1', minute(1));
      await audit.record(event);
      expect(await audit.list(event.partnerId, { limit: 10 })).toEqual({ items: [event], nextCursor: null });
    });

    it('orders by time, newest first, whatever order the events were recorded in, and pages them', async () => {
      const { audit } = await makeSubject();
      const partnerId = freshPartnerId();
      // Recorded out of order: a retried command can record its event after a later one.
      for (const m of [3, 1, 5, 2, 4]) await audit.record(anAuditEvent(partnerId, `e-${m}`, minute(m)));
      await audit.record(anAuditEvent(freshPartnerId(), 'e-9', minute(9)));
      const { items } = await allPages(2, (page) => audit.list(partnerId, page));
      expect(items.map((e) => e.eventId)).toEqual(['e-5', 'e-4', 'e-3', 'e-2', 'e-1']);
    });

    it('keeps one event per id: a redelivered record does not show twice', async () => {
      const { audit } = await makeSubject();
      const event = anAuditEvent(freshPartnerId(), 'e-1', minute(1));
      await audit.record(event);
      await expect(audit.record({ ...event, action: 'assignment.retried' })).resolves.toBeUndefined();
      const { items } = await audit.list(event.partnerId, { limit: 10 });
      expect(items).toEqual([event]);
    });

    it('lists nothing for a partner with no events', async () => {
      const { audit } = await makeSubject();
      expect(await audit.list(freshPartnerId(), { limit: 10 })).toEqual({ items: [], nextCursor: null });
    });

    it('refuses a cursor it never gave with validation-failed', async () => {
      const { audit } = await makeSubject();
      const partnerId = freshPartnerId();
      await audit.record(anAuditEvent(partnerId, 'e-1', minute(1)));
      await rejectionOf(audit.list(partnerId, { limit: 1, cursor: '!!!' }), 'validation-failed');
    });
  });
}
