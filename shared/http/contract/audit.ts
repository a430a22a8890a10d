import { z } from 'zod';
import type { EndpointSpec } from '../endpoint.js';
import { CursorSchema, LimitSchema, PartnerPathSchema, pageOf } from './common.js';

export const AuditEventSchema = z
  .object({
    eventId: z.string(),
    partnerId: z.string(),
    at: z.string(),
    actor: z.object({ subject: z.string(), email: z.string().nullable() }),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string() }),
    details: z.record(z.string(), z.unknown()),
    correlationId: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export const listAudit = {
  name: 'audit-list',
  method: 'GET',
  route: 'partners/{partnerId}/audit',
  summary: 'Who did what, when; newest first',
  tags: ['audit'],
  access: 'authenticated',
  params: PartnerPathSchema,
  query: z.strictObject({ limit: LimitSchema, cursor: CursorSchema }),
  responses: {
    200: { description: 'A page of audit events', schema: pageOf(AuditEventSchema, 'AuditEventPage') },
  },
  errors: ['not-found'],
} as const satisfies EndpointSpec;

export const exportAudit = {
  name: 'audit-export',
  method: 'GET',
  route: 'partners/{partnerId}/audit.csv',
  summary: 'Every audit event as CSV, newest first (cells that could run as formulas are neutralised)',
  tags: ['audit'],
  access: 'authenticated',
  params: PartnerPathSchema,
  query: z.strictObject({}),
  responses: { 200: { description: 'CSV', contentType: 'text/csv', schema: z.string() } },
  errors: ['not-found'],
} as const satisfies EndpointSpec;

export const auditEndpoints: EndpointSpec[] = [listAudit, exportAudit];
