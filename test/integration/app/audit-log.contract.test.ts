import { CosmosAuditLog } from '../../../shared/adapters/cosmos/audit-log.js';
import { createLogger } from '../../../shared/log.js';
import { partnersContainer } from '../../../shared/root.js';
import { describeAuditLogContract } from '../../contracts/audit-log.contract.js';

// The adapter logs a write it could not make; these tests assert on the log's contents, not on the lines.
const quiet = createLogger(() => {});

describeAuditLogContract('Cosmos DB', () => ({ audit: new CosmosAuditLog(partnersContainer, quiet) }));
