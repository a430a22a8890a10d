import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/infra-check.js';
import { definedQueueNames } from '../support/queue-homes.js';

/** What the template must hold, read from the app itself where the app defines it. */

export const sample = JSON.parse(readFileSync(join(ROOT, 'local.settings.sample.json'), 'utf8')) as {
  Values: Record<string, string>;
};
/** Settings that exist only locally (emulator keys, dev tooling) or may be absent in Azure. */
export const LOCAL_ONLY = new Set([
  'COSMOS_KEY',
  'EMAIL_ACCESS_KEY',
  'NODE_EXTRA_CA_CERTS',
  'AzureWebJobsStorage',
  'FUNCTIONS_WORKER_RUNTIME',
  'HEALTH_TIMEOUT_MS',
  'AUTH_ADDITIONAL_ISSUERS',
  // Optional in Azure: the app's defaults apply (access_as_user; the keys the issuer's discovery names).
  'AUTH_SCOPE',
  'AUTH_JWKS_URI',
]);
export const REQUIRED_SETTINGS = [
  ...Object.keys(sample.Values).filter((name) => !LOCAL_ONLY.has(name)),
  // Identity-based AzureWebJobsStorage instead of the local connection string.
  'AzureWebJobsStorage__queueServiceUri',
  'AzureWebJobsStorage__blobServiceUri',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'AZURE_CLIENT_ID',
];
/** Must not be set in Azure: keys, a connection string, and what Flex Consumption rejects. */
export const FORBIDDEN_SETTINGS = [
  'COSMOS_KEY',
  'EMAIL_ACCESS_KEY',
  'AzureWebJobsStorage',
  'FUNCTIONS_WORKER_RUNTIME',
];
/** The literal secrets of the local sample, which must never reach Azure. */
export const SAMPLE_SECRETS = [
  'COSMOS_KEY',
  'EMAIL_ACCESS_KEY',
  'AUTH_CLIENT_SECRET',
  'SESSION_SECRET',
  'INVITATION_SECRET',
]
  .map((name) => sample.Values[name])
  .filter((value): value is string => typeof value === 'string' && value.length > 0);
export const CREDENTIAL_PATTERNS = [
  /AccountKey=/i,
  /accesskey=/i,
  /SharedAccessSignature/i,
  /SharedAccessKey/i,
  /Password/i,
  /[?&]sig=/i,
  /\blist[A-Za-z]*\(/i,
];
export const KEY_VAULT_REFERENCE = /^\[format\('@Microsoft\.KeyVault\(SecretUri=\{0\}\)', (.+)\)\]$/;
/** Built-in roles the identity needs, by the GUID each role definition ID ends with. */
export const REQUIRED_ROLES: Record<string, string> = {
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': 'Storage Blob Data Owner',
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe': 'Storage Blob Data Contributor',
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88': 'Storage Queue Data Contributor',
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3': 'Storage Table Data Contributor',
  '3913510d-42f4-4e42-8a64-420c390055eb': 'Monitoring Metrics Publisher',
  '4633458b-17de-408a-b874-0445c86b69e6': 'Key Vault Secrets User',
};
export const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
export const COSMOS_DATA_CONTRIBUTOR = '00000000-0000-0000-0000-000000000002';

export const ROLE_ASSIGNMENTS = 'Microsoft.Authorization/roleAssignments';
export const STORAGE_ACCOUNT = 'Microsoft.Storage/storageAccounts';
export const CONTAINER = 'Microsoft.Storage/storageAccounts/blobServices/containers';
export const QUEUE = 'Microsoft.Storage/storageAccounts/queueServices/queues';
export const BLOB_DATA_OWNER = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b';
export const BLOB_DATA_CONTRIBUTOR = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';
export const QUEUE_DATA_CONTRIBUTOR = '974c5e8b-45b9-4653-ba55-5f855dd0fb88';
export const TABLE_DATA_CONTRIBUTOR = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3';
/** Built-in roles that reach storage data (or, for Storage Account Contributor, the keys to it). */
export const STORAGE_ROLES: Record<string, string> = {
  [BLOB_DATA_OWNER]: 'Storage Blob Data Owner',
  [BLOB_DATA_CONTRIBUTOR]: 'Storage Blob Data Contributor',
  '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1': 'Storage Blob Data Reader',
  [QUEUE_DATA_CONTRIBUTOR]: 'Storage Queue Data Contributor',
  '19e7f393-937e-4f77-808e-94535e297925': 'Storage Queue Data Reader',
  '8a0f0c08-91a1-4084-bc3d-661d67233fed': 'Storage Queue Data Message Processor',
  'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a': 'Storage Queue Data Message Sender',
  [TABLE_DATA_CONTRIBUTOR]: 'Storage Table Data Contributor',
  '76199698-9eea-4c19-bc75-cec21354c6b6': 'Storage Table Data Reader',
  '17d1049b-9a84-46fb-8f53-869881c3d3ab': 'Storage Account Contributor',
};
/** The one action the Functions host's List Containers health check needs on the account. */
export const LIST_CONTAINERS_ACTION = 'Microsoft.Storage/storageAccounts/blobServices/containers/read';
/** The Functions host's own blob containers (AzureWebJobsStorage locks and keys). */
export const HOST_CONTAINERS = ['azure-webjobs-hosts', 'azure-webjobs-secrets'];
/** Each secret setting and the Key Vault secret its reference must name. */
export const VAULT_SECRETS: Record<string, string> = {
  AUTH_CLIENT_SECRET: 'auth-client-secret',
  SESSION_SECRET: 'session-secret',
  INVITATION_SECRET: 'invitation-secret',
};
/** The app secrets azd must keep stable across provisions, with the variable that may override each. */
export const STABLE_SECRETS: Record<string, string> = {
  sessionSecret: 'SESSION_SECRET',
  invitationSecret: 'INVITATION_SECRET',
};

/** Every queue is defined in its own home in shared/app/queues (imported, not parsed). */
export const queueNames = await definedQueueNames();

/** The queues the app defines and the blob containers its storage adapters name. */
export function appStorageNames(): { queues: string[]; containers: string[] } {
  const dir = join(ROOT, 'shared', 'adapters', 'storage');
  const source = readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(dir, file), 'utf8'))
    .join('\n');
  const containers = [...source.matchAll(/export const \w+_CONTAINER = '([^']+)'/g)].map((m) => m[1]!);
  return { queues: queueNames, containers };
}
