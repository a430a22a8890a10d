import type { BulkJob } from '../../domain/bulk.js';
import type { Principal } from '../../domain/principal.js';
import type { AssignmentPolicy } from '../assignments.js';
import type {
  AssignmentRepository,
  AuditLog,
  BulkJobStore,
  BulkQueue,
  Clock,
  EmailQueue,
  PartnerPartition,
  PartnerRepository,
  UploadStore,
} from '../ports.js';
import type { InvitationTokens } from '../tokens.js';

/** What bulk jobs need: their own store and queue, the partner's partition, and the email queue. */
export interface BulkDeps {
  jobs: BulkJobStore;
  queue: BulkQueue;
  uploads: UploadStore;
  partners: PartnerRepository;
  partition: PartnerPartition;
  assignments: AssignmentRepository;
  audit: AuditLog;
  clock: Clock;
  emails: EmailQueue;
  invitations: InvitationTokens;
  policy: AssignmentPolicy;
}

/** The job runs under the identity of the administrator who submitted it. */
export const principalOf = (job: BulkJob): Principal => ({
  issuer: job.createdBy.issuer,
  subject: job.createdBy.subject,
  tenantId: job.createdBy.tenantId,
  objectId: job.createdBy.objectId,
  email: job.createdBy.email ?? undefined,
  roles: job.createdBy.roles,
});
