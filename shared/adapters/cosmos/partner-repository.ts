import type { Container } from '@azure/cosmos';
import { AppError } from '../../domain/errors.js';
import type { Partner } from '../../domain/partner.js';
import type { Page, PageRequest, PartnerQuery, PartnerRepository, Versioned } from '../../app/ports.js';
import { cosmosCall, fromDocument, queryPage, statusOf, updateWithRetry } from './documents.js';

const AGGREGATE_ID = 'partner';
/** Enough for hundreds of writers racing on one aggregate; each lost race costs one read. */
const MAX_ATTEMPTS = 200;

export class CosmosPartnerRepository implements PartnerRepository {
  constructor(private readonly container: () => Promise<Container>) {}

  async get(partnerId: string): Promise<Versioned<Partner> | null> {
    const container = await this.container();
    const { resource } = await cosmosCall(() => container.item(AGGREGATE_ID, partnerId).read());
    if (!resource) return null;
    return { value: fromDocument<Partner>(resource), etag: resource._etag! };
  }

  async create(partner: Partner): Promise<Versioned<Partner>> {
    const container = await this.container();
    try {
      const { resource } = await cosmosCall(() =>
        container.items.create({ id: AGGREGATE_ID, type: 'partner', ...partner }),
      );
      return { value: fromDocument<Partner>(resource!), etag: resource!._etag! };
    } catch (error) {
      if (statusOf(error) === 409) {
        throw new AppError('already-exists', `Partner ${partner.partnerId} already exists.`, {
          partnerId: partner.partnerId,
        });
      }
      throw error;
    }
  }

  async update(
    partnerId: string,
    change: (partner: Partner) => Partner,
    options: { ifMatch?: string | undefined } = {},
  ): Promise<Versioned<Partner>> {
    const container = await this.container();
    return updateWithRetry({
      what: `Partner ${partnerId}`,
      maxAttempts: MAX_ATTEMPTS,
      read: () => this.get(partnerId),
      precondition: (current) => {
        if (options.ifMatch !== undefined && options.ifMatch !== '*' && options.ifMatch !== current.etag) {
          throw new AppError(
            'precondition-failed',
            'The partner has changed since it was read; read it again.',
          );
        }
      },
      change,
      replace: async (next, etag) => {
        const { resource } = await cosmosCall(() =>
          container
            .item(AGGREGATE_ID, partnerId)
            .replace(
              { id: AGGREGATE_ID, type: 'partner', ...next },
              { accessCondition: { type: 'IfMatch', condition: etag } },
            ),
        );
        return { value: fromDocument<Partner>(resource!), etag: resource!._etag! };
      },
    });
  }

  async *listIds(): AsyncIterable<string> {
    const container = await this.container();
    const iterator = container.items.query<string>(
      { query: "SELECT VALUE c.partnerId FROM c WHERE c.type = 'partner'" },
      { maxItemCount: 100 },
    );
    while (iterator.hasMoreResults()) {
      const { resources } = await cosmosCall(() => iterator.fetchNext());
      for (const partnerId of resources) yield partnerId;
    }
  }

  async list(query: PartnerQuery, page: PageRequest): Promise<Page<Partner>> {
    const container = await this.container();
    const where = ["c.type = 'partner'"];
    const parameters: { name: string; value: unknown }[] = [];
    if (query.text) {
      where.push('(CONTAINS(c.partnerId, @text) OR CONTAINS(LOWER(c.name), @text))');
      parameters.push({ name: '@text', value: query.text.toLowerCase() });
    }
    return queryPage(
      container,
      undefined,
      `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.partnerId`,
      parameters,
      page,
      (document) => fromDocument<Partner>(document),
    );
  }
}
