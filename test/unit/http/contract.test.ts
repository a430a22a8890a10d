import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  DomainSchema,
  EmailSchema,
  LimitSchema,
  PartnerIdSchema,
  PartnerPathSchema,
} from '../../../shared/http/contract/common.js';
import { CreatePartnerBody, UpdatePartnerBody } from '../../../shared/http/contract/partners.js';
import {
  AssociatePersonBody,
  ListPeopleQuery,
  SetRolesBody,
  UpdatePersonBody,
} from '../../../shared/http/contract/people.js';

/** Parses and returns the issues' paths, failing if the value is accepted. */
function rejectedPaths(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  expect(result.success, `expected ${JSON.stringify(value)} to be rejected`).toBe(false);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

function accepted<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  expect(result.success, result.success ? '' : JSON.stringify(result.error.issues)).toBe(true);
  return result.data as z.output<S>;
}

const aCreatePartnerBody = (overrides: Record<string, unknown> = {}) => ({
  partnerId: 'contoso',
  name: 'Contoso Ltd',
  program: 'competency',
  verifiedDomains: ['contoso.com'],
  tenantId: '6a0c2b1e-1111-4c6e-9d2a-000000c0150a',
  programAdministrators: ['ada@contoso.com'],
  ...overrides,
});

const anEntitlementBody = (overrides: Record<string, unknown> = {}) => ({
  benefit: 'vs-enterprise',
  seats: 15,
  startsOn: '2025-01-01',
  expiresOn: '2026-01-01',
  ...overrides,
});

const anAssociatePersonBody = (overrides: Record<string, unknown> = {}) => ({
  email: 'grace@contoso.com',
  firstName: 'Grace',
  lastName: 'Hopper',
  ...overrides,
});

describe('PartnerIdSchema', () => {
  it.each(['abc', 'contoso', 'contoso-2', '0ab', 'a'.repeat(64)])('accepts %s', (id) => {
    expect(accepted(PartnerIdSchema, id)).toBe(id);
  });

  it.each([
    'ab',
    'Contoso',
    '-contoso',
    'contoso-',
    'con_toso',
    'con toso',
    'a'.repeat(65),
    '',
    'contoso.com',
  ])('rejects %j', (id) => {
    rejectedPaths(PartnerIdSchema, id);
  });

  it('rejects a bad partnerId in a path', () => {
    expect(rejectedPaths(PartnerPathSchema, { partnerId: 'Not_Valid' })).toEqual(['partnerId']);
  });
});

describe('DomainSchema', () => {
  it('trims and lower-cases', () => {
    expect(accepted(DomainSchema, ' Contoso.COM ')).toBe('contoso.com');
    expect(accepted(DomainSchema, 'eu.mail.contoso.co.uk')).toBe('eu.mail.contoso.co.uk');
  });

  it.each([
    'contoso',
    'contoso.',
    '.contoso.com',
    'conto so.com',
    'contoso.c',
    '-contoso.com',
    'contoso-.com',
    'http://contoso.com',
    'ada@contoso.com',
    'contoso.123',
  ])('rejects %j', (domain) => {
    rejectedPaths(DomainSchema, domain);
  });
});

describe('EmailSchema', () => {
  it('trims and accepts an email', () => {
    expect(accepted(EmailSchema, ' grace@contoso.com ')).toBe('grace@contoso.com');
  });

  it.each([
    'grace',
    'grace@',
    '@contoso.com',
    'grace@contoso',
    'grace contoso@contoso.com',
    'grace@@contoso.com',
    '',
  ])('rejects %j', (email) => {
    rejectedPaths(EmailSchema, email);
  });

  it('rejects an email over 254 characters', () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(64)}.com`;
    expect(email).toHaveLength(255);
    rejectedPaths(EmailSchema, email);
  });
});

describe('LimitSchema', () => {
  it('defaults to 50, coerces strings and accepts 1..200', () => {
    expect(accepted(LimitSchema, undefined)).toBe(50);
    expect(accepted(LimitSchema, '1')).toBe(1);
    expect(accepted(LimitSchema, '200')).toBe(200);
  });

  it.each(['0', '201', '-1', '2.5', 'ten'])('rejects %j', (limit) => {
    rejectedPaths(LimitSchema, limit);
  });
});

describe('CreatePartnerBody', () => {
  it('accepts a minimal body and lower-cases the domains', () => {
    const body = accepted(CreatePartnerBody, aCreatePartnerBody({ verifiedDomains: ['Contoso.COM'] }));
    expect(body).toEqual({
      partnerId: 'contoso',
      name: 'Contoso Ltd',
      program: 'competency',
      verifiedDomains: ['contoso.com'],
      tenantId: '6a0c2b1e-1111-4c6e-9d2a-000000c0150a',
      programAdministrators: ['ada@contoso.com'],
    });
  });

  it('accepts a full body', () => {
    const body = accepted(
      CreatePartnerBody,
      aCreatePartnerBody({
        tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        competencies: [{ name: 'Cloud Platform', level: 'gold' }],
        entitlements: [anEntitlementBody()],
      }),
    );
    expect(body.competencies).toEqual([{ name: 'Cloud Platform', level: 'gold' }]);
    expect(body.entitlements).toEqual([anEntitlementBody()]);
  });

  it('rejects unknown fields, at the top and inside entitlements and competencies', () => {
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ seats: 10 }))).toEqual(['']);
    expect(
      rejectedPaths(
        CreatePartnerBody,
        aCreatePartnerBody({ entitlements: [anEntitlementBody({ used: 1 })] }),
      ),
    ).toEqual(['entitlements.0']);
    expect(
      rejectedPaths(
        CreatePartnerBody,
        aCreatePartnerBody({ competencies: [{ name: 'x', level: 'gold', country: 'NL' }] }),
      ),
    ).toEqual(['competencies.0']);
  });

  it.each(['partnerId', 'name', 'program', 'verifiedDomains', 'tenantId', 'programAdministrators'])(
    'rejects a body without %s',
    (field) => {
      const body: Record<string, unknown> = aCreatePartnerBody();
      delete body[field];
      expect(rejectedPaths(CreatePartnerBody, body)).toEqual([field]);
    },
  );

  it('rejects wrong types', () => {
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ name: 42 }))).toEqual(['name']);
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ verifiedDomains: 'contoso.com' }))).toEqual([
      'verifiedDomains',
    ]);
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ program: 'gold-partner' }))).toEqual([
      'program',
    ]);
    expect(
      rejectedPaths(
        CreatePartnerBody,
        aCreatePartnerBody({ entitlements: [anEntitlementBody({ seats: '5' })] }),
      ),
    ).toEqual(['entitlements.0.seats']);
    expect(
      rejectedPaths(
        CreatePartnerBody,
        aCreatePartnerBody({ entitlements: [anEntitlementBody({ seats: 2.5 })] }),
      ),
    ).toEqual(['entitlements.0.seats']);
    expect(
      rejectedPaths(
        CreatePartnerBody,
        aCreatePartnerBody({ competencies: [{ name: 'x', level: 'platinum' }] }),
      ),
    ).toEqual(['competencies.0.level']);
  });

  it('bounds the name at 200 characters and refuses a blank one', () => {
    accepted(CreatePartnerBody, aCreatePartnerBody({ name: 'n'.repeat(200) }));
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ name: 'n'.repeat(201) }))).toEqual(['name']);
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ name: '   ' }))).toEqual(['name']);
  });

  it('rejects a bad partnerId, bad domains, malformed administrator emails and a bad tenant id', () => {
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ partnerId: 'Contoso Ltd' }))).toEqual([
      'partnerId',
    ]);
    expect(
      rejectedPaths(
        CreatePartnerBody,
        aCreatePartnerBody({ verifiedDomains: ['contoso.com', 'not a domain'] }),
      ),
    ).toEqual(['verifiedDomains.1']);
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ verifiedDomains: [] }))).toEqual([
      'verifiedDomains',
    ]);
    expect(
      rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ programAdministrators: ['ada-at-contoso.com'] })),
    ).toEqual(['programAdministrators.0']);
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ programAdministrators: [] }))).toEqual([
      'programAdministrators',
    ]);
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ tenantId: 'contoso' }))).toEqual([
      'tenantId',
    ]);
  });

  it.each([
    '2025-02-30',
    '2025-13-01',
    '2025-1-1',
    '2025-02-29',
    '2025-02-30T00:00:00Z',
    '2025-01-01T25:00:00Z',
    '2025-01-01 00:00:00',
    '01/01/2025',
    'tomorrow',
    '',
  ])('rejects the invalid date %j, naming the formats it takes', (date) => {
    const result = CreatePartnerBody.safeParse(
      aCreatePartnerBody({ entitlements: [anEntitlementBody({ startsOn: date })] }),
    );
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      [
        'entitlements.0.startsOn',
        'must be a date (YYYY-MM-DD) or an ISO 8601 date-time such as 2025-07-01T00:00:00Z',
      ],
    ]);
  });

  it.each([
    ['2025-07-01', '2025-07-01'],
    ['2025-07-01T00:00:00Z', '2025-07-01'],
    ['2025-07-01T23:59:59.999Z', '2025-07-01'],
    ['2025-07-01T00:00:00+02:00', '2025-07-01'],
    ['2025-07-01T22:00:00-05:00', '2025-07-01'],
    ['2025-07-01T12:00:00', '2025-07-01'],
  ])('takes %j as the day %s (its date part as written)', (given, day) => {
    const body = accepted(
      CreatePartnerBody,
      aCreatePartnerBody({ entitlements: [anEntitlementBody({ startsOn: given })] }),
    );
    expect(body.entitlements![0]!.startsOn).toBe(day);
  });

  it('accepts 29 February of a leap year', () => {
    accepted(
      CreatePartnerBody,
      aCreatePartnerBody({ entitlements: [anEntitlementBody({ startsOn: '2024-02-29' })] }),
    );
  });

  it('rejects negative seats, an unknown benefit and an empty entitlement list', () => {
    expect(
      rejectedPaths(
        CreatePartnerBody,
        aCreatePartnerBody({ entitlements: [anEntitlementBody({ seats: -1 })] }),
      ),
    ).toEqual(['entitlements.0.seats']);
    expect(
      rejectedPaths(
        CreatePartnerBody,
        aCreatePartnerBody({ entitlements: [anEntitlementBody({ benefit: 'vs-ultimate' })] }),
      ),
    ).toEqual(['entitlements.0.benefit']);
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ entitlements: [] }))).toEqual([
      'entitlements',
    ]);
  });
});

describe('UpdatePartnerBody', () => {
  it('accepts partial changes', () => {
    expect(accepted(UpdatePartnerBody, { name: 'Contoso Europe' })).toEqual({ name: 'Contoso Europe' });
  });

  it('rejects unknown fields (program, partnerId and the tenant cannot be changed)', () => {
    expect(rejectedPaths(UpdatePartnerBody, { program: 'action-pack' })).toEqual(['']);
    expect(rejectedPaths(UpdatePartnerBody, { partnerId: 'other' })).toEqual(['']);
    expect(rejectedPaths(UpdatePartnerBody, { tenantId: '6a0c2b1e-1111-4c6e-9d2a-000000c0150a' })).toEqual([
      '',
    ]);
  });

  it('rejects an over-long name, empty administrators and bad domains', () => {
    expect(rejectedPaths(UpdatePartnerBody, { name: 'n'.repeat(201) })).toEqual(['name']);
    expect(rejectedPaths(UpdatePartnerBody, { programAdministrators: [] })).toEqual([
      'programAdministrators',
    ]);
    expect(rejectedPaths(UpdatePartnerBody, { verifiedDomains: ['contoso'] })).toEqual(['verifiedDomains.0']);
  });
});

describe('AssociatePersonBody', () => {
  it('accepts a valid body, trimming names and emails', () => {
    expect(
      accepted(
        AssociatePersonBody,
        anAssociatePersonBody({
          email: ' grace@contoso.com ',
          firstName: ' Grace ',
          notificationEmail: 'g@home.example',
        }),
      ),
    ).toEqual({
      email: 'grace@contoso.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      notificationEmail: 'g@home.example',
    });
    expect(
      accepted(AssociatePersonBody, anAssociatePersonBody({ notificationEmail: null })).notificationEmail,
    ).toBeNull();
  });

  it('rejects unknown fields', () => {
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ technicalContact: 'first' }))).toEqual([
      '',
    ]);
  });

  it.each(['email', 'firstName', 'lastName'])('rejects a body without %s', (field) => {
    const body: Record<string, unknown> = anAssociatePersonBody();
    delete body[field];
    expect(rejectedPaths(AssociatePersonBody, body)).toEqual([field]);
  });

  it('bounds names at 100 characters and refuses blank ones', () => {
    accepted(
      AssociatePersonBody,
      anAssociatePersonBody({ firstName: 'f'.repeat(100), lastName: 'l'.repeat(100) }),
    );
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ firstName: 'f'.repeat(101) }))).toEqual(
      ['firstName'],
    );
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ lastName: 'l'.repeat(101) }))).toEqual([
      'lastName',
    ]);
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ firstName: '  ' }))).toEqual([
      'firstName',
    ]);
  });

  it('rejects malformed emails and wrong types', () => {
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ email: 'grace.contoso.com' }))).toEqual(
      ['email'],
    );
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ notificationEmail: 'home' }))).toEqual([
      'notificationEmail',
    ]);
    expect(rejectedPaths(AssociatePersonBody, anAssociatePersonBody({ firstName: 7 }))).toEqual([
      'firstName',
    ]);
  });
});

describe('UpdatePersonBody', () => {
  it('accepts each change alone, and null to clear the notification email', () => {
    expect(accepted(UpdatePersonBody, { firstName: 'Amazing' })).toEqual({ firstName: 'Amazing' });
    expect(accepted(UpdatePersonBody, { notificationEmail: null })).toEqual({ notificationEmail: null });
  });

  it('rejects unknown fields (the work email cannot be changed), over-long names and malformed emails', () => {
    expect(rejectedPaths(UpdatePersonBody, { email: 'new@contoso.com' })).toEqual(['']);
    expect(rejectedPaths(UpdatePersonBody, { lastName: 'l'.repeat(101) })).toEqual(['lastName']);
    expect(rejectedPaths(UpdatePersonBody, { notificationEmail: 'nope' })).toEqual(['notificationEmail']);
  });
});

describe('SetRolesBody', () => {
  it.each(['first', 'second', 'third', null])('accepts technicalContact %j', (slot) => {
    expect(accepted(SetRolesBody, { technicalContact: slot })).toEqual({ technicalContact: slot });
  });

  it('accepts programAdministrator next to technicalContact', () => {
    expect(accepted(SetRolesBody, { technicalContact: null, programAdministrator: true })).toEqual({
      technicalContact: null,
      programAdministrator: true,
    });
  });

  it('requires technicalContact', () => {
    expect(rejectedPaths(SetRolesBody, {})).toEqual(['technicalContact']);
    expect(rejectedPaths(SetRolesBody, { programAdministrator: true })).toEqual(['technicalContact']);
  });

  it('rejects an unknown slot, a wrong type and unknown fields', () => {
    expect(rejectedPaths(SetRolesBody, { technicalContact: 'fourth' })).toEqual(['technicalContact']);
    expect(rejectedPaths(SetRolesBody, { technicalContact: 'First' })).toEqual(['technicalContact']);
    expect(rejectedPaths(SetRolesBody, { technicalContact: null, programAdministrator: 'yes' })).toEqual([
      'programAdministrator',
    ]);
    expect(rejectedPaths(SetRolesBody, { technicalContact: null, role: 'admin' })).toEqual(['']);
  });
});

describe('ListPeopleQuery', () => {
  it('defaults limit to 50', () => {
    expect(accepted(ListPeopleQuery, {})).toEqual({ limit: 50 });
  });

  it('coerces limit from the query string', () => {
    expect(accepted(ListPeopleQuery, { limit: '1' }).limit).toBe(1);
    expect(accepted(ListPeopleQuery, { limit: '200' }).limit).toBe(200);
  });

  it.each(['0', '201', '1000', '-5', 'abc', '1.5'])('rejects limit=%s', (limit) => {
    expect(rejectedPaths(ListPeopleQuery, { limit })).toEqual(['limit']);
  });

  it('accepts q, role and cursor', () => {
    expect(accepted(ListPeopleQuery, { q: ' grace ', role: 'technical-contact', cursor: 'abc' })).toEqual({
      q: 'grace',
      role: 'technical-contact',
      cursor: 'abc',
      limit: 50,
    });
  });

  it('rejects an unknown role, an over-long q and unknown parameters', () => {
    expect(rejectedPaths(ListPeopleQuery, { role: 'owner' })).toEqual(['role']);
    expect(rejectedPaths(ListPeopleQuery, { q: 'q'.repeat(101) })).toEqual(['q']);
    expect(rejectedPaths(ListPeopleQuery, { page: '2' })).toEqual(['']);
  });
});
