import { z } from 'zod';
import { ASSIGNMENT_STATUSES } from '../../domain/assignment.js';
import { BENEFITS, PRIVILEGES } from '../../domain/program.js';
import type { EndpointSpec } from '../endpoint.js';
import {
  CursorSchema,
  IdSegmentSchema,
  LimitSchema,
  PartnerIdSchema,
  PartnerPathSchema,
  pageOf,
} from './common.js';

const AssignmentPathSchema = z.strictObject({ partnerId: PartnerIdSchema, assignmentId: IdSegmentSchema });

export const GrantBody = z
  .strictObject({ personId: IdSegmentSchema, privilege: z.enum(PRIVILEGES) })
  .meta({ id: 'Grant' });

export const ListAssignmentsQuery = z.strictObject({
  status: z.enum(ASSIGNMENT_STATUSES).optional(),
  personId: IdSegmentSchema.optional(),
  limit: LimitSchema,
  cursor: CursorSchema,
});

export const AssignmentSchema = z
  .object({
    assignmentId: z.string(),
    partnerId: z.string(),
    personId: z.string(),
    personEmail: z.string(),
    privilege: z.enum(PRIVILEGES),
    benefit: z.enum(BENEFITS),
    status: z.enum(ASSIGNMENT_STATUSES),
    assignedAt: z.string(),
    assignedBy: z.object({ subject: z.string(), email: z.string().nullable() }),
    activatedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    endReason: z.enum(['revoked', 'expired', 'disassociated']).nullable(),
    invitation: z.object({
      version: z.number().int(),
      issuedAt: z.string(),
      expiresAt: z.string(),
      usedAt: z.string().nullable(),
    }),
    delivery: z.object({
      sequence: z.number().int(),
      kind: z.enum(['invitation', 'revocation']),
      to: z.string(),
      state: z.enum(['queued', 'sent', 'failed']),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      queuedAt: z.string(),
      nextAttemptAt: z.string().nullable(),
      sentAt: z.string().nullable(),
    }),
  })
  .meta({ id: 'Assignment' });

export const UsageSchema = z
  .object({
    partnerId: z.string(),
    at: z.string(),
    benefits: z.array(
      z.object({
        benefit: z.enum(BENEFITS),
        seats: z.number().int(),
        startsOn: z.string(),
        expiresOn: z.string(),
        active: z.boolean(),
        invited: z.number().int(),
        activated: z.number().int(),
        coolingDown: z.number().int(),
        available: z.number().int(),
        maxUsage: z.object({ count: z.number().int(), firstReachedAt: z.string() }).nullable(),
      }),
    ),
  })
  .meta({ id: 'Usage' });

export const grant = {
  name: 'assignments-create',
  method: 'POST',
  route: 'partners/{partnerId}/assignments',
  summary: 'Grant a privilege to a person: the assignment is invited and its email queued',
  tags: ['assignments'],
  access: 'authenticated',
  params: PartnerPathSchema,
  body: GrantBody,
  responses: { 201: { description: 'Granted', schema: AssignmentSchema } },
  errors: [
    'not-found',
    'technical-contact-required',
    'privilege-not-in-program',
    'no-seats-available',
    'seat-in-cooldown',
    'already-assigned',
    'entitlement-inactive',
    'idempotency-key-reused',
  ],
} as const satisfies EndpointSpec;

export const listAssignments = {
  name: 'assignments-list',
  method: 'GET',
  route: 'partners/{partnerId}/assignments',
  summary: "The partner's assignments, newest first",
  tags: ['assignments'],
  access: 'authenticated',
  params: PartnerPathSchema,
  query: ListAssignmentsQuery,
  responses: {
    200: { description: 'A page of assignments', schema: pageOf(AssignmentSchema, 'AssignmentPage') },
  },
  errors: ['not-found'],
} as const satisfies EndpointSpec;

export const exportAssignments = {
  name: 'assignments-export',
  method: 'GET',
  route: 'partners/{partnerId}/assignments.csv',
  summary: 'Every assignment as CSV (cells that could run as formulas are neutralised)',
  tags: ['assignments'],
  access: 'authenticated',
  params: PartnerPathSchema,
  query: z.strictObject({ status: z.enum(ASSIGNMENT_STATUSES).optional() }),
  responses: { 200: { description: 'CSV', contentType: 'text/csv', schema: z.string() } },
  errors: ['not-found'],
} as const satisfies EndpointSpec;

export const getAssignment = {
  name: 'assignments-get',
  method: 'GET',
  route: 'partners/{partnerId}/assignments/{assignmentId}',
  summary: 'One assignment with its email delivery state',
  tags: ['assignments'],
  access: 'authenticated',
  params: AssignmentPathSchema,
  responses: { 200: { description: 'The assignment', schema: AssignmentSchema } },
  errors: ['not-found'],
} as const satisfies EndpointSpec;

export const revoke = {
  name: 'assignments-revoke',
  method: 'DELETE',
  route: 'partners/{partnerId}/assignments/{assignmentId}',
  summary: 'Revoke an assignment; its seat frees at once if never activated, else after the cooldown',
  tags: ['assignments'],
  access: 'authenticated',
  params: AssignmentPathSchema,
  responses: { 200: { description: 'The revoked assignment', schema: AssignmentSchema } },
  errors: ['not-found'],
} as const satisfies EndpointSpec;

export const resend = {
  name: 'assignments-resend',
  method: 'POST',
  route: 'partners/{partnerId}/assignments/{assignmentId}/resend',
  summary: 'A new invitation link (the previous one stops working) and a new email',
  tags: ['assignments'],
  access: 'authenticated',
  params: AssignmentPathSchema,
  responses: { 200: { description: 'The assignment with its new invitation', schema: AssignmentSchema } },
  errors: ['not-found', 'already-assigned'],
} as const satisfies EndpointSpec;

export const usage = {
  name: 'usage-get',
  method: 'GET',
  route: 'partners/{partnerId}/usage',
  summary: 'Per benefit: seats, invited, active, available, and the highest usage reached',
  tags: ['assignments'],
  access: 'authenticated',
  params: PartnerPathSchema,
  responses: { 200: { description: 'Seat usage', schema: UsageSchema } },
  errors: ['not-found'],
} as const satisfies EndpointSpec;

export const assignmentEndpoints: EndpointSpec[] = [
  grant,
  listAssignments,
  exportAssignments,
  getAssignment,
  revoke,
  resend,
  usage,
];
