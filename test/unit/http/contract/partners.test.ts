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

  it.each<[string, Record<string, unknown>, string[]]>([
    ['at the top', { seats: 10 }, ['']],
    ['inside an entitlement', { entitlements: [anEntitlementBody({ used: 1 })] }, ['entitlements.0']],
    [
      'inside a competency',
      { competencies: [{ name: 'x', level: 'gold', country: 'NL' }] },
      ['competencies.0'],
    ],
  ])('rejects unknown fields %s', (_where, overrides, paths) => {
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody(overrides))).toEqual(paths);
  });

  it.each(['partnerId', 'name', 'program', 'verifiedDomains', 'tenantId', 'programAdministrators'])(
    'rejects a body without %s',
    (field) => {
      const body: Record<string, unknown> = aCreatePartnerBody();
      delete body[field];
      expect(rejectedPaths(CreatePartnerBody, body)).toEqual([field]);
    },
  );

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a numeric name', { name: 42 }, ['name']],
    ['verifiedDomains as a string', { verifiedDomains: 'contoso.com' }, ['verifiedDomains']],
    ['an unknown program', { program: 'gold-partner' }, ['program']],
    ['seats as a string', { entitlements: [anEntitlementBody({ seats: '5' })] }, ['entitlements.0.seats']],
    ['fractional seats', { entitlements: [anEntitlementBody({ seats: 2.5 })] }, ['entitlements.0.seats']],
    [
      'an unknown competency level',
      { competencies: [{ name: 'x', level: 'platinum' }] },
      ['competencies.0.level'],
    ],
  ])('rejects wrong types: %s', (_what, overrides, paths) => {
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody(overrides))).toEqual(paths);
  });

  it('bounds the name at 200 characters and refuses a blank one', () => {
    accepted(CreatePartnerBody, aCreatePartnerBody({ name: 'n'.repeat(200) }));
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ name: 'n'.repeat(201) }))).toEqual(['name']);
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody({ name: '   ' }))).toEqual(['name']);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a bad partnerId', { partnerId: 'Contoso Ltd' }, ['partnerId']],
    ['a bad domain', { verifiedDomains: ['contoso.com', 'not a domain'] }, ['verifiedDomains.1']],
    ['no domains', { verifiedDomains: [] }, ['verifiedDomains']],
    [
      'a malformed administrator email',
      { programAdministrators: ['ada-at-contoso.com'] },
      ['programAdministrators.0'],
    ],
    ['no administrators', { programAdministrators: [] }, ['programAdministrators']],
    ['a bad tenant id', { tenantId: 'contoso' }, ['tenantId']],
  ])('rejects %s', (_what, overrides, paths) => {
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody(overrides))).toEqual(paths);
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

  it.each<[string, Record<string, unknown>, string[]]>([
    ['negative seats', { entitlements: [anEntitlementBody({ seats: -1 })] }, ['entitlements.0.seats']],
    [
      'an unknown benefit',
      { entitlements: [anEntitlementBody({ benefit: 'vs-ultimate' })] },
      ['entitlements.0.benefit'],
    ],
    ['an empty entitlement list', { entitlements: [] }, ['entitlements']],
  ])('rejects %s', (_what, overrides, paths) => {
    expect(rejectedPaths(CreatePartnerBody, aCreatePartnerBody(overrides))).toEqual(paths);
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
