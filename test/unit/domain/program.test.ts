import { describe, expect, it } from 'vitest';
import {
  ACTION_PACK_SEATS,
  PROGRAM_TERMS,
  competencySeats,
  defaultSeats,
  type Competency,
} from '../../../shared/domain/program.js';
import { gold, silver } from '../../support/mothers/partner.js';

const golds = (n: number): Competency[] => Array.from({ length: n }, (_, i) => gold(`gold-${i}`));
const silvers = (n: number): Competency[] => Array.from({ length: n }, (_, i) => silver(`silver-${i}`));

describe('competencySeats (domain.md: core 5 silver / 10 gold, +5 silver / +25 gold per further, caps 75 / 150)', () => {
  it('gives the silver core of 5 without competencies', () => {
    expect(competencySeats([])).toBe(5);
  });

  it('gives 5 for one silver competency', () => {
    expect(competencySeats([silver()])).toBe(5);
  });

  it('gives 10 for one gold competency', () => {
    expect(competencySeats([gold()])).toBe(10);
  });

  it('gives 10 + 5 for gold then silver', () => {
    expect(competencySeats([gold(), silver()])).toBe(15);
  });

  it('gives a gold core (10) plus 25 for a second, gold, competency when silver comes first', () => {
    expect(competencySeats([silver(), gold()])).toBe(35);
  });

  it('adds per further competency by its own level: gold, gold, silver = 10 + 25 + 5', () => {
    expect(competencySeats([gold('a'), gold('b'), silver('c')])).toBe(40);
  });

  it('adds 5 per further silver below the cap: 3 silvers = 15', () => {
    expect(competencySeats(silvers(3))).toBe(15);
  });

  it('reaches the gold cap exactly (10 + 5 × 25 = 135, then 160 capped at 150)', () => {
    expect(competencySeats(golds(6))).toBe(135);
    expect(competencySeats(golds(7))).toBe(150);
    expect(competencySeats(golds(40))).toBe(150);
  });

  it('caps many silvers at 75 (15 silvers = 75, 16 would be 80)', () => {
    expect(competencySeats(silvers(15))).toBe(75);
    expect(competencySeats(silvers(16))).toBe(75);
    expect(competencySeats(silvers(50))).toBe(75);
  });

  it('uses the gold cap (150), not the silver one, as soon as any competency is gold', () => {
    expect(competencySeats([...silvers(30), gold()])).toBe(150);
    expect(competencySeats([gold(), ...silvers(20)])).toBe(110);
  });
});

describe('defaultSeats', () => {
  it('gives Action Pack 3 seats whatever the competencies', () => {
    expect(ACTION_PACK_SEATS).toBe(3);
    expect(defaultSeats('action-pack', [])).toBe(3);
    expect(defaultSeats('action-pack', [gold()])).toBe(3);
  });

  it('gives Competency partners the competency seats', () => {
    expect(defaultSeats('competency', [])).toBe(5);
    expect(defaultSeats('competency', [gold(), silver()])).toBe(15);
    expect(defaultSeats('competency', golds(10))).toBe(150);
  });
});

describe('PROGRAM_TERMS', () => {
  it('Action Pack: privilege visual-studio-subscriptions, Visual Studio Professional, Technical Contact required', () => {
    expect(PROGRAM_TERMS['action-pack']).toMatchObject({
      privilege: 'visual-studio-subscriptions',
      benefit: 'vs-professional',
      benefitName: 'Visual Studio Professional',
      requiresTechnicalContact: true,
    });
  });

  it('Competency: privilege msdn-subscriptions, Visual Studio Enterprise, no role required', () => {
    expect(PROGRAM_TERMS.competency).toMatchObject({
      privilege: 'msdn-subscriptions',
      benefit: 'vs-enterprise',
      benefitName: 'Visual Studio Enterprise',
      requiresTechnicalContact: false,
    });
  });

  it('has terms for exactly the two programs', () => {
    expect(Object.keys(PROGRAM_TERMS).sort()).toEqual(['action-pack', 'competency']);
  });
});
