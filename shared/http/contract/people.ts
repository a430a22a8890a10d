import { z } from 'zod';
import { TECHNICAL_CONTACT_SLOTS } from '../../domain/partner.js';
import { PRIVILEGES } from '../../domain/program.js';
import type { EndpointSpec } from '../endpoint.js';
import {
  BooleanQuerySchema,
  CursorSchema,
  EmailSchema,
  IdSegmentSchema,
  LimitSchema,
  NameSchema,
  PartnerIdSchema,
  PartnerPathSchema,
  pageOf,
  SearchTextSchema,
} from './common.js';

const PersonPathSchema = z.strictObject({ partnerId: PartnerIdSchema, personId: IdSegmentSchema });

export const AssociatePersonBody = z
  .strictObject({
    email: EmailSchema,
    firstName: NameSchema,
    lastName: NameSchema,
    notificationEmail: EmailSchema.nullable().optional(),
  })
  .meta({ id: 'AssociatePerson' });

export const UpdatePersonBody = z
  .strictObject({
    firstName: NameSchema.optional(),
    lastName: NameSchema.optional(),
    notificationEmail: EmailSchema.nullable().optional(),
  })
  .meta({ id: 'UpdatePerson' });

export const SetRolesBody = z
  .strictObject({
    technicalContact: z.enum(TECHNICAL_CONTACT_SLOTS).nullable(),
    programAdministrator: z.boolean().optional(),
  })
  .meta({ id: 'SetRoles' });

export const ROLE_FILTERS = [
  ...TECHNICAL_CONTACT_SLOTS,
  'technical-contact',
  'program-administrator',
] as const;

export const ListPeopleQuery = z.strictObject({
  q: SearchTextSchema,
  role: z.enum(ROLE_FILTERS).optional(),
  privilege: z.enum(PRIVILEGES).optional(),
  limit: LimitSchema,
  cursor: CursorSchema,
});

export const PersonSchema = z
  .object({
    personId: z.string(),
    partnerId: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    notificationEmail: z.string().nullable(),
    roles: z.object({
      technicalContact: z.enum(TECHNICAL_CONTACT_SLOTS).nullable(),
      programAdministrator: z.boolean(),
    }),
    subscriptions: z.array(
      z.object({ assignmentId: z.string(), benefit: z.string(), status: z.string(), assignedAt: z.string() }),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Person' });

export const associatePerson = {
  name: 'people-create',
  method: 'POST',
  route: 'partners/{partnerId}/people',
  summary: 'Associate a person with the partner',
  tags: ['people'],
  access: 'authenticated',
  params: PartnerPathSchema,
  body: AssociatePersonBody,
  responses: { 201: { description: 'Associated', schema: PersonSchema } },
  errors: ['not-found', 'already-exists', 'email-domain-not-verified', 'idempotency-key-reused'],
} as const satisfies EndpointSpec;

export const listPeople = {
  name: 'people-list',
  method: 'GET',
  route: 'partners/{partnerId}/people',
  summary: "The partner's people; q matches name or email",
  tags: ['people'],
  access: 'authenticated',
  params: PartnerPathSchema,
  query: ListPeopleQuery,
  responses: { 200: { description: 'A page of people', schema: pageOf(PersonSchema, 'PersonPage') } },
  errors: ['not-found'],
} as const satisfies EndpointSpec;

export const getPerson = {
  name: 'people-get',
  method: 'GET',
  route: 'partners/{partnerId}/people/{personId}',
  summary: 'One person with roles and live subscriptions',
  tags: ['people'],
  access: 'authenticated',
  params: PersonPathSchema,
  responses: { 200: { description: 'The person', schema: PersonSchema } },
  errors: ['not-found'],
} as const satisfies EndpointSpec;

export const updatePerson = {
  name: 'people-update',
  method: 'PATCH',
  route: 'partners/{partnerId}/people/{personId}',
  summary: "Change a person's names or notification email",
  tags: ['people'],
  access: 'authenticated',
  params: PersonPathSchema,
  body: UpdatePersonBody,
  responses: { 200: { description: 'The changed person', schema: PersonSchema } },
  errors: ['not-found', 'precondition-failed'],
} as const satisfies EndpointSpec;

export const disassociatePerson = {
  name: 'people-delete',
  method: 'DELETE',
  route: 'partners/{partnerId}/people/{personId}',
  summary: 'Disassociate a person; cascade=true also frees their roles',
  tags: ['people'],
  access: 'authenticated',
  params: PersonPathSchema,
  query: z.strictObject({ cascade: BooleanQuerySchema }),
  responses: { 204: { description: 'Disassociated' } },
  errors: ['not-found', 'person-in-use', 'precondition-failed'],
} as const satisfies EndpointSpec;

export const setRoles = {
  name: 'people-roles-put',
  method: 'PUT',
  route: 'partners/{partnerId}/people/{personId}/roles',
  summary: "Set a person's Technical Contact slot and Program Administrator flag",
  tags: ['people'],
  access: 'authenticated',
  params: PersonPathSchema,
  body: SetRolesBody,
  responses: { 200: { description: 'The person with the new roles', schema: PersonSchema } },
  errors: ['not-found', 'slot-taken', 'role-in-use', 'precondition-failed'],
} as const satisfies EndpointSpec;

export const peopleEndpoints: EndpointSpec[] = [
  associatePerson,
  listPeople,
  getPerson,
  updatePerson,
  disassociatePerson,
  setRoles,
];
