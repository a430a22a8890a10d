import type {
  CommitResult,
  PartitionDocument,
  PartitionSnapshot,
  PartitionWrite,
  PartnerPartition,
} from '../../../shared/app/ports.js';
import { FakeBulkJobStore } from './bulk.js';
import type {
  FakeAssignmentRepository,
  FakeAuditLog,
  FakePartnerRepository,
  FakePersonRepository,
} from './repositories.js';
import type { VersionedStore } from './store.js';
import { clone } from './store.js';

/**
 * The partner's partition over the fakes of its documents, with Cosmos DB's semantics: a commit checks
 * every write first and writes all of them or none (a transactional batch), `createAll` takes a
 * document already there as created. Tests can make the next commits or bulk writes fail.
 */
export class FakePartnerPartition implements PartnerPartition {
  loads = 0;
  commits = 0;
  /** When set, `createAll` throws it for every call while it returns true for the document kinds given. */
  failCreateAll: ((documents: PartitionDocument[]) => Error | null) | null = null;
  /** Runs before a commit is checked: lets a test change a document between a read and its commit. */
  beforeCommit: ((commit: number) => void) | null = null;

  constructor(
    private readonly stores: {
      partners: FakePartnerRepository;
      people: FakePersonRepository;
      assignments: FakeAssignmentRepository;
      audit: FakeAuditLog;
      jobs?: FakeBulkJobStore;
    },
  ) {}

  private locate(
    partnerId: string,
    document: PartitionDocument,
  ): { store: VersionedStore<unknown>; key: string } {
    const { partners, people, assignments, jobs } = this.stores;
    switch (document.kind) {
      case 'partner':
        return { store: partners.store as VersionedStore<unknown>, key: partnerId };
      case 'person':
        return {
          store: people.store as VersionedStore<unknown>,
          key: `${partnerId}/${document.value.personId}`,
        };
      case 'assignment':
        return {
          store: assignments.store as VersionedStore<unknown>,
          key: `${partnerId}/${document.value.assignmentId}`,
        };
      case 'bulk-chunk':
        if (!jobs) throw new Error('this fake partition has no bulk store');
        return {
          store: jobs.chunks as VersionedStore<unknown>,
          key: FakeBulkJobStore.chunkKey(partnerId, document.value.jobId, document.value.index),
        };
      case 'audit':
        throw new Error('audit events are not in a versioned store');
    }
  }

  async load(
    partnerId: string,
    also: { personId?: string; assignmentId?: string } = {},
  ): Promise<PartitionSnapshot> {
    this.loads++;
    const { partners, people, assignments } = this.stores;
    return {
      partner: await partners.get(partnerId),
      ...(also.personId ? { person: await people.get(partnerId, also.personId) } : {}),
      ...(also.assignmentId ? { assignment: await assignments.get(partnerId, also.assignmentId) } : {}),
    };
  }

  async commit(partnerId: string, writes: PartitionWrite[]): Promise<CommitResult> {
    this.commits++;
    this.beforeCommit?.(this.commits);
    const { audit } = this.stores;
    for (const [index, write] of writes.entries()) {
      if (write.document.kind === 'audit') {
        const id = write.document.value.eventId;
        if (audit.has(partnerId, id)) return { ok: false, index, status: 409 };
        continue;
      }
      const { store, key } = this.locate(partnerId, write.document);
      const current = store.read(key);
      if (write.op === 'create' && current) return { ok: false, index, status: 409 };
      if (write.op === 'replace' && !current) return { ok: false, index, status: 404 };
      if (write.op === 'replace' && current!.etag !== write.ifMatch) return { ok: false, index, status: 412 };
    }
    const etags = writes.map((write) => {
      if (write.document.kind === 'audit') {
        audit.events.push(clone(write.document.value));
        return '';
      }
      const { store, key } = this.locate(partnerId, write.document);
      return store.write(key, write.document.value).etag;
    });
    return { ok: true, etags };
  }

  async existing(partnerId: string, kind: 'person' | 'assignment', ids: string[]): Promise<Set<string>> {
    const store = kind === 'person' ? this.stores.people.store : this.stores.assignments.store;
    return new Set(ids.filter((id) => store.has(`${partnerId}/${id}`)));
  }

  async createAll(partnerId: string, documents: PartitionDocument[]): Promise<void> {
    const failure = this.failCreateAll?.(documents);
    if (failure) throw failure;
    for (const document of documents) {
      if (document.kind === 'audit') {
        if (!this.stores.audit.has(partnerId, document.value.eventId)) {
          this.stores.audit.events.push(clone(document.value));
        }
        continue;
      }
      const { store, key } = this.locate(partnerId, document);
      if (!store.has(key)) store.write(key, document.value);
    }
  }
}
