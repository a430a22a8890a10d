import { describe, expect, it } from 'vitest';
import { listPartners, type PartnerDeps } from '../../../shared/app/partners.js';
import { rejectionOf } from '../../support/app-error.js';
import { NOW } from '../../support/mothers/clock.js';
import { aPartner } from '../../support/mothers/partner.js';
import { anAdminOf, anOperator } from '../../support/mothers/principal.js';
import { FakeAuditLog, FakePartnerRepository } from '../../support/fakes/index.js';

const deps = (): PartnerDeps => ({
  partners: new FakePartnerRepository(
    aPartner({ partnerId: 'fabrikam', name: 'Fabrikam Inc' }),
    aPartner({ partnerId: 'contoso', name: 'Contoso Ltd' }),
  ),
  audit: new FakeAuditLog(),
  clock: () => NOW,
});
const ctx = (principal = anOperator()) => ({ principal, correlationId: 'corr-1' });

describe('listPartners', () => {
  it('gives an operator the partners in id order, filtered by id or name', async () => {
    const all = await listPartners(deps(), ctx(), {}, { limit: 10 });
    expect(all.items.map((p) => p.partnerId)).toEqual(['contoso', 'fabrikam']);
    const found = await listPartners(deps(), ctx(), { text: 'FABRIKAM inc' }, { limit: 10 });
    expect(found.items.map((p) => p.partnerId)).toEqual(['fabrikam']);
  });

  it('refuses a Program Administrator, even of a listed partner', async () => {
    await rejectionOf(
      listPartners(deps(), ctx(anAdminOf('ada@contoso.com')), {}, { limit: 10 }),
      'forbidden',
    );
  });
});
