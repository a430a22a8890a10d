import { expect } from 'vitest';
import type { BulkDeps } from '../../../../shared/app/bulk/deps.js';
import { getBulkJob } from '../../../../shared/app/bulk/results.js';
import { processBulkChunk } from '../../../../shared/app/bulk/run.js';
import { submitBulkJob } from '../../../../shared/app/bulk/submit.js';
import { personIdFor } from '../../../../shared/app/ids.js';
import type { BulkChunkMessage, CallContext } from '../../../../shared/app/ports.js';
import type { BulkRowResult } from '../../../../shared/domain/bulk.js';
import type { Partner } from '../../../../shared/domain/partner.js';
import type { Person } from '../../../../shared/domain/person.js';
import type { Principal } from '../../../../shared/domain/principal.js';
import { NOW } from '../../../support/mothers/clock.js';
import { aPartner } from '../../../support/mothers/partner.js';
import { aPerson } from '../../../support/mothers/person.js';
import { anAdminOf } from '../../../support/mothers/principal.js';
import {
  FakeAssignmentRepository,
  FakeAuditLog,
  FakeBulkJobStore,
  FakeBulkQueue,
  FakeClock,
  FakeEmailQueue,
  FakePartnerPartition,
  FakePartnerRepository,
  FakePersonRepository,
  FakeUploadStore,
  TEST_INVITATIONS,
} from '../../../support/fakes/index.js';

/** The world of the bulk use cases' tests: Contoso, its fakes, and helpers that act as the queue would. */
export const PARTNER = 'contoso';
export const CORRELATION = 'corr-bulk';
export const idOf = (email: string) => personIdFor(PARTNER, email);

/** A person already associated with Contoso, under the id a bulk row for the same email resolves to. */
export const existing = (email: string, firstName = 'Existing', lastName = 'Person'): Person =>
  aPerson({ personId: idOf(email), email, emailLower: email.toLowerCase(), firstName, lastName });

export const withSeats = (partner: Partner, seats: number): Partner => ({
  ...partner,
  entitlements: [{ ...partner.entitlements[0]!, seats }],
});

export interface Row {
  email?: string;
  firstName?: string;
  lastName?: string;
  notificationEmail?: string;
  technicalContact?: 'first' | 'second' | 'third';
  privilege?: 'visual-studio-subscriptions' | 'msdn-subscriptions';
}

export const row = (email: string, fields: Omit<Row, 'email'> = {}): Row => ({
  email,
  firstName: 'First',
  lastName: 'Last',
  ...fields,
});
export const AP: Row['privilege'] = 'visual-studio-subscriptions';
export const MSDN: Row['privilege'] = 'msdn-subscriptions';

/** `count` rows that each only associate a new person (no seat, no slot), numbered from `from`. */
export const associations = (count: number, from = 1): Row[] =>
  Array.from({ length: count }, (_, i) => row(`person${from + i}@contoso.com`));

/**
 * Twelve rows exercising every rule, for Action Pack with 2 seats: what each row gives, in row order, is
 * the table the tests that use them expect.
 */
export const everyRuleRows = (): unknown[] => [
  { email: 'bad@contoso.com', firstName: '', lastName: 'X' }, // 1 validation-failed
  row('grace@contoso.com', { technicalContact: 'first', privilege: AP }), // 2 ok, seat 1
  row('eve@fabrikam.com'), // 3 outside the verified domain
  row('alan@contoso.com', { technicalContact: 'second' }), // 4 ok (skipped if alan holds the slot already)
  row('linus@contoso.com', { technicalContact: 'first' }), // 5 slot held by grace
  row('alan@contoso.com', { privilege: AP }), // 6 ok, seat 2
  row('linus@contoso.com', { privilege: AP }), // 7 linus has no slot
  row('linus@contoso.com', { technicalContact: 'third' }), // 8 ok
  row('linus@contoso.com', { privilege: MSDN }), // 9 not Action Pack's privilege
  row('linus@contoso.com', { privilege: AP }), // 10 both seats taken
  row('grace@contoso.com', { privilege: AP }), // 11 grace holds one already
  row('margaret@contoso.com'), // 12 ok
];

export interface World {
  deps: BulkDeps;
  partners: FakePartnerRepository;
  people: FakePersonRepository;
  assignments: FakeAssignmentRepository;
  audit: FakeAuditLog;
  emails: FakeEmailQueue;
  jobs: FakeBulkJobStore;
  queue: FakeBulkQueue;
  uploads: FakeUploadStore;
  partition: FakePartnerPartition;
  clock: FakeClock;
  /** How many queued chunk messages `runQueued` has processed so far. */
  processed: number;
}

export function aWorld(partner: Partner = aPartner(), ...people: Person[]): World {
  const partners = new FakePartnerRepository(partner);
  const peopleRepo = new FakePersonRepository(...people);
  const assignments = new FakeAssignmentRepository();
  const audit = new FakeAuditLog();
  const emails = new FakeEmailQueue();
  const jobs = new FakeBulkJobStore(partners);
  const queue = new FakeBulkQueue();
  const uploads = new FakeUploadStore();
  const partition = new FakePartnerPartition({ partners, people: peopleRepo, assignments, audit, jobs });
  const clock = new FakeClock(NOW);
  const deps: BulkDeps = {
    jobs,
    queue,
    uploads,
    partners,
    partition,
    assignments,
    audit,
    clock: clock.now,
    emails,
    invitations: TEST_INVITATIONS,
    policy: { cooldownDays: 90, invitationTtlDays: 30 },
  };
  return {
    deps,
    partners,
    people: peopleRepo,
    assignments,
    audit,
    emails,
    jobs,
    queue,
    uploads,
    partition,
    clock,
    processed: 0,
  };
}

export const ctx = (principal: Principal = anAdminOf('ada@contoso.com')): CallContext => ({
  principal,
  correlationId: CORRELATION,
});

export const jsonUpload = (rows: unknown[]) => ({
  rows,
  format: 'json' as const,
  raw: Buffer.from(JSON.stringify({ rows })),
});

export const submit = (world: World, rows: unknown[], dryRun = false, principal?: Principal) =>
  submitBulkJob(world.deps, ctx(principal), PARTNER, jsonUpload(rows), { dryRun });

export const messageFor = (jobId: string, chunk = 0): BulkChunkMessage => ({
  partnerId: PARTNER,
  jobId,
  chunk,
  correlationId: CORRELATION,
});

/** Processes every chunk message queued so far and those it queues in turn, like the queue trigger. */
export async function runQueued(world: World): Promise<void> {
  while (world.processed < world.queue.messages.length) {
    const message = world.queue.messages[world.processed]!;
    world.processed++;
    await processBulkChunk(world.deps, message);
  }
}

/** Submits the rows and runs the whole job. */
export async function runJob(
  world: World,
  rows: unknown[],
): Promise<{ jobId: string; results: BulkRowResult[] }> {
  const { jobId } = await submit(world, rows);
  await runQueued(world);
  return { jobId, results: world.jobs.results(PARTNER, jobId) };
}

export const verdicts = (results: BulkRowResult[]) => results.map((r) => [r.row, r.outcome, r.code]);

export function expectNothingStored(world: World): void {
  expect(world.jobs.allJobs()).toEqual([]);
  expect(world.queue.messages).toEqual([]);
  expect(world.uploads.saved).toEqual([]);
  expect(world.audit.events).toEqual([]);
}

/** What a chunk changed, to compare before and after it is delivered again. */
export const snapshot = async (world: World, jobId: string) => ({
  partner: world.partners.current(PARTNER),
  people: await world.people.list(PARTNER, {}, { limit: 200 }),
  assignments: world.assignments.all(),
  audit: world.audit.events.length,
  emails: world.emails.queued.length,
  results: world.jobs.results(PARTNER, jobId),
  counts: world.jobs.recordedCounts(PARTNER, jobId, 0),
  queued: world.queue.messages.length,
  view: await getBulkJob(world.deps, ctx(), PARTNER, jobId),
});
