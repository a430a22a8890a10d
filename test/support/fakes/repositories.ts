import { sameEntraIdentity } from '../../../shared/domain/principal.js';
import { AppError, notFound } from '../../../shared/domain/errors.js';
import type { Assignment, DeliveryState } from '../../../shared/domain/assignment.js';
import type { Partner } from '../../../shared/domain/partner.js';
import type { Person } from '../../../shared/domain/person.js';
import type {
  AssignmentQuery,
  AssignmentRepository,
  AuditEvent,
  AuditLog,
  Page,
  PageRequest,
  PartnerQuery,
  PartnerRepository,
  PersonQuery,
  PersonRepository,
  Versioned,
} from '../../../shared/app/ports.js';
import { VersionedStore, clone, compare, pageOf } from './store.js';

export class FakePartnerRepository implements PartnerRepository {
  readonly store = new VersionedStore<Partner>();
  updateCalls = 0;

  constructor(...partners: Partner[]) {
    for (const partner of partners) this.store.write(partner.partnerId, partner);
  }

  /** The stored partner, for assertions (throws if there is none). */
  current(partnerId: string): Partner {
    const found = this.store.read(partnerId);
    if (!found) throw new Error(`no partner ${partnerId} in the fake`);
    return found.value;
  }

  /** Replaces the stored partner (test set-up). */
  put(partner: Partner): void {
    this.store.write(partner.partnerId, partner);
  }

  async get(partnerId: string): Promise<Versioned<Partner> | null> {
    return this.store.read(partnerId);
  }

  async create(partner: Partner): Promise<Versioned<Partner>> {
    if (this.store.has(partner.partnerId)) {
      throw new AppError('already-exists', `Partner ${partner.partnerId} already exists.`, {
        partnerId: partner.partnerId,
      });
    }
    return this.store.write(partner.partnerId, partner);
  }

  async update(
    partnerId: string,
    change: (partner: Partner) => Partner,
    options: { ifMatch?: string | undefined } = {},
  ): Promise<Versioned<Partner>> {
    this.updateCalls++;
    const found = this.store.read(partnerId);
    if (!found) throw notFound(`Partner ${partnerId}`);
    // Like Cosmos DB: `*` matches any version, and a change that returns its input writes nothing.
    if (options.ifMatch !== undefined && options.ifMatch !== '*' && options.ifMatch !== found.etag) {
      throw new AppError('precondition-failed', 'The partner changed since it was read.');
    }
    const next = change(found.value);
    if (next === found.value) return found;
    return this.store.write(partnerId, next);
  }

  async *listIds(): AsyncIterable<string> {
    yield* this.store.keys();
  }

  async list(query: PartnerQuery, page: PageRequest): Promise<Page<Partner>> {
    const text = query.text?.toLowerCase();
    const matching = this.store
      .values()
      .filter((p) => !text || p.partnerId.includes(text) || p.name.toLowerCase().includes(text))
      // The Cosmos query orders by the partner id.
      .sort((a, b) => compare(a.partnerId, b.partnerId));
    return pageOf(matching, page);
  }
}

export class FakePersonRepository implements PersonRepository {
  readonly store = new VersionedStore<Person>();
  getCalls = 0;
  /** Runs before every `get` (after counting it): lets a test make a person vanish mid-use-case. */
  beforeGet: ((call: number, partnerId: string, personId: string) => void) | null = null;

  constructor(...people: Person[]) {
    for (const person of people) this.put(person);
  }

  static key(partnerId: string, personId: string): string {
    return `${partnerId}/${personId}`;
  }

  put(person: Person): void {
    this.store.write(FakePersonRepository.key(person.partnerId, person.personId), person);
  }

  remove(partnerId: string, personId: string): void {
    this.store.remove(FakePersonRepository.key(partnerId, personId));
  }

  async get(partnerId: string, personId: string): Promise<Versioned<Person> | null> {
    this.getCalls++;
    this.beforeGet?.(this.getCalls, partnerId, personId);
    return this.store.read(FakePersonRepository.key(partnerId, personId));
  }

  async create(person: Person): Promise<Versioned<Person>> {
    const key = FakePersonRepository.key(person.partnerId, person.personId);
    if (this.store.has(key)) {
      throw new AppError('already-exists', `A person with the email ${person.email} is already associated.`, {
        personId: person.personId,
      });
    }
    return this.store.write(key, person);
  }

  async replace(person: Person, ifMatch: string): Promise<Versioned<Person>> {
    const key = FakePersonRepository.key(person.partnerId, person.personId);
    const found = this.store.read(key);
    if (!found) throw notFound(`Person ${person.personId}`);
    if (found.etag !== ifMatch) throw new AppError('precondition-failed', 'The person changed.');
    return this.store.write(key, person);
  }

  async delete(partnerId: string, personId: string, ifMatch?: string): Promise<void> {
    const key = FakePersonRepository.key(partnerId, personId);
    const found = this.store.read(key);
    if (!found) return; // already gone: deleting is idempotent, as in Cosmos DB
    if (ifMatch !== undefined && found.etag !== ifMatch) {
      throw new AppError('precondition-failed', 'The person changed.');
    }
    this.store.remove(key);
  }

  async list(partnerId: string, query: PersonQuery, page: PageRequest): Promise<Page<Person>> {
    const text = query.text?.toLowerCase();
    const matching = this.store
      .values()
      .filter((p) => p.partnerId === partnerId)
      .filter((p) => !query.personIds || query.personIds.includes(p.personId))
      .filter(
        (p) =>
          !text ||
          [p.emailLower, p.firstName.toLowerCase(), p.lastName.toLowerCase()].some((field) =>
            field.includes(text),
          ),
      )
      // The Cosmos query orders by the lower-cased email.
      .sort((a, b) => compare(a.emailLower, b.emailLower));
    return pageOf(matching, page);
  }
}

export class FakeAssignmentRepository implements AssignmentRepository {
  readonly store = new VersionedStore<Assignment>();
  /** When set, the next `create` throws it (and stores nothing). */
  failNextCreate: Error | null = null;
  createCalls = 0;

  constructor(...assignments: Assignment[]) {
    for (const assignment of assignments) this.put(assignment);
  }

  static key(partnerId: string, assignmentId: string): string {
    return `${partnerId}/${assignmentId}`;
  }

  put(assignment: Assignment): void {
    this.store.write(FakeAssignmentRepository.key(assignment.partnerId, assignment.assignmentId), assignment);
  }

  /** The stored assignment, for assertions (throws if there is none). */
  current(partnerId: string, assignmentId: string): Assignment {
    const found = this.store.read(FakeAssignmentRepository.key(partnerId, assignmentId));
    if (!found) throw new Error(`no assignment ${assignmentId} in the fake`);
    return found.value;
  }

  all(): Assignment[] {
    return this.store.values();
  }

  async get(partnerId: string, assignmentId: string): Promise<Versioned<Assignment> | null> {
    return this.store.read(FakeAssignmentRepository.key(partnerId, assignmentId));
  }

  async create(assignment: Assignment): Promise<Versioned<Assignment>> {
    this.createCalls++;
    if (this.failNextCreate) {
      const error = this.failNextCreate;
      this.failNextCreate = null;
      throw error;
    }
    const key = FakeAssignmentRepository.key(assignment.partnerId, assignment.assignmentId);
    if (this.store.has(key)) {
      throw new AppError('already-exists', `Assignment ${assignment.assignmentId} already exists.`);
    }
    return this.store.write(key, assignment);
  }

  async update(
    partnerId: string,
    assignmentId: string,
    change: (assignment: Assignment) => Assignment,
  ): Promise<Versioned<Assignment>> {
    const key = FakeAssignmentRepository.key(partnerId, assignmentId);
    const found = this.store.read(key);
    if (!found) throw notFound(`Assignment ${assignmentId}`);
    const next = change(found.value);
    if (next === found.value) return found; // unchanged: nothing written, as in the Cosmos adapter
    return this.store.write(key, next);
  }

  async list(partnerId: string, query: AssignmentQuery, page: PageRequest): Promise<Page<Assignment>> {
    const matching = this.store
      .values()
      .filter((a) => a.partnerId === partnerId)
      .filter((a) => !query.status || a.status === query.status)
      .filter((a) => !query.personId || a.personId === query.personId)
      // The Cosmos query orders newest first.
      .sort((a, b) => compare(b.assignedAt, a.assignedAt));
    return pageOf(matching, page);
  }

  async deliveryStates(partnerId: string, bulkJobId: string): Promise<Record<DeliveryState, number>> {
    const counts: Record<DeliveryState, number> = { queued: 0, sent: 0, failed: 0 };
    for (const a of this.store.values()) {
      if (a.partnerId === partnerId && a.bulkJobId === bulkJobId) counts[a.delivery.state]++;
    }
    return counts;
  }

  async listQueuedDeliveries(limit: number): Promise<Assignment[]> {
    return this.store
      .values()
      .filter((a) => a.delivery.state === 'queued')
      .slice(0, limit);
  }

  /** Assignments bound to the identity: same issuer, and the same subject or (when given) object id. */
  async listBySubscriber(identity: { tenantId: string; objectId: string }): Promise<Assignment[]> {
    return this.store
      .values()
      .filter((a) => a.subscriber !== null && sameEntraIdentity(a.subscriber, identity));
  }
}

export class FakeAuditLog implements AuditLog {
  readonly events: AuditEvent[] = [];

  /** Whether the partner's partition holds the event (its id is the document id there). */
  has(partnerId: string, eventId: string): boolean {
    return this.events.some((e) => e.partnerId === partnerId && e.eventId === eventId);
  }

  async record(event: AuditEvent): Promise<void> {
    // Cosmos DB refuses a second document with the event's id: a redelivered event is kept once.
    if (!this.has(event.partnerId, event.eventId)) this.events.push(clone(event));
  }

  async list(partnerId: string, page: PageRequest): Promise<Page<AuditEvent>> {
    // Ordered by time like the Cosmos query; among equal times, the last recorded first.
    const newestFirst = this.events
      .filter((e) => e.partnerId === partnerId)
      .reverse()
      .sort((a, b) => compare(b.at, a.at));
    return pageOf(newestFirst, page);
  }
}
