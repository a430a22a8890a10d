import type { ContainerClient } from '@azure/storage-blob';
import type { UploadStore } from '../../app/ports.js';

export const BULK_UPLOADS_CONTAINER = 'bulk-uploads';

/** Large bulk uploads, kept as they came in a private blob container. */
export class BlobUploadStore implements UploadStore {
  private ready: Promise<unknown> | undefined;

  constructor(private readonly container: ContainerClient) {}

  async save(name: string, bytes: Buffer, contentType: string): Promise<string> {
    this.ready ??= this.container.createIfNotExists().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    await this.container
      .getBlockBlobClient(name)
      .uploadData(bytes, { blobHTTPHeaders: { blobContentType: contentType } });
    return name;
  }
}
