import { describePartnerRepositoryContract } from '../../contracts/partner-repository.contract.js';
import { FakePartnerRepository } from '../../support/fakes/index.js';

describePartnerRepositoryContract('fake', () => ({ partners: new FakePartnerRepository() }));
