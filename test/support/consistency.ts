import { expect } from 'vitest';
import { partnerRepository } from '../../shared/root.js';
import { testApp, type AssignmentBody, type createPartner } from './app.js';
import { inbox } from './inbox.js';
import { eventually } from './eventually.js';

type Partner = Awaited<ReturnType<typeof createPartner>>;

async function all<T>(p: Partner, path: string): Promise<T[]> {
  const { api } = testApp();
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page: { status: number; body: { items: T[]; nextCursor: string | null } } = await api.request<{
      items: T[];
      nextCursor: string | null;
    }>(
      'GET',
      `${p.base}${path}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      {
        as: p.admin,
      },
    );
    if (page.status !== 200) throw new Error(`GET ${path}: ${page.status}`);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/**
 * Nothing half-written and nothing twice, checked on what is stored: every live seat of the aggregate
 * has its assignment and every live assignment its seat; no person, assignment or audit event twice; and,
 * once the emails are out, exactly one invitation per live assignment to its address.
 */
export async function expectConsistent(
  p: Partner,
  expected: { liveAssignments?: number; people?: number } = {},
): Promise<{ live: AssignmentBody[] }> {
  const people = await all<{ personId: string; email: string }>(p, '/people');
  expect(new Set(people.map((x) => x.personId)).size, 'a person twice').toBe(people.length);
  expect(new Set(people.map((x) => x.email.toLowerCase())).size, 'an email twice').toBe(people.length);
  if (expected.people !== undefined) expect(people).toHaveLength(expected.people);

  const assignments = await all<AssignmentBody>(p, '/assignments');
  expect(new Set(assignments.map((a) => a.assignmentId)).size, 'an assignment twice').toBe(
    assignments.length,
  );
  const live = assignments.filter((a) => a.status === 'invited' || a.status === 'active');
  if (expected.liveAssignments !== undefined) expect(live).toHaveLength(expected.liveAssignments);

  const partner = (await partnerRepository().get(p.body.partnerId))!.value;
  const seats = partner.seatLedger.live.map((s) => s.assignmentId).sort();
  expect(seats, 'the seats in use are the live assignments').toEqual(live.map((a) => a.assignmentId).sort());
  const holders = live.map((a) => a.personId);
  expect(new Set(holders).size, 'a person with two live assignments').toBe(holders.length);
  for (const personId of holders) expect(people.map((x) => x.personId)).toContain(personId);

  const events = await all<{ eventId: string; action: string; target: { id: string } }>(p, '/audit');
  expect(new Set(events.map((e) => e.eventId)).size, 'an audit event twice').toBe(events.length);
  const granted = events.filter((e) => e.action === 'assignment.granted').map((e) => e.target.id);
  expect(new Set(granted).size, 'a grant recorded twice').toBe(granted.length);
  return { live };
}

/** Waits until every live assignment's invitation was sent, then checks each person got exactly one. */
export async function expectOneInvitationEach(p: Partner, live: AssignmentBody[]): Promise<void> {
  const { api, stack } = testApp();
  const mail = inbox(stack.emailUrl);
  await eventually(
    async () => {
      const states = await Promise.all(
        live.map(
          async (a) =>
            (
              await api.request<AssignmentBody>('GET', `${p.base}/assignments/${a.assignmentId}`, {
                as: p.admin,
              })
            ).body.delivery.state,
        ),
      );
      return states.every((s) => s === 'sent') ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500, what: 'every invitation sent' },
  );
  for (const a of live) {
    const received = await mail.messages(a.delivery.to);
    expect(
      received.filter((m) => m.subject.includes('has given you')),
      `invitations to ${a.delivery.to}`,
    ).toHaveLength(1);
  }
}
