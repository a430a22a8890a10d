import { describe, expect, it } from 'vitest';
import { getBulkJob } from '../../../../shared/app/bulk/results.js';
import { processBulkChunk } from '../../../../shared/app/bulk/run.js';
import { deterministicUuid } from '../../../../shared/app/tokens.js';
import { NOW } from '../../../support/mothers/clock.js';
import { aCompetencyPartner, aPartner } from '../../../support/mothers/partner.js';
import { withSlots } from '../../../support/mothers/seats.js';
import {
  AP,
  CORRELATION,
  MSDN,
  PARTNER,
  aWorld,
  associations,
  ctx,
  everyRuleRows,
  existing,
  idOf,
  messageFor,
  row,
  runJob,
  submit,
  verdicts,
  withSeats,
} from './world.js';

describe('processBulkChunk: deciding the rows', () => {
  it('associates a new person, sets the slot and grants, with the documents and events of the single endpoints', async () => {
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
      { partnerId: PARTNER, assignmentId, sequence: 1, correlationId: CORRELATION },
    ]);
    expect(world.audit.events.map((e) => [e.action, e.target.id])).toEqual([
      ['bulk.submitted', jobId],
      ['person.associated', graceId],
      ['person.roles-changed', graceId],
      ['assignment.granted', assignmentId],
    ]);
    expect(world.audit.events[2]!.details).toMatchObject({
      before: { technicalContact: null },
      after: { technicalContact: 'first' },
    });
  });

  it('decides a whole chunk at once: one read of job, chunk and aggregate, one people lookup, one commit', async () => {
    const world = aWorld(withSeats(aCompetencyPartner(), 100));
    const { jobId } = await submit(
      world,
      Array.from({ length: 100 }, (_, i) => row(`p${i}@contoso.com`, { privilege: MSDN })),
    );
    await processBulkChunk(world.deps, messageFor(jobId));
    expect(world.jobs.loads).toEqual([0]);
    expect(world.partition.commits).toBe(1);
    expect(world.partners.current(PARTNER).seatLedger.live).toHaveLength(100);
    expect(world.assignments.all()).toHaveLength(100);
    expect(world.emails.messages).toHaveLength(100);
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

  it('fails each bad row alone with its code while the rows after it succeed', async () => {
    const world = aWorld(withSeats(aPartner(), 2));
    const { results } = await runJob(world, everyRuleRows());
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

    const [grace, alan, linus] = ['grace', 'alan', 'linus'].map((n) => idOf(`${n}@contoso.com`));
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

  it('matches in a later chunk a person an earlier chunk associated', async () => {
    const world = aWorld();
    const rows = [...associations(100), row('person1@contoso.com', { technicalContact: 'first' })];
    const { results } = await runJob(world, rows);
    expect(results[100]).toMatchObject({ outcome: 'succeeded', actions: ['matched', 'slot-set'] });
  });

  it('skips a row that asks for nothing new, and then writes nothing to the aggregate', async () => {
    const alan = existing('alan@contoso.com');
    const world = aWorld(withSlots(aPartner(), { second: alan.personId }), alan);
    const before = world.partners.current(PARTNER);
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
    expect(world.partners.current(PARTNER)).toEqual(before);
    expect(world.jobs.recordedCounts(PARTNER, jobId, 0)).toEqual({ succeeded: 0, failed: 0, skipped: 2 });
    expect((await getBulkJob(world.deps, ctx(), PARTNER, jobId)).status).toBe('completed');
  });
});
