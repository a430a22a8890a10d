import type { Container } from '@azure/cosmos';
import { AppError } from '../../domain/errors.js';
import type { Assignment, DeliveryState } from '../../domain/assignment.js';
import type { AssignmentQuery, AssignmentRepository, Page, PageRequest, Versioned } from '../../app/ports.js';
import { cosmosCall, fromDocument, queryPage, statusOf, updateWithRetry } from './documents.js';

const MAX_ATTEMPTS = 50;
const toDocument = (assignment: Assignment) => ({
  id: assignment.assignmentId,
  type: 'assignment',
  ...assignment,
});

export class CosmosAssignmentRepository implements AssignmentRepository {
  constructor(private readonly container: () => Promise<Container>) {}

  async get(partnerId: string, assignmentId: string): Promise<Versioned<Assignment> | null> {
    const container = await this.container();
    const { resource } = await cosmosCall(() => container.item(assignmentId, partnerId).read());
    if (!resource || resource['type'] !== 'assignment') return null;
    return { value: fromDocument<Assignment>(resource), etag: resource._etag! };
  }

  async create(assignment: Assignment): Promise<Versioned<Assignment>> {
    const container = await this.container();
    try {
      const { resource } = await cosmosCall(() => container.items.create(toDocument(assignment)));
      return { value: fromDocument<Assignment>(resource!), etag: resource!._etag! };
    } catch (error) {
      if (statusOf(error) === 409) {
        throw new AppError('already-exists', `Assignment ${assignment.assignmentId} already exists.`);
      }
      throw error;
    }
  }

  async update(
    partnerId: string,
    assignmentId: string,
    change: (assignment: Assignment) => Assignment,
  ): Promise<Versioned<Assignment>> {
    const container = await this.container();
    return updateWithRetry({
      what: `Assignment ${assignmentId}`,
      maxAttempts: MAX_ATTEMPTS,
      read: () => this.get(partnerId, assignmentId),
      change,
      replace: async (next, etag) => {
        const { resource } = await cosmosCall(() =>
          container
            .item(assignmentId, partnerId)
            .replace(toDocument(next), { accessCondition: { type: 'IfMatch', condition: etag } }),
        );
        return { value: fromDocument<Assignment>(resource!), etag: resource!._etag! };
      },
    });
  }

  async list(partnerId: string, query: AssignmentQuery, page: PageRequest): Promise<Page<Assignment>> {
    const container = await this.container();
    const where = ['c.partnerId = @partnerId', "c.type = 'assignment'"];
    const parameters: { name: string; value: unknown }[] = [{ name: '@partnerId', value: partnerId }];
    if (query.status) {
      where.push('c.status = @status');
      parameters.push({ name: '@status', value: query.status });
    }
    if (query.personId) {
      where.push('c.personId = @personId');
      parameters.push({ name: '@personId', value: query.personId });
    }
    return queryPage(
      container,
      partnerId,
      `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.assignedAt DESC`,
      parameters,
      page,
      (document) => fromDocument<Assignment>(document),
    );
  }

  async deliveryStates(partnerId: string, bulkJobId: string): Promise<Record<DeliveryState, number>> {
    const container = await this.container();
    const { resources } = await cosmosCall(() =>
      container.items
        .query<DeliveryState>(
          {
            query:
              "SELECT VALUE c.delivery.state FROM c WHERE c.partnerId = @partnerId AND c.type = 'assignment' AND c.bulkJobId = @jobId",
            parameters: [
              { name: '@partnerId', value: partnerId },
              { name: '@jobId', value: bulkJobId },
            ],
          },
          { partitionKey: partnerId },
        )
        .fetchAll(),
    );
    const counts: Record<DeliveryState, number> = { queued: 0, sent: 0, failed: 0 };
    for (const state of resources) counts[state]++;
    return counts;
  }

  async listQueuedDeliveries(limit: number): Promise<Assignment[]> {
    const container = await this.container();
    const { resources } = await cosmosCall(() =>
      container.items
        .query(
          {
            query: "SELECT * FROM c WHERE c.type = 'assignment' AND c.delivery.state = 'queued'",
          },
          { maxItemCount: limit },
        )
        .fetchNext(),
    );
    return resources.map((document) => fromDocument<Assignment>(document));
  }

  async listBySubscriber(identity: { tenantId: string; objectId: string }): Promise<Assignment[]> {
    const container = await this.container();
    const iterator = container.items.query({
      query:
        "SELECT * FROM c WHERE c.type = 'assignment' AND c.subscriber.tenantId = @tenantId AND c.subscriber.objectId = @objectId",
      parameters: [
        { name: '@tenantId', value: identity.tenantId.toLowerCase() },
        { name: '@objectId', value: identity.objectId.toLowerCase() },
      ],
    });
    const { resources } = await cosmosCall(() => iterator.fetchAll());
    return resources.map((document) => fromDocument<Assignment>(document));
  }
}
