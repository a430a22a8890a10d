import { describeAuditLogContract } from '../../contracts/audit-log.contract.js';
import { FakeAuditLog } from '../../support/fakes/index.js';

describeAuditLogContract('fake', () => ({ audit: new FakeAuditLog() }));
