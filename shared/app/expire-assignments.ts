import { endAssignment } from '../domain/assignment.js';
import { releaseSeat, seatsToExpire } from '../domain/seats.js';
import type { AssignmentRepository, Clock, PartnerRepository } from './ports.js';

/**
 * Marks `expired` every live assignment whose entitlement has ended and takes it off the ledger. An
 * activated seat keeps its cooldown; nothing else is freed.
 */
export async function expireAssignments(deps: {
  partners: PartnerRepository;
  assignments: AssignmentRepository;
  clock: Clock;
  policy: { cooldownDays: number };
}): Promise<number> {
  const { policy } = deps;
  const now = deps.clock();
  let expired = 0;
  for await (const partnerId of deps.partners.listIds()) {
    const partner = await deps.partners.get(partnerId);
    if (!partner) continue;
    for (const seat of seatsToExpire(partner.value, now)) {
      // Re-checked inside the write: an entitlement extended meanwhile keeps the seat.
      let released = false;
      await deps.partners.update(partnerId, (p) => {
        released = seatsToExpire(p, now).some((s) => s.assignmentId === seat.assignmentId);
        return released ? releaseSeat(p, seat.assignmentId, now, policy) : p;
      });
      if (!released) continue;
      if (await deps.assignments.get(partnerId, seat.assignmentId)) {
        await deps.assignments.update(partnerId, seat.assignmentId, (a) =>
          endAssignment(a, 'expired', a.delivery.to, now),
        );
      }
      expired++;
    }
  }
  return expired;
}
