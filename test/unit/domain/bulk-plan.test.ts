import { describe, expect, it } from 'vitest';
import {
  describeDecision,
  planRow,
  planRows,
  rowResult,
  type PlannedInput,
  type RowContext,
} from '../../../shared/domain/bulk-plan.js';
import type { BulkRowInput } from '../../../shared/domain/bulk.js';
import { NOW } from '../../support/mothers/clock.js';
import { aCompetencyPartner, aPartner } from '../../support/mothers/partner.js';

const context: Omit<RowContext, 'row'> = {
  personId: (email) => `p-${email.toLowerCase()}`,
  assignmentId: (row) => `a-${row}`,
  now: NOW,
};
const valid = (row: Partial<BulkRowInput> & { email: string }): PlannedInput => ({
  ok: true,
  row: { firstName: 'First', lastName: 'Last', ...row },
});

describe('planRow', () => {
  it('associates a new person, sets the slot and takes a seat on the aggregate it returns', () => {
    const { state, decision } = planRow(
      { partner: aPartner(), known: new Set() },
      valid({
        email: 'grace@contoso.com',
        technicalContact: 'first',
        privilege: 'visual-studio-subscriptions',
      }),
      { ...context, row: 7 },
    );
    expect(decision).toMatchObject({
      row: 7,
      outcome: 'succeeded',
      code: null,
      actions: ['associated', 'slot-set', 'granted'],
      personId: 'p-grace@contoso.com',
      grant: { assignmentId: 'a-7', privilege: 'visual-studio-subscriptions' },
      slot: { from: null, to: 'first' },
    });
    expect(decision.newPerson).toMatchObject({ personId: 'p-grace@contoso.com', email: 'grace@contoso.com' });
    expect(state.partner.technicalContacts.first).toBe('p-grace@contoso.com');
    expect(state.partner.seatLedger.live.map((s) => s.assignmentId)).toEqual(['a-7']);
  });

  it('matches a known person and creates nobody', () => {
    const { decision } = planRow(
      { partner: aPartner(), known: new Set(['p-grace@contoso.com']) },
      valid({ email: 'Grace@contoso.com'.toLowerCase() }),
      { ...context, row: 1 },
    );
    expect(decision).toMatchObject({ outcome: 'skipped', actions: ['matched'], newPerson: null });
  });

  it('fails an invalid row with validation-failed, keeping what could be read of its email', () => {
    const partner = aPartner();
    const { state, decision } = planRow(
      { partner, known: new Set() },
      { ok: false, message: 'firstName: must not be empty', email: 'x@contoso.com' },
      { ...context, row: 3 },
    );
    expect(decision).toMatchObject({
      outcome: 'failed',
      code: 'validation-failed',
      failure: 'firstName: must not be empty',
      email: 'x@contoso.com',
      actions: [],
      personId: null,
    });
    expect(state.partner).toBe(partner);
  });

  it('keeps what a row did before it failed: the association and the slot stand, the seat is not taken', () => {
    const full = { ...aPartner(), entitlements: [{ ...aPartner().entitlements[0]!, seats: 0 }] };
    const { state, decision } = planRow(
      { partner: full, known: new Set() },
      valid({
        email: 'alan@contoso.com',
        technicalContact: 'second',
        privilege: 'visual-studio-subscriptions',
      }),
      { ...context, row: 2 },
    );
    expect(decision).toMatchObject({
      outcome: 'failed',
      code: 'no-seats-available',
      actions: ['associated', 'slot-set'],
      grant: null,
    });
    expect(decision.newPerson).not.toBeNull();
    expect(state.partner.technicalContacts.second).toBe('p-alan@contoso.com');
    expect(state.partner.seatLedger.live).toEqual([]);
  });

  it('refuses a second seat for a person who holds one with already-assigned', () => {
    const first = planRow(
      { partner: aCompetencyPartner(), known: new Set() },
      valid({ email: 'zoe@contoso.com', privilege: 'msdn-subscriptions' }),
      { ...context, row: 1 },
    );
    const second = planRow(
      { partner: first.state.partner, known: new Set(['p-zoe@contoso.com']) },
      valid({ email: 'zoe@contoso.com', privilege: 'msdn-subscriptions' }),
      { ...context, row: 2 },
    );
    expect(second.decision).toMatchObject({
      outcome: 'failed',
      code: 'already-assigned',
      actions: ['matched'],
    });
  });
});

describe('planRows', () => {
  it('decides in row order: a later row sees the people and seats of the earlier ones', () => {
    const oneSeat = {
      ...aCompetencyPartner(),
      entitlements: [{ ...aCompetencyPartner().entitlements[0]!, seats: 1 }],
    };
    const { state, decisions } = planRows(
      { partner: oneSeat, known: new Set() },
      [
        { row: 1, input: valid({ email: 'zoe@contoso.com', privilege: 'msdn-subscriptions' }) },
        { row: 2, input: valid({ email: 'adam@contoso.com', privilege: 'msdn-subscriptions' }) },
        { row: 3, input: valid({ email: 'zoe@contoso.com' }) },
      ],
      context,
    );
    expect(decisions.map((d) => [d.row, d.outcome, d.code, d.actions])).toEqual([
      [1, 'succeeded', null, ['associated', 'granted']],
      [2, 'failed', 'no-seats-available', ['associated']],
      [3, 'skipped', null, ['matched']],
    ]);
    expect([...state.known].sort()).toEqual(['p-adam@contoso.com', 'p-zoe@contoso.com']);
  });

  it('changes nothing it was given', () => {
    const partner = aPartner();
    const known = new Set<string>();
    planRows(
      { partner, known },
      [{ row: 1, input: valid({ email: 'grace@contoso.com', technicalContact: 'first' }) }],
      context,
    );
    expect(partner.technicalContacts.first).toBeNull();
    expect(known.size).toBe(0);
  });
});

describe('describeDecision and rowResult', () => {
  const { decision } = planRow(
    { partner: aPartner(), known: new Set() },
    valid({
      email: 'grace@contoso.com',
      technicalContact: 'first',
      privilege: 'visual-studio-subscriptions',
    }),
    { ...context, row: 1 },
  );

  it('says what a real run did, and what a dry run would have done', () => {
    expect(describeDecision(decision, false)).toBe(
      'Associated the person, set the Technical Contact slot, granted the subscription (invitation queued).',
    );
    expect(describeDecision(decision, true)).toBe(
      'Would have: associated the person, set the technical contact slot, granted the subscription (invitation queued).',
    );
  });

  it('names the assignment in a real run only', () => {
    const job = { jobId: 'j', partnerId: 'contoso' };
    expect(rowResult(decision, { ...job, dryRun: false }, NOW).assignmentId).toBe('a-1');
    expect(rowResult(decision, { ...job, dryRun: true }, NOW).assignmentId).toBeNull();
  });
});
