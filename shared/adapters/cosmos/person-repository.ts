import type { Container } from '@azure/cosmos';
import { AppError } from '../../domain/errors.js';
import type { Person } from '../../domain/person.js';
import type { Page, PageRequest, PersonQuery, PersonRepository, Versioned } from '../../app/ports.js';
import { cosmosCall, fromDocument, queryPage, statusOf } from './documents.js';

const toDocument = (person: Person) => ({ id: person.personId, type: 'person', ...person });

export class CosmosPersonRepository implements PersonRepository {
  constructor(private readonly container: () => Promise<Container>) {}

  async get(partnerId: string, personId: string): Promise<Versioned<Person> | null> {
    const container = await this.container();
    const { resource } = await cosmosCall(() => container.item(personId, partnerId).read());
    if (!resource || resource['type'] !== 'person') return null;
    return { value: fromDocument<Person>(resource), etag: resource._etag! };
  }

  async create(person: Person): Promise<Versioned<Person>> {
    const container = await this.container();
    try {
      const { resource } = await cosmosCall(() => container.items.create(toDocument(person)));
      return { value: fromDocument<Person>(resource!), etag: resource!._etag! };
    } catch (error) {
      if (statusOf(error) === 409) {
        throw new AppError(
          'already-exists',
          `A person with the email ${person.email} is already associated.`,
          {
            personId: person.personId,
          },
        );
      }
      throw error;
    }
  }

  async replace(person: Person, ifMatch: string): Promise<Versioned<Person>> {
    const container = await this.container();
    try {
      const { resource } = await cosmosCall(() =>
        container
          .item(person.personId, person.partnerId)
          .replace(toDocument(person), { accessCondition: { type: 'IfMatch', condition: ifMatch } }),
      );
      return { value: fromDocument<Person>(resource!), etag: resource!._etag! };
    } catch (error) {
      if (statusOf(error) === 412) {
        throw new AppError('precondition-failed', 'The person has changed since it was read; read it again.');
      }
      if (statusOf(error) === 404)
        throw new AppError('not-found', `Person ${person.personId} was not found.`);
      throw error;
    }
  }

  async delete(partnerId: string, personId: string, ifMatch?: string): Promise<void> {
    const container = await this.container();
    try {
      await cosmosCall(() =>
        container
          .item(personId, partnerId)
          .delete(ifMatch ? { accessCondition: { type: 'IfMatch', condition: ifMatch } } : {}),
      );
    } catch (error) {
      if (statusOf(error) === 412) {
        throw new AppError('precondition-failed', 'The person has changed since it was read; read it again.');
      }
      if (statusOf(error) === 404) return; // already gone: deleting is idempotent
      throw error;
    }
  }

  async list(partnerId: string, query: PersonQuery, page: PageRequest): Promise<Page<Person>> {
    const container = await this.container();
    const where = ['c.partnerId = @partnerId', "c.type = 'person'"];
    const parameters: { name: string; value: unknown }[] = [{ name: '@partnerId', value: partnerId }];
    if (query.text) {
      where.push(
        '(CONTAINS(c.emailLower, @text) OR CONTAINS(LOWER(c.firstName), @text) OR CONTAINS(LOWER(c.lastName), @text))',
      );
      parameters.push({ name: '@text', value: query.text.toLowerCase() });
    }
    if (query.personIds) {
      where.push('ARRAY_CONTAINS(@personIds, c.id)');
      parameters.push({ name: '@personIds', value: query.personIds });
    }
    return queryPage(
      container,
      partnerId,
      `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.emailLower`,
      parameters,
      page,
      (document) => fromDocument<Person>(document),
    );
  }
}
