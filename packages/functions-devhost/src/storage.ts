import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';

/**
 * Resolves a binding's `connection` the way the Functions host does for connection strings: the app
 * setting named by it, else `AzureWebJobs<connection>`; no `connection` means `AzureWebJobsStorage`.
 */
export function storageConnectionString(connection: string | undefined, env: NodeJS.ProcessEnv): string {
  const name = connection?.trim() || 'AzureWebJobsStorage';
  const value = env[name] ?? env[`AzureWebJobs${name}`];
  if (value?.trim()) return value;
  const identityBased = Object.keys(env).some((k) => k.toLowerCase().startsWith(`${name.toLowerCase()}__`));
  throw new Error(
    identityBased
      ? `connection "${name}" is identity-based (${name}__...); the dev host needs a connection string in "${name}"`
      : `the storage connection setting "${name}" is not set`,
  );
}

/** Queue clients per (connection string, queue), created lazily and shared. */
export class StorageClients {
  readonly #services = new Map<string, QueueServiceClient>();
  readonly #ensured = new Map<string, Promise<unknown>>();

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  queue(connection: string | undefined, queueName: string): QueueClient {
    const connectionString = storageConnectionString(connection, this.env);
    let service = this.#services.get(connectionString);
    if (!service) {
      service = QueueServiceClient.fromConnectionString(connectionString);
      this.#services.set(connectionString, service);
    }
    return service.getQueueClient(queueName);
  }

  /** Creates the queue once (per process) if missing; a failed attempt is retried next time. */
  async ensureQueue(client: QueueClient): Promise<void> {
    const key = client.url;
    let pending = this.#ensured.get(key);
    if (!pending) {
      pending = client.createIfNotExists();
      this.#ensured.set(key, pending);
      pending.catch(() => this.#ensured.delete(key));
    }
    await pending;
  }
}

export function encodeMessage(text: string, encoding: 'base64' | 'none'): string {
  return encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The message body as bytes; throws when a base64 queue holds a message that is not base64. */
export function decodeMessage(text: string, encoding: 'base64' | 'none'): Buffer {
  if (encoding === 'none') return Buffer.from(text, 'utf8');
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new Error(
      'the message is not valid base64 (host.json extensions.queues.messageEncoding is "base64"); ' +
        'send base64 text or set messageEncoding to "none"',
    );
  }
  return Buffer.from(compact, 'base64');
}
