import { consoleSink, createLogger } from '../log.js';
import { partnersContainer } from './cosmos/client.js';
import { CosmosAuditLog } from './cosmos/audit-log.js';
import { CosmosIdempotencyStore } from './cosmos/idempotency-store.js';
import { CosmosPartnerRepository } from './cosmos/partner-repository.js';
import { CosmosPersonRepository } from './cosmos/person-repository.js';

/** The composition root: each adapter is built once per process, on first use. */
const once = <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= build());
};

const processLog = createLogger(consoleSink, { component: 'adapters' });

export const partnerRepository = once(() => new CosmosPartnerRepository(partnersContainer));
export const personRepository = once(() => new CosmosPersonRepository(partnersContainer));
export const auditLog = once(() => new CosmosAuditLog(partnersContainer, processLog));
export const idempotencyStore = once(() => new CosmosIdempotencyStore(partnersContainer));

export const peopleDeps = once(() => ({
  partners: partnerRepository(),
  people: personRepository(),
  audit: auditLog(),
}));
