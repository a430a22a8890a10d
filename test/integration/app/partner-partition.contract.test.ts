import { CosmosAssignmentRepository } from '../../../shared/adapters/cosmos/assignment-repository.js';
import { CosmosAuditLog } from '../../../shared/adapters/cosmos/audit-log.js';
import { CosmosPartnerPartition } from '../../../shared/adapters/cosmos/partition.js';
import { CosmosPersonRepository } from '../../../shared/adapters/cosmos/person-repository.js';
import { createLogger } from '../../../shared/log.js';
import { partnersContainer } from '../../../shared/root.js';
import { describePartnerPartitionContract } from '../../contracts/partner-partition.contract.js';

describePartnerPartitionContract('Cosmos DB', () => ({
  partition: new CosmosPartnerPartition(partnersContainer),
  people: new CosmosPersonRepository(partnersContainer),
  assignments: new CosmosAssignmentRepository(partnersContainer),
  audit: new CosmosAuditLog(
    partnersContainer,
    createLogger(() => {}),
  ),
}));
