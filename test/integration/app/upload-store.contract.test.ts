import { randomUUID } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { inject } from 'vitest';
import { BlobUploadStore } from '../../../shared/adapters/storage/upload-store.js';
import { describeUploadStoreContract } from '../../contracts/upload-store.contract.js';

describeUploadStoreContract('Azurite blobs', () => {
  // A container of its own per test, so nothing another test uploaded is read back.
  const container = BlobServiceClient.fromConnectionString(
    inject('stack').storageConnectionString,
  ).getContainerClient(`contract-${randomUUID()}`);
  return {
    uploads: new BlobUploadStore(container),
    read: async (name) => {
      const blob = container.getBlobClient(name);
      if (!(await blob.exists())) return null;
      const properties = await blob.getProperties();
      return { bytes: await blob.downloadToBuffer(), contentType: properties.contentType ?? '' };
    },
  };
});
