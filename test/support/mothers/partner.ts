import {
  createPartner,
  type NewPartner,
  type Partner,
  type PersonRef,
  type ProgramAdministrator,
} from '../../../shared/domain/partner.js';
import type { Competency } from '../../../shared/domain/program.js';
import { NOW } from './clock.js';
import { CONTOSO_TENANT, objectIdOf } from './principal.js';

export const gold = (name = 'Cloud Platform'): Competency => ({ name, level: 'gold' });
export const silver = (name = 'Data Analytics'): Competency => ({ name, level: 'silver' });

/** The input of `createPartner`: an Action Pack partner with one verified domain and one admin. */
export function aNewPartner(overrides: Partial<NewPartner> = {}): NewPartner {
  return {
    partnerId: 'contoso',
    name: 'Contoso Ltd',
    program: 'action-pack',
    verifiedDomains: ['contoso.com'],
    tenantId: CONTOSO_TENANT,
    programAdministrators: ['ada@contoso.com'],
    ...overrides,
  };
}

/**
 * A partner as the domain creates it (so it satisfies every invariant), in use: its administrator Ada
 * has signed in once, so she is bound to the object id `anAdminOf()` carries. Then overridden.
 */
export function aPartner(overrides: Partial<Partner> = {}, now: Date = NOW): Partner {
  return {
    ...createPartner(aNewPartner(), now),
    programAdministrators: [aBoundAdministrator('ada@contoso.com', now)],
    ...overrides,
  };
}

export const aCompetencyPartner = (overrides: Partial<NewPartner> = {}, now: Date = NOW): Partner => {
  const partner = createPartner(aNewPartner({ program: 'competency', ...overrides }), now);
  // In use, like aPartner(): the designated administrators signed in once.
  return {
    ...partner,
    programAdministrators: partner.programAdministrators.map((a) => aBoundAdministrator(a.email, now)),
  };
};

export function aPersonRef(overrides: Partial<PersonRef> = {}): PersonRef {
  return { personId: 'person-1', email: 'grace@contoso.com', ...overrides };
}

export const alice = aPersonRef({ personId: 'p-alice', email: 'alice@contoso.com' });
export const bob = aPersonRef({ personId: 'p-bob', email: 'bob@contoso.com' });
/** The partner's only Program Administrator in `aPartner()`. */
export const ada = aPersonRef({ personId: 'p-ada', email: 'ada@contoso.com' });

/** A Program Administrator entry already bound to the object id `anAdminOf(email)` signs in with. */
export function aBoundAdministrator(email: string, at: Date = NOW): ProgramAdministrator {
  return { email, objectId: objectIdOf(CONTOSO_TENANT, email), boundAt: at.toISOString() };
}

export const anUnboundAdministrator = (email: string): ProgramAdministrator => ({
  email,
  objectId: null,
  boundAt: null,
});
