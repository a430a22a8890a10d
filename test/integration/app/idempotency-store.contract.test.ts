import { CosmosIdempotencyStore } from '../../../shared/adapters/cosmos/idempotency-store.js';
import { partnersContainer } from '../../../shared/root.js';
import { describeIdempotencyStoreContract } from '../../contracts/idempotency-store.contract.js';

describeIdempotencyStoreContract('Cosmos DB', () => ({
  store: new CosmosIdempotencyStore(partnersContainer, () => new Date()),
}));
