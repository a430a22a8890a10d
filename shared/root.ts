import { DefaultAzureCredential } from '@azure/identity';
import { config } from './config.js';
import { lazy, lazyBy } from './lazy.js';
import { consoleSink, createLogger } from './log.js';
import type { Clock } from './app/ports.js';
import { revokeAllOf, type AssignmentDeps } from './app/assignments.js';
import type { ActivationDeps } from './app/activation.js';
import type { BulkDeps } from './app/bulk/deps.js';
import { cachedHealth, checkHealth } from './app/check-health.js';
import type { DispatchDeps } from './app/email-dispatch.js';
import type { PartnerDeps } from './app/partners.js';
import type { PeopleDeps } from './app/people.js';
import { hmacInvitationTokens } from './app/tokens.js';
import type { QueueDefinition, QueueMessage } from './app/queues/queue.js';
import { emailDispatchQueue } from './app/queues/email-dispatch.js';
import { bulkAssignmentsQueue } from './app/queues/bulk-assignments.js';
import { createCosmosClient, openPartnersContainer } from './adapters/cosmos/client.js';
import { CosmosAssignmentRepository } from './adapters/cosmos/assignment-repository.js';
import { CosmosAuditLog } from './adapters/cosmos/audit-log.js';
import { CosmosBulkJobStore } from './adapters/cosmos/bulk-job-store.js';
import { CosmosIdempotencyStore } from './adapters/cosmos/idempotency-store.js';
import { CosmosPartnerPartition } from './adapters/cosmos/partition.js';
import { CosmosPartnerRepository } from './adapters/cosmos/partner-repository.js';
import { CosmosPersonRepository } from './adapters/cosmos/person-repository.js';
import { AcsEmailSender } from './adapters/email/acs-email-sender.js';
import { dependencyProbes } from './adapters/health-probes.js';
import { readQueueRetry } from './adapters/host-settings.js';
import { createSignIn } from './adapters/identity/sign-in.js';
import { createTokenVerifier } from './adapters/identity/token-verifier.js';
import { storageClients } from './adapters/storage/clients.js';
import { JsonQueue } from './adapters/storage/json-queue.js';
import { BlobUploadStore, BULK_UPLOADS_CONTAINER } from './adapters/storage/upload-store.js';
import { endpointFactory } from './http/endpoint.js';
import { queueHandlerFactory } from './http/queue-handler.js';
import { sealedCookies } from './http/sealed-cookies.js';
import { allEndpoints } from './http/contract/index.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { CONSOLE_DIST, type ConsoleSite } from './http/console-site.js';

/**
 * The composition root: the one place that reads the configuration and builds what the functions use.
 * Each adapter is built once per process, on first use (`lazy`), so importing a function file touches
 * no network and a test can set the environment first. Functions take their use cases' dependencies,
 * the wrappers (`endpoint`, `queueHandler`) and the clock from here; nothing below
 * `shared/` reaches for the configuration or an adapter by itself.
 */
export const clock: Clock = () => new Date();
export const processLog = createLogger(consoleSink, { component: 'partner-subscriptions' });

// Clients
const credential = lazy(() => new DefaultAzureCredential());
const storage = lazy(() => storageClients(config().storage, credential));
const cosmos = lazy(() => createCosmosClient(config().cosmos, credential));
export const partnersContainer = lazy(() => openPartnersContainer(cosmos(), config().cosmos));

// Adapters
export const partnerPartition = lazy(() => new CosmosPartnerPartition(partnersContainer));
export const partnerRepository = lazy(() => new CosmosPartnerRepository(partnersContainer));
export const personRepository = lazy(() => new CosmosPersonRepository(partnersContainer));
export const assignmentRepository = lazy(() => new CosmosAssignmentRepository(partnersContainer));
export const auditLog = lazy(() => new CosmosAuditLog(partnersContainer, processLog));
export const idempotencyStore = lazy(() => new CosmosIdempotencyStore(partnersContainer, clock));
export const bulkJobStore = lazy(() => new CosmosBulkJobStore(partnersContainer));
const uploadStore = lazy(() => new BlobUploadStore(storage().container(BULK_UPLOADS_CONTAINER)));
const emailSender = lazy(() => new AcsEmailSender(config().email, credential));
const tokenVerifier = lazy(() => createTokenVerifier(config().auth));
export const invitationTokens = lazy(() => hmacInvitationTokens(config().invitationSecret));
export const signIn = lazy(() => createSignIn(config()));

/** Every queue's sender, one per queue, made from its definition. */
export const queueOf = lazyBy(
  (definition: QueueDefinition<QueueMessage>) => new JsonQueue(storage().queue(definition.name)),
) as <T extends QueueMessage>(definition: QueueDefinition<T>) => JsonQueue<T>;
const emailQueue = () => queueOf(emailDispatchQueue);

// The wrappers every function goes through
export const endpoint = endpointFactory(
  lazy(() => ({
    tokens: tokenVerifier(),
    idempotency: idempotencyStore(),
    partners: partnerRepository(),
    clock,
  })),
);
export const queueHandler = queueHandlerFactory(lazy(() => ({ retry: readQueueRetry(), queue: queueOf })));
export const cookies = lazy(() =>
  sealedCookies({
    secret: config().signIn.sessionSecret,
    secure: config().publicBaseUrl.startsWith('https://'),
  }),
);

/** The admin console's built files and its sign-in settings. */
export const consoleSite = lazy((): ConsoleSite => ({ dist: CONSOLE_DIST, console: config().console }));

/** The served OpenAPI document, built from the endpoints' specs once. */
export const openApiDocument = lazy(() => buildOpenApiDocument(allEndpoints, config().publicBaseUrl));

/** Health is checked at most every few seconds, whoever asks (see cachedHealth). */
const HEALTH_CACHE_MS = 5_000;
export const healthReport = lazy(() =>
  cachedHealth(
    () =>
      checkHealth(
        dependencyProbes({
          container: partnersContainer,
          queue: () => storage().queue(emailDispatchQueue.name),
          auth: config().auth,
          email: config().email,
        }),
        config().healthTimeoutMs,
        clock,
      ),
    HEALTH_CACHE_MS,
    clock,
  ),
);

const links = lazy(() => ({
  activationUrl: (partnerId: string, assignmentId: string, token: string) => {
    const url = new URL('/api/activate', config().publicBaseUrl);
    url.search = new URLSearchParams({ partner: partnerId, assignment: assignmentId, token }).toString();
    return url.toString();
  },
}));

// Each use-case family's dependencies
export const partnerDeps = lazy((): PartnerDeps => ({
  partners: partnerRepository(),
  audit: auditLog(),
  clock,
}));

export const auditDeps = lazy(() => ({ partners: partnerRepository(), audit: auditLog(), clock }));

export const assignmentDeps = lazy((): AssignmentDeps => ({
  partners: partnerRepository(),
  partition: partnerPartition(),
  people: personRepository(),
  assignments: assignmentRepository(),
  audit: auditLog(),
  clock,
  emails: emailQueue(),
  invitations: invitationTokens(),
  policy: config().assignments,
  warn: (event, fields) => processLog.warn(event, fields),
}));

export const peopleDeps = lazy((): PeopleDeps => ({
  partners: partnerRepository(),
  partition: partnerPartition(),
  people: personRepository(),
  audit: auditLog(),
  clock,
  endSubscriptions: (ctx, partnerId, personId) => revokeAllOf(assignmentDeps(), ctx, partnerId, personId),
}));

export const dispatchDeps = lazy((): DispatchDeps => ({
  partners: partnerRepository(),
  people: personRepository(),
  assignments: assignmentRepository(),
  sender: emailSender(),
  emails: emailQueue(),
  links: links(),
  invitations: invitationTokens(),
  clock,
  policy: config().assignments,
}));

export const expiryDeps = lazy(() => ({
  partners: partnerRepository(),
  assignments: assignmentRepository(),
  clock,
  policy: config().assignments,
}));

export const activationDeps = lazy((): ActivationDeps => ({
  partners: partnerRepository(),
  people: personRepository(),
  assignments: assignmentRepository(),
  audit: auditLog(),
  clock,
}));

export const bulkDeps = lazy((): BulkDeps => ({
  jobs: bulkJobStore(),
  queue: queueOf(bulkAssignmentsQueue),
  uploads: uploadStore(),
  partners: partnerRepository(),
  partition: partnerPartition(),
  assignments: assignmentRepository(),
  audit: auditLog(),
  clock,
  emails: emailQueue(),
  invitations: invitationTokens(),
  policy: config().assignments,
}));
