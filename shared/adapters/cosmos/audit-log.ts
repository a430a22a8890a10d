import type { Container } from '@azure/cosmos';
import type { AuditEvent, AuditLog, Page, PageRequest } from '../../app/ports.js';
import type { Logger } from '../../log.js';
import { cosmosCall, fromDocument, queryPage } from './documents.js';

/**
 * Audit events are documents in the partner's partition. The change they describe has already
 * committed when they are written, so a failed write is logged loudly rather than failing the call.
 */
export class CosmosAuditLog implements AuditLog {
  constructor(
    private readonly container: () => Promise<Container>,
    private readonly log: Logger,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    try {
      const container = await this.container();
      await cosmosCall(() =>
        container.items.create({ id: `audit-${event.eventId}`, type: 'audit', ...event }),
      );
    } catch (error) {
      this.log.error('audit.write-failed', {
        partnerId: event.partnerId,
        action: event.action,
        target: event.target,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  async list(partnerId: string, page: PageRequest): Promise<Page<AuditEvent>> {
    const container = await this.container();
    return queryPage(
      container,
      partnerId,
      "SELECT * FROM c WHERE c.partnerId = @partnerId AND c.type = 'audit' ORDER BY c.at DESC",
      [{ name: '@partnerId', value: partnerId }],
      page,
      (document) => fromDocument<AuditEvent>(document),
    );
  }
}
