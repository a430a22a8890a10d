import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/domain/errors.js';
import type { Partner } from '../../../shared/domain/partner.js';
import { PROGRAM_TERMS, type Benefit } from '../../../shared/domain/program.js';
import { activateSeat, grantSeat, releaseSeat } from '../../../shared/domain/seats.js';
import { aPartner } from '../../support/mothers/partner.js';
import { withSlots } from '../../support/mothers/seats.js';
import { DAY, competency } from './seats-support.js';

/** A small seeded PRNG, so a failing sequence replays exactly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REFUSALS_EXPECTED_WHEN_BUSY = new Set(['already-assigned', 'no-seats-available', 'seat-in-cooldown']);

interface RunStats {
  grants: number;
  refusals: Record<string, number>;
  releases: number;
  activations: number;
}

function checkLedger(partner: Partner, benefit: Benefit, seats: number, at: Date, context: string) {
  const live = partner.seatLedger.live.filter((s) => s.benefit === benefit);
  expect(live.length, `${context}: live seats`).toBeLessThanOrEqual(seats);
  const holders = live.map((s) => s.personId);
  expect(new Set(holders).size, `${context}: a person holds two live seats (${holders.join(',')})`).toBe(
    holders.length,
  );
  const cooling = partner.seatLedger.cooling.filter(
    (s) => s.benefit === benefit && new Date(s.freesAt).getTime() > at.getTime(),
  );
  expect(live.length + cooling.length, `${context}: live + cooling seats`).toBeLessThanOrEqual(seats);
}

function randomRun(seed: number, start: Partner, people: string[], steps: number): RunStats {
  const random = mulberry32(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const benefit = start.entitlements[0]!.benefit;
  const seats = start.entitlements[0]!.seats;
  const privilege = PROGRAM_TERMS[start.program].privilege;
  const stats: RunStats = { grants: 0, refusals: {}, releases: 0, activations: 0 };
  let partner = start;
  let now = new Date('2025-01-01T00:00:00.000Z');
  let highest = 0;
  for (let step = 0; step < steps; step++) {
    now = new Date(now.getTime() + Math.floor(random() * 3 * DAY));
    const roll = random();
    const context = `seed ${seed}, step ${step}`;
    if (roll < 0.5) {
      try {
        partner = grantSeat(partner, { assignmentId: `a-${step}`, personId: pick(people), privilege }, now);
        stats.grants++;
      } catch (error) {
        expect(error, context).toBeInstanceOf(AppError);
        const code = (error as AppError).code;
        expect(REFUSALS_EXPECTED_WHEN_BUSY.has(code), `${context}: unexpected refusal ${code}`).toBe(true);
        stats.refusals[code] = (stats.refusals[code] ?? 0) + 1;
      }
    } else if (roll < 0.75 && partner.seatLedger.live.length > 0) {
      partner = activateSeat(partner, pick(partner.seatLedger.live).assignmentId, now);
      stats.activations++;
    } else if (partner.seatLedger.live.length > 0) {
      partner = releaseSeat(partner, pick(partner.seatLedger.live).assignmentId, now, { cooldownDays: 30 });
      stats.releases++;
    }
    checkLedger(partner, benefit, seats, now, context);
    highest = Math.max(highest, partner.seatLedger.live.length);
    expect(partner.seatLedger.maxUsage[benefit]?.count ?? 0, `${context}: max usage`).toBe(highest);
  }
  return stats;
}

describe('rule 1 and rule 2 under random grants, releases and activations', () => {
  const people = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6', 'p-7', 'p-8'];
  const longEntitlement = { startsOn: '2025-01-01', expiresOn: '2040-01-01' };

  it('never exceeds the seats of a 3-seat Competency entitlement, never gives a person two live seats', () => {
    const totals: RunStats = { grants: 0, refusals: {}, releases: 0, activations: 0 };
    for (let seed = 1; seed <= 60; seed++) {
      const stats = randomRun(seed, competency(3, longEntitlement), people, 250);
      totals.grants += stats.grants;
      totals.releases += stats.releases;
      totals.activations += stats.activations;
      for (const [code, count] of Object.entries(stats.refusals))
        totals.refusals[code] = (totals.refusals[code] ?? 0) + count;
    }
    // The runs really exercised every path, so the property is not vacuously true.
    expect(totals.grants).toBeGreaterThan(2000);
    expect(totals.releases).toBeGreaterThan(2000);
    expect(totals.activations).toBeGreaterThan(2000);
    expect(totals.refusals['no-seats-available']).toBeGreaterThan(500);
    expect(totals.refusals['seat-in-cooldown']).toBeGreaterThan(500);
    expect(totals.refusals['already-assigned']).toBeGreaterThan(500);
  });

  it('holds for Action Pack slot holders on a 2-seat entitlement', () => {
    const partner: Partner = {
      ...withSlots(aPartner(), { first: 'p-1', second: 'p-2', third: 'p-3' }),
      entitlements: [{ benefit: 'vs-professional', seats: 2, ...longEntitlement }],
    };
    let grants = 0;
    for (let seed = 101; seed <= 140; seed++)
      grants += randomRun(seed, partner, ['p-1', 'p-2', 'p-3'], 200).grants;
    expect(grants).toBeGreaterThan(500);
  });
});
