import { CosmosPartnerRepository } from '../../../shared/adapters/cosmos/partner-repository.js';
import { partnersContainer } from '../../../shared/root.js';
import { describePartnerRepositoryContract } from '../../contracts/partner-repository.contract.js';

describePartnerRepositoryContract('Cosmos DB', () => ({
  partners: new CosmosPartnerRepository(partnersContainer),
}));
