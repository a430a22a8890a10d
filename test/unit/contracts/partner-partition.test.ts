import { describePartnerPartitionContract } from '../../contracts/partner-partition.contract.js';
import {
  FakeAssignmentRepository,
  FakeAuditLog,
  FakePartnerPartition,
  FakePartnerRepository,
  FakePersonRepository,
} from '../../support/fakes/index.js';

describePartnerPartitionContract('fake', () => {
  const stores = {
    partners: new FakePartnerRepository(),
    people: new FakePersonRepository(),
    assignments: new FakeAssignmentRepository(),
    audit: new FakeAuditLog(),
  };
  return { ...stores, partition: new FakePartnerPartition(stores) };
});
