import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { BlobServiceClient } from '@azure/storage-blob';
import { config } from '../../config.js';
import { azureCredential } from '../credential.js';

let queueService: QueueServiceClient | undefined;
let blobService: BlobServiceClient | undefined;

export function queueServiceClient(): QueueServiceClient {
  if (!queueService) {
    const storage = config().storage;
    queueService =
      storage.kind === 'connection-string'
        ? QueueServiceClient.fromConnectionString(storage.connectionString)
        : new QueueServiceClient(storage.queueServiceUri, azureCredential());
  }
  return queueService;
}

export function blobServiceClient(): BlobServiceClient {
  if (!blobService) {
    const storage = config().storage;
    if (storage.kind === 'connection-string') {
      blobService = BlobServiceClient.fromConnectionString(storage.connectionString);
    } else {
      if (!storage.blobServiceUri) throw new Error('AzureWebJobsStorage__blobServiceUri is not set');
      blobService = new BlobServiceClient(storage.blobServiceUri, azureCredential());
    }
  }
  return blobService;
}

const queues = new Map<string, QueueClient>();

export function queueClient(name: string): QueueClient {
  let queue = queues.get(name);
  if (!queue) {
    queue = queueServiceClient().getQueueClient(name);
    queues.set(name, queue);
  }
  return queue;
}
