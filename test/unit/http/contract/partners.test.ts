import { describe, expect, it } from 'vitest';
import { CreatePartnerBody, UpdatePartnerBody } from '../../../../shared/http/contract/partners.js';
import { accepted, rejectedPaths } from './schema-support.js';

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
