/**
 * Hand-written in-memory fakes of the application ports (no mocking library). Every stored value is
 * copied in and out with structuredClone, so a use case that forgets to write a change back, or that
 * mutates what it read, is caught the way a real store would catch it.
 */
import { hmacInvitationTokens } from '../../../shared/app/tokens.js';
import { sameEntraIdentity } from '../../../shared/domain/principal.js';
import { AppError, notFound } from '../../../shared/domain/errors.js';
import type { Assignment } from '../../../shared/domain/assignment.js';
import type { Partner } from '../../../shared/domain/partner.js';
import type { Person } from '../../../shared/domain/person.js';
import type { BulkJob, BulkRowResult, RowOutcome } from '../../../shared/domain/bulk.js';
import { ROW_CLAIM_TIMEOUT_MS } from '../../../shared/app/bulk.js';
import type {
  AssignmentQuery,
  AssignmentRepository,
  AuditEvent,
  AuditLog,
  BulkChunk,
  BulkChunkMessage,
  BulkJobStore,
  BulkQueue,
  BulkRowCounts,
  EmailDispatchMessage,
  EmailQueue,
  EmailSender,
  Links,
  OutgoingEmail,
  Page,
  PageRequest,
  PartnerRepository,
  PersonQuery,
  PersonRepository,
  SendOutcome,
  UploadStore,
  Versioned,
} from '../../../shared/app/ports.js';

const clone = <T>(value: T): T => structuredClone(value);

function pageOf<T>(items: T[], page: PageRequest): Page<T> {
  const start = page.cursor ? Number(page.cursor) : 0;
  const end = start + page.limit;
  return { items: items.slice(start, end).map(clone), nextCursor: end < items.length ? String(end) : null };
}

/** A versioned in-memory document store: each write gets a new ETag. */
class VersionedStore<T> {
  private readonly documents = new Map<string, Versioned<T>>();
  private version = 0;

  has(key: string): boolean {
    return this.documents.has(key);
  }

  read(key: string): Versioned<T> | null {
    const found = this.documents.get(key);
    return found ? clone(found) : null;
  }

  write(key: string, value: T): Versioned<T> {
    this.version++;
    const stored = { value: clone(value), etag: `"v${this.version}"` };
    this.documents.set(key, stored);
    return clone(stored);
  }

  remove(key: string): void {
    this.documents.delete(key);
  }

  values(): T[] {
    return [...this.documents.values()].map((d) => clone(d.value));
  }

  keys(): string[] {
    return [...this.documents.keys()];
  }
}

/** The app's real token derivation under a test secret (pure: nothing to fake). */
export const TEST_INVITATIONS = hmacInvitationTokens('unit-test-invitation-secret-0123456789abcdef');

export class FakePartnerRepository implements PartnerRepository {
  private readonly store = new VersionedStore<Partner>();
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
      throw new AppError('already-exists', `Partner ${partner.partnerId} already exists.`);
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
    if (options.ifMatch !== undefined && options.ifMatch !== found.etag) {
      throw new AppError('precondition-failed', 'The partner changed since it was read.');
    }
    return this.store.write(partnerId, change(found.value));
  }

  async *listIds(): AsyncIterable<string> {
    yield* this.store.keys();
  }
}

export class FakePersonRepository implements PersonRepository {
  private readonly store = new VersionedStore<Person>();
  getCalls = 0;
  /** Runs before every `get` (after counting it): lets a test make a person vanish mid-use-case. */
  beforeGet: ((call: number, partnerId: string, personId: string) => void) | null = null;

  constructor(...people: Person[]) {
    for (const person of people) this.put(person);
  }

  private static key(partnerId: string, personId: string): string {
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
    if (this.store.has(key))
      throw new AppError('already-exists', `Person ${person.personId} already exists.`);
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
    if (!found) throw notFound(`Person ${personId}`);
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
      );
    return pageOf(matching, page);
  }
}

export class FakeAssignmentRepository implements AssignmentRepository {
  private readonly store = new VersionedStore<Assignment>();
  /** When set, the next `create` throws it (and stores nothing). */
  failNextCreate: Error | null = null;
  createCalls = 0;

  constructor(...assignments: Assignment[]) {
    for (const assignment of assignments) this.put(assignment);
  }

  private static key(partnerId: string, assignmentId: string): string {
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
    return this.store.write(key, change(found.value));
  }

  async list(partnerId: string, query: AssignmentQuery, page: PageRequest): Promise<Page<Assignment>> {
    const matching = this.store
      .values()
      .filter((a) => a.partnerId === partnerId)
      .filter((a) => !query.status || a.status === query.status)
      .filter((a) => !query.personId || a.personId === query.personId);
    return pageOf(matching, page);
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

export interface QueuedEmail {
  message: EmailDispatchMessage;
  options: { delaySeconds?: number } | undefined;
}

export class FakeEmailQueue implements EmailQueue {
  readonly queued: QueuedEmail[] = [];
  /** When set, the next `enqueue` throws it (and queues nothing). */
  failNextEnqueue: Error | null = null;

  async enqueue(message: EmailDispatchMessage, options?: { delaySeconds?: number }): Promise<void> {
    if (this.failNextEnqueue) {
      const error = this.failNextEnqueue;
      this.failNextEnqueue = null;
      throw error;
    }
    this.queued.push({
      message: clone(message),
      options: options === undefined ? undefined : clone(options),
    });
  }

  get messages(): EmailDispatchMessage[] {
    return this.queued.map((q) => q.message);
  }
}

/** Records every send; answers from a script of outcomes (an Error in it is thrown), else `sent`. */
export class FakeEmailSender implements EmailSender {
  readonly calls: OutgoingEmail[] = [];
  readonly script: (SendOutcome | Error)[] = [];

  willAnswer(...outcomes: (SendOutcome | Error)[]): this {
    this.script.push(...outcomes);
    return this;
  }

  async send(email: OutgoingEmail): Promise<SendOutcome> {
    this.calls.push(clone(email));
    const next = this.script.shift() ?? { outcome: 'sent' };
    if (next instanceof Error) throw next;
    return next;
  }
}

export class FakeLinks implements Links {
  activationUrl(partnerId: string, assignmentId: string, token: string): string {
    const query = new URLSearchParams({ partner: partnerId, assignment: assignmentId, token });
    return `https://subs.example/api/activate?${query.toString()}`;
  }
}

export class FakeAuditLog implements AuditLog {
  readonly events: AuditEvent[] = [];

  async record(event: AuditEvent): Promise<void> {
    this.events.push(clone(event));
  }

  async list(partnerId: string, page: PageRequest): Promise<Page<AuditEvent>> {
    const newestFirst = this.events.filter((e) => e.partnerId === partnerId).reverse();
    return pageOf(newestFirst, page);
  }
}

/** A clock a test moves by hand. */
export class FakeClock {
  constructor(private current: Date) {}

  readonly now = (): Date => new Date(this.current.getTime());

  set(at: Date): void {
    this.current = new Date(at.getTime());
  }

  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

/** What a bulk row's document holds: claimed by an attempt (`processing`) or finished with a result. */
export interface FakeBulkRowState {
  state: 'processing' | 'done';
  claimedAt: string;
  result: BulkRowResult | null;
}

/**
 * Bulk jobs, chunks, one document per row and per-chunk counts, as the Cosmos store keeps them: a row
 * is claimed by creating its document, a claim older than ROW_CLAIM_TIMEOUT_MS is taken over, and a
 * finished row is `done` for good.
 */
export class FakeBulkJobStore implements BulkJobStore {
  private readonly jobs = new Map<string, BulkJob>();
  private readonly chunks = new Map<string, BulkChunk>();
  private readonly rows = new Map<string, FakeBulkRowState>();
  private readonly counts = new Map<string, BulkRowCounts>();
  /** Every call to `claimRow`, `releaseRow` and `finishRow`, in order, for assertions. */
  readonly calls: { method: 'claimRow' | 'releaseRow' | 'finishRow'; row: number }[] = [];
  /** When set, the next `finishRow` throws it (and stores nothing). */
  failNextFinishRow: Error | null = null;
  /** When set, the next `claimRow` throws it (and claims nothing). */
  failNextClaimRow: Error | null = null;

  private static jobKey(partnerId: string, jobId: string): string {
    return `${partnerId}/${jobId}`;
  }

  private static itemKey(partnerId: string, jobId: string, n: number): string {
    return `${partnerId}/${jobId}/${n}`;
  }

  /** The stored job, for assertions (throws if there is none). */
  job(partnerId: string, jobId: string): BulkJob {
    const found = this.jobs.get(FakeBulkJobStore.jobKey(partnerId, jobId));
    if (!found) throw new Error(`no bulk job ${jobId} in the fake`);
    return clone(found);
  }

  /** Every stored job. */
  allJobs(): BulkJob[] {
    return [...this.jobs.values()].map(clone);
  }

  /** The stored chunks of a job, in index order. */
  chunksOf(partnerId: string, jobId: string): BulkChunk[] {
    return [...this.chunks.values()]
      .filter((c) => c.partnerId === partnerId && c.jobId === jobId)
      .sort((a, b) => a.index - b.index)
      .map(clone);
  }

  /** A row's document, or null when it was never claimed (or was released). */
  rowState(partnerId: string, jobId: string, row: number): FakeBulkRowState | null {
    const found = this.rows.get(FakeBulkJobStore.itemKey(partnerId, jobId, row));
    return found ? clone(found) : null;
  }

  /** The finished results of a job, in row order. */
  results(partnerId: string, jobId: string): BulkRowResult[] {
    return [...this.rows.values()]
      .map((r) => r.result)
      .filter((r): r is BulkRowResult => r !== null && r.partnerId === partnerId && r.jobId === jobId)
      .sort((a, b) => a.row - b.row)
      .map(clone);
  }

  /** The counts recorded for one chunk, or null. */
  recordedCounts(partnerId: string, jobId: string, chunk: number): BulkRowCounts | null {
    const found = this.counts.get(FakeBulkJobStore.itemKey(partnerId, jobId, chunk));
    return found ? clone(found) : null;
  }

  /** Marks a row as claimed by another attempt at `claimedAt` (test set-up). */
  putClaim(partnerId: string, jobId: string, row: number, claimedAt: Date): void {
    this.rows.set(FakeBulkJobStore.itemKey(partnerId, jobId, row), {
      state: 'processing',
      claimedAt: claimedAt.toISOString(),
      result: null,
    });
  }

  async createJob(job: BulkJob, chunks: BulkChunk[]): Promise<void> {
    const key = FakeBulkJobStore.jobKey(job.partnerId, job.jobId);
    if (this.jobs.has(key)) throw new AppError('already-exists', `Bulk job ${job.jobId} already exists.`);
    for (const chunk of chunks) {
      this.chunks.set(FakeBulkJobStore.itemKey(chunk.partnerId, chunk.jobId, chunk.index), clone(chunk));
    }
    this.jobs.set(key, clone(job));
  }

  async getJob(partnerId: string, jobId: string): Promise<BulkJob | null> {
    const found = this.jobs.get(FakeBulkJobStore.jobKey(partnerId, jobId));
    return found ? clone(found) : null;
  }

  async getChunk(partnerId: string, jobId: string, index: number): Promise<BulkChunk | null> {
    const found = this.chunks.get(FakeBulkJobStore.itemKey(partnerId, jobId, index));
    return found ? clone(found) : null;
  }

  async claimRow(
    partnerId: string,
    jobId: string,
    row: number,
    now: Date,
  ): Promise<'claimed' | 'done' | 'busy'> {
    this.calls.push({ method: 'claimRow', row });
    if (this.failNextClaimRow) {
      const error = this.failNextClaimRow;
      this.failNextClaimRow = null;
      throw error;
    }
    const key = FakeBulkJobStore.itemKey(partnerId, jobId, row);
    const found = this.rows.get(key);
    if (found?.state === 'done') return 'done';
    if (found && now.getTime() - new Date(found.claimedAt).getTime() < ROW_CLAIM_TIMEOUT_MS) return 'busy';
    this.rows.set(key, { state: 'processing', claimedAt: now.toISOString(), result: null });
    return 'claimed';
  }

  async releaseRow(partnerId: string, jobId: string, row: number): Promise<void> {
    this.calls.push({ method: 'releaseRow', row });
    const key = FakeBulkJobStore.itemKey(partnerId, jobId, row);
    if (this.rows.get(key)?.state === 'processing') this.rows.delete(key);
  }

  async finishRow(result: BulkRowResult): Promise<void> {
    this.calls.push({ method: 'finishRow', row: result.row });
    if (this.failNextFinishRow) {
      const error = this.failNextFinishRow;
      this.failNextFinishRow = null;
      throw error;
    }
    this.rows.set(FakeBulkJobStore.itemKey(result.partnerId, result.jobId, result.row), {
      state: 'done',
      claimedAt: result.finishedAt,
      result: clone(result),
    });
  }

  async rowOutcomes(partnerId: string, jobId: string, rows: number[]): Promise<(RowOutcome | null)[]> {
    return rows.map((row) => {
      const found = this.rows.get(FakeBulkJobStore.itemKey(partnerId, jobId, row));
      return found?.state === 'done' ? (found.result?.outcome ?? null) : null;
    });
  }

  async recordChunkCounts(
    partnerId: string,
    jobId: string,
    chunk: number,
    counts: BulkRowCounts,
  ): Promise<void> {
    this.counts.set(FakeBulkJobStore.itemKey(partnerId, jobId, chunk), clone(counts));
  }

  async chunkCounts(partnerId: string, jobId: string, chunks: number): Promise<(BulkRowCounts | null)[]> {
    return Array.from({ length: chunks }, (_, chunk) => this.recordedCounts(partnerId, jobId, chunk));
  }

  async markStarted(partnerId: string, jobId: string, at: Date): Promise<void> {
    const key = FakeBulkJobStore.jobKey(partnerId, jobId);
    const found = this.jobs.get(key);
    if (!found) throw notFound(`Bulk job ${jobId}`);
    this.jobs.set(key, { ...clone(found), startedAt: at.toISOString() });
  }

  async listRows(
    partnerId: string,
    jobId: string,
    filter: { outcome?: RowOutcome | undefined },
    page: PageRequest,
  ): Promise<Page<BulkRowResult>> {
    const matching = this.results(partnerId, jobId).filter(
      (r) => !filter.outcome || r.outcome === filter.outcome,
    );
    return pageOf(matching, page);
  }
}

export class FakeBulkQueue implements BulkQueue {
  readonly messages: BulkChunkMessage[] = [];
  /** When set, the next `enqueue` throws it (and queues nothing). */
  failNextEnqueue: Error | null = null;

  async enqueue(message: BulkChunkMessage): Promise<void> {
    if (this.failNextEnqueue) {
      const error = this.failNextEnqueue;
      this.failNextEnqueue = null;
      throw error;
    }
    this.messages.push(clone(message));
  }
}

export interface SavedUpload {
  name: string;
  bytes: Buffer;
  contentType: string;
}

/** Keeps uploads in memory; `save` answers the name it was given, as the Blob store does. */
export class FakeUploadStore implements UploadStore {
  readonly saved: SavedUpload[] = [];
  /** When set, the next `save` throws it (and keeps nothing). */
  failNextSave: Error | null = null;

  async save(name: string, bytes: Buffer, contentType: string): Promise<string> {
    if (this.failNextSave) {
      const error = this.failNextSave;
      this.failNextSave = null;
      throw error;
    }
    this.saved.push({ name, bytes: Buffer.from(bytes), contentType });
    return name;
  }
}
