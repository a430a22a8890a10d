import { describeAssignmentRepositoryContract } from '../../contracts/assignment-repository.contract.js';
import { FakeAssignmentRepository } from '../../support/fakes/index.js';

describeAssignmentRepositoryContract('fake', () => ({ assignments: new FakeAssignmentRepository() }));
