import { describeBulkJobStoreContract } from '../../contracts/bulk-job-store.contract.js';
import {
  FakeAssignmentRepository,
  FakeAuditLog,
  FakeBulkJobStore,
  FakePartnerPartition,
  FakePartnerRepository,
  FakePersonRepository,
} from '../../support/fakes/index.js';

describeBulkJobStoreContract('fake', () => {
  const partners = new FakePartnerRepository();
  const jobs = new FakeBulkJobStore(partners);
  const partition = new FakePartnerPartition({
    partners,
    people: new FakePersonRepository(),
    assignments: new FakeAssignmentRepository(),
    audit: new FakeAuditLog(),
    jobs,
  });
  return { jobs, partition };
});
