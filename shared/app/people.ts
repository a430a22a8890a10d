import { AppError, notFound } from '../domain/errors.js';
import {
  isDesignatedAdministrator,
  releasePerson,
  setRoles as applyRoles,
  slotOf,
  TECHNICAL_CONTACT_SLOTS,
  type Partner,
  type RoleChange,
  type TechnicalContactSlot,
} from '../domain/partner.js';
import {
  associatePerson as buildPerson,
  updatePerson as changePerson,
  type NewPerson,
  type Person,
  type PersonChanges,
} from '../domain/person.js';
import type { Privilege } from '../domain/program.js';
import { benefitForPrivilege, liveSeatsOf } from '../domain/seats.js';
import { authorizeRead, loadPartner } from './access.js';
import { auditEvent, recordChange } from './audit.js';
import { compositeEtag, personIdFor } from './ids.js';
import type {
  AuditLog,
  CallContext,
  Clock,
  Page,
  PageRequest,
  PartnerPartition,
  PartnerRepository,
  PersonRepository,
  Versioned,
} from './ports.js';

export interface PeopleDeps {
  partners: PartnerRepository;
  partition: PartnerPartition;
  people: PersonRepository;
  audit: AuditLog;
  clock: Clock;
  /** Ends a person's live subscriptions (disassociation with cascade). */
  endSubscriptions?: (ctx: CallContext, partnerId: string, personId: string) => Promise<void>;
}

export interface PersonRoles {
  technicalContact: TechnicalContactSlot | null;
  programAdministrator: boolean;
}

export interface PersonSubscription {
  assignmentId: string;
  benefit: string;
  status: string;
  assignedAt: string;
}

export interface PersonView extends Person {
  roles: PersonRoles;
  subscriptions: PersonSubscription[];
}

export const rolesOf = (partner: Partner, person: Person): PersonRoles => ({
  technicalContact: slotOf(partner, person.personId),
  programAdministrator: isDesignatedAdministrator(partner, person.email),
});

function subscriptionsOf(partner: Partner, personId: string): PersonSubscription[] {
  return liveSeatsOf(partner, personId).map(({ assignmentId, benefit, status, assignedAt }) => ({
    assignmentId,
    benefit,
    status,
    assignedAt,
  }));
}

/** A person's representation spans the person document and their roles and seats on the partner aggregate. */
function personView(partner: Partner, person: Person): PersonView {
  return {
    ...person,
    roles: rolesOf(partner, person),
    subscriptions: subscriptionsOf(partner, person.personId),
  };
}

function view(partner: Partner, person: Versioned<Person>): Versioned<PersonView> {
  const value = personView(partner, person.value);
  return { value, etag: compositeEtag(person.etag, value.roles) };
}

async function loadPerson(deps: PeopleDeps, partnerId: string, personId: string): Promise<Versioned<Person>> {
  const person = await deps.people.get(partnerId, personId);
  if (!person) throw notFound(`Person ${personId}`);
  return person;
}

function assertIfMatch(ifMatch: string | undefined, current: string): void {
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== current) {
    throw new AppError('precondition-failed', 'The resource has changed since it was read; read it again.');
  }
}

/**
 * Associates a person in two round trips: the aggregate read (for access and the verified domains),
 * then the person and the audit event committed together. The person's id is derived from the email,
 * so a second association of the same email finds it there (`already-exists`).
 */
export async function associatePerson(
  deps: PeopleDeps,
  ctx: CallContext,
  partnerId: string,
  input: NewPerson,
): Promise<Versioned<PersonView>> {
  const now = deps.clock();
  const read = await deps.partition.load(partnerId);
  const { value: partner } = await authorizeRead(deps, read.partner, partnerId, ctx, 'manage');
  const personId = personIdFor(partnerId, input.email);
  const person = buildPerson(partner, personId, input, now);
  const event = auditEvent(
    { ...ctx, at: now },
    partnerId,
    'person.associated',
    { type: 'person', id: personId },
    {
      email: person.email,
    },
  );
  const result = await deps.partition.commit(partnerId, [
    { op: 'create', document: { kind: 'person', value: person } },
    { op: 'create', document: { kind: 'audit', value: event } },
  ]);
  if (!result.ok) {
    if (result.status === 409 && result.index === 0) {
      throw new AppError('already-exists', `A person with the email ${person.email} is already associated.`, {
        personId,
      });
    }
    throw new Error(`The association's commit answered ${result.status} at write ${result.index}.`);
  }
  return view(partner, { value: person, etag: result.etags[0]! });
}

export type RoleFilter = TechnicalContactSlot | 'technical-contact' | 'program-administrator';

export async function listPeople(
  deps: PeopleDeps,
  ctx: CallContext,
  partnerId: string,
  filter: { text?: string | undefined; role?: RoleFilter | undefined; privilege?: Privilege | undefined },
  page: PageRequest,
): Promise<Page<PersonView>> {
  const { value: partner } = await loadPartner(deps, partnerId, ctx, 'read');
  let personIds: string[] | undefined;
  if (filter.role && filter.role !== 'program-administrator') {
    const slots = filter.role === 'technical-contact' ? TECHNICAL_CONTACT_SLOTS : [filter.role];
    personIds = slots
      .map((slot) => partner.technicalContacts[slot])
      .filter((id): id is string => id !== null);
  }
  if (filter.privilege) {
    const benefit = benefitForPrivilege(partner, filter.privilege);
    const holders = partner.seatLedger.live
      .filter((seat) => seat.benefit === benefit)
      .map((seat) => seat.personId);
    personIds = personIds ? personIds.filter((id) => holders.includes(id)) : holders;
  }
  if (personIds && personIds.length === 0) return { items: [], nextCursor: null };
  const found = await deps.people.list(partnerId, { text: filter.text, personIds }, page);
  let items = found.items.map((person) => personView(partner, person));
  if (filter.role === 'program-administrator') items = items.filter((p) => p.roles.programAdministrator);
  return { items, nextCursor: found.nextCursor };
}

/** One person with roles and subscriptions: the aggregate and the person read in one round trip. */
export async function getPerson(
  deps: PeopleDeps,
  ctx: CallContext,
  partnerId: string,
  personId: string,
): Promise<Versioned<PersonView>> {
  const read = await deps.partition.load(partnerId, { personId });
  const { value: partner } = await authorizeRead(deps, read.partner, partnerId, ctx, 'read');
  if (!read.person) throw notFound(`Person ${personId}`);
  return view(partner, read.person);
}

export async function updatePerson(
  deps: PeopleDeps,
  ctx: CallContext,
  partnerId: string,
  personId: string,
  changes: PersonChanges,
  ifMatch: string | undefined,
): Promise<Versioned<PersonView>> {
  const now = deps.clock();
  const { value: partner } = await loadPartner(deps, partnerId, ctx, 'manage');
  const current = await loadPerson(deps, partnerId, personId);
  assertIfMatch(ifMatch, view(partner, current).etag);
  const updated = await deps.people.replace(changePerson(current.value, changes, now), current.etag);
  await recordChange(
    deps.audit,
    { ...ctx, at: now },
    partnerId,
    'person.updated',
    { type: 'person', id: personId },
    {
      changed: Object.keys(changes).filter((key) => changes[key as keyof PersonChanges] !== undefined),
    },
  );
  return view(partner, updated);
}

export async function setPersonRoles(
  deps: PeopleDeps,
  ctx: CallContext,
  partnerId: string,
  personId: string,
  change: RoleChange,
  ifMatch: string | undefined,
): Promise<Versioned<PersonView>> {
  const now = deps.clock();
  await loadPartner(deps, partnerId, ctx, 'manage');
  const person = await loadPerson(deps, partnerId, personId);
  const ref = { personId, email: person.value.email };
  let before: PersonRoles | undefined;
  const updated = await deps.partners.update(partnerId, (partner) => {
    assertIfMatch(ifMatch, view(partner, person).etag);
    before = rolesOf(partner, person.value);
    return applyRoles(partner, ref, change, now);
  });
  // Compensate if the person was disassociated while we wrote: a slot must never outlive its holder.
  if (!(await deps.people.get(partnerId, personId))) {
    await deps.partners.update(partnerId, (partner) => releasePerson(partner, ref, true, now));
    throw notFound(`Person ${personId}`);
  }
  const after = rolesOf(updated.value, person.value);
  await recordChange(
    deps.audit,
    { ...ctx, at: now },
    partnerId,
    'person.roles-changed',
    { type: 'person', id: personId },
    {
      before,
      after,
    },
  );
  return view(updated.value, person);
}

export async function disassociatePerson(
  deps: PeopleDeps,
  ctx: CallContext,
  partnerId: string,
  personId: string,
  options: { cascade: boolean; ifMatch?: string | undefined },
): Promise<void> {
  const now = deps.clock();
  const { value: partner } = await loadPartner(deps, partnerId, ctx, 'manage');
  const person = await loadPerson(deps, partnerId, personId);
  assertIfMatch(options.ifMatch, view(partner, person).etag);
  const ref = { personId, email: person.value.email };
  if (options.cascade && liveSeatsOf(partner, personId).length > 0) {
    if (!deps.endSubscriptions) throw new Error('disassociation with cascade needs endSubscriptions');
    await deps.endSubscriptions(ctx, partnerId, personId);
  }
  await deps.partners.update(partnerId, (current) => releasePerson(current, ref, options.cascade, now));
  await deps.people.delete(partnerId, personId, person.etag);
  await recordChange(
    deps.audit,
    { ...ctx, at: now },
    partnerId,
    'person.disassociated',
    { type: 'person', id: personId },
    {
      email: person.value.email,
      cascade: options.cascade,
    },
  );
}
