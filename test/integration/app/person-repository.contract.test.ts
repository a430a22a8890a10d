import { CosmosPersonRepository } from '../../../shared/adapters/cosmos/person-repository.js';
import { partnersContainer } from '../../../shared/root.js';
import { describePersonRepositoryContract } from '../../contracts/person-repository.contract.js';

describePersonRepositoryContract('Cosmos DB', () => ({
  people: new CosmosPersonRepository(partnersContainer),
}));
