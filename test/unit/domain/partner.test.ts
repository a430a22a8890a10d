import { describe, expect, it } from 'vitest';
import {
  createPartner,
  emailDomain,
  isInVerifiedDomain,
  administratorEmails,
  updatePartner,
  type Entitlement,
} from '../../../shared/domain/partner.js';
import { LATER, NOW, TODAY } from '../../support/mothers/clock.js';
import { aCompetencyPartner, aNewPartner, aPartner, gold, silver } from '../../support/mothers/partner.js';
import { appErrorFrom } from '../../support/app-error.js';

const anEntitlement = (overrides: Partial<Entitlement> = {}): Entitlement => ({
  benefit: 'vs-professional',
  seats: 7,
  startsOn: '2025-01-01',
  expiresOn: '2026-01-01',
  ...overrides,
});

describe('createPartner', () => {
  it('defaults an Action Pack partner to one vs-professional entitlement of 3 seats from today for one year', () => {
    const partner = createPartner(aNewPartner(), NOW);
    expect(partner.entitlements).toEqual([
      { benefit: 'vs-professional', seats: 3, startsOn: TODAY, expiresOn: '2026-03-10' },
    ]);
  });

  it('defaults a Competency partner to vs-enterprise with seats from its competencies', () => {
    const partner = aCompetencyPartner({ competencies: [gold(), silver()] });
    expect(partner.entitlements).toEqual([
      { benefit: 'vs-enterprise', seats: 15, startsOn: TODAY, expiresOn: '2026-03-10' },
    ]);
    expect(partner.competencies).toEqual([gold(), silver()]);
  });

  it('defaults a Competency partner without competencies to the silver core of 5', () => {
    const partner = aCompetencyPartner();
    expect(partner.entitlements).toEqual([
      { benefit: 'vs-enterprise', seats: 5, startsOn: TODAY, expiresOn: '2026-03-10' },
    ]);
    expect(partner.competencies).toEqual([]);
  });

  it('uses the UTC date of now as startsOn', () => {
    const partner = createPartner(aNewPartner(), new Date('2025-06-30T23:59:59.999Z'));
    expect(partner.entitlements[0]?.startsOn).toBe('2025-06-30');
    expect(partner.entitlements[0]?.expiresOn).toBe('2026-06-30');
  });

  it('ends an entitlement that starts on 29 February on 28 February of the next year', () => {
    const partner = createPartner(aNewPartner(), new Date('2024-02-29T10:00:00Z'));
    expect(partner.entitlements[0]).toMatchObject({ startsOn: '2024-02-29', expiresOn: '2025-02-28' });
  });

  it('keeps given entitlements instead of the defaults', () => {
    const given = [anEntitlement({ seats: 12 })];
    const partner = createPartner(aNewPartner({ entitlements: given }), NOW);
    expect(partner.entitlements).toEqual(given);
  });

  it('sets the remaining fields: no slots held, tenant lower-cased, timestamps at now', () => {
    const partner = createPartner(aNewPartner({ tenantId: 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE' }), NOW);
    expect(partner).toMatchObject({
      partnerId: 'contoso',
      name: 'Contoso Ltd',
      program: 'action-pack',
      tenantId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      technicalContacts: { first: null, second: null, third: null },
      createdAt: '2025-03-10T12:00:00.000Z',
      updatedAt: '2025-03-10T12:00:00.000Z',
    });
  });

  it('designates the administrators by email, none of them bound yet', () => {
    const partner = createPartner(
      aNewPartner({ programAdministrators: ['ada@contoso.com', 'bob@contoso.com'] }),
      NOW,
    );
    expect(partner.programAdministrators).toEqual([
      { email: 'ada@contoso.com', objectId: null, boundAt: null },
      { email: 'bob@contoso.com', objectId: null, boundAt: null },
    ]);
  });

  it('lower-cases and de-duplicates verified domains and administrators (administrators trimmed too)', () => {
    const partner = createPartner(
      aNewPartner({
        verifiedDomains: ['Contoso.COM', 'contoso.com', 'Fabrikam.com'],
        programAdministrators: [' Ada@Contoso.COM ', 'ada@contoso.com', 'Bob@FABRIKAM.com'],
      }),
      NOW,
    );
    expect(partner.verifiedDomains).toEqual(['contoso.com', 'fabrikam.com']);
    expect(administratorEmails(partner)).toEqual(['ada@contoso.com', 'bob@fabrikam.com']);
  });

  it('refuses an administrator outside the verified domains with email-domain-not-verified', () => {
    const error = appErrorFrom(
      () =>
        createPartner(
          aNewPartner({ programAdministrators: ['ada@contoso.com', 'mallory@evil.example'] }),
          NOW,
        ),
      'email-domain-not-verified',
    );
    expect(error.details).toMatchObject({ domain: 'evil.example', verifiedDomains: ['contoso.com'] });
    expect(error.fieldProblems[0]?.path).toBe('programAdministrators.1');
  });

  it('refuses an administrator in a sub-domain of a verified domain', () => {
    appErrorFrom(
      () => createPartner(aNewPartner({ programAdministrators: ['ada@eu.contoso.com'] }), NOW),
      'email-domain-not-verified',
    );
  });

  it('refuses competencies on an Action Pack partner with validation-failed', () => {
    const error = appErrorFrom(
      () => createPartner(aNewPartner({ program: 'action-pack', competencies: [gold()] }), NOW),
      'validation-failed',
    );
    expect(error.fieldProblems[0]?.path).toBe('competencies');
  });

  it('refuses an entitlement whose benefit is not the program’s with validation-failed', () => {
    const error = appErrorFrom(
      () =>
        createPartner(
          aNewPartner({
            program: 'action-pack',
            entitlements: [anEntitlement({ benefit: 'vs-enterprise' })],
          }),
          NOW,
        ),
      'validation-failed',
    );
    expect(error.fieldProblems[0]?.path).toBe('entitlements.0.benefit');
    appErrorFrom(
      () =>
        createPartner(
          aNewPartner({
            program: 'competency',
            entitlements: [anEntitlement({ benefit: 'vs-professional' })],
          }),
          NOW,
        ),
      'validation-failed',
    );
  });

  it('refuses an entitlement that expires on the day it starts', () => {
    const error = appErrorFrom(
      () =>
        createPartner(
          aNewPartner({ entitlements: [anEntitlement({ startsOn: '2025-05-01', expiresOn: '2025-05-01' })] }),
          NOW,
        ),
      'validation-failed',
    );
    expect(error.fieldProblems[0]?.path).toBe('entitlements.0.expiresOn');
  });

  it('refuses an entitlement that expires before it starts', () => {
    appErrorFrom(
      () =>
        createPartner(
          aNewPartner({ entitlements: [anEntitlement({ startsOn: '2025-05-02', expiresOn: '2025-05-01' })] }),
          NOW,
        ),
      'validation-failed',
    );
  });

  it('refuses two entitlements for the same benefit', () => {
    const error = appErrorFrom(
      () =>
        createPartner(
          aNewPartner({
            entitlements: [
              anEntitlement(),
              anEntitlement({ seats: 4, startsOn: '2026-01-01', expiresOn: '2027-01-01' }),
            ],
          }),
          NOW,
        ),
      'validation-failed',
    );
    expect(error.fieldProblems[0]?.path).toBe('entitlements');
  });
});

describe('updatePartner', () => {
  it('changes the name and stamps updatedAt, without touching the original', () => {
    const partner = aPartner();
    const next = updatePartner(partner, { name: 'Contoso Europe' }, LATER);
    expect(next.name).toBe('Contoso Europe');
    expect(next.updatedAt).toBe(LATER.toISOString());
    expect(next.createdAt).toBe(partner.createdAt);
    expect(partner.name).toBe('Contoso Ltd');
    expect(partner.updatedAt).toBe(NOW.toISOString());
  });

  it('lower-cases new domains and administrators', () => {
    const next = updatePartner(
      aPartner(),
      {
        verifiedDomains: ['CONTOSO.com', 'Fabrikam.com'],
        programAdministrators: ['Ada@Contoso.com', 'BOB@fabrikam.COM'],
      },
      LATER,
    );
    expect(next.verifiedDomains).toEqual(['contoso.com', 'fabrikam.com']);
    expect(administratorEmails(next)).toEqual(['ada@contoso.com', 'bob@fabrikam.com']);
  });

  it('refuses an empty administrator list with validation-failed', () => {
    const error = appErrorFrom(
      () => updatePartner(aPartner(), { programAdministrators: [] }, LATER),
      'validation-failed',
    );
    expect(error.fieldProblems[0]?.path).toBe('programAdministrators');
  });

  it('refuses a new administrator outside the verified domains', () => {
    appErrorFrom(
      () =>
        updatePartner(aPartner(), { programAdministrators: ['ada@contoso.com', 'eve@fabrikam.com'] }, LATER),
      'email-domain-not-verified',
    );
  });

  it('refuses a domain change that leaves an existing administrator outside the verified domains', () => {
    const error = appErrorFrom(
      () => updatePartner(aPartner(), { verifiedDomains: ['fabrikam.com'] }, LATER),
      'email-domain-not-verified',
    );
    expect(error.details).toMatchObject({ domain: 'contoso.com', verifiedDomains: ['fabrikam.com'] });
  });

  it('accepts a domain change together with administrators in the new domain', () => {
    const next = updatePartner(
      aPartner(),
      { verifiedDomains: ['fabrikam.com'], programAdministrators: ['eve@fabrikam.com'] },
      LATER,
    );
    expect(next.verifiedDomains).toEqual(['fabrikam.com']);
    expect(administratorEmails(next)).toEqual(['eve@fabrikam.com']);
  });

  it('validates new entitlements against the partner’s program', () => {
    appErrorFrom(
      () => updatePartner(aPartner(), { entitlements: [anEntitlement({ benefit: 'vs-enterprise' })] }, LATER),
      'validation-failed',
    );
    appErrorFrom(
      () =>
        updatePartner(
          aPartner(),
          { entitlements: [anEntitlement({ startsOn: '2026-01-01', expiresOn: '2025-12-31' })] },
          LATER,
        ),
      'validation-failed',
    );
    const next = updatePartner(aPartner(), { entitlements: [anEntitlement({ seats: 9 })] }, LATER);
    expect(next.entitlements).toEqual([anEntitlement({ seats: 9 })]);
  });
});

describe('isInVerifiedDomain / emailDomain', () => {
  const partner = aPartner();

  it('matches the verified domain whatever the case of the email', () => {
    expect(isInVerifiedDomain(partner, 'grace@contoso.com')).toBe(true);
    expect(isInVerifiedDomain(partner, 'Grace@CONTOSO.COM')).toBe(true);
    expect(isInVerifiedDomain(partner, 'grace@Contoso.Com')).toBe(true);
  });

  it('matches on the part after the last @', () => {
    expect(emailDomain('"a@fabrikam.com"@contoso.com')).toBe('contoso.com');
    expect(isInVerifiedDomain(partner, '"a@fabrikam.com"@contoso.com')).toBe(true);
    expect(isInVerifiedDomain(partner, '"a@contoso.com"@fabrikam.com')).toBe(false);
  });

  it('does not match other domains, sub-domains, look-alikes or a missing @', () => {
    expect(isInVerifiedDomain(partner, 'eve@fabrikam.com')).toBe(false);
    expect(isInVerifiedDomain(partner, 'eve@mail.contoso.com')).toBe(false);
    expect(isInVerifiedDomain(partner, 'eve@contoso.com.evil.example')).toBe(false);
    expect(isInVerifiedDomain(partner, 'eve@notcontoso.com')).toBe(false);
    expect(isInVerifiedDomain(partner, 'contoso.com')).toBe(false);
    expect(emailDomain('contoso.com')).toBe('');
  });
});
