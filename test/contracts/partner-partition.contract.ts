import { describe, expect, it } from 'vitest';
import type {
  AssignmentRepository,
  AuditLog,
  PartitionDocument,
  PartitionWrite,
  PartnerPartition,
  PersonRepository,
} from '../../shared/app/ports.js';
import { anAssignment } from '../support/mothers/assignment.js';
import { aPartner } from '../support/mothers/partner.js';
import { aPerson } from '../support/mothers/person.js';
import { anAuditEvent } from './audit-log.contract.js';
import { freshId, freshPartnerId, type MakeSubject } from './support.js';

/** The partition, and the repositories that read the same documents (use cases mix the two). */
export interface PartnerPartitionSubject {
  partition: PartnerPartition;
  people: PersonRepository;
  assignments: AssignmentRepository;
  audit: AuditLog;
}

const AT = '2025-03-10T12:00:00.000Z';
const partnerDoc = (partnerId: string, name = 'Contoso Ltd'): PartitionDocument => ({
  kind: 'partner',
  value: aPartner({ partnerId, name }),
});
const personDoc = (partnerId: string, personId: string, firstName = 'Grace'): PartitionDocument => ({
  kind: 'person',
  value: aPerson({ partnerId, personId, firstName }),
});
const assignmentDoc = (partnerId: string, assignmentId: string): PartitionDocument => ({
  kind: 'assignment',
  value: anAssignment({ partnerId, assignmentId }),
});
const auditDoc = (partnerId: string, eventId: string): PartitionDocument => ({
  kind: 'audit',
  value: anAuditEvent(partnerId, eventId, AT),
});
const create = (document: PartitionDocument): PartitionWrite => ({ op: 'create', document });
const replace = (document: PartitionDocument, ifMatch: string): PartitionWrite => ({
  op: 'replace',
  document,
  ifMatch,
});

/** What the grant, revoke, associate and bulk use cases rely on from one partner's partition. */
export function describePartnerPartitionContract(
  label: string,
  makeSubject: MakeSubject<PartnerPartitionSubject>,
): void {
  describe(`PartnerPartition contract: ${label}`, () => {
    /** A partition holding the partner aggregate and person p-1, at the ETags the commit answered. */
    const seeded = async () => {
      const subject = await makeSubject();
      const partnerId = freshPartnerId();
      const result = await subject.partition.commit(partnerId, [
        create(partnerDoc(partnerId)),
        create(personDoc(partnerId, 'p-1')),
      ]);
      if (!result.ok) throw new Error(`seeding the partition failed: ${JSON.stringify(result)}`);
      const [partnerEtag, personEtag] = result.etags as [string, string];
      return { ...subject, partnerId, partnerEtag, personEtag };
    };

    it('loads nothing from an empty partition, and only the documents asked for', async () => {
      const { partition } = await makeSubject();
      const partnerId = freshPartnerId();
      expect(await partition.load(partnerId)).toEqual({ partner: null });
      expect(await partition.load(partnerId, { personId: 'p-1', assignmentId: 'a-1' })).toEqual({
        partner: null,
        person: null,
        assignment: null,
      });
    });

    it('commits creates and loads them back at the ETags the commit answered', async () => {
      const { partition } = await makeSubject();
      const partnerId = freshPartnerId();
      const writes = [
        create(partnerDoc(partnerId)),
        create(personDoc(partnerId, 'p-1')),
        create(assignmentDoc(partnerId, 'a-1')),
        create(auditDoc(partnerId, 'e-1')),
      ];
      const result = await partition.commit(partnerId, writes);
      if (!result.ok) throw new Error(`commit failed: ${JSON.stringify(result)}`);
      expect(result.etags).toHaveLength(4);
      const loaded = await partition.load(partnerId, { personId: 'p-1', assignmentId: 'a-1' });
      expect(loaded).toEqual({
        partner: { value: writes[0]!.document.value, etag: result.etags[0] },
        person: { value: writes[1]!.document.value, etag: result.etags[1] },
        assignment: { value: writes[2]!.document.value, etag: result.etags[2] },
      });
      expect(new Set(result.etags.slice(0, 3)).size).toBe(3);
    });

    it('writes what the repositories then read, at the same ETags', async () => {
      const { partition, people, assignments, audit } = await makeSubject();
      const partnerId = freshPartnerId();
      const result = await partition.commit(partnerId, [
        create(personDoc(partnerId, 'p-1')),
        create(assignmentDoc(partnerId, 'a-1')),
        create(auditDoc(partnerId, 'e-1')),
      ]);
      if (!result.ok) throw new Error(`commit failed: ${JSON.stringify(result)}`);
      expect((await people.get(partnerId, 'p-1'))?.etag).toBe(result.etags[0]);
      expect((await assignments.get(partnerId, 'a-1'))?.etag).toBe(result.etags[1]);
      expect((await audit.list(partnerId, { limit: 10 })).items.map((e) => e.eventId)).toEqual(['e-1']);
    });

    it('replaces at the version read, with a new ETag', async () => {
      const { partition, partnerId, partnerEtag } = await seeded();
      const result = await partition.commit(partnerId, [
        replace(partnerDoc(partnerId, 'Renamed'), partnerEtag),
      ]);
      if (!result.ok) throw new Error(`commit failed: ${JSON.stringify(result)}`);
      expect(result.etags[0]).not.toBe(partnerEtag);
      const { partner } = await partition.load(partnerId);
      expect(partner).toEqual({ value: aPartner({ partnerId, name: 'Renamed' }), etag: result.etags[0] });
    });

    it('writes nothing when its first write finds the document changed (412)', async () => {
      const { partition, people, partnerId, partnerEtag } = await seeded();
      const moved = await partition.commit(partnerId, [
        replace(partnerDoc(partnerId, 'Moved on'), partnerEtag),
      ]);
      expect(moved.ok).toBe(true);
      const result = await partition.commit(partnerId, [
        replace(partnerDoc(partnerId, 'Stale'), partnerEtag),
        create(personDoc(partnerId, 'p-2')),
      ]);
      expect(result).toEqual({ ok: false, index: 0, status: 412 });
      expect((await partition.load(partnerId)).partner?.value.name).toBe('Moved on');
      expect(await people.get(partnerId, 'p-2')).toBeNull();
    });

    it('names the failing write: 404 for a replace of a missing document', async () => {
      const { partition, partnerId, partnerEtag } = await seeded();
      const result = await partition.commit(partnerId, [
        replace(partnerDoc(partnerId), partnerEtag),
        replace(personDoc(partnerId, 'p-missing'), '"any"'),
      ]);
      expect(result).toEqual({ ok: false, index: 1, status: 404 });
    });

    it('names the failing write: 412 for a stale replace after a good one', async () => {
      const { partition, partnerId, partnerEtag, personEtag } = await seeded();
      const ahead = await partition.commit(partnerId, [
        replace(personDoc(partnerId, 'p-1', 'Ahead'), personEtag),
      ]);
      expect(ahead.ok).toBe(true);
      const result = await partition.commit(partnerId, [
        replace(partnerDoc(partnerId), partnerEtag),
        replace(personDoc(partnerId, 'p-1', 'Behind'), personEtag),
      ]);
      expect(result).toEqual({ ok: false, index: 1, status: 412 });
    });

    it('refuses to create a document that exists (409), the person and the audit event alike', async () => {
      const { partition, people, partnerId } = await seeded();
      expect(await partition.commit(partnerId, [create(personDoc(partnerId, 'p-1', 'Again'))])).toEqual({
        ok: false,
        index: 0,
        status: 409,
      });
      expect((await people.get(partnerId, 'p-1'))?.value.firstName).toBe('Grace');
      expect((await partition.commit(partnerId, [create(auditDoc(partnerId, 'e-1'))])).ok).toBe(true);
      expect(await partition.commit(partnerId, [create(auditDoc(partnerId, 'e-1'))])).toEqual({
        ok: false,
        index: 0,
        status: 409,
      });
    });

    it('keeps partitions apart: the same ids in another partner are other documents', async () => {
      const { partition, partnerId } = await seeded();
      const other = freshPartnerId();
      const result = await partition.commit(other, [
        create(personDoc(other, 'p-1', 'Other Grace')),
        create(auditDoc(other, 'e-1')),
      ]);
      expect(result.ok).toBe(true);
      expect((await partition.load(partnerId, { personId: 'p-1' })).person?.value.firstName).toBe('Grace');
      expect((await partition.load(other, { personId: 'p-1' })).person?.value.firstName).toBe('Other Grace');
    });

    it('tells which of the ids exist, by kind', async () => {
      const { partition } = await makeSubject();
      const partnerId = freshPartnerId();
      const other = freshPartnerId();
      const [person, assignment, missing, othersOnly] = [
        freshId('p'),
        freshId('a'),
        freshId('p'),
        freshId('p'),
      ];
      const result = await partition.commit(partnerId, [
        create(personDoc(partnerId, person)),
        create(assignmentDoc(partnerId, assignment)),
      ]);
      expect(result.ok).toBe(true);
      // Another partner holding the same id, and one of its own: neither counts for this partner.
      expect(
        (
          await partition.commit(other, [
            create(personDoc(other, person)),
            create(personDoc(other, othersOnly)),
          ])
        ).ok,
      ).toBe(true);
      expect(await partition.existing(partnerId, 'person', [othersOnly])).toEqual(new Set());
      expect(await partition.existing(other, 'person', [person, othersOnly])).toEqual(
        new Set([person, othersOnly]),
      );
      expect(await partition.existing(partnerId, 'person', [person, missing, assignment])).toEqual(
        new Set([person]),
      );
      expect(await partition.existing(partnerId, 'assignment', [person, assignment])).toEqual(
        new Set([assignment]),
      );
      expect(await partition.existing(partnerId, 'person', [])).toEqual(new Set());
    });

    it('creates many documents, past one bulk request, and takes those already there as created', async () => {
      const { partition, people, audit } = await makeSubject();
      const partnerId = freshPartnerId();
      const ids = Array.from({ length: 130 }, (_, i) => `p-${i}`);
      await partition.createAll(partnerId, [
        ...ids.map((id) => personDoc(partnerId, id)),
        auditDoc(partnerId, 'e-1'),
      ]);
      expect(await partition.existing(partnerId, 'person', ids)).toEqual(new Set(ids));
      // A redelivered chunk writes the same documents again: no error, nothing overwritten.
      await partition.createAll(partnerId, [
        personDoc(partnerId, 'p-0', 'Overwritten'),
        personDoc(partnerId, 'p-new'),
        auditDoc(partnerId, 'e-1'),
      ]);
      expect((await people.get(partnerId, 'p-0'))?.value.firstName).toBe('Grace');
      expect(await people.get(partnerId, 'p-new')).not.toBeNull();
      expect((await audit.list(partnerId, { limit: 10 })).items).toHaveLength(1);
    });
  });
}
