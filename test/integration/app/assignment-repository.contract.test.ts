import { CosmosAssignmentRepository } from '../../../shared/adapters/cosmos/assignment-repository.js';
import { partnersContainer } from '../../../shared/root.js';
import { describeAssignmentRepositoryContract } from '../../contracts/assignment-repository.contract.js';

describeAssignmentRepositoryContract('Cosmos DB', () => ({
  assignments: new CosmosAssignmentRepository(partnersContainer),
}));
