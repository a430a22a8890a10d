import type { Assignment, AssignmentStatus, DeliveryState } from '../domain/assignment.js';
import type { BulkJob } from '../domain/bulk.js';
import type { RowDecision } from '../domain/bulk-plan.js';
import type { Partner, TechnicalContactSlot } from '../domain/partner.js';
import type { Person } from '../domain/person.js';
import type { Principal } from '../domain/principal.js';

/** A value and the version (ETag) it was read at. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/**
 * The partner aggregate's store. `update` reads, applies `change` (a pure domain function that may
 * throw), and writes only if nobody wrote in between (ETag); on a lost race it reads again and
 * re-applies, so the invariants inside the aggregate hold under any concurrency.
 */
export interface PartnerRepository {
  get(partnerId: string): Promise<Versioned<Partner> | null>;
  create(partner: Partner): Promise<Versioned<Partner>>;
  update(
    partnerId: string,
    change: (partner: Partner) => Partner,
    options?: { ifMatch?: string | undefined },
  ): Promise<Versioned<Partner>>;
  /** Every partner id, for timers that sweep all partners. */
  listIds(): AsyncIterable<string>;
  /** Partners across all partitions, ordered by id; `text` matches the id or the name, any case. */
  list(query: PartnerQuery, page: PageRequest): Promise<Page<Partner>>;
}

export interface PartnerQuery {
  text?: string | undefined;
}

/** A document of a partner's partition, by kind. */
export type PartitionDocument =
  | { kind: 'partner'; value: Partner }
  | { kind: 'person'; value: Person }
  | { kind: 'assignment'; value: Assignment }
  | { kind: 'audit'; value: AuditEvent }
  | { kind: 'bulk-chunk'; value: BulkChunk };

/** One write of a commit: documents are created (fails if one exists) or replaced at the version read. */
export type PartitionWrite =
  | { op: 'create'; document: PartitionDocument }
  | { op: 'replace'; document: PartitionDocument; ifMatch: string };

export type CommitResult =
  | { ok: true; etags: string[] }
  /** Nothing was written: write `index` found its document changed (412), gone (404) or present (409). */
  | { ok: false; index: number; status: 404 | 409 | 412 };

export interface PartitionSnapshot {
  partner: Versioned<Partner> | null;
  person?: Versioned<Person> | null;
  assignment?: Versioned<Assignment> | null;
}

/**
 * A partner's partition, read and written in as few round trips as the store allows: the aggregate and
 * the documents a command needs in one read, and every write of the command in one commit, atomic
 * (Cosmos DB's transactional batch: all or nothing). The local emulator runs a batch in order and stops
 * at the first failing write without undoing the earlier ones, so a commit puts its preconditions
 * (the replaces with If-Match) first and only creates that cannot conflict after them.
 */
export interface PartnerPartition {
  load(partnerId: string, also?: { personId?: string; assignmentId?: string }): Promise<PartitionSnapshot>;
  commit(partnerId: string, writes: PartitionWrite[]): Promise<CommitResult>;
  /** Which of these documents exist, in one query. */
  existing(partnerId: string, kind: 'person' | 'assignment', ids: string[]): Promise<Set<string>>;
  /**
   * Creates many documents with the store's bulk operations (independent writes, bounded concurrency).
   * A document that is already there counts as created, so a redelivered or resumed write is harmless.
   */
  createAll(partnerId: string, documents: PartitionDocument[]): Promise<void>;
}

export interface PersonQuery {
  /** Matches name or email, case-insensitively. */
  text?: string | undefined;
  /** Restrict to these person ids (role and privilege filters resolve to ids on the aggregate). */
  personIds?: string[] | undefined;
}

export interface PersonRepository {
  get(partnerId: string, personId: string): Promise<Versioned<Person> | null>;
  /** Fails with `already-exists` when the partner already has a person with that id. */
  create(person: Person): Promise<Versioned<Person>>;
  replace(person: Person, ifMatch: string): Promise<Versioned<Person>>;
  delete(partnerId: string, personId: string, ifMatch?: string): Promise<void>;
  list(partnerId: string, query: PersonQuery, page: PageRequest): Promise<Page<Person>>;
}

export interface AuditEvent {
  eventId: string;
  partnerId: string;
  at: string;
  actor: { subject: string; email: string | null };
  action: string;
  target: { type: string; id: string };
  details: Record<string, unknown>;
  correlationId: string;
}

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
  list(partnerId: string, page: PageRequest): Promise<Page<AuditEvent>>;
}

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** First-response store for `Idempotency-Key`; `claim` is atomic so two racing requests run once. */
export interface IdempotencyStore {
  claim(
    scope: string,
    key: string,
    requestHash: string,
  ): Promise<
    | { state: 'claimed' }
    | { state: 'pending'; requestHash: string }
    | { state: 'done'; requestHash: string; response: StoredResponse }
  >;
  complete(scope: string, key: string, response: StoredResponse): Promise<void>;
  release(scope: string, key: string): Promise<void>;
}

/**
 * The one source of "now", a port like any other: every use-case family that needs the time has a
 * `clock` in its dependencies (the composition root's; tests hand a fixed one). A use case reads it when
 * a step happens (once for a request's change) and hands that instant to the domain, which takes times as
 * arguments and never reads a clock.
 */
export type Clock = () => Date;

/** Verifies bearer tokens: access tokens for this API, from an accepted issuer, naming their tenant. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

/** Who makes the call, and the correlation id that ties its logs, audit events and messages together. */
export interface CallContext {
  principal: Principal;
  correlationId: string;
}

export interface AssignmentQuery {
  status?: AssignmentStatus | undefined;
  personId?: string | undefined;
}

/** Assignment documents; `update` re-reads and re-applies on a lost race, like the partner's. */
export interface AssignmentRepository {
  get(partnerId: string, assignmentId: string): Promise<Versioned<Assignment> | null>;
  create(assignment: Assignment): Promise<Versioned<Assignment>>;
  update(
    partnerId: string,
    assignmentId: string,
    change: (assignment: Assignment) => Assignment,
  ): Promise<Versioned<Assignment>>;
  list(partnerId: string, query: AssignmentQuery, page: PageRequest): Promise<Page<Assignment>>;
  /** How many of a bulk job's invitations are queued, sent or failed. */
  deliveryStates(partnerId: string, bulkJobId: string): Promise<Record<DeliveryState, number>>;
  /** Emails still queued, across all partners (for the re-queue timer). */
  listQueuedDeliveries(limit: number): Promise<Assignment[]>;
  /** Every assignment claimed by a signed-in identity (tenant + object id), across partners. */
  listBySubscriber(identity: { tenantId: string; objectId: string }): Promise<Assignment[]>;
}

export type { EmailDispatchMessage, EmailQueue } from './queues/email-dispatch.js';

export interface OutgoingEmail {
  /** Deterministic per email: a redelivered message never sends twice. */
  operationId: string;
  to: string;
  subject: string;
  html: string;
  plainText: string;
}

export type SendOutcome = { outcome: 'sent' } | { outcome: 'throttled'; retryAfterSeconds: number };

/** Sends one email; throws on failure (the queue retries), reports throttling as an outcome. */
export interface EmailSender {
  send(email: OutgoingEmail): Promise<SendOutcome>;
}

export interface Links {
  activationUrl(partnerId: string, assignmentId: string, token: string): string;
}

export type { TechnicalContactSlot };

export interface BulkChunk {
  jobId: string;
  partnerId: string;
  index: number;
  /** The 1-based row number of rows[0]. */
  firstRow: number;
  rows: unknown[];
  /**
   * The chunk's rows decided (once): for a real run committed in one transaction with the aggregate
   * those decisions produced, so a chunk is decided exactly once however often its message comes.
   */
  plan?: ChunkPlan | null;
}

export interface ChunkPlan {
  plannedAt: string;
  correlationId: string;
  decisions: RowDecision[];
}

export interface BulkRowCounts {
  succeeded: number;
  failed: number;
  skipped: number;
}

/** A done chunk: when its counts were written, and whether the delivery that wrote them queued the next chunk. */
export interface ChunkCompletion {
  recordedAt: string;
  nextQueued: boolean;
}

/** Jobs, their chunks of rows (with their decisions once made) and per-chunk counts once written. */
export interface BulkJobStore {
  /** Chunks first, then the job: a job is visible only once all its rows are stored. */
  createJob(job: BulkJob, chunks: BulkChunk[]): Promise<void>;
  getJob(partnerId: string, jobId: string): Promise<BulkJob | null>;
  getChunk(partnerId: string, jobId: string, index: number): Promise<Versioned<BulkChunk> | null>;
  /**
   * What a chunk's run starts from, in one round trip: the job, the chunk, the partner aggregate, and
   * whether the chunk is done (its counts are recorded).
   */
  loadChunk(
    partnerId: string,
    jobId: string,
    index: number,
  ): Promise<{
    job: BulkJob | null;
    chunk: Versioned<BulkChunk> | null;
    partner: Versioned<Partner> | null;
    completion: ChunkCompletion | null;
  }>;
  /**
   * Written once, when a chunk's documents are all written: its counts (the chunk is then done) and
   * whether its next chunk is queued yet. False when another delivery of the chunk wrote them first.
   */
  recordChunkCounts(
    partnerId: string,
    jobId: string,
    chunk: number,
    counts: BulkRowCounts & { nextQueued: boolean; recordedAt: string },
  ): Promise<boolean>;
  /** The chunk's next chunk is on the queue. */
  markNextChunkQueued(partnerId: string, jobId: string, chunk: number): Promise<void>;
  /** One small read per chunk, together: reading a job's progress never reads its rows. */
  chunkCounts(partnerId: string, jobId: string, chunks: number): Promise<(BulkRowCounts | null)[]>;
  markStarted(partnerId: string, jobId: string, at: Date): Promise<void>;
}

export type { BulkChunkMessage, BulkQueue } from './queues/bulk-assignments.js';

/** Keeps a large upload as it came, for the record. */
export interface UploadStore {
  save(name: string, bytes: Buffer, contentType: string): Promise<string>;
}
