import { z } from 'zod';
import { BENEFITS, COMPETENCY_LEVELS, PROGRAMS } from '../../domain/program.js';
import { TECHNICAL_CONTACT_SLOTS } from '../../domain/partner.js';
import type { EndpointSpec } from '../endpoint.js';
import { UsageSchema } from './assignments.js';
import {
  CursorSchema,
  DaySchema,
  DomainSchema,
  EmailSchema,
  LimitSchema,
  PartnerIdSchema,
  PartnerPathSchema,
  pageOf,
  SearchTextSchema,
} from './common.js';

const EntitlementSchema = z
  .strictObject({
    benefit: z.enum(BENEFITS),
    seats: z.number().int().min(0).max(10_000),
    startsOn: DaySchema,
    expiresOn: DaySchema,
  })
  .meta({ id: 'Entitlement' });

const CompetencySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  level: z.enum(COMPETENCY_LEVELS),
});

const ProgramAdministratorSchema = z
  .object({
    email: z.string(),
    objectId: z.string().nullable().meta({ description: 'Bound at the first call; null until then.' }),
    boundAt: z.string().nullable(),
  })
  .meta({ id: 'ProgramAdministrator' });

export const CreatePartnerBody = z
  .strictObject({
    partnerId: PartnerIdSchema,
    name: z.string().trim().min(1).max(200),
    program: z.enum(PROGRAMS),
    verifiedDomains: z.array(DomainSchema).min(1).max(50),
    tenantId: z.uuid().meta({
      description:
        "The partner's Microsoft Entra tenant id. Its Program Administrators and subscribers must be identities of this tenant.",
    }),
    programAdministrators: z.array(EmailSchema).min(1).max(50).meta({
      description:
        'Work emails of the Program Administrators. Each is bound to its Entra object id at its first call (only from the partner tenant, by a domain-verified email claim); afterwards only tenant + object id match.',
    }),
    competencies: z.array(CompetencySchema).max(50).optional(),
    entitlements: z.array(EntitlementSchema).min(1).max(5).optional(),
  })
  .meta({ id: 'CreatePartner' });

export const UpdatePartnerBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    verifiedDomains: z.array(DomainSchema).min(1).max(50).optional(),
    programAdministrators: z.array(EmailSchema).min(1).max(50).optional().meta({
      description:
        'The full list of administrator emails. An email kept keeps its binding; a new or changed email starts unbound.',
    }),
    entitlements: z.array(EntitlementSchema).min(1).max(5).optional(),
  })
  .meta({ id: 'UpdatePartner' });

export const PartnerSchema = z
  .object({
    partnerId: z.string(),
    name: z.string(),
    program: z.enum(PROGRAMS),
    verifiedDomains: z.array(z.string()),
    tenantId: z.string(),
    programAdministrators: z.array(ProgramAdministratorSchema),
    competencies: z.array(CompetencySchema),
    entitlements: z.array(EntitlementSchema),
    technicalContacts: z.record(z.enum(TECHNICAL_CONTACT_SLOTS), z.string().nullable()),
    usage: UsageSchema.shape.benefits,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Partner' });

export const createPartner = {
  name: 'partners-create',
  method: 'POST',
  route: 'partners',
  summary: 'Create a partner (platform operator)',
  tags: ['partners'],
  access: 'authenticated',
  body: CreatePartnerBody,
  responses: { 201: { description: 'Created', schema: PartnerSchema } },
  errors: ['already-exists', 'forbidden', 'email-domain-not-verified', 'idempotency-key-reused'],
} as const satisfies EndpointSpec;

export const ListPartnersQuery = z.strictObject({
  q: SearchTextSchema,
  limit: LimitSchema,
  cursor: CursorSchema,
});

export const listPartners = {
  name: 'partners-list',
  method: 'GET',
  route: 'partners',
  summary: 'Every partner, ordered by id; q matches the id or the name (platform operator)',
  tags: ['partners'],
  access: 'authenticated',
  query: ListPartnersQuery,
  responses: { 200: { description: 'A page of partners', schema: pageOf(PartnerSchema, 'PartnerPage') } },
  errors: ['forbidden'],
} as const satisfies EndpointSpec;

export const getPartner = {
  name: 'partners-get',
  method: 'GET',
  route: 'partners/{partnerId}',
  summary: 'A partner',
  tags: ['partners'],
  access: 'authenticated',
  params: PartnerPathSchema,
  responses: { 200: { description: 'The partner', schema: PartnerSchema } },
  errors: ['not-found'],
} as const satisfies EndpointSpec;

export const updatePartner = {
  name: 'partners-update',
  method: 'PATCH',
  route: 'partners/{partnerId}',
  summary: "Change a partner's name, domains, administrators or entitlements (platform operator)",
  tags: ['partners'],
  access: 'authenticated',
  params: PartnerPathSchema,
  body: UpdatePartnerBody,
  responses: { 200: { description: 'The changed partner', schema: PartnerSchema } },
  errors: ['not-found', 'forbidden', 'precondition-failed', 'email-domain-not-verified'],
} as const satisfies EndpointSpec;

export const partnerEndpoints: EndpointSpec[] = [createPartner, listPartners, getPartner, updatePartner];
