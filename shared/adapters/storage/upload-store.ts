import type { ContainerClient } from '@azure/storage-blob';
import type { UploadStore } from '../../app/ports.js';
import { lazy } from '../../lazy.js';

export const BULK_UPLOADS_CONTAINER = 'bulk-uploads';

/** Large bulk uploads, kept as they came in a private blob container. */
export class BlobUploadStore implements UploadStore {
  /** Created once per process; a failed create is tried again by the next save. */
  private readonly ready = lazy(() => this.container.createIfNotExists());

  constructor(private readonly container: ContainerClient) {}

  async save(name: string, bytes: Buffer, contentType: string): Promise<string> {
    await this.ready();
    await this.container
      .getBlockBlobClient(name)
      .uploadData(bytes, { blobHTTPHeaders: { blobContentType: contentType } });
    return name;
  }
}
