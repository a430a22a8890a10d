import { describeIdempotencyStoreContract } from '../../contracts/idempotency-store.contract.js';
import { FakeIdempotencyStore } from '../../support/fakes/index.js';

describeIdempotencyStoreContract('fake', () => ({ store: new FakeIdempotencyStore() }));
