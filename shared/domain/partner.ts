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
 * A Program Administrator: an identity of the partner's tenant, designated by email and bound to its
 * object id at its first call (see `administratorToBind`); from then on only tenant + object id match.
 */
export interface ProgramAdministrator {
  /** Lower-cased work email the operator (or another administrator) designated. */
  email: string;
  /** Entra object id in the partner's tenant, set at the first call; null until then. */
  objectId: string | null;
  boundAt: string | null;
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
  /** The partner's Microsoft Entra tenant: its administrators and subscribers are identities of it. */
  tenantId: string;
  programAdministrators: ProgramAdministrator[];
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
  tenantId: string;
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

const unbound = (email: string): ProgramAdministrator => ({ email, objectId: null, boundAt: null });

/**
 * The administrators named by `emails`: one kept by email keeps its binding, a new email starts unbound
 * (so changing an administrator's email unbinds it: the new address must sign in and be bound again).
 */
function administratorsFor(emails: string[], current: ProgramAdministrator[]): ProgramAdministrator[] {
  return unique(emails.map(normalizeEmail)).map(
    (email) => current.find((admin) => admin.email === email) ?? unbound(email),
  );
}

export const administratorEmails = (partner: Pick<Partner, 'programAdministrators'>): string[] =>
  partner.programAdministrators.map((admin) => admin.email);

function assertAdministrators(partner: Partner, path: string): void {
  if (partner.programAdministrators.length === 0) {
    throw new AppError('validation-failed', 'A partner keeps at least one Program Administrator.', {}, [
      { path, message: 'must not be empty' },
    ]);
  }
  partner.programAdministrators.forEach((admin, index) =>
    assertEmailInVerifiedDomain(partner, admin.email, `${path}.${index}`),
  );
}

export function createPartner(input: NewPartner, now: Date): Partner {
  const competencies = input.competencies ?? [];
  if (input.program !== 'competency' && competencies.length > 0) {
    throw new AppError('validation-failed', 'Only Competency partners have competencies.', {}, [
      { path: 'competencies', message: 'only for the competency program' },
    ]);
  }
  const verifiedDomains = unique(input.verifiedDomains.map((d) => d.toLowerCase()));
  const entitlements = input.entitlements ?? defaultEntitlements(input.program, competencies, toIsoDate(now));
  validateEntitlements(input.program, entitlements);
  const at = now.toISOString();
  const partner: Partner = {
    partnerId: input.partnerId,
    name: input.name,
    program: input.program,
    verifiedDomains,
    tenantId: input.tenantId.toLowerCase(),
    programAdministrators: administratorsFor(input.programAdministrators, []),
    competencies,
    entitlements,
    technicalContacts: { first: null, second: null, third: null },
    seatLedger: emptyLedger(),
    createdAt: at,
    updatedAt: at,
  };
  assertAdministrators(partner, 'programAdministrators');
  return partner;
}

export interface PartnerChanges {
  name?: string | undefined;
  verifiedDomains?: string[] | undefined;
  programAdministrators?: string[] | undefined;
  entitlements?: Entitlement[] | undefined;
}

export function updatePartner(partner: Partner, changes: PartnerChanges, now: Date): Partner {
  const next: Partner = { ...partner, updatedAt: now.toISOString() };
  if (changes.name !== undefined) next.name = changes.name;
  if (changes.verifiedDomains !== undefined)
    next.verifiedDomains = unique(changes.verifiedDomains.map((d) => d.toLowerCase()));
  if (changes.programAdministrators !== undefined) {
    next.programAdministrators = administratorsFor(
      changes.programAdministrators,
      partner.programAdministrators,
    );
  }
  if (changes.entitlements !== undefined) {
    validateEntitlements(partner.program, changes.entitlements);
    next.entitlements = changes.entitlements;
  }
  assertAdministrators(next, 'programAdministrators');
  return next;
}

export const isDesignatedAdministrator = (
  partner: Pick<Partner, 'programAdministrators'>,
  email: string,
): boolean => administratorEmails(partner).includes(normalizeEmail(email));

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
  const designated = isDesignatedAdministrator(partner, email);
  if (change.programAdministrator === true && !designated) {
    assertEmailInVerifiedDomain(partner, email, 'programAdministrator');
    programAdministrators = [...programAdministrators, unbound(email)];
  } else if (change.programAdministrator === false && designated) {
    programAdministrators = programAdministrators.filter((admin) => admin.email !== email);
    if (programAdministrators.length === 0) {
      throw new AppError('validation-failed', 'A partner keeps at least one Program Administrator.', {}, [
        { path: 'programAdministrator', message: 'the last Program Administrator cannot be removed' },
      ]);
    }
  }
  return { ...partner, technicalContacts, programAdministrators, updatedAt: now.toISOString() };
}

/**
 * Frees what a person who is being disassociated holds on the aggregate. Holding a live subscription
 * is always `person-in-use` (the use case revokes first on cascade). A Technical Contact slot or the
 * Program Administrator role is `person-in-use` without cascade, naming what they hold; with cascade
 * both are removed, except the partner's last Program Administrator, which is always refused (a partner
 * without an administrator could no longer be managed by anyone of its own).
 */
export function releasePerson(partner: Partner, person: PersonRef, cascade: boolean, now: Date): Partner {
  const live = partner.seatLedger.live.filter((seat) => seat.personId === person.personId);
  if (live.length > 0) {
    throw new AppError(
      'person-in-use',
      `The person holds ${live.length} live subscription(s); revoke them first or disassociate with cascade=true.`,
      { assignments: live.map((seat) => seat.assignmentId) },
    );
  }
  const slot = slotOf(partner, person.personId);
  const administrator = isDesignatedAdministrator(partner, person.email);
  if (administrator && partner.programAdministrators.length === 1) {
    throw new AppError(
      'person-in-use',
      "The person is the partner's only Program Administrator; make someone else an administrator first.",
      { programAdministrator: true, lastAdministrator: true },
    );
  }
  if (slot === null && !administrator) return partner;
  if (!cascade) {
    const held = [
      slot !== null ? `the ${slot} Technical Contact slot` : null,
      administrator ? 'the Program Administrator role' : null,
    ].filter(Boolean);
    throw new AppError(
      'person-in-use',
      `The person holds ${held.join(' and ')}; remove it first or disassociate with cascade=true.`,
      {
        ...(slot !== null ? { technicalContact: slot } : {}),
        ...(administrator ? { programAdministrator: true } : {}),
      },
    );
  }
  return setRoles(partner, person, { technicalContact: null, programAdministrator: false }, now);
}
