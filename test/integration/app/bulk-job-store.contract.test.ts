import { CosmosBulkJobStore } from '../../../shared/adapters/cosmos/bulk-job-store.js';
import { CosmosPartnerPartition } from '../../../shared/adapters/cosmos/partition.js';
import { partnersContainer } from '../../../shared/root.js';
import { describeBulkJobStoreContract } from '../../contracts/bulk-job-store.contract.js';

describeBulkJobStoreContract('Cosmos DB', () => ({
  jobs: new CosmosBulkJobStore(partnersContainer),
  partition: new CosmosPartnerPartition(partnersContainer),
}));
