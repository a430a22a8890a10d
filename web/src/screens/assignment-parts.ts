import { must, type Schemas } from '../api/client.js';
import { h } from '../dom.js';
import type { Partner, ScreenContext } from '../router.js';
import { badge, confirmDialog } from '../ui.js';
import { BENEFIT_NAMES } from './overview.js';

export type Assignment = Schemas['Assignment'];
export type Person = Schemas['Person'];
export type AssignmentStatus = Assignment['status'];
export type Privilege = Assignment['privilege'];

export const ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = ['invited', 'active', 'revoked', 'expired'];

/** The one privilege each program grants, by the name Partner Center shows (docs/domain.md). */
export const PROGRAM_PRIVILEGE: Record<Partner['program'], { privilege: Privilege; name: string }> = {
  'action-pack': { privilege: 'visual-studio-subscriptions', name: 'Visual Studio subscriptions' },
  competency: { privilege: 'msdn-subscriptions', name: 'MSDN subscriptions (Visual Studio subscriptions)' },
};

/** How many days an activated seat cools down after it ends (SEAT_COOLDOWN_DAYS, rule 7). */
export const COOLDOWN_DAYS = 90;

export const benefitName = (benefit: string): string => BENEFIT_NAMES[benefit] ?? benefit;

export const personName = (p: Pick<Person, 'firstName' | 'lastName'>): string =>
  `${p.firstName} ${p.lastName}`.trim();

const STATUS_LOOK: Record<AssignmentStatus, [string, Parameters<typeof badge>[1]]> = {
  invited: ['Invited', 'informative'],
  active: ['Active', 'success'],
  revoked: ['Revoked', 'subtle'],
  expired: ['Expired', 'warning'],
};

export const statusLabel = (status: AssignmentStatus): string => STATUS_LOOK[status][0];

export function statusBadge(status: AssignmentStatus): HTMLElement {
  const [text, color] = STATUS_LOOK[status];
  return badge(text, color);
}

const DELIVERY_LOOK: Record<Assignment['delivery']['state'], [string, Parameters<typeof badge>[1]]> = {
  queued: ['Queued', 'warning'],
  sent: ['Sent', 'success'],
  failed: ['Failed', 'danger'],
};

/** The email's state as a badge, naming which email when it is the revocation notice. */
export function deliveryBadge(delivery: Assignment['delivery']): HTMLElement {
  const [text, color] = DELIVERY_LOOK[delivery.state];
  const element = badge(
    delivery.kind === 'revocation' ? `Revocation notice ${text.toLowerCase()}` : text,
    color,
  );
  element.dataset['state'] = delivery.state;
  return element;
}

export const canResend = (a: Assignment): boolean => a.status === 'invited';
export const canRevoke = (a: Assignment): boolean => a.status === 'invited' || a.status === 'active';

/** Who an assignment is for, in words: the person's name when known, else the work email. */
export const whoOf = (a: Assignment, people: Map<string, Person>): string => {
  const person = people.get(a.personId);
  return person ? personName(person) : a.personEmail;
};

/**
 * Revokes after asking, saying what happens to the seat (rule 7): a pending invitation frees it at once,
 * an activated one cools down first. Resolves the revoked assignment, or undefined when cancelled.
 */
export async function revokeAssignment(
  ctx: ScreenContext,
  a: Assignment,
  who: string,
): Promise<Assignment | undefined> {
  const benefit = benefitName(a.benefit);
  const consequence =
    a.status === 'active'
      ? `The seat is freed; because it was activated, it cools down ${COOLDOWN_DAYS} days before someone else can have it (${who} may take it back sooner). ${who} is told by email.`
      : `The invitation link stops working and the seat is free again at once. ${who} is told by email.`;
  const confirmed = await confirmDialog(
    `Revoke ${who}'s ${benefit} subscription?`,
    h('p', {}, consequence),
    'Revoke',
  );
  if (!confirmed) return undefined;
  const revoked = await must(
    ctx.api.DELETE('/api/partners/{partnerId}/assignments/{assignmentId}', {
      params: { path: { partnerId: a.partnerId, assignmentId: a.assignmentId } },
    }),
  );
  ctx.notify(`${who}'s ${benefit} subscription is revoked.`);
  return revoked;
}

/** Sends a new invitation (the previous link stops working) and says so. */
export async function resendInvitation(ctx: ScreenContext, a: Assignment, who: string): Promise<Assignment> {
  const resent = await must(
    ctx.api.POST('/api/partners/{partnerId}/assignments/{assignmentId}/resend', {
      params: { path: { partnerId: a.partnerId, assignmentId: a.assignmentId } },
    }),
  );
  ctx.notify(`A new invitation to ${who} is queued; the previous link no longer works.`);
  return resent;
}

/** Every person of the partner (a few pages at most), by id. */
export async function loadPeople(ctx: ScreenContext, partnerId: string): Promise<Map<string, Person>> {
  const people = new Map<string, Person>();
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const result = await must(
      ctx.api.GET('/api/partners/{partnerId}/people', {
        params: { path: { partnerId }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
      }),
    );
    for (const person of result.items) people.set(person.personId, person);
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return people;
}
