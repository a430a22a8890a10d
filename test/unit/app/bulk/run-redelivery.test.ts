import { describe, expect, it } from 'vitest';
import { getBulkJob } from '../../../../shared/app/bulk/results.js';
import { failBulkChunk, processBulkChunk } from '../../../../shared/app/bulk/run.js';
import { deterministicUuid } from '../../../../shared/app/tokens.js';
import { LATER, NOW } from '../../../support/mothers/clock.js';
import { aBoundAdministrator, aCompetencyPartner, aPartner } from '../../../support/mothers/partner.js';
import { withSlots } from '../../../support/mothers/seats.js';
import {
  AP,
  MSDN,
  PARTNER,
  aWorld,
  associations,
  ctx,
  existing,
  messageFor,
  row,
  runJob,
  snapshot,
  submit,
  verdicts,
  withSeats,
} from './world.js';

describe('processBulkChunk: redelivery, races and progress', () => {
  it('changes nothing when the same chunk is delivered again', async () => {
    const world = aWorld(withSeats(aPartner(), 1));
    const { jobId } = await runJob(world, [
      row('grace@contoso.com', { technicalContact: 'first', privilege: AP }),
      row('alan@contoso.com', { technicalContact: 'second', privilege: AP }), // no seat left
      row('eve@fabrikam.com'),
      row('linus@contoso.com', { technicalContact: 'third' }),
    ]);
    const before = await snapshot(world, jobId);
    expect(before.counts).toEqual({ succeeded: 2, failed: 2, skipped: 0 });
    expect(before.emails).toBe(1);
    expect(before.audit).toBe(1 + 3 + 2 + 2); // submitted; grace associated, slot, grant; alan and linus associated, slot
    expect(before.view.status).toBe('completed-with-errors');

    world.clock.set(LATER);
    expect(await processBulkChunk(world.deps, messageFor(jobId))).toBe(0);
    expect(await snapshot(world, jobId)).toEqual(before);
  });

  it('never multiplies the next chunks’ messages when every message is delivered twice at once', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(500)); // 5 chunks
    // At least once: each queued message handed out twice, concurrently, level after level.
    while (world.processed < world.queue.messages.length) {
      const message = world.queue.messages[world.processed++]!;
      await Promise.all([processBulkChunk(world.deps, message), processBulkChunk(world.deps, message)]);
    }
    const perChunk = [0, 1, 2, 3, 4].map(
      (chunk) => world.queue.messages.filter((m) => m.chunk === chunk).length,
    );
    // Without the guard, chunk n would be queued 2^n times (16 for the last one).
    expect(perChunk).toEqual([1, 1, 1, 1, 1]);
    expect(world.jobs.results(PARTNER, jobId)).toHaveLength(500);
    expect(world.people.store.values()).toHaveLength(500);
  });

  it('queues nothing for a late delivery of a done chunk whose next chunk has started', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(300));
    await processBulkChunk(world.deps, messageFor(jobId, 0));
    await processBulkChunk(world.deps, messageFor(jobId, 1));
    await processBulkChunk(world.deps, messageFor(jobId, 0));
    expect(world.queue.messages.filter((m) => m.chunk === 1)).toHaveLength(1);
    expect(world.queue.messages.filter((m) => m.chunk === 2)).toHaveLength(1);
  });

  it('queues the next chunk for a delivery that completed a chunk but died before queueing it', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(150));
    world.queue.failNextEnqueue = new Error('the host died');
    await expect(processBulkChunk(world.deps, messageFor(jobId, 0))).rejects.toThrow('died');
    expect(world.jobs.completion(PARTNER, jobId, 0)).toEqual({
      nextQueued: false,
      recordedAt: NOW.toISOString(),
    });
    // Redelivered after the grace period: the next chunk is queued, once, and marked so.
    world.clock.advanceSeconds(6);
    await processBulkChunk(world.deps, messageFor(jobId, 0));
    expect(world.queue.messages.filter((m) => m.chunk === 1)).toHaveLength(1);
    expect(world.jobs.completion(PARTNER, jobId, 0)?.nextQueued).toBe(true);
    await processBulkChunk(world.deps, messageFor(jobId, 0));
    expect(world.queue.messages.filter((m) => m.chunk === 1)).toHaveLength(1);
  });

  it('decides a chunk again when the aggregate changed between its read and its commit', async () => {
    const world = aWorld(withSeats(aCompetencyPartner(), 2));
    const { jobId } = await submit(world, [
      row('zoe@contoso.com', { privilege: MSDN }),
      row('adam@contoso.com', { privilege: MSDN }),
    ]);
    world.partition.beforeCommit = (commit) => {
      if (commit !== 1) return;
      // A single grant takes one of the two seats while the chunk is being decided.
      const partner = world.partners.current(PARTNER);
      world.partners.put({
        ...partner,
        seatLedger: {
          ...partner.seatLedger,
          live: [
            {
              assignmentId: 'a-single',
              personId: 'p-single',
              benefit: 'vs-enterprise',
              status: 'invited',
              assignedAt: NOW.toISOString(),
              activatedAt: null,
            },
          ],
        },
      });
    };
    await processBulkChunk(world.deps, messageFor(jobId));
    expect(verdicts(world.jobs.results(PARTNER, jobId))).toEqual([
      [1, 'succeeded', null],
      [2, 'failed', 'no-seats-available'],
    ]);
    expect(world.jobs.loads).toEqual([0, 0]);
    expect(world.partners.current(PARTNER).seatLedger.live.map((s) => s.assignmentId)).toEqual([
      'a-single',
      deterministicUuid(`bulk:${jobId}:1`),
    ]);
  });

  it('resumes a chunk that failed halfway through writing its documents, and writes nothing twice', async () => {
    const world = aWorld(withSeats(aCompetencyPartner(), 5));
    const rows = ['a', 'b', 'c'].map((n) => row(`${n}@contoso.com`, { privilege: MSDN }));
    const { jobId } = await submit(world, rows);
    // The people are written, then the store fails before the assignments and events.
    world.partition.failCreateAll = (documents) =>
      documents.some((d) => d.kind === 'assignment') ? new Error('the database is unavailable') : null;
    await expect(processBulkChunk(world.deps, messageFor(jobId))).rejects.toThrow('unavailable');
    expect(world.people.store.values()).toHaveLength(3);
    expect(world.assignments.all()).toEqual([]);
    expect(world.emails.queued).toEqual([]);
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toBeNull();
    expect(world.queue.messages).toHaveLength(1);

    world.partition.failCreateAll = null;
    world.clock.set(LATER);
    expect(await processBulkChunk(world.deps, messageFor(jobId))).toBe(3);
    expect(world.partition.commits).toBe(1); // decided once, on the first try
    expect(verdicts(world.jobs.results(PARTNER, jobId))).toEqual([
      [1, 'succeeded', null],
      [2, 'succeeded', null],
      [3, 'succeeded', null],
    ]);
    expect(world.jobs.results(PARTNER, jobId)[0]!.finishedAt).toBe(NOW.toISOString());
    expect(world.partners.current(PARTNER).seatLedger.live).toHaveLength(3);
    expect(world.assignments.all()).toHaveLength(3);
    expect(world.emails.messages).toHaveLength(3);
    expect(new Set(world.audit.events.map((e) => e.eventId)).size).toBe(world.audit.events.length);
    expect(world.audit.events.map((e) => e.action).filter((a) => a === 'assignment.granted')).toHaveLength(3);
  });

  it('records each chunk’s counts and queues the next chunk, and none after the last', async () => {
    const world = aWorld();
    const rows = associations(150);
    rows[4] = row('eve@fabrikam.com'); // row 5 fails
    rows[119] = row('mallory@fabrikam.com'); // row 120 fails
    const { jobId } = await submit(world, rows);

    await processBulkChunk(world.deps, world.queue.messages[0]!);
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toEqual({ succeeded: 99, failed: 1, skipped: 0 });
    expect(world.jobs.recordedCounts(PARTNER, jobId, 1)).toBeNull();
    expect(world.queue.messages).toEqual([messageFor(jobId, 0), messageFor(jobId, 1)]);
    expect(await getBulkJob(world.deps, ctx(), PARTNER, jobId)).toMatchObject({
      status: 'running',
      counts: { total: 150, succeeded: 99, failed: 1, skipped: 0, pending: 50 },
    });

    await processBulkChunk(world.deps, world.queue.messages[1]!);
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
    world.partition.failCreateAll = () => new Error('the database is unavailable');
    world.clock.set(new Date(NOW.getTime() + 1_000));
    await expect(processBulkChunk(world.deps, messageFor(jobId))).rejects.toThrow('unavailable');
    expect(world.jobs.job(PARTNER, jobId).startedAt).toBe('2025-03-10T12:00:01.000Z');
    expect(await getBulkJob(world.deps, ctx(), PARTNER, jobId)).toMatchObject({
      status: 'running',
      counts: { total: 3, succeeded: 0, failed: 0, skipped: 0, pending: 3 },
    });
  });

  it('fails every row when the administrator who submitted the job no longer manages the partner', async () => {
    const world = aWorld(aPartner({ programAdministrators: [aBoundAdministrator('ada@contoso.com')] }));
    const { jobId } = await submit(world, [row('grace@contoso.com'), row('alan@contoso.com')]);
    const partner = world.partners.current(PARTNER);
    world.partners.put({ ...partner, programAdministrators: [aBoundAdministrator('bob@contoso.com')] });
    await processBulkChunk(world.deps, messageFor(jobId));
    expect(verdicts(world.jobs.results(PARTNER, jobId))).toEqual([
      [1, 'failed', 'not-found'],
      [2, 'failed', 'not-found'],
    ]);
    expect(world.people.store.values()).toEqual([]);
  });

  it('does nothing for a job or chunk that does not exist', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(3));
    expect(await processBulkChunk(world.deps, messageFor('no-such-job'))).toBe(0);
    expect(await processBulkChunk(world.deps, messageFor(jobId, 5))).toBe(0);
    expect(world.partition.commits).toBe(0);
    expect(world.queue.messages).toHaveLength(1);
  });
});

describe('failBulkChunk', () => {
  it('fails every row of a chunk that could not be decided, records its counts and goes on', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, associations(102));
    const existing = world.deps.partition.existing.bind(world.deps.partition);
    world.deps.partition.existing = async () => {
      throw new Error('people store unavailable');
    };
    await expect(processBulkChunk(world.deps, messageFor(jobId))).rejects.toThrow('unavailable');

    world.clock.set(LATER);

    await failBulkChunk(world.deps, messageFor(jobId), 'people store unavailable');
    const results = world.jobs.results(PARTNER, jobId);
    expect(results).toHaveLength(100);
    for (const result of results) {
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
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toEqual({ succeeded: 0, failed: 100, skipped: 0 });
    expect(world.queue.messages).toEqual([messageFor(jobId, 0), messageFor(jobId, 1)]);

    // The job goes on and completes.
    world.deps.partition.existing = existing;
    await processBulkChunk(world.deps, world.queue.messages[1]!);
    expect(await getBulkJob(world.deps, ctx(), PARTNER, jobId)).toMatchObject({
      status: 'completed-with-errors',
      counts: { total: 102, succeeded: 2, failed: 100, skipped: 0, pending: 0 },
    });
  });

  it('fails the decided rows whose documents were never written and gives back their seats and slots', async () => {
    const alan = existing('alan@contoso.com');
    const world = aWorld(withSeats(withSlots(aPartner(), { second: alan.personId }), 3), alan);
    const { jobId } = await submit(world, [
      row('grace@contoso.com', { technicalContact: 'first', privilege: AP }), // new person: never written
      row('alan@contoso.com', { privilege: AP }), // matched: its assignment never written
      row('linus@contoso.com'), // new person: never written
    ]);
    world.partition.failCreateAll = () => new Error('the database refuses the writes');
    await expect(processBulkChunk(world.deps, messageFor(jobId))).rejects.toThrow('refuses');
    expect(world.partners.current(PARTNER).seatLedger.live).toHaveLength(2); // taken by the commit

    world.clock.set(LATER);

    await failBulkChunk(world.deps, messageFor(jobId), 'the database refuses the writes');
    expect(world.jobs.results(PARTNER, jobId).map((r) => [r.row, r.outcome, r.code, r.actions])).toEqual([
      [1, 'failed', 'processing-error', []],
      [2, 'failed', 'processing-error', ['matched']],
      [3, 'failed', 'processing-error', []],
    ]);
    const partner = world.partners.current(PARTNER);
    expect(partner.seatLedger.live).toEqual([]);
    expect(partner.technicalContacts).toEqual({ first: null, second: alan.personId, third: null });
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toEqual({ succeeded: 0, failed: 3, skipped: 0 });
  });

  it('queues nothing after the last chunk, and the job reads completed-with-errors', async () => {
    const world = aWorld();
    const { jobId } = await submit(world, [row('grace@contoso.com'), { email: 42 }]);
    world.clock.set(NOW);
    await failBulkChunk(world.deps, messageFor(jobId), 'poison');
    expect(verdicts(world.jobs.results(PARTNER, jobId))).toEqual([
      [1, 'failed', 'processing-error'],
      [2, 'failed', 'processing-error'],
    ]);
    expect(world.jobs.results(PARTNER, jobId).map((r) => r.email)).toEqual(['grace@contoso.com', null]);
    expect(world.queue.messages).toEqual([messageFor(jobId, 0)]);
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toEqual({ succeeded: 0, failed: 2, skipped: 0 });
    expect((await getBulkJob(world.deps, ctx(), PARTNER, jobId)).status).toBe('completed-with-errors');
  });

  it('changes nothing in a chunk that is done', async () => {
    const world = aWorld();
    const { jobId } = await runJob(world, associations(2));
    const before = await snapshot(world, jobId);
    world.clock.set(LATER);
    await failBulkChunk(world.deps, messageFor(jobId), 'late poison');
    expect(await snapshot(world, jobId)).toEqual(before);
  });
});
