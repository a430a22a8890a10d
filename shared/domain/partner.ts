import { AppError } from './errors.js';
import { emptyLedger, type SeatLedger } from './seat-ledger.js';
import { addYears, toIsoDate, type IsoDate } from './dates.js';
import { PROGRAM_TERMS, defaultSeats, type Benefit, type Competency, type Program } from './program.js';

export const TECHNICAL_CONTACT_SLOTS = ['first', 'second', 'third'] as const;
export type TechnicalContactSlot = (typeof TECHNICAL_CONTACT_SLOTS)[number];

export interface Entitlement {
  benefit: Benefit;
  seats: number;
  startsOn: IsoDate;
  expiresOn: IsoDate;
}

/**
 * The partner aggregate: every invariant that spans people (slots, administrators, and in the grants
 * issue the seat ledger) lives in this one state, changed as a whole with an ETag-conditional write.
 */
export interface Partner {
  partnerId: string;
  name: string;
  program: Program;
  verifiedDomains: string[];
  tenantId: string | null;
  /** Lower-cased sign-in emails of the Program Administrators. */
  programAdministrators: string[];
  competencies: Competency[];
  entitlements: Entitlement[];
  /** Person id holding each Technical Contact slot. */
  technicalContacts: Record<TechnicalContactSlot, string | null>;
  seatLedger: SeatLedger;
  createdAt: string;
  updatedAt: string;
}

export interface NewPartner {
  partnerId: string;
  name: string;
  program: Program;
  verifiedDomains: string[];
  tenantId?: string | undefined;
  programAdministrators: string[];
  competencies?: Competency[] | undefined;
  entitlements?: Entitlement[] | undefined;
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function emailDomain(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? '' : trimmed.slice(at + 1).toLowerCase();
}

export function isInVerifiedDomain(partner: Pick<Partner, 'verifiedDomains'>, email: string): boolean {
  return partner.verifiedDomains.includes(emailDomain(email));
}

export function assertEmailInVerifiedDomain(
  partner: Pick<Partner, 'verifiedDomains'>,
  email: string,
  field = 'email',
): void {
  if (!isInVerifiedDomain(partner, email)) {
    throw new AppError(
      'email-domain-not-verified',
      `${email} is not in one of the partner's verified domains (${partner.verifiedDomains.join(', ')}).`,
      { domain: emailDomain(email), verifiedDomains: partner.verifiedDomains },
      [{ path: field, message: 'the email domain is not verified for this partner' }],
    );
  }
}

function validateEntitlements(program: Program, entitlements: Entitlement[]): void {
  const benefit = PROGRAM_TERMS[program].benefit;
  entitlements.forEach((entitlement, index) => {
    if (entitlement.benefit !== benefit) {
      throw new AppError(
        'validation-failed',
        `The ${program} program entitles ${benefit}, not ${entitlement.benefit}.`,
        {},
        [{ path: `entitlements.${index}.benefit`, message: `must be ${benefit} for ${program}` }],
      );
    }
    if (entitlement.expiresOn <= entitlement.startsOn) {
      throw new AppError('validation-failed', 'An entitlement must expire after it starts.', {}, [
        { path: `entitlements.${index}.expiresOn`, message: 'must be after startsOn' },
      ]);
    }
  });
  const benefits = entitlements.map((e) => e.benefit);
  if (new Set(benefits).size !== benefits.length) {
    throw new AppError('validation-failed', 'At most one entitlement per benefit.', {}, [
      { path: 'entitlements', message: 'one entitlement per benefit' },
    ]);
  }
}

function defaultEntitlements(program: Program, competencies: Competency[], today: IsoDate): Entitlement[] {
  return [
    {
      benefit: PROGRAM_TERMS[program].benefit,
      seats: defaultSeats(program, competencies),
      startsOn: today,
      expiresOn: addYears(today, 1),
    },
  ];
}

const unique = <T>(items: T[]): T[] => [...new Set(items)];

export function createPartner(input: NewPartner, now: Date): Partner {
  const competencies = input.competencies ?? [];
  if (input.program !== 'competency' && competencies.length > 0) {
    throw new AppError('validation-failed', 'Only Competency partners have competencies.', {}, [
      { path: 'competencies', message: 'only for the competency program' },
    ]);
  }
  const verifiedDomains = unique(input.verifiedDomains.map((d) => d.toLowerCase()));
  const programAdministrators = unique(input.programAdministrators.map(normalizeEmail));
  programAdministrators.forEach((email, index) =>
    assertEmailInVerifiedDomain({ verifiedDomains }, email, `programAdministrators.${index}`),
  );
  const entitlements = input.entitlements ?? defaultEntitlements(input.program, competencies, toIsoDate(now));
  validateEntitlements(input.program, entitlements);
  const at = now.toISOString();
  return {
    partnerId: input.partnerId,
    name: input.name,
    program: input.program,
    verifiedDomains,
    tenantId: input.tenantId?.toLowerCase() ?? null,
    programAdministrators,
    competencies,
    entitlements,
    technicalContacts: { first: null, second: null, third: null },
    seatLedger: emptyLedger(),
    createdAt: at,
    updatedAt: at,
  };
}

export interface PartnerChanges {
  name?: string | undefined;
  verifiedDomains?: string[] | undefined;
  tenantId?: string | null | undefined;
  programAdministrators?: string[] | undefined;
  entitlements?: Entitlement[] | undefined;
}

export function updatePartner(partner: Partner, changes: PartnerChanges, now: Date): Partner {
  const next: Partner = { ...partner, updatedAt: now.toISOString() };
  if (changes.name !== undefined) next.name = changes.name;
  if (changes.verifiedDomains !== undefined)
    next.verifiedDomains = unique(changes.verifiedDomains.map((d) => d.toLowerCase()));
  if (changes.tenantId !== undefined) next.tenantId = changes.tenantId?.toLowerCase() ?? null;
  if (changes.programAdministrators !== undefined) {
    next.programAdministrators = unique(changes.programAdministrators.map(normalizeEmail));
  }
  if (changes.entitlements !== undefined) {
    validateEntitlements(partner.program, changes.entitlements);
    next.entitlements = changes.entitlements;
  }
  if (next.programAdministrators.length === 0) {
    throw new AppError('validation-failed', 'A partner keeps at least one Program Administrator.', {}, [
      { path: 'programAdministrators', message: 'must not be empty' },
    ]);
  }
  next.programAdministrators.forEach((email, index) =>
    assertEmailInVerifiedDomain(next, email, `programAdministrators.${index}`),
  );
  return next;
}

export const isProgramAdministrator = (partner: Partner, email: string | undefined): boolean =>
  email !== undefined && partner.programAdministrators.includes(normalizeEmail(email));

export function slotOf(partner: Partner, personId: string): TechnicalContactSlot | null {
  return TECHNICAL_CONTACT_SLOTS.find((slot) => partner.technicalContacts[slot] === personId) ?? null;
}

export interface PersonRef {
  personId: string;
  email: string;
}

export interface RoleChange {
  technicalContact: TechnicalContactSlot | null;
  programAdministrator?: boolean | undefined;
}

/**
 * Sets a person's roles: each slot has at most one holder and a person holds at most one slot, so
 * moving a person to another slot frees the one they held. A slot held by someone else is refused.
 */
export function setRoles(partner: Partner, person: PersonRef, change: RoleChange, now: Date): Partner {
  const technicalContacts = { ...partner.technicalContacts };
  const current = slotOf(partner, person.personId);
  if (change.technicalContact !== current) {
    const holdsLiveSubscription = partner.seatLedger.live.some((seat) => seat.personId === person.personId);
    if (
      change.technicalContact === null &&
      holdsLiveSubscription &&
      PROGRAM_TERMS[partner.program].requiresTechnicalContact
    ) {
      throw new AppError(
        'role-in-use',
        `The person's ${current} Technical Contact slot backs a live subscription; revoke the subscription first.`,
        { technicalContact: current },
      );
    }
    if (change.technicalContact !== null) {
      const holder = technicalContacts[change.technicalContact];
      if (holder !== null && holder !== person.personId) {
        throw new AppError(
          'slot-taken',
          `The ${change.technicalContact} Technical Contact slot is held by person ${holder}.`,
          { slot: change.technicalContact, holderPersonId: holder },
        );
      }
      technicalContacts[change.technicalContact] = person.personId;
    }
    if (current !== null) technicalContacts[current] = null;
  }
  let programAdministrators = partner.programAdministrators;
  const email = normalizeEmail(person.email);
  if (change.programAdministrator === true && !programAdministrators.includes(email)) {
    assertEmailInVerifiedDomain(partner, email, 'programAdministrator');
    programAdministrators = [...programAdministrators, email];
  } else if (change.programAdministrator === false && programAdministrators.includes(email)) {
    programAdministrators = programAdministrators.filter((e) => e !== email);
    if (programAdministrators.length === 0) {
      throw new AppError('validation-failed', 'A partner keeps at least one Program Administrator.', {}, [
        { path: 'programAdministrator', message: 'the last Program Administrator cannot be removed' },
      ]);
    }
  }
  return { ...partner, technicalContacts, programAdministrators, updatedAt: now.toISOString() };
}

/**
 * Frees the Technical Contact slot of a person who is being disassociated. Holding a live subscription,
 * or a slot without cascade, is `person-in-use`, naming what they hold. Administrators are listed by email and stay as they are.
 */
export function releasePerson(partner: Partner, person: PersonRef, cascade: boolean, now: Date): Partner {
  const live = partner.seatLedger.live.filter((seat) => seat.personId === person.personId);
  if (live.length > 0) {
    // The use case revokes them first on cascade; reaching here with live seats means it did not.
    throw new AppError(
      'person-in-use',
      `The person holds ${live.length} live subscription(s); revoke them first or disassociate with cascade=true.`,
      { assignments: live.map((seat) => seat.assignmentId) },
    );
  }
  const slot = slotOf(partner, person.personId);
  if (slot === null) return partner;
  if (!cascade) {
    throw new AppError(
      'person-in-use',
      `The person holds the ${slot} Technical Contact slot; remove it first or disassociate with cascade=true.`,
      { technicalContact: slot },
    );
  }
  return setRoles(partner, person, { technicalContact: null }, now);
}

/** Rule 5: a signed-in identity belongs to the partner by a verified email domain or the partner's tenant. */
export function identityBelongsTo(
  partner: Pick<Partner, 'verifiedDomains' | 'tenantId'>,
  identity: { email?: string | undefined; tenantId?: string | undefined },
): boolean {
  if (identity.email && isInVerifiedDomain(partner, identity.email)) return true;
  return partner.tenantId !== null && identity.tenantId?.toLowerCase() === partner.tenantId;
}
