import type { Container, ItemDefinition, OperationInput } from '@azure/cosmos';
import type {
  CommitResult,
  PartitionDocument,
  PartitionSnapshot,
  PartitionWrite,
  PartnerPartition,
  Versioned,
} from '../../app/ports.js';
import { cosmosCall, fromDocument, readTogether } from './documents.js';

/** Where each kind of document lives in the partner's partition: its id and `type`. */
export const PARTNER_DOCUMENT_ID = 'partner';
export const auditDocumentId = (eventId: string) => `audit-${eventId}`;
export const bulkJobDocumentId = (jobId: string) => `bulk-${jobId}`;
export const bulkChunkDocumentId = (jobId: string, index: number) => `bulk-${jobId}-chunk-${index}`;
export const bulkCountsDocumentId = (jobId: string, chunk: number) => `bulk-${jobId}-chunk-${chunk}-counts`;

export function toCosmosDocument(document: PartitionDocument): ItemDefinition & { partnerId: string } {
  switch (document.kind) {
    case 'partner':
      return { id: PARTNER_DOCUMENT_ID, type: 'partner', ...document.value };
    case 'person':
      return { id: document.value.personId, type: 'person', ...document.value };
    case 'assignment':
      return { id: document.value.assignmentId, type: 'assignment', ...document.value };
    case 'audit':
      return { id: auditDocumentId(document.value.eventId), type: 'audit', ...document.value };
    case 'bulk-chunk':
      return {
        id: bulkChunkDocumentId(document.value.jobId, document.value.index),
        type: 'bulk-chunk',
        ...document.value,
      };
  }
}

const versioned = <T>(resource: ItemDefinition | undefined, type: string): Versioned<T> | null =>
  resource && resource['type'] === type ? { value: fromDocument<T>(resource), etag: resource._etag! } : null;

/** A batch result's status: 424 means "not run because another operation of the batch failed". */
const FAILED_DEPENDENCY = 424;
/** Bulk requests of one `createAll` sent at once. */
const BULK_CONCURRENCY = 4;

export class CosmosPartnerPartition implements PartnerPartition {
  constructor(private readonly container: () => Promise<Container>) {}

  async load(
    partnerId: string,
    also: { personId?: string; assignmentId?: string } = {},
  ): Promise<PartitionSnapshot> {
    const container = await this.container();
    const ids = [PARTNER_DOCUMENT_ID, also.personId ?? null, also.assignmentId ?? null];
    const found = await readTogether(
      container,
      partnerId,
      ids.filter((id): id is string => id !== null),
    );
    let next = 0;
    const [partner, person, assignment] = ids.map((id) => (id === null ? undefined : found[next++]));
    return {
      partner: versioned(partner, 'partner'),
      ...(also.personId ? { person: versioned(person, 'person') } : {}),
      ...(also.assignmentId ? { assignment: versioned(assignment, 'assignment') } : {}),
    };
  }

  async commit(partnerId: string, writes: PartitionWrite[]): Promise<CommitResult> {
    const container = await this.container();
    const operations: OperationInput[] = writes.map((write) => {
      const resourceBody = toCosmosDocument(write.document);
      return write.op === 'create'
        ? { operationType: 'Create', partitionKey: partnerId, resourceBody }
        : {
            operationType: 'Replace',
            id: String(resourceBody.id),
            partitionKey: partnerId,
            resourceBody,
            ifMatch: write.ifMatch,
          };
    });
    // One transactional batch: all of it or none of it in Cosmos DB.
    const response = await cosmosCall(() => container.items.batch(operations, partnerId));
    const results = response.result ?? [];
    const failed = results.findIndex((r) => r.statusCode >= 400 && r.statusCode !== FAILED_DEPENDENCY);
    if (failed >= 0) {
      const status = results[failed]!.statusCode;
      if (status === 404 || status === 409 || status === 412) return { ok: false, index: failed, status };
      throw Object.assign(new Error(`A batch write answered ${status}.`), { code: status });
    }
    return { ok: true, etags: results.map((r) => r.eTag ?? '') };
  }

  async existing(partnerId: string, kind: 'person' | 'assignment', ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const container = await this.container();
    const { resources } = await cosmosCall(() =>
      container.items
        .query<string>(
          {
            // The partner filter repeats the partition key: the emulator ignores the option.
            query:
              'SELECT VALUE c.id FROM c WHERE c.partnerId = @partnerId AND c.type = @type AND ARRAY_CONTAINS(@ids, c.id)',
            parameters: [
              { name: '@partnerId', value: partnerId },
              { name: '@type', value: kind },
              { name: '@ids', value: ids },
            ],
          },
          { partitionKey: partnerId },
        )
        .fetchAll(),
    );
    return new Set(resources);
  }

  async createAll(partnerId: string, documents: PartitionDocument[]): Promise<void> {
    const container = await this.container();
    // The SDK's bulk() sends up to 100 independent operations of a partition in one request. (Its
    // successor, executeBulkOperations, polls with a fixed 1 s pause: a second lost on every chunk.)
    const slices: OperationInput[][] = [];
    for (let start = 0; start < documents.length; start += 100) {
      slices.push(
        documents.slice(start, start + 100).map((document) => ({
          operationType: 'Create',
          partitionKey: partnerId,
          resourceBody: toCosmosDocument(document),
        })),
      );
    }
    for (let start = 0; start < slices.length; start += BULK_CONCURRENCY) {
      const results = await Promise.all(
        slices
          .slice(start, start + BULK_CONCURRENCY)
          .map((slice) => cosmosCall(() => container.items.bulk(slice, { continueOnError: true }))),
      );
      // A document already there was created by an earlier try; anything else fails the call (retried).
      const failed = results.flat().find((r) => r.statusCode >= 400 && r.statusCode !== 409);
      if (failed) {
        throw Object.assign(new Error(`A bulk create answered ${failed.statusCode}.`), {
          code: failed.statusCode,
        });
      }
    }
  }
}
