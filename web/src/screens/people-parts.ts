import { ProblemError, type Schemas } from '../api/client.js';
import { formatDate, h } from '../dom.js';
import { badge, table } from '../ui.js';
import { BENEFIT_NAMES } from './overview.js';

export type Person = Schemas['Person'];
export type Slot = 'first' | 'second' | 'third';

export const SLOTS: Slot[] = ['first', 'second', 'third'];
export const SLOT_NAMES: Record<Slot, string> = { first: 'First', second: 'Second', third: 'Third' };

export const fullName = (p: Pick<Person, 'firstName' | 'lastName'>) => `${p.firstName} ${p.lastName}`.trim();
export const benefitName = (benefit: string) => BENEFIT_NAMES[benefit] ?? benefit;

const STATUS_NAMES: Record<string, string> = { invited: 'Invited', active: 'Active' };

/** A person's roles as badges (or a dash). */
export function rolesOf(person: Person): Node {
  const roles = [
    person.roles.technicalContact
      ? badge(`${SLOT_NAMES[person.roles.technicalContact]} Technical Contact`, 'brand')
      : null,
    person.roles.programAdministrator ? badge('Program Administrator', 'informative') : null,
  ].filter((n) => n !== null);
  return roles.length ? h('span', { class: 'badges' }, roles) : document.createTextNode('—');
}

/** A person's live subscriptions in a line: "Visual Studio Professional (Invited)". */
export function subscriptionsLine(person: Person): string {
  return person.subscriptions.length
    ? person.subscriptions
        .map((s) => `${benefitName(s.benefit)} (${STATUS_NAMES[s.status] ?? s.status})`)
        .join(', ')
    : 'None';
}

export function subscriptionsTable(person: Person): HTMLElement {
  return table(
    'Live subscriptions',
    [
      { header: 'Benefit', cell: (s) => benefitName(s.benefit) },
      { header: 'Status', cell: (s) => STATUS_NAMES[s.status] ?? s.status },
      { header: 'Assigned', cell: (s) => formatDate(s.assignedAt) },
    ],
    person.subscriptions,
    'No live subscriptions.',
  );
}

/**
 * What disassociating a person also does, in words (their live subscriptions are revoked, their slot and
 * administrator role freed), or null when nothing cascades.
 */
export function cascadeOf(person: Person): string | null {
  const parts: string[] = [];
  const subs = person.subscriptions;
  if (subs.length) {
    const names = subs.map((s) => benefitName(s.benefit)).join(', ');
    parts.push(`revokes ${subs.length} live subscription${subs.length === 1 ? '' : 's'} (${names})`);
  }
  const slot = person.roles.technicalContact;
  if (slot) parts.push(`frees the ${SLOT_NAMES[slot]} Technical Contact slot`);
  if (person.roles.programAdministrator) parts.push('removes the Program Administrator role');
  if (!parts.length) return null;
  const last = parts.pop()!;
  return `This also ${parts.length ? `${parts.join(', ')} and ${last}` : last}.`;
}

/**
 * A response body and its ETag (for If-Match), or a ProblemError. Like must(), for the reads a later
 * change is conditional on.
 */
export async function withEtag<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ data: T; etag: string | undefined }> {
  const result = await call;
  if (result.response.ok && result.data !== undefined) {
    return { data: result.data, etag: result.response.headers.get('etag') ?? undefined };
  }
  const body = result.error;
  if (body && typeof body === 'object' && 'code' in body) throw new ProblemError(body as never);
  throw new Error(`The API answered ${result.response.status}.`);
}

/** The If-Match header for a change to what was read, when the read had an ETag. */
export const ifMatch = (etag: string | undefined): Record<string, string> =>
  etag ? { 'if-match': etag } : {};
