import { createPartner, type NewPartner, type Partner, type PersonRef } from '../../shared/domain/partner.js';
import type { Competency } from '../../shared/domain/program.js';
import { NOW } from './clock.js';

export const gold = (name = 'Cloud Platform'): Competency => ({ name, level: 'gold' });
export const silver = (name = 'Data Analytics'): Competency => ({ name, level: 'silver' });

/** The input of `createPartner`: an Action Pack partner with one verified domain and one admin. */
export function aNewPartner(overrides: Partial<NewPartner> = {}): NewPartner {
  return {
    partnerId: 'contoso',
    name: 'Contoso Ltd',
    program: 'action-pack',
    verifiedDomains: ['contoso.com'],
    programAdministrators: ['ada@contoso.com'],
    ...overrides,
  };
}

/** A partner as the domain creates it (so it satisfies every invariant), then overridden. */
export function aPartner(overrides: Partial<Partner> = {}, now: Date = NOW): Partner {
  return { ...createPartner(aNewPartner(), now), ...overrides };
}

export const aCompetencyPartner = (overrides: Partial<NewPartner> = {}, now: Date = NOW): Partner =>
  createPartner(aNewPartner({ program: 'competency', ...overrides }), now);

export function aPersonRef(overrides: Partial<PersonRef> = {}): PersonRef {
  return { personId: 'person-1', email: 'grace@contoso.com', ...overrides };
}

export const alice = aPersonRef({ personId: 'p-alice', email: 'alice@contoso.com' });
export const bob = aPersonRef({ personId: 'p-bob', email: 'bob@contoso.com' });
/** The partner's only Program Administrator in `aPartner()`. */
export const ada = aPersonRef({ personId: 'p-ada', email: 'ada@contoso.com' });
