import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AssignmentRepository } from '../../shared/app/ports.js';
import type { Assignment, DeliveryState } from '../../shared/domain/assignment.js';
import { anAssignment } from '../support/mothers/assignment.js';
import { rejectionOf } from '../support/app-error.js';
import { allPages, freshId, freshPartnerId, type MakeSubject } from './support.js';

export interface AssignmentRepositorySubject {
  assignments: AssignmentRepository;
}

const assignmentOf = (partnerId: string, assignmentId: string, overrides: Partial<Assignment> = {}) =>
  anAssignment({ partnerId, assignmentId, ...overrides });

const withDelivery = (assignment: Assignment, state: DeliveryState): Assignment => ({
  ...assignment,
  delivery: { ...assignment.delivery, state },
});

const hour = (h: number) => `2025-03-10T${String(h).padStart(2, '0')}:00:00.000Z`;

/** What the assignment, dispatch, expiry and activation use cases rely on from assignment documents. */
export function describeAssignmentRepositoryContract(
  label: string,
  makeSubject: MakeSubject<AssignmentRepositorySubject>,
): void {
  describe(`AssignmentRepository contract: ${label}`, () => {
    const created = async () => {
      const { assignments } = await makeSubject();
      const assignment = assignmentOf(freshPartnerId(), 'a-1');
      const stored = await assignments.create(assignment);
      return { assignments, assignment, stored };
    };

    it('answers null for an assignment that does not exist', async () => {
      const { assignments } = await makeSubject();
      expect(await assignments.get(freshPartnerId(), 'a-none')).toBeNull();
    });

    it('reads back what it created at the ETag create answered, and refuses a second create', async () => {
      const { assignments, assignment, stored } = await created();
      expect(stored.value).toEqual(assignment);
      expect(await assignments.get(assignment.partnerId, 'a-1')).toEqual({
        value: assignment,
        etag: stored.etag,
      });
      await rejectionOf(assignments.create({ ...assignment, status: 'active' }), 'already-exists');
      expect((await assignments.get(assignment.partnerId, 'a-1'))?.value.status).toBe('invited');
    });

    it('applies a change with a new ETag; an unchanged one writes nothing; an unknown one is not-found', async () => {
      const { assignments, assignment, stored } = await created();
      const updated = await assignments.update(assignment.partnerId, 'a-1', (a) => withDelivery(a, 'sent'));
      expect(updated.etag).not.toBe(stored.etag);
      expect(await assignments.get(assignment.partnerId, 'a-1')).toEqual(updated);
      const same = await assignments.update(assignment.partnerId, 'a-1', (a) => a);
      expect(same.etag).toBe(updated.etag);
      await rejectionOf(
        assignments.update(assignment.partnerId, 'a-none', (a) => a),
        'not-found',
      );
    });

    it('loses no change when updates race', async () => {
      const { assignments, assignment } = await created();
      await Promise.all(
        Array.from({ length: 6 }, () =>
          assignments.update(assignment.partnerId, 'a-1', (a) => ({
            ...a,
            delivery: { ...a.delivery, attempts: a.delivery.attempts + 1 },
          })),
        ),
      );
      expect((await assignments.get(assignment.partnerId, 'a-1'))?.value.delivery.attempts).toBe(
        assignment.delivery.attempts + 6,
      );
    });

    describe('list', () => {
      const seeded = async () => {
        const { assignments } = await makeSubject();
        const partnerId = freshPartnerId();
        // Created out of order: the list orders by assignedAt, newest first, not by insertion.
        const rows: [string, number, Partial<Assignment>][] = [
          ['a-b', 9, { status: 'active', personId: 'p-1' }],
          ['a-d', 11, { personId: 'p-2' }],
          ['a-a', 8, { personId: 'p-1' }],
          ['a-e', 12, { status: 'revoked', personId: 'p-2' }],
          ['a-c', 10, { personId: 'p-3' }],
        ];
        for (const [id, h, overrides] of rows) {
          await assignments.create(assignmentOf(partnerId, id, { assignedAt: hour(h), ...overrides }));
        }
        await assignments.create(assignmentOf(freshPartnerId(), 'a-a'));
        return { assignments, partnerId };
      };

      it('orders newest first and pages through every assignment exactly once', async () => {
        const { assignments, partnerId } = await seeded();
        const { items } = await allPages(2, (page) => assignments.list(partnerId, {}, page));
        expect(items.map((a) => a.assignmentId)).toEqual(['a-e', 'a-d', 'a-c', 'a-b', 'a-a']);
      });

      it('filters by status and by person', async () => {
        const { assignments, partnerId } = await seeded();
        const ids = async (query: Parameters<AssignmentRepository['list']>[1]) =>
          (await assignments.list(partnerId, query, { limit: 50 })).items.map((a) => a.assignmentId);
        expect(await ids({ status: 'invited' })).toEqual(['a-d', 'a-c', 'a-a']);
        expect(await ids({ personId: 'p-2' })).toEqual(['a-e', 'a-d']);
        expect(await ids({ status: 'active', personId: 'p-1' })).toEqual(['a-b']);
        expect(await ids({ status: 'expired' })).toEqual([]);
      });

      it('refuses a cursor it never gave with validation-failed', async () => {
        const { assignments, partnerId } = await seeded();
        await rejectionOf(assignments.list(partnerId, {}, { limit: 2, cursor: '!!!' }), 'validation-failed');
      });
    });

    it("counts a bulk job's deliveries by state", async () => {
      const { assignments } = await makeSubject();
      const partnerId = freshPartnerId();
      // Job ids unique to this test: the local emulator does not scope a query to its partitionKey
      // option (Azure does), so another partner's assignments of the same job would be counted there.
      const [jobId, otherJobId] = [freshId('job'), freshId('job')];
      const states: DeliveryState[] = ['queued', 'sent', 'sent', 'failed'];
      for (const [i, state] of states.entries()) {
        await assignments.create(
          withDelivery(assignmentOf(partnerId, `a-${i}`, { bulkJobId: jobId }), state),
        );
      }
      await assignments.create(assignmentOf(partnerId, 'a-other-job', { bulkJobId: otherJobId }));
      await assignments.create(assignmentOf(partnerId, 'a-no-job'));
      // Another partner's assignment under the same job id counts only for that partner.
      const other = freshPartnerId();
      await assignments.create(assignmentOf(other, 'a-elsewhere', { bulkJobId: jobId }));
      expect(await assignments.deliveryStates(partnerId, jobId)).toEqual({ queued: 1, sent: 2, failed: 1 });
      expect(await assignments.deliveryStates(other, jobId)).toEqual({ queued: 1, sent: 0, failed: 0 });
      expect(await assignments.deliveryStates(partnerId, freshId('job'))).toEqual({
        queued: 0,
        sent: 0,
        failed: 0,
      });
    });

    it('lists queued deliveries across partners, never more than the limit, never a sent one', async () => {
      const { assignments } = await makeSubject();
      const partnerId = freshPartnerId();
      await assignments.create(assignmentOf(partnerId, 'a-q1'));
      await assignments.create(assignmentOf(freshPartnerId(), 'a-q2'));
      await assignments.create(withDelivery(assignmentOf(partnerId, 'a-sent'), 'sent'));
      const few = await assignments.listQueuedDeliveries(1);
      expect(few).toHaveLength(1);
      // The container is shared with other tests: only what it holds of ours can be pinned down.
      const many = await assignments.listQueuedDeliveries(1000);
      expect(many.every((a) => a.delivery.state === 'queued')).toBe(true);
      expect(many.filter((a) => a.partnerId === partnerId).map((a) => a.assignmentId)).toEqual(['a-q1']);
    });

    it('finds the assignments claimed by a tenant and object id across partners, whatever their case', async () => {
      const { assignments } = await makeSubject();
      const identity = { tenantId: randomUUID(), objectId: randomUUID() };
      const bound = (partnerId: string, assignmentId: string) =>
        assignmentOf(partnerId, assignmentId, {
          status: 'active',
          subscriber: {
            issuer: `https://login.example/${identity.tenantId}/v2.0`,
            subject: 'sub-1',
            ...identity,
            email: 'grace@contoso.com',
            invitationVersion: 1,
            boundAt: hour(9),
            profile: null,
          },
        });
      const [first, second] = [freshPartnerId(), freshPartnerId()];
      await assignments.create(bound(first, 'a-1'));
      await assignments.create(bound(second, 'a-2'));
      await assignments.create(assignmentOf(first, 'a-unclaimed'));
      const found = await assignments.listBySubscriber({
        tenantId: identity.tenantId.toUpperCase(),
        objectId: identity.objectId.toUpperCase(),
      });
      expect(found.map((a) => `${a.partnerId}/${a.assignmentId}`).sort()).toEqual(
        [`${first}/a-1`, `${second}/a-2`].sort(),
      );
      expect(
        await assignments.listBySubscriber({ tenantId: identity.tenantId, objectId: randomUUID() }),
      ).toEqual([]);
    });
  });
}
