import { rejectionOf } from '../support/app-error.js';
import { CONTOSO_TENANT, objectIdOf } from '../../mothers/principal.js';
import { describe, expect, it } from 'vitest';
import {
  ROW_CLAIM_TIMEOUT_MS,
  failBulkChunk,
  getBulkJob,
  listBulkRows,
  processBulkChunk,
  submitBulkJob,
  type BulkDeps,
} from '../../../shared/app/bulk.js';
import { personIdFor } from '../../../shared/app/ids.js';
import type { BulkChunkMessage, CallContext } from '../../../shared/app/ports.js';
import { deterministicUuid } from '../../../shared/app/tokens.js';
import type { BulkRowResult } from '../../../shared/domain/bulk.js';
import type { Partner } from '../../../shared/domain/partner.js';
import type { Person } from '../../../shared/domain/person.js';
import type { Principal } from '../../../shared/domain/principal.js';
import { LATER, NOW } from '../../mothers/clock.js';
import { aCompetencyPartner, aPartner } from '../../mothers/partner.js';
import { aPerson } from '../../mothers/person.js';
import { aStranger, anAdminOf, anOperator } from '../../mothers/principal.js';
import { withSlots } from '../../mothers/seats.js';
import {
  FakeAssignmentRepository,
  FakeAuditLog,
  FakeBulkJobStore,
  FakeBulkQueue,
  FakeClock,
  FakeEmailQueue,
  FakePartnerRepository,
  FakePersonRepository,
  FakeUploadStore,
  TEST_INVITATIONS,
} from '../support/fakes.js';

const PARTNER = 'contoso';
const CORRELATION = 'corr-bulk';
const idOf = (email: string) => personIdFor(PARTNER, email);

/** A person already associated with Contoso, under the id a bulk row for the same email resolves to. */
const existing = (email: string, firstName = 'Existing', lastName = 'Person'): Person =>
  aPerson({ personId: idOf(email), email, emailLower: email.toLowerCase(), firstName, lastName });

const withSeats = (partner: Partner, seats: number): Partner => ({
  ...partner,
  entitlements: [{ ...partner.entitlements[0]!, seats }],
});

interface Row {
  email?: string;
  firstName?: string;
  lastName?: string;
  notificationEmail?: string;
  technicalContact?: 'first' | 'second' | 'third';
  privilege?: 'visual-studio-subscriptions' | 'msdn-subscriptions';
}

const row = (email: string, fields: Omit<Row, 'email'> = {}): Row => ({
  email,
  firstName: 'First',
  lastName: 'Last',
  ...fields,
});
const AP: Row['privilege'] = 'visual-studio-subscriptions';
const MSDN: Row['privilege'] = 'msdn-subscriptions';

/** `count` rows that each only associate a new person (no seat, no slot), numbered from `from`. */
const associations = (count: number, from = 1): Row[] =>
  Array.from({ length: count }, (_, i) => row(`person${from + i}@contoso.com`));

interface World {
  deps: BulkDeps;
  partners: FakePartnerRepository;
  people: FakePersonRepository;
  assignments: FakeAssignmentRepository;
  audit: FakeAuditLog;
  emails: FakeEmailQueue;
  jobs: FakeBulkJobStore;
  queue: FakeBulkQueue;
  uploads: FakeUploadStore;
  clock: FakeClock;
  /** How many queued chunk messages `runQueued` has processed so far. */
  processed: number;
}

function aWorld(partner: Partner = aPartner(), ...people: Person[]): World {
  const partners = new FakePartnerRepository(partner);
  const peopleRepo = new FakePersonRepository(...people);
  const assignments = new FakeAssignmentRepository();
  const audit = new FakeAuditLog();
  const emails = new FakeEmailQueue();
  const jobs = new FakeBulkJobStore();
  const queue = new FakeBulkQueue();
  const uploads = new FakeUploadStore();
  const deps: BulkDeps = {
    jobs,
    queue,
    uploads,
    people: { partners, people: peopleRepo, audit },
    assignments: {
      partners,
      people: peopleRepo,
      assignments,
      audit,
      emails,
      invitations: TEST_INVITATIONS,
      policy: { cooldownDays: 90, invitationTtlDays: 30 },
      warn: () => undefined,
    },
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
    clock: new FakeClock(NOW),
    processed: 0,
  };
}

const ctx = (principal: Principal = anAdminOf('ada@contoso.com'), now: Date = NOW): CallContext => ({
  principal,
  correlationId: CORRELATION,
  now,
});

const jsonUpload = (rows: unknown[]) => ({
  rows,
  format: 'json' as const,
  raw: Buffer.from(JSON.stringify({ rows })),
});

const submit = (world: World, rows: unknown[], dryRun = false, principal?: Principal) =>
  submitBulkJob(world.deps, ctx(principal), PARTNER, jsonUpload(rows), { dryRun });

const messageFor = (jobId: string, chunk = 0): BulkChunkMessage => ({
  partnerId: PARTNER,
  jobId,
  chunk,
  correlationId: CORRELATION,
});

/** Processes every chunk message queued so far and those it queues in turn, like the queue trigger. */
async function runQueued(world: World): Promise<void> {
  while (world.processed < world.queue.messages.length) {
    const message = world.queue.messages[world.processed]!;
    world.processed++;
    await processBulkChunk(world.deps, message, world.clock.now);
  }
}

/** Submits the rows and runs the whole job. */
async function runJob(world: World, rows: unknown[]): Promise<{ jobId: string; results: BulkRowResult[] }> {
  const { jobId } = await submit(world, rows);
  await runQueued(world);
  return { jobId, results: world.jobs.results(PARTNER, jobId) };
}

const verdicts = (results: BulkRowResult[]) => results.map((r) => [r.row, r.outcome, r.code]);

function expectNothingStored(world: World): void {
  expect(world.jobs.allJobs()).toEqual([]);
  expect(world.queue.messages).toEqual([]);
  expect(world.uploads.saved).toEqual([]);
  expect(world.audit.events).toEqual([]);
}

describe('submitBulkJob', () => {
  it('answers not-found to someone who is not an administrator of the partner, and stores nothing', async () => {
    const world = aWorld();
    await rejectionOf(submit(world, [row('grace@contoso.com')], false, aStranger()), 'not-found');
    expectNothingStored(world);
  });

  it('refuses a platform operator with forbidden (operators do not manage people), and stores nothing', async () => {
    const world = aWorld();
    await rejectionOf(submit(world, [row('grace@contoso.com')], false, anOperator()), 'forbidden');
    expectNothingStored(world);
  });

  it('answers not-found for a partner that does not exist', async () => {
    const world = aWorld();
    await rejectionOf(
      submitBulkJob(world.deps, ctx(), 'fabrikam', jsonUpload([row('grace@contoso.com')]), { dryRun: false }),
      'not-found',
    );
    expectNothingStored(world);
  });

  it('refuses an upload with no rows with validation-failed', async () => {
    const world = aWorld();
    await rejectionOf(submit(world, []), 'validation-failed');
    await rejectionOf(submit(world, [], true), 'validation-failed');
    expectNothingStored(world);
  });

  it('refuses 10,001 rows with payload-too-large naming the 10000-row limit, and stores nothing', async () => {
    const world = aWorld();
    const error = await rejectionOf(submit(world, associations(10_001)), 'payload-too-large');
    expect(error.message).toContain('10000');
    expect(error.details).toEqual({ limitRows: 10_000 });
    expectNothingStored(world);
  });

  it('takes exactly 10,000 rows, in 100 chunks', async () => {
    const world = aWorld();
    const view = await submit(world, associations(10_000));
    const job = world.jobs.job(PARTNER, view.jobId);
    expect(job.total).toBe(10_000);
    expect(job.chunks).toBe(100);
    const chunks = world.jobs.chunksOf(PARTNER, view.jobId);
    expect(chunks).toHaveLength(100);
    expect(chunks.at(-1)).toMatchObject({ index: 99, firstRow: 9_901 });
    expect(chunks.at(-1)!.rows).toHaveLength(100);
  });

  it('stores the job and its rows in chunks of 100 with the 1-based number of each chunk’s first row', async () => {
    const world = aWorld();
    const rows = associations(250);
    const upload = jsonUpload(rows);
    const view = await submitBulkJob(world.deps, ctx(), PARTNER, upload, { dryRun: false });

    expect(world.jobs.job(PARTNER, view.jobId)).toEqual({
      jobId: view.jobId,
      partnerId: PARTNER,
      dryRun: false,
      total: 250,
      chunks: 3,
      createdAt: NOW.toISOString(),
      createdBy: {
        issuer: `https://login.example.test/${CONTOSO_TENANT}/v2.0`,
        subject: 'subject-admin',
        tenantId: CONTOSO_TENANT,
        objectId: objectIdOf(CONTOSO_TENANT, 'ada@contoso.com'),
        email: 'ada@contoso.com',
        roles: [],
      },
      source: { format: 'json', bytes: upload.raw.length, blobName: null },
    });
    expect(world.jobs.chunksOf(PARTNER, view.jobId)).toEqual([
      { jobId: view.jobId, partnerId: PARTNER, index: 0, firstRow: 1, rows: rows.slice(0, 100) },
      { jobId: view.jobId, partnerId: PARTNER, index: 1, firstRow: 101, rows: rows.slice(100, 200) },
      { jobId: view.jobId, partnerId: PARTNER, index: 2, firstRow: 201, rows: rows.slice(200) },
    ]);
  });

  it('stores a job of exactly 100 rows as one chunk and of 101 rows as two', async () => {
    const world = aWorld();
    const hundred = await submit(world, associations(100));
    const hundredAndOne = await submit(world, associations(101));
    expect(world.jobs.chunksOf(PARTNER, hundred.jobId).map((c) => [c.firstRow, c.rows.length])).toEqual([
      [1, 100],
    ]);
    expect(world.jobs.chunksOf(PARTNER, hundredAndOne.jobId).map((c) => [c.firstRow, c.rows.length])).toEqual(
      [
        [1, 100],
        [101, 1],
      ],
    );
  });

  it('queues only the first chunk and answers the job as queued with every row pending', async () => {
    const world = aWorld();
    const view = await submit(world, associations(250));
    expect(world.queue.messages).toEqual([messageFor(view.jobId, 0)]);
    expect(view).toEqual({
      jobId: view.jobId,
      partnerId: PARTNER,
      dryRun: false,
      status: 'queued',
      counts: { total: 250, succeeded: 0, failed: 0, skipped: 0, pending: 250 },
      createdAt: NOW.toISOString(),
      source: { format: 'json', bytes: jsonUpload(associations(250)).raw.length, blobName: null },
    });
  });

  it('runs no row at submission', async () => {
    const world = aWorld();
    await submit(world, [row('grace@contoso.com', { technicalContact: 'first', privilege: AP })]);
    expect(await world.people.list(PARTNER, {}, { limit: 10 })).toEqual({ items: [], nextCursor: null });
    expect(world.partners.updateCalls).toBe(0);
    expect(world.assignments.all()).toEqual([]);
    expect(world.jobs.calls).toEqual([]);
  });

  it('keeps an upload of 256 KiB in the upload store as it came, named after the partner and job', async () => {
    const world = aWorld();
    const raw = Buffer.alloc(256 * 1024, 'a');
    const view = await submitBulkJob(
      world.deps,
      ctx(),
      PARTNER,
      { rows: [row('grace@contoso.com')], format: 'csv', raw },
      { dryRun: false },
    );
    expect(world.uploads.saved).toHaveLength(1);
    const saved = world.uploads.saved[0]!;
    expect(saved.name).toBe(`contoso/${view.jobId}.csv`);
    expect(saved.contentType).toBe('text/csv');
    expect(saved.bytes.equals(raw)).toBe(true);
    expect(view.source).toEqual({ format: 'csv', bytes: 262_144, blobName: `contoso/${view.jobId}.csv` });
    expect(world.jobs.job(PARTNER, view.jobId).source.blobName).toBe(`contoso/${view.jobId}.csv`);
  });

  it('keeps a large JSON upload as application/json', async () => {
    const world = aWorld();
    const raw = Buffer.alloc(300 * 1024, ' ');
    const view = await submitBulkJob(
      world.deps,
      ctx(),
      PARTNER,
      { rows: [row('grace@contoso.com')], format: 'json', raw },
      { dryRun: false },
    );
    expect(world.uploads.saved.map((s) => [s.name, s.contentType])).toEqual([
      [`contoso/${view.jobId}.json`, 'application/json'],
    ]);
  });

  it('does not keep an upload one byte under 256 KiB', async () => {
    const world = aWorld();
    const raw = Buffer.alloc(256 * 1024 - 1, 'a');
    const view = await submitBulkJob(
      world.deps,
      ctx(),
      PARTNER,
      { rows: [row('grace@contoso.com')], format: 'csv', raw },
      { dryRun: false },
    );
    expect(world.uploads.saved).toEqual([]);
    expect(view.source).toEqual({ format: 'csv', bytes: 262_143, blobName: null });
  });

  it('records the submission in the audit log', async () => {
    const world = aWorld();
    const view = await submit(world, associations(3));
    expect(world.audit.events).toHaveLength(1);
    expect(world.audit.events[0]).toMatchObject({
      partnerId: PARTNER,
      at: NOW.toISOString(),
      actor: { subject: 'subject-admin', email: 'ada@contoso.com' },
      action: 'bulk.submitted',
      target: { type: 'bulk-job', id: view.jobId },
      details: { rows: 3, format: 'json' },
      correlationId: CORRELATION,
    });
  });

  it('gives each job its own id', async () => {
    const world = aWorld();
    const one = await submit(world, associations(1));
    const two = await submit(world, associations(1));
    expect(one.jobId).not.toBe(two.jobId);
  });
});

describe('processBulkChunk', () => {
  it('associates a new person, sets the slot and grants through the real use cases', async () => {
    const world = aWorld();
    const { jobId, results } = await runJob(world, [
      row('grace@contoso.com', {
        firstName: 'Grace',
        lastName: 'Hopper',
        notificationEmail: 'grace.notify@contoso.com',
        technicalContact: 'first',
        privilege: AP,
      }),
    ]);
    const graceId = idOf('grace@contoso.com');
    const assignmentId = deterministicUuid(`bulk:${jobId}:1`);

    expect(results).toEqual([
      {
        jobId,
        partnerId: PARTNER,
        row: 1,
        email: 'grace@contoso.com',
        outcome: 'succeeded',
        code: null,
        message:
          'Associated the person, set the Technical Contact slot, granted the subscription (invitation queued).',
        actions: ['associated', 'slot-set', 'granted'],
        personId: graceId,
        assignmentId,
        finishedAt: NOW.toISOString(),
      },
    ]);

    expect((await world.people.get(PARTNER, graceId))!.value).toMatchObject({
      email: 'grace@contoso.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      notificationEmail: 'grace.notify@contoso.com',
    });
    const partner = world.partners.current(PARTNER);
    expect(partner.technicalContacts).toEqual({ first: graceId, second: null, third: null });
    expect(partner.seatLedger.live).toEqual([
      {
        assignmentId,
        personId: graceId,
        benefit: 'vs-professional',
        status: 'invited',
        assignedAt: NOW.toISOString(),
        activatedAt: null,
      },
    ]);
    expect(world.assignments.current(PARTNER, assignmentId)).toMatchObject({
      personId: graceId,
      privilege: AP,
      status: 'invited',
      assignedBy: { subject: 'subject-admin', email: 'ada@contoso.com' },
      delivery: { to: 'grace.notify@contoso.com', state: 'queued', sequence: 1 },
    });
    expect(world.emails.messages).toEqual([
      expect.objectContaining({ partnerId: PARTNER, assignmentId, sequence: 1, correlationId: CORRELATION }),
    ]);
    expect(world.audit.events.map((e) => e.action)).toEqual([
      'bulk.submitted',
      'person.associated',
      'person.roles-changed',
      'assignment.granted',
    ]);
  });

  it('matches a person already associated, and grants without touching the slot they hold', async () => {
    const alan = existing('alan@contoso.com', 'Alan', 'Turing');
    const world = aWorld(withSlots(aPartner(), { second: alan.personId }), alan);
    const { jobId, results } = await runJob(world, [
      row('Alan@Contoso.com', {
        firstName: 'Someone',
        lastName: 'Else',
        technicalContact: 'second',
        privilege: AP,
      }),
    ]);
    expect(results[0]).toMatchObject({
      outcome: 'succeeded',
      code: null,
      actions: ['matched', 'granted'],
      message: 'Found the person, granted the subscription (invitation queued).',
      personId: alan.personId,
      assignmentId: deterministicUuid(`bulk:${jobId}:1`),
    });
    // The matched person is left as they were.
    expect((await world.people.get(PARTNER, alan.personId))!.value).toEqual(alan);
    expect(world.partners.current(PARTNER).technicalContacts.second).toBe(alan.personId);
    expect(world.audit.events.map((e) => e.action)).toEqual(['bulk.submitted', 'assignment.granted']);
  });

  it('moves a matched person to the slot the row names', async () => {
    const alan = existing('alan@contoso.com');
    const world = aWorld(withSlots(aPartner(), { second: alan.personId }), alan);
    const { results } = await runJob(world, [row('alan@contoso.com', { technicalContact: 'third' })]);
    expect(results[0]).toMatchObject({ outcome: 'succeeded', actions: ['matched', 'slot-set'] });
    expect(world.partners.current(PARTNER).technicalContacts).toEqual({
      first: null,
      second: null,
      third: alan.personId,
    });
  });

  it('runs the rows in row order, each claimed then finished before the next', async () => {
    const world = aWorld();
    const { results } = await runJob(world, [
      row('zoe@contoso.com'),
      row('adam@contoso.com'),
      row('mia@contoso.com'),
    ]);
    expect(world.jobs.calls).toEqual([
      { method: 'claimRow', row: 1 },
      { method: 'finishRow', row: 1 },
      { method: 'claimRow', row: 2 },
      { method: 'finishRow', row: 2 },
      { method: 'claimRow', row: 3 },
      { method: 'finishRow', row: 3 },
    ]);
    expect(world.audit.events.filter((e) => e.action === 'person.associated').map((e) => e.details)).toEqual([
      { email: 'zoe@contoso.com' },
      { email: 'adam@contoso.com' },
      { email: 'mia@contoso.com' },
    ]);
    expect(results.map((r) => r.email)).toEqual(['zoe@contoso.com', 'adam@contoso.com', 'mia@contoso.com']);
  });

  it('fails each bad row alone with its code while the rows after it succeed', async () => {
    // Action Pack with 2 seats.
    const world = aWorld(withSeats(aPartner(), 2));
    const { results } = await runJob(world, [
      { email: 'bad@contoso.com', firstName: '', lastName: 'X' }, // 1 validation
      row('grace@contoso.com', { technicalContact: 'first', privilege: AP }), // 2 ok, seat 1
      row('eve@fabrikam.com'), // 3 outside the verified domain
      row('alan@contoso.com', { technicalContact: 'second' }), // 4 ok
      row('linus@contoso.com', { technicalContact: 'first' }), // 5 slot held by grace
      row('alan@contoso.com', { privilege: AP }), // 6 ok, seat 2
      row('linus@contoso.com', { privilege: AP }), // 7 linus has no slot
      row('linus@contoso.com', { technicalContact: 'third' }), // 8 ok
      row('linus@contoso.com', { privilege: MSDN }), // 9 not Action Pack's privilege
      row('linus@contoso.com', { privilege: AP }), // 10 both seats taken
      row('grace@contoso.com', { privilege: AP }), // 11 grace holds one already
      row('margaret@contoso.com'), // 12 ok
    ]);
    expect(verdicts(results)).toEqual([
      [1, 'failed', 'validation-failed'],
      [2, 'succeeded', null],
      [3, 'failed', 'email-domain-not-verified'],
      [4, 'succeeded', null],
      [5, 'failed', 'slot-taken'],
      [6, 'succeeded', null],
      [7, 'failed', 'technical-contact-required'],
      [8, 'succeeded', null],
      [9, 'failed', 'privilege-not-in-program'],
      [10, 'failed', 'no-seats-available'],
      [11, 'failed', 'already-assigned'],
      [12, 'succeeded', null],
    ]);
    expect(results[0]).toMatchObject({ email: 'bad@contoso.com', personId: null, actions: [] });
    expect(results[0]!.message).toContain('firstName');
    expect(results[2]).toMatchObject({ email: 'eve@fabrikam.com', actions: [] });
    expect(results[9]).toMatchObject({ actions: ['matched'], assignmentId: null });

    const grace = idOf('grace@contoso.com');
    const alan = idOf('alan@contoso.com');
    const linus = idOf('linus@contoso.com');
    const partner = world.partners.current(PARTNER);
    expect(partner.technicalContacts).toEqual({ first: grace, second: alan, third: linus });
    expect(partner.seatLedger.live.map((s) => s.personId)).toEqual([grace, alan]);
    expect(
      world.assignments
        .all()
        .map((a) => a.personId)
        .sort(),
    ).toEqual([grace, alan].sort());
    expect(world.emails.messages).toHaveLength(2);
    expect(await world.people.get(PARTNER, idOf('eve@fabrikam.com'))).toBeNull();
    expect(await world.people.get(PARTNER, idOf('margaret@contoso.com'))).not.toBeNull();
    expect(world.jobs.recordedCounts(PARTNER, results[0]!.jobId, 0)).toEqual({
      succeeded: 5,
      failed: 7,
      skipped: 0,
    });
  });

  it('gives the last seat to the earliest row and refuses the later ones with no-seats-available', async () => {
    const world = aWorld(withSeats(aCompetencyPartner(), 1));
    const { results } = await runJob(world, [
      row('zoe@contoso.com', { privilege: MSDN }),
      row('adam@contoso.com', { privilege: MSDN }),
      row('mia@contoso.com', { privilege: MSDN }),
    ]);
    expect(verdicts(results)).toEqual([
      [1, 'succeeded', null],
      [2, 'failed', 'no-seats-available'],
      [3, 'failed', 'no-seats-available'],
    ]);
    expect(world.partners.current(PARTNER).seatLedger.live.map((s) => s.personId)).toEqual([
      idOf('zoe@contoso.com'),
    ]);
    expect(world.assignments.all().map((a) => a.personId)).toEqual([idOf('zoe@contoso.com')]);
  });

  it('decides competition for the last seat in row order across chunks', async () => {
    const world = aWorld(withSeats(aCompetencyPartner(), 1));
    const rows = [...associations(100), row('zoe@contoso.com', { privilege: MSDN })];
    rows.push(row('adam@contoso.com', { privilege: MSDN }));
    rows[99] = row('mia@contoso.com', { privilege: MSDN }); // row 100, the last of chunk 0
    const { results } = await runJob(world, rows);
    expect(verdicts(results.slice(99))).toEqual([
      [100, 'succeeded', null],
      [101, 'failed', 'no-seats-available'],
      [102, 'failed', 'no-seats-available'],
    ]);
  });

  it('skips a row that asks for nothing new', async () => {
    const alan = existing('alan@contoso.com');
    const world = aWorld(withSlots(aPartner(), { second: alan.personId }), alan);
    const { jobId, results } = await runJob(world, [
      row('alan@contoso.com'),
      row('alan@contoso.com', { technicalContact: 'second' }),
    ]);
    for (const result of results) {
      expect(result).toMatchObject({
        outcome: 'skipped',
        code: null,
        message: 'Already associated; the row asks for nothing more.',
        actions: ['matched'],
        personId: alan.personId,
        assignmentId: null,
      });
    }
    expect(world.audit.events.map((e) => e.action)).toEqual(['bulk.submitted']);
    expect(world.partners.updateCalls).toBe(0);
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toEqual({ succeeded: 0, failed: 0, skipped: 2 });
    expect((await getBulkJob(world.deps, ctx(), PARTNER, jobId)).status).toBe('completed');
  });

  it('changes nothing when the same chunk is processed a second time', async () => {
    const world = aWorld(withSeats(aPartner(), 1));
    const { jobId } = await runJob(world, [
      row('grace@contoso.com', { technicalContact: 'first', privilege: AP }),
      row('alan@contoso.com', { technicalContact: 'second', privilege: AP }), // no seat left
      row('eve@fabrikam.com'),
      row('linus@contoso.com', { technicalContact: 'third' }),
    ]);
    const snapshot = async () => ({
      partner: world.partners.current(PARTNER),
      people: await world.people.list(PARTNER, {}, { limit: 100 }),
      assignments: world.assignments.all(),
      audit: world.audit.events.length,
      emails: world.emails.queued.length,
      results: world.jobs.results(PARTNER, jobId),
      counts: world.jobs.recordedCounts(PARTNER, jobId, 0),
      queued: world.queue.messages.length,
      view: await getBulkJob(world.deps, ctx(), PARTNER, jobId),
    });
    const before = await snapshot();
    expect(before.counts).toEqual({ succeeded: 2, failed: 2, skipped: 0 });
    expect(before.emails).toBe(1);
    expect(before.audit).toBe(1 + 3 + 2 + 2); // submitted; grace associated, slot, grant; alan and linus associated, slot
    expect(before.view.status).toBe('completed-with-errors');

    world.clock.set(LATER);
    const ran = await processBulkChunk(world.deps, messageFor(jobId), world.clock.now);
    expect(ran).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it('throws when a row is claimed by another attempt that is still running, leaving its claim alone', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(3));
    world.jobs.putClaim(PARTNER, jobId, 2, new Date(NOW.getTime() - 60_000));

    await expect(processBulkChunk(world.deps, messageFor(jobId), world.clock.now)).rejects.toThrow(
      'row 2 is being processed by another attempt',
    );
    expect(world.jobs.results(PARTNER, jobId).map((r) => r.row)).toEqual([1]);
    expect(world.jobs.rowState(PARTNER, jobId, 2)).toMatchObject({ state: 'processing' });
    expect(world.jobs.rowState(PARTNER, jobId, 3)).toBeNull();
    expect(world.jobs.calls.filter((c) => c.method === 'releaseRow')).toEqual([]);
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toBeNull();
    expect(world.queue.messages).toEqual([messageFor(jobId, 0)]);
  });

  it('takes over a claim older than the claim timeout and completes the chunk', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(3));
    world.jobs.putClaim(PARTNER, jobId, 2, new Date(NOW.getTime() - ROW_CLAIM_TIMEOUT_MS));
    expect(await processBulkChunk(world.deps, messageFor(jobId), world.clock.now)).toBe(3);
    expect(verdicts(world.jobs.results(PARTNER, jobId))).toEqual([
      [1, 'succeeded', null],
      [2, 'succeeded', null],
      [3, 'succeeded', null],
    ]);
  });

  it('releases the claim of a row that fails unexpectedly and rethrows; a retry completes it', async () => {
    const world = aWorld();
    const rows = [
      row('grace@contoso.com', { technicalContact: 'first', privilege: AP }),
      row('alan@contoso.com', { technicalContact: 'second', privilege: AP }),
      row('linus@contoso.com', { technicalContact: 'third', privilege: AP }),
    ];
    const { jobId } = await submit(world, rows);
    const failure = new Error('assignment store unavailable');
    // Row 1 creates the first assignment; row 2's create fails.
    let creates = 0;
    const create = world.assignments.create.bind(world.assignments);
    world.assignments.create = async (assignment) => {
      creates++;
      if (creates === 2) throw failure;
      return create(assignment);
    };

    await expect(processBulkChunk(world.deps, messageFor(jobId), world.clock.now)).rejects.toBe(failure);
    expect(world.jobs.results(PARTNER, jobId).map((r) => r.row)).toEqual([1]);
    expect(world.jobs.rowState(PARTNER, jobId, 2)).toBeNull();
    expect(world.jobs.rowState(PARTNER, jobId, 3)).toBeNull();
    expect(world.jobs.calls.filter((c) => c.method === 'releaseRow')).toEqual([
      { method: 'releaseRow', row: 2 },
    ]);
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toBeNull();
    expect(world.queue.messages).toHaveLength(1);
    // The seat row 2 took was given back.
    expect(world.partners.current(PARTNER).seatLedger.live.map((s) => s.personId)).toEqual([
      idOf('grace@contoso.com'),
    ]);

    world.clock.set(LATER);
    expect(await processBulkChunk(world.deps, messageFor(jobId), world.clock.now)).toBe(2);
    const results = world.jobs.results(PARTNER, jobId);
    expect(verdicts(results)).toEqual([
      [1, 'succeeded', null],
      [2, 'succeeded', null],
      [3, 'succeeded', null],
    ]);
    expect(results[1]).toMatchObject({
      actions: ['matched', 'granted'],
      assignmentId: deterministicUuid(`bulk:${jobId}:2`),
      finishedAt: LATER.toISOString(),
    });
    expect(world.partners.current(PARTNER).seatLedger.live.map((s) => s.personId)).toEqual([
      idOf('grace@contoso.com'),
      idOf('alan@contoso.com'),
      idOf('linus@contoso.com'),
    ]);
    expect(world.assignments.all()).toHaveLength(3);
    expect(world.emails.messages).toHaveLength(3);
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toEqual({ succeeded: 3, failed: 0, skipped: 0 });
  });

  it('does not grant twice when a row granted but its result could not be stored', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, [
      row('grace@contoso.com', { technicalContact: 'first', privilege: AP }),
    ]);
    const failure = new Error('bulk store unavailable');
    world.jobs.failNextFinishRow = failure;

    await expect(processBulkChunk(world.deps, messageFor(jobId), world.clock.now)).rejects.toBe(failure);
    expect(world.jobs.rowState(PARTNER, jobId, 1)).toBeNull();
    const audited = world.audit.events.length;

    await processBulkChunk(world.deps, messageFor(jobId), world.clock.now);
    const assignmentId = deterministicUuid(`bulk:${jobId}:1`);
    expect(world.jobs.results(PARTNER, jobId)[0]).toMatchObject({
      outcome: 'succeeded',
      actions: ['matched', 'granted'],
      assignmentId,
    });
    expect(world.assignments.all().map((a) => a.assignmentId)).toEqual([assignmentId]);
    expect(world.partners.current(PARTNER).seatLedger.live.map((s) => s.assignmentId)).toEqual([
      assignmentId,
    ]);
    expect(world.emails.messages).toHaveLength(1);
    expect(world.audit.events).toHaveLength(audited);
  });

  it('records each chunk’s counts and queues the next chunk, and none after the last', async () => {
    const world = aWorld();
    const rows = associations(150);
    rows[4] = row('eve@fabrikam.com'); // row 5 fails
    rows[119] = row('mallory@fabrikam.com'); // row 120 fails
    const { jobId } = await submit(world, rows);

    await processBulkChunk(world.deps, world.queue.messages[0]!, world.clock.now);
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toEqual({ succeeded: 99, failed: 1, skipped: 0 });
    expect(world.jobs.recordedCounts(PARTNER, jobId, 1)).toBeNull();
    expect(world.queue.messages).toEqual([messageFor(jobId, 0), messageFor(jobId, 1)]);
    expect(await getBulkJob(world.deps, ctx(), PARTNER, jobId)).toMatchObject({
      status: 'running',
      counts: { total: 150, succeeded: 99, failed: 1, skipped: 0, pending: 50 },
    });

    await processBulkChunk(world.deps, world.queue.messages[1]!, world.clock.now);
    expect(world.jobs.recordedCounts(PARTNER, jobId, 1)).toEqual({ succeeded: 49, failed: 1, skipped: 0 });
    expect(world.queue.messages).toHaveLength(2);
    expect(await getBulkJob(world.deps, ctx(), PARTNER, jobId)).toMatchObject({
      status: 'completed-with-errors',
      counts: { total: 150, succeeded: 148, failed: 2, skipped: 0, pending: 0 },
    });
    expect(world.jobs.results(PARTNER, jobId).map((r) => r.row)).toEqual(
      Array.from({ length: 150 }, (_, i) => i + 1),
    );
  });

  it('marks the job started when its first chunk starts, so it reads running before any row is done', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(3));
    world.jobs.putClaim(PARTNER, jobId, 1, NOW);
    world.clock.set(new Date(NOW.getTime() + 1_000));
    await expect(processBulkChunk(world.deps, messageFor(jobId), world.clock.now)).rejects.toThrow('row 1');
    expect(world.jobs.job(PARTNER, jobId).startedAt).toBe('2025-03-10T12:00:01.000Z');
    expect(await getBulkJob(world.deps, ctx(), PARTNER, jobId)).toMatchObject({
      status: 'running',
      counts: { total: 3, succeeded: 0, failed: 0, skipped: 0, pending: 3 },
    });
  });

  it('does nothing for a job or chunk that does not exist', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(3));
    expect(await processBulkChunk(world.deps, messageFor('no-such-job'), world.clock.now)).toBe(0);
    expect(await processBulkChunk(world.deps, messageFor(jobId, 5), world.clock.now)).toBe(0);
    expect(world.jobs.calls).toEqual([]);
    expect(world.queue.messages).toHaveLength(1);
  });
});

describe('failBulkChunk', () => {
  it('fails the rows without an outcome with processing-error, keeps finished rows, records counts and goes on', async () => {
    const world = aWorld();
    const rows = associations(102);
    const { jobId } = await submit(world, rows);
    // Row 1 finishes, row 2 fails unexpectedly (its claim is released), rows 3.. never run.
    let gets = 0;
    const get = world.people.get.bind(world.people);
    world.people.get = async (partnerId, personId) => {
      gets++;
      if (personId === idOf('person2@contoso.com')) throw new Error('people store unavailable');
      return get(partnerId, personId);
    };
    await expect(processBulkChunk(world.deps, messageFor(jobId), world.clock.now)).rejects.toThrow(
      'people store unavailable',
    );
    expect(gets).toBeGreaterThan(0);
    const rowOne = world.jobs.results(PARTNER, jobId)[0]!;
    expect(rowOne).toMatchObject({ row: 1, outcome: 'succeeded' });
    // Row 3 is claimed by an attempt that is still running: it is failed too.
    world.jobs.putClaim(PARTNER, jobId, 3, LATER);

    await failBulkChunk(world.deps, messageFor(jobId), 'people store unavailable', LATER);

    const results = world.jobs.results(PARTNER, jobId);
    expect(results).toHaveLength(100);
    expect(results[0]).toEqual(rowOne);
    for (const result of results.slice(1)) {
      expect(result).toMatchObject({
        outcome: 'failed',
        code: 'processing-error',
        email: `person${result.row}@contoso.com`,
        finishedAt: LATER.toISOString(),
        actions: [],
        personId: null,
        assignmentId: null,
      });
      expect(result.message).toContain('people store unavailable');
    }
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toEqual({ succeeded: 1, failed: 99, skipped: 0 });
    expect(world.queue.messages).toEqual([messageFor(jobId, 0), messageFor(jobId, 1)]);

    // The job goes on and completes.
    world.people.get = get;
    await processBulkChunk(world.deps, world.queue.messages[1]!, world.clock.now);
    expect(await getBulkJob(world.deps, ctx(), PARTNER, jobId)).toMatchObject({
      status: 'completed-with-errors',
      counts: { total: 102, succeeded: 3, failed: 99, skipped: 0, pending: 0 },
    });
  });

  it('queues nothing after the last chunk, and the job reads completed-with-errors', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, [row('grace@contoso.com'), { email: 42 }]);
    await failBulkChunk(world.deps, messageFor(jobId), 'poison', NOW);
    expect(verdicts(world.jobs.results(PARTNER, jobId))).toEqual([
      [1, 'failed', 'processing-error'],
      [2, 'failed', 'processing-error'],
    ]);
    expect(world.jobs.results(PARTNER, jobId).map((r) => r.email)).toEqual(['grace@contoso.com', null]);
    expect(world.queue.messages).toEqual([messageFor(jobId, 0)]);
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toEqual({ succeeded: 0, failed: 2, skipped: 0 });
    expect((await getBulkJob(world.deps, ctx(), PARTNER, jobId)).status).toBe('completed-with-errors');
  });

  it('changes nothing in a chunk whose rows are all done except recording its counts again', async () => {
    const world = aWorld();
    const { jobId } = await runJob(world, associations(2));
    const before = world.jobs.results(PARTNER, jobId);
    await failBulkChunk(world.deps, messageFor(jobId), 'late poison', LATER);
    expect(world.jobs.results(PARTNER, jobId)).toEqual(before);
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toEqual({ succeeded: 2, failed: 0, skipped: 0 });
  });
});

describe('getBulkJob', () => {
  it('sums the recorded chunk counts; pending is the total less the rows done', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(250));
    await world.jobs.recordChunkCounts(PARTNER, jobId, 0, { succeeded: 90, failed: 6, skipped: 4 });
    await world.jobs.recordChunkCounts(PARTNER, jobId, 2, { succeeded: 45, failed: 0, skipped: 5 });

    expect(await getBulkJob(world.deps, ctx(), PARTNER, jobId)).toEqual({
      jobId,
      partnerId: PARTNER,
      dryRun: false,
      status: 'running',
      counts: { total: 250, succeeded: 135, failed: 6, skipped: 9, pending: 100 },
      createdAt: NOW.toISOString(),
      source: { format: 'json', bytes: jsonUpload(associations(250)).raw.length, blobName: null },
    });

    await world.jobs.recordChunkCounts(PARTNER, jobId, 1, { succeeded: 100, failed: 0, skipped: 0 });
    expect(await getBulkJob(world.deps, ctx(), PARTNER, jobId)).toMatchObject({
      status: 'completed-with-errors',
      counts: { total: 250, succeeded: 235, failed: 6, skipped: 9, pending: 0 },
    });
  });

  it('reads completed when every chunk is counted without failures', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(150));
    await world.jobs.recordChunkCounts(PARTNER, jobId, 0, { succeeded: 100, failed: 0, skipped: 0 });
    await world.jobs.recordChunkCounts(PARTNER, jobId, 1, { succeeded: 10, failed: 0, skipped: 40 });
    expect(await getBulkJob(world.deps, ctx(), PARTNER, jobId)).toMatchObject({
      status: 'completed',
      counts: { total: 150, succeeded: 110, failed: 0, skipped: 40, pending: 0 },
    });
  });

  it('counts only recorded chunk counts, not rows finished in a chunk still running', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(3));
    await world.jobs.finishRow({
      jobId,
      partnerId: PARTNER,
      row: 1,
      email: 'person1@contoso.com',
      outcome: 'succeeded',
      code: null,
      message: 'Associated the person.',
      actions: ['associated'],
      personId: idOf('person1@contoso.com'),
      assignmentId: null,
      finishedAt: NOW.toISOString(),
    });
    expect(await getBulkJob(world.deps, ctx(), PARTNER, jobId)).toMatchObject({
      status: 'queued',
      counts: { total: 3, succeeded: 0, failed: 0, skipped: 0, pending: 3 },
    });
  });

  it('answers not-found for an unknown job and to someone outside the partner; an operator may read', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(1));
    await rejectionOf(getBulkJob(world.deps, ctx(), PARTNER, 'no-such-job'), 'not-found');
    await rejectionOf(getBulkJob(world.deps, ctx(aStranger()), PARTNER, jobId), 'not-found');
    expect((await getBulkJob(world.deps, ctx(anOperator()), PARTNER, jobId)).jobId).toBe(jobId);
  });
});

describe('listBulkRows', () => {
  it('lists the row outcomes in row order, filtered by outcome and paged', async () => {
    const world = aWorld();
    const { jobId } = await runJob(world, [
      row('a@contoso.com'),
      row('eve@fabrikam.com'),
      row('b@contoso.com'),
    ]);
    const all = await listBulkRows(world.deps, ctx(), PARTNER, jobId, {}, { limit: 2 });
    expect(all.items.map((r) => r.row)).toEqual([1, 2]);
    const rest = await listBulkRows(
      world.deps,
      ctx(),
      PARTNER,
      jobId,
      {},
      { limit: 2, cursor: all.nextCursor ?? undefined },
    );
    expect(rest).toMatchObject({ items: [{ row: 3 }], nextCursor: null });
    const failed = await listBulkRows(
      world.deps,
      ctx(),
      PARTNER,
      jobId,
      { outcome: 'failed' },
      { limit: 50 },
    );
    expect(failed.items.map((r) => [r.row, r.code])).toEqual([[2, 'email-domain-not-verified']]);
  });

  it('answers not-found to someone outside the partner', async () => {
    const world = aWorld();
    const { jobId } = await runJob(world, [row('a@contoso.com')]);
    await rejectionOf(
      listBulkRows(world.deps, ctx(aStranger()), PARTNER, jobId, {}, { limit: 10 }),
      'not-found',
    );
  });
});

describe('submitBulkJob with dryRun', () => {
  /** Rows exercising every rule, for Action Pack with 2 seats and alan already in the second slot. */
  const mixedRows = (): unknown[] => [
    { email: 'bad@contoso.com', firstName: '', lastName: 'X' }, // validation-failed
    row('grace@contoso.com', { technicalContact: 'first', privilege: AP }), // ok, seat 1
    row('eve@fabrikam.com'), // email-domain-not-verified
    row('alan@contoso.com', { technicalContact: 'second' }), // skipped
    row('linus@contoso.com', { technicalContact: 'first' }), // slot-taken
    row('alan@contoso.com', { privilege: AP }), // ok, seat 2
    row('linus@contoso.com', { privilege: AP }), // technical-contact-required
    row('linus@contoso.com', { technicalContact: 'third' }), // ok
    row('linus@contoso.com', { privilege: MSDN }), // privilege-not-in-program
    row('linus@contoso.com', { privilege: AP }), // no-seats-available
    row('grace@contoso.com', { privilege: AP }), // already-assigned
    row('margaret@contoso.com'), // ok
    { email: 'x@contoso.com', firstName: 'X', lastName: 'Y', department: 'R&D' }, // validation-failed
  ];
  const mixedWorld = () => {
    const alan = existing('alan@contoso.com');
    return aWorld(withSlots(withSeats(aPartner(), 2), { second: alan.personId }), alan);
  };

  it('judges the rows in row order with the codes a real run gives, and changes nothing', async () => {
    const dry = mixedWorld();
    const partnerBefore = dry.partners.current(PARTNER);
    const peopleBefore = await dry.people.list(PARTNER, {}, { limit: 100 });

    const view = await submit(dry, mixedRows(), true);
    const dryResults = dry.jobs.results(PARTNER, view.jobId);

    const real = mixedWorld();
    const { results: realResults } = await runJob(real, mixedRows());

    const expected = [
      [1, 'failed', 'validation-failed'],
      [2, 'succeeded', null],
      [3, 'failed', 'email-domain-not-verified'],
      [4, 'skipped', null],
      [5, 'failed', 'slot-taken'],
      [6, 'succeeded', null],
      [7, 'failed', 'technical-contact-required'],
      [8, 'succeeded', null],
      [9, 'failed', 'privilege-not-in-program'],
      [10, 'failed', 'no-seats-available'],
      [11, 'failed', 'already-assigned'],
      [12, 'succeeded', null],
      [13, 'failed', 'validation-failed'],
    ];
    expect(verdicts(realResults)).toEqual(expected);
    expect(verdicts(dryResults)).toEqual(expected);

    for (const result of dryResults.filter((r) => r.outcome === 'succeeded')) {
      expect(result.message).toMatch(/^Would have/);
      expect(result.assignmentId).toBeNull();
    }
    expect(dryResults[1]!.message).toBe(
      'Would have: associated the person, set the technical contact slot, granted the subscription (invitation queued).',
    );

    // Nothing changed.
    expect(dry.partners.current(PARTNER)).toEqual(partnerBefore);
    expect(dry.partners.updateCalls).toBe(0);
    expect(await dry.people.list(PARTNER, {}, { limit: 100 })).toEqual(peopleBefore);
    expect(dry.assignments.all()).toEqual([]);
    expect(dry.emails.queued).toEqual([]);
    expect(dry.queue.messages).toEqual([]);
    expect(dry.jobs.chunksOf(PARTNER, view.jobId)).toEqual([]);
    expect(dry.audit.events.map((e) => [e.action, e.target, e.details])).toEqual([
      ['bulk.dry-run', { type: 'bulk-job', id: view.jobId }, { rows: 13, format: 'json' }],
    ]);

    // Counted at once.
    expect(view).toMatchObject({
      dryRun: true,
      status: 'completed-with-errors',
      counts: { total: 13, succeeded: 4, failed: 8, skipped: 1, pending: 0 },
    });
    expect(dry.jobs.recordedCounts(PARTNER, view.jobId, 0)).toEqual({ succeeded: 4, failed: 8, skipped: 1 });
    expect(dry.jobs.job(PARTNER, view.jobId).dryRun).toBe(true);
  });

  it('decides competition for the last seat in row order, as a real run does', async () => {
    const dry = aWorld(withSeats(aCompetencyPartner(), 1));
    const view = await submit(
      dry,
      [
        row('zoe@contoso.com', { privilege: MSDN }),
        row('adam@contoso.com', { privilege: MSDN }),
        row('mia@contoso.com', { privilege: MSDN }),
      ],
      true,
    );
    expect(verdicts(dry.jobs.results(PARTNER, view.jobId))).toEqual([
      [1, 'succeeded', null],
      [2, 'failed', 'no-seats-available'],
      [3, 'failed', 'no-seats-available'],
    ]);
    expect(dry.partners.current(PARTNER).seatLedger.live).toEqual([]);
  });

  it('counts the seats already taken before the job', async () => {
    const world = aWorld(withSeats(aCompetencyPartner(), 1));
    await runJob(world, [row('zoe@contoso.com', { privilege: MSDN })]);
    const view = await submit(world, [row('adam@contoso.com', { privilege: MSDN })], true);
    expect(verdicts(world.jobs.results(PARTNER, view.jobId))).toEqual([[1, 'failed', 'no-seats-available']]);
  });

  it('judges the rows after one that failed part-way as a real run leaves them', async () => {
    // A real run commits a row's association and slot before its grant fails; later rows see them.
    const rows = (): unknown[] => [
      row('zoe@contoso.com', { technicalContact: 'first', privilege: AP }), // takes the only seat
      row('adam@contoso.com', { technicalContact: 'second', privilege: AP }), // slot set, then no seat
      row('mia@contoso.com', { technicalContact: 'second' }), // adam holds the second slot now
      row('adam@contoso.com'), // adam is associated already
    ];
    const real = aWorld(withSeats(aPartner(), 1));
    const { results: realResults } = await runJob(real, rows());
    expect(verdicts(realResults)).toEqual([
      [1, 'succeeded', null],
      [2, 'failed', 'no-seats-available'],
      [3, 'failed', 'slot-taken'],
      [4, 'skipped', null],
    ]);

    const dry = aWorld(withSeats(aPartner(), 1));
    const view = await submit(dry, rows(), true);
    expect(verdicts(dry.jobs.results(PARTNER, view.jobId))).toEqual(verdicts(realResults));
  });

  it('reads completed at once when every row would succeed, over several chunks', async () => {
    const world = aWorld();
    const view = await submit(world, associations(150), true);
    expect(view).toMatchObject({
      status: 'completed',
      counts: { total: 150, succeeded: 150, failed: 0, skipped: 0, pending: 0 },
    });
    expect(world.jobs.recordedCounts(PARTNER, view.jobId, 0)).toEqual({
      succeeded: 100,
      failed: 0,
      skipped: 0,
    });
    expect(world.jobs.recordedCounts(PARTNER, view.jobId, 1)).toEqual({
      succeeded: 50,
      failed: 0,
      skipped: 0,
    });
    expect(await getBulkJob(world.deps, ctx(), PARTNER, view.jobId)).toMatchObject({ status: 'completed' });
    expect(await world.people.list(PARTNER, {}, { limit: 10 })).toEqual({ items: [], nextCursor: null });
    expect(world.audit.events.map((e) => e.action)).toEqual(['bulk.dry-run']);
  });

  it('refuses a stranger and an operator as a real run does', async () => {
    const world = aWorld();
    await rejectionOf(submit(world, associations(1), true, aStranger()), 'not-found');
    await rejectionOf(submit(world, associations(1), true, anOperator()), 'forbidden');
    expectNothingStored(world);
  });
});
