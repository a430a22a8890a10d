import { describe, expect, it } from 'vitest';
import { getBulkJob } from '../../../../shared/app/bulk/results.js';
import { aCompetencyPartner, aPartner } from '../../../support/mothers/partner.js';
import { aStranger, anOperator } from '../../../support/mothers/principal.js';
import { withSlots } from '../../../support/mothers/seats.js';
import { rejectionOf } from '../../../support/app-error.js';
import {
  AP,
  MSDN,
  PARTNER,
  aWorld,
  associations,
  ctx,
  everyRuleRows,
  existing,
  expectNothingStored,
  row,
  runJob,
  submit,
  verdicts,
  withSeats,
} from './world.js';

describe('submitBulkJob with dryRun', () => {
  /** Rows exercising every rule, for Action Pack with 2 seats and alan already in the second slot. */
  const mixedRows = (): unknown[] => [
    ...everyRuleRows(),
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

    // Nothing changed: the decisions are kept with the job's chunks, one document per chunk.
    expect(dry.partners.current(PARTNER)).toEqual(partnerBefore);
    expect(dry.partners.updateCalls).toBe(0);
    expect(dry.partition.commits).toBe(0);
    expect(await dry.people.list(PARTNER, {}, { limit: 100 })).toEqual(peopleBefore);
    expect(dry.assignments.all()).toEqual([]);
    expect(dry.emails.queued).toEqual([]);
    expect(dry.queue.messages).toEqual([]);
    expect(dry.jobs.chunksOf(PARTNER, view.jobId).map((c) => c.plan?.decisions.length)).toEqual([13]);
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

  it('keeps 10,000 rows in one document per chunk, decided in row order across the chunks', async () => {
    const world = aWorld(withSeats(aCompetencyPartner(), 150));
    const rows = Array.from({ length: 10_000 }, (_, i) => row(`p${i}@contoso.com`, { privilege: MSDN }));
    const view = await submit(world, rows, true);
    expect(world.jobs.chunksOf(PARTNER, view.jobId)).toHaveLength(100);
    expect(view.counts).toEqual({ total: 10_000, succeeded: 150, failed: 9_850, skipped: 0, pending: 0 });
    const results = world.jobs.results(PARTNER, view.jobId);
    expect(results.slice(148, 152).map((r) => [r.row, r.code])).toEqual([
      [149, null],
      [150, null],
      [151, 'no-seats-available'],
      [152, 'no-seats-available'],
    ]);
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
