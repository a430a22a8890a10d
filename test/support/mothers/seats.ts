import type { Partner, TechnicalContactSlot } from '../../../shared/domain/partner.js';
import type { CoolingSeat, LiveSeat } from '../../../shared/domain/seat-ledger.js';
import type { SeatPolicy } from '../../../shared/domain/seats.js';
import { NOW } from './clock.js';

/** The default reassignment cooldown of domain rule 7. */
export const SEAT_POLICY: SeatPolicy = { cooldownDays: 90 };

export function aLiveSeat(overrides: Partial<LiveSeat> = {}): LiveSeat {
  return {
    assignmentId: 'a-1',
    personId: 'person-1',
    benefit: 'vs-professional',
    status: 'invited',
    assignedAt: NOW.toISOString(),
    activatedAt: null,
    ...overrides,
  };
}

export function aCoolingSeat(overrides: Partial<CoolingSeat> = {}): CoolingSeat {
  return {
    assignmentId: 'a-0',
    personId: 'person-0',
    benefit: 'vs-professional',
    freesAt: '2025-06-08T12:00:00.000Z',
    ...overrides,
  };
}

/** The partner with these people in these Technical Contact slots (other slots as they were). */
export function withSlots(
  partner: Partner,
  slots: Partial<Record<TechnicalContactSlot, string | null>>,
): Partner {
  return { ...partner, technicalContacts: { ...partner.technicalContacts, ...slots } };
}
