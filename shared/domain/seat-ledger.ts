import type { Benefit } from './program.js';

/**
 * The seat ledger, kept inside the partner aggregate so that one conditional write decides every grant:
 * live seats (invited or active), seats cooling down after an activated assignment ended, and the
 * highest usage ever reached per benefit.
 */
export type LiveStatus = 'invited' | 'active';

export interface LiveSeat {
  assignmentId: string;
  personId: string;
  benefit: Benefit;
  status: LiveStatus;
  assignedAt: string;
  activatedAt: string | null;
  /** Set when the holder took back their own cooling seat: the cooldown it had still applies if released. */
  cooldownUntil?: string | null;
}

/** A seat that an activated assignment held: it goes to a different person only once it frees. */
export interface CoolingSeat {
  assignmentId: string;
  personId: string;
  benefit: Benefit;
  freesAt: string;
}

export interface MaxUsage {
  count: number;
  firstReachedAt: string;
}

export interface SeatLedger {
  live: LiveSeat[];
  cooling: CoolingSeat[];
  maxUsage: Partial<Record<Benefit, MaxUsage>>;
}

export const emptyLedger = (): SeatLedger => ({ live: [], cooling: [], maxUsage: {} });
