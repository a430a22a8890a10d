/** Partner programs and what each one entitles (published MPN terms; see docs/domain.md). */
export const PROGRAMS = ['action-pack', 'competency'] as const;
export type Program = (typeof PROGRAMS)[number];

export const PRIVILEGES = ['visual-studio-subscriptions', 'msdn-subscriptions'] as const;
export type Privilege = (typeof PRIVILEGES)[number];

export const BENEFITS = ['vs-professional', 'vs-enterprise'] as const;
export type Benefit = (typeof BENEFITS)[number];

export const COMPETENCY_LEVELS = ['silver', 'gold'] as const;
export type CompetencyLevel = (typeof COMPETENCY_LEVELS)[number];

export interface Competency {
  name: string;
  level: CompetencyLevel;
}

export interface ProgramTerms {
  privilege: Privilege;
  benefit: Benefit;
  benefitName: string;
  /** What the subscriber gets, as shown on the benefits page. */
  includes: readonly string[];
  /** Action Pack needs a Technical Contact slot before the privilege is granted. */
  requiresTechnicalContact: boolean;
}

export const PROGRAM_TERMS: Record<Program, ProgramTerms> = {
  'action-pack': {
    privilege: 'visual-studio-subscriptions',
    benefit: 'vs-professional',
    benefitName: 'Visual Studio Professional',
    includes: [
      'Visual Studio Professional, latest version, for development and test',
      'A monthly Azure credit for development and test',
      'Azure DevOps Basic',
      'Microsoft Learn training and technical support incidents',
    ],
    requiresTechnicalContact: true,
  },
  competency: {
    privilege: 'msdn-subscriptions',
    benefit: 'vs-enterprise',
    benefitName: 'Visual Studio Enterprise',
    includes: [
      'Visual Studio Enterprise, latest version, for development and test',
      'A larger monthly Azure credit for development and test',
      'Azure DevOps Basic + Test Plans',
      'Microsoft Learn training, technical support incidents and partner software offers',
    ],
    requiresTechnicalContact: false,
  },
};

export const ACTION_PACK_SEATS = 3;

/**
 * Competency default seats: a core of 10 if any competency is gold, else 5; for each competency after
 * the first, +25 if gold and +5 if silver; capped at 150 when any is gold, else 75. No competencies:
 * the silver core of 5. (Per-country caps need people's countries, which are not tracked yet.)
 */
export function competencySeats(competencies: readonly Competency[]): number {
  if (competencies.length === 0) return 5;
  const anyGold = competencies.some((c) => c.level === 'gold');
  const core = anyGold ? 10 : 5;
  const further = competencies.slice(1).reduce((sum, c) => sum + (c.level === 'gold' ? 25 : 5), 0);
  return Math.min(core + further, anyGold ? 150 : 75);
}

export function defaultSeats(program: Program, competencies: readonly Competency[]): number {
  return program === 'action-pack' ? ACTION_PACK_SEATS : competencySeats(competencies);
}
