import type { TokenCredential } from '@azure/core-auth';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { AppConfig } from '../../config.js';
import { lazy } from '../../lazy.js';

/** The Storage account's queues and blob containers, by connection string (local) or identity (Azure). */
export interface StorageClients {
  queue(name: string): QueueClient;
  container(name: string): ContainerClient;
}

export function storageClients(
  storage: AppConfig['storage'],
  credential: () => TokenCredential,
): StorageClients {
  const queueService = lazy(() =>
    storage.kind === 'connection-string'
      ? QueueServiceClient.fromConnectionString(storage.connectionString)
      : new QueueServiceClient(storage.queueServiceUri, credential()),
  );
  const blobService = lazy(() => {
    if (storage.kind === 'connection-string')
      return BlobServiceClient.fromConnectionString(storage.connectionString);
    if (!storage.blobServiceUri) throw new Error('AzureWebJobsStorage__blobServiceUri is not set');
    return new BlobServiceClient(storage.blobServiceUri, credential());
  });
  return {
    queue: (name) => queueService().getQueueClient(name),
    container: (name) => blobService().getContainerClient(name),
  };
}
