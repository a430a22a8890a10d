import { describePersonRepositoryContract } from '../../contracts/person-repository.contract.js';
import { FakePersonRepository } from '../../support/fakes/index.js';

describePersonRepositoryContract('fake', () => ({ people: new FakePersonRepository() }));
