import { config } from '../config.js';
import { consoleSink, createLogger } from '../log.js';
import { revokeAllOf, type AssignmentDeps } from '../app/assignments.js';
import type { DispatchDeps } from '../app/email-dispatch.js';
import type { PeopleDeps } from '../app/people.js';
import { partnersContainer } from './cosmos/client.js';
import { CosmosAssignmentRepository } from './cosmos/assignment-repository.js';
import { CosmosAuditLog } from './cosmos/audit-log.js';
import { CosmosIdempotencyStore } from './cosmos/idempotency-store.js';
import { CosmosPartnerRepository } from './cosmos/partner-repository.js';
import { CosmosPartnerPartition } from './cosmos/partition.js';
import { CosmosPersonRepository } from './cosmos/person-repository.js';
import { AcsEmailSender } from './email/acs-email-sender.js';
import { blobServiceClient, queueClient } from './storage/clients.js';
import { BULK_ASSIGNMENTS_QUEUE, StorageBulkQueue } from './storage/bulk-queue.js';
import { BlobUploadStore, BULK_UPLOADS_CONTAINER } from './storage/upload-store.js';
import { CosmosBulkJobStore } from './cosmos/bulk-job-store.js';
import type { BulkDeps } from '../app/bulk/deps.js';
import { cachedHealth, checkHealth } from '../app/check-health.js';
import { dependencyProbes } from './health-probes.js';
import { hmacInvitationTokens } from '../app/tokens.js';
import { EMAIL_DISPATCH_QUEUE, StorageEmailQueue } from './storage/email-queue.js';

/** The composition root: each adapter is built once per process, on first use. */
const once = <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= build());
};

export const processLog = createLogger(consoleSink, { component: 'partner-subscriptions' });

export const partnerPartition = once(() => new CosmosPartnerPartition(partnersContainer));
export const partnerRepository = once(() => new CosmosPartnerRepository(partnersContainer));
export const personRepository = once(() => new CosmosPersonRepository(partnersContainer));
export const assignmentRepository = once(() => new CosmosAssignmentRepository(partnersContainer));
export const auditLog = once(() => new CosmosAuditLog(partnersContainer, processLog));
export const idempotencyStore = once(() => new CosmosIdempotencyStore(partnersContainer));
export const emailQueue = once(() => new StorageEmailQueue(queueClient(EMAIL_DISPATCH_QUEUE)));
export const emailSender = once(() => new AcsEmailSender(config().email));

export const invitationTokens = once(() => hmacInvitationTokens(config().invitationSecret));

/** Health is checked at most every few seconds, whoever asks (see cachedHealth). */
const HEALTH_CACHE_MS = 5_000;
export const healthReport = once(() =>
  cachedHealth(() => checkHealth(dependencyProbes(), config().healthTimeoutMs), HEALTH_CACHE_MS),
);

export const links = once(() => ({
  activationUrl: (partnerId: string, assignmentId: string, token: string) => {
    const url = new URL('/api/activate', config().publicBaseUrl);
    url.search = new URLSearchParams({ partner: partnerId, assignment: assignmentId, token }).toString();
    return url.toString();
  },
}));

export const assignmentDeps = once((): AssignmentDeps => ({
  partners: partnerRepository(),
  partition: partnerPartition(),
  people: personRepository(),
  assignments: assignmentRepository(),
  audit: auditLog(),
  emails: emailQueue(),
  invitations: invitationTokens(),
  policy: config().assignments,
  warn: (event, fields) => processLog.warn(event, fields),
}));

export const peopleDeps = once((): PeopleDeps => ({
  partners: partnerRepository(),
  partition: partnerPartition(),
  people: personRepository(),
  audit: auditLog(),
  endSubscriptions: (ctx, partnerId, personId) => revokeAllOf(assignmentDeps(), ctx, partnerId, personId),
}));

export const dispatchDeps = once((): DispatchDeps => ({
  partners: partnerRepository(),
  people: personRepository(),
  assignments: assignmentRepository(),
  sender: emailSender(),
  emails: emailQueue(),
  links: links(),
  invitations: invitationTokens(),
  now: () => new Date(),
}));

export const activationDeps = once(() => ({
  partners: partnerRepository(),
  people: personRepository(),
  assignments: assignmentRepository(),
  audit: auditLog(),
}));

export const bulkDeps = once((): BulkDeps => ({
  jobs: new CosmosBulkJobStore(partnersContainer),
  queue: new StorageBulkQueue(queueClient(BULK_ASSIGNMENTS_QUEUE)),
  uploads: new BlobUploadStore(blobServiceClient().getContainerClient(BULK_UPLOADS_CONTAINER)),
  partners: partnerRepository(),
  partition: partnerPartition(),
  assignments: assignmentRepository(),
  audit: auditLog(),
  emails: emailQueue(),
  invitations: invitationTokens(),
  policy: config().assignments,
}));
