import { AppError } from './errors.js';
import { addDays, toIsoDate } from './dates.js';
import { PROGRAM_TERMS, type Benefit, type Privilege } from './program.js';
import { slotOf, type Entitlement, type Partner } from './partner.js';
import type { LiveSeat, MaxUsage, SeatLedger } from './seat-ledger.js';

export interface SeatPolicy {
  cooldownDays: number;
}

export function benefitForPrivilege(partner: Pick<Partner, 'program'>, privilege: Privilege): Benefit {
  const terms = PROGRAM_TERMS[partner.program];
  if (privilege !== terms.privilege) {
    throw new AppError(
      'privilege-not-in-program',
      `The ${partner.program} program grants ${terms.privilege}, not ${privilege}.`,
      { program: partner.program, privilege: terms.privilege },
    );
  }
  return terms.benefit;
}

/** The entitlement in force for a benefit on a day; its end date is the first day it no longer covers. */
export function entitlementOn(
  partner: Pick<Partner, 'entitlements'>,
  benefit: Benefit,
  at: Date,
): Entitlement | null {
  const day = toIsoDate(at);
  return (
    partner.entitlements.find((e) => e.benefit === benefit && e.startsOn <= day && day < e.expiresOn) ?? null
  );
}

const liveFor = (ledger: SeatLedger, benefit: Benefit) =>
  ledger.live.filter((seat) => seat.benefit === benefit);
const stillCooling = (ledger: SeatLedger, at: Date) =>
  ledger.cooling.filter((seat) => new Date(seat.freesAt).getTime() > at.getTime());

export interface Grant {
  assignmentId: string;
  personId: string;
  privilege: Privilege;
}

/**
 * Takes a seat for a person, or says exactly why not: wrong privilege for the program, no Technical
 * Contact slot (Action Pack), no entitlement in force, already holding one, every seat in use, or
 * the only free seats still cooling down (with the date the first frees).
 */
export function grantSeat(partner: Partner, grant: Grant, at: Date): Partner {
  const benefit = benefitForPrivilege(partner, grant.privilege);
  if (PROGRAM_TERMS[partner.program].requiresTechnicalContact && slotOf(partner, grant.personId) === null) {
    throw new AppError(
      'technical-contact-required',
      'An Action Pack subscription goes only to a First, Second or Third Technical Contact; give the person a slot first.',
    );
  }
  const entitlement = entitlementOn(partner, benefit, at);
  if (!entitlement) {
    throw new AppError('entitlement-inactive', `The partner has no ${benefit} entitlement in force today.`, {
      benefit,
    });
  }
  const ledger = partner.seatLedger;
  const live = liveFor(ledger, benefit);
  const existing = live.find((seat) => seat.personId === grant.personId);
  if (existing) {
    throw new AppError(
      'already-assigned',
      `The person already holds a ${existing.status} ${benefit} subscription.`,
      {
        assignmentId: existing.assignmentId,
      },
    );
  }
  const cooling = stillCooling(ledger, at).filter((seat) => seat.benefit === benefit);
  const coolingForOthers = cooling.filter((seat) => seat.personId !== grant.personId);
  const firstFreesAt = coolingForOthers.map((seat) => seat.freesAt).sort()[0];
  if (live.length >= entitlement.seats) {
    // inUse can exceed seats when an operator lowered the entitlement; a cooling seat says when one frees.
    throw new AppError('no-seats-available', `All ${entitlement.seats} ${benefit} seats are in use.`, {
      benefit,
      seats: entitlement.seats,
      inUse: live.length,
      ...(firstFreesAt ? { coolingSeatFreesAt: firstFreesAt } : {}),
    });
  }
  if (live.length + coolingForOthers.length >= entitlement.seats) {
    const freesAt = firstFreesAt!;
    throw new AppError(
      'seat-in-cooldown',
      `The free ${benefit} seats were recently used by someone else; the first frees on ${freesAt.slice(0, 10)}.`,
      { benefit, freesAt },
    );
  }
  const now = at.toISOString();
  const ownCooling = cooling.find((seat) => seat.personId === grant.personId);
  const nextLive: LiveSeat[] = [
    ...ledger.live,
    {
      assignmentId: grant.assignmentId,
      personId: grant.personId,
      benefit,
      status: 'invited',
      assignedAt: now,
      activatedAt: null,
      ...(ownCooling ? { cooldownUntil: ownCooling.freesAt } : {}),
    },
  ];
  // The person's own cooling seat (if any) is theirs again; freed seats are forgotten.
  const nextCooling = stillCooling(ledger, at).filter(
    (seat) => !(seat.benefit === benefit && seat.personId === grant.personId),
  );
  const inUse = live.length + 1;
  const max = ledger.maxUsage[benefit];
  const maxUsage =
    !max || inUse > max.count
      ? { ...ledger.maxUsage, [benefit]: { count: inUse, firstReachedAt: now } }
      : ledger.maxUsage;
  return { ...partner, seatLedger: { live: nextLive, cooling: nextCooling, maxUsage }, updatedAt: now };
}

export function liveSeat(partner: Partner, assignmentId: string): LiveSeat | null {
  return partner.seatLedger.live.find((seat) => seat.assignmentId === assignmentId) ?? null;
}

/**
 * Ends a live seat (revoked, or its entitlement ended). A seat that was activated cools down until
 * `cooldownDays` after it was assigned; one that was only invited frees at once.
 */
export function releaseSeat(partner: Partner, assignmentId: string, at: Date, policy: SeatPolicy): Partner {
  const seat = liveSeat(partner, assignmentId);
  if (!seat) return partner;
  const live = partner.seatLedger.live.filter((s) => s.assignmentId !== assignmentId);
  const cooling = stillCooling(partner.seatLedger, at);
  // An activated seat cools from its assignment; a seat taken back from cooling keeps its old cooldown.
  const freesAt = Math.max(
    seat.status === 'active' ? addDays(new Date(seat.assignedAt), policy.cooldownDays).getTime() : 0,
    seat.cooldownUntil ? new Date(seat.cooldownUntil).getTime() : 0,
  );
  if (freesAt > at.getTime()) {
    cooling.push({
      assignmentId,
      personId: seat.personId,
      benefit: seat.benefit,
      freesAt: new Date(freesAt).toISOString(),
    });
  }
  return { ...partner, seatLedger: { ...partner.seatLedger, live, cooling }, updatedAt: at.toISOString() };
}

export function activateSeat(partner: Partner, assignmentId: string, at: Date): Partner {
  const seat = liveSeat(partner, assignmentId);
  if (!seat) throw new AppError('invitation-invalid', 'The subscription is no longer live.');
  if (seat.status === 'active') return partner;
  const live = partner.seatLedger.live.map((s) =>
    s.assignmentId === assignmentId ? { ...s, status: 'active' as const, activatedAt: at.toISOString() } : s,
  );
  return { ...partner, seatLedger: { ...partner.seatLedger, live }, updatedAt: at.toISOString() };
}

/** Live seats whose benefit has no entitlement in force any more. */
export function seatsToExpire(partner: Partner, at: Date): LiveSeat[] {
  return partner.seatLedger.live.filter((seat) => entitlementOn(partner, seat.benefit, at) === null);
}

export const liveSeatsOf = (partner: Partner, personId: string): LiveSeat[] =>
  partner.seatLedger.live.filter((seat) => seat.personId === personId);

export interface BenefitUsage {
  benefit: Benefit;
  seats: number;
  startsOn: string;
  expiresOn: string;
  active: boolean;
  invited: number;
  activated: number;
  coolingDown: number;
  available: number;
  maxUsage: MaxUsage | null;
}

export function usageOf(partner: Partner, at: Date): BenefitUsage[] {
  const cooling = stillCooling(partner.seatLedger, at);
  return partner.entitlements.map((entitlement) => {
    const live = liveFor(partner.seatLedger, entitlement.benefit);
    const invited = live.filter((s) => s.status === 'invited').length;
    const activated = live.filter((s) => s.status === 'active').length;
    const coolingDown = cooling.filter((s) => s.benefit === entitlement.benefit).length;
    const inForce = entitlementOn(partner, entitlement.benefit, at) === entitlement;
    return {
      benefit: entitlement.benefit,
      seats: entitlement.seats,
      startsOn: entitlement.startsOn,
      expiresOn: entitlement.expiresOn,
      active: inForce,
      invited,
      activated,
      coolingDown,
      available: inForce ? Math.max(0, entitlement.seats - invited - activated - coolingDown) : 0,
      maxUsage: partner.seatLedger.maxUsage[entitlement.benefit] ?? null,
    };
  });
}
