import type { Entitlement, Partner } from '../../../shared/domain/partner.js';
import { PROGRAM_TERMS } from '../../../shared/domain/program.js';
import { activateSeat, grantSeat, releaseSeat } from '../../../shared/domain/seats.js';
import { NOW } from '../../support/mothers/clock.js';
import { aCompetencyPartner, aPartner } from '../../support/mothers/partner.js';
import { SEAT_POLICY, withSlots } from '../../support/mothers/seats.js';

/** What the seat rules' tests share: dates, the two partners they start from, and a grant as one call. */

export const DAY = 86_400_000;
export const at = (iso: string) => new Date(iso);
export const daysAfter = (from: Date, days: number) => new Date(from.getTime() + days * DAY);

export const enterprise = (overrides: Partial<Entitlement> = {}): Entitlement => ({
  benefit: 'vs-enterprise',
  seats: 2,
  startsOn: '2025-01-01',
  expiresOn: '2026-01-01',
  ...overrides,
});

/** A Competency partner (no slot needed) with a small vs-enterprise entitlement. */
export const competency = (seats = 2, overrides: Partial<Entitlement> = {}): Partner =>
  aCompetencyPartner({ entitlements: [enterprise({ seats, ...overrides })] });

/** An Action Pack partner (3 seats from NOW for a year) with alice in the first slot. */
export const actionPack = (): Partner => withSlots(aPartner(), { first: 'p-alice' });

export const grant = (partner: Partner, personId: string, when: Date = NOW, assignmentId = `a-${personId}`) =>
  grantSeat(partner, { assignmentId, personId, privilege: PROGRAM_TERMS[partner.program].privilege }, when);

/** Grants, activates and releases a seat: the person leaves a cooling seat behind. */
export function activatedThenReleased(partner: Partner, personId: string, grantedAt: Date, releasedAt: Date) {
  const granted = grant(partner, personId, grantedAt);
  const active = activateSeat(granted, `a-${personId}`, grantedAt);
  return releaseSeat(active, `a-${personId}`, releasedAt, SEAT_POLICY);
}
