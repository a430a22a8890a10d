import { describeUploadStoreContract } from '../../contracts/upload-store.contract.js';
import { FakeUploadStore } from '../../support/fakes/index.js';

describeUploadStoreContract('fake', () => {
  const uploads = new FakeUploadStore();
  return {
    uploads,
    read: async (name) => {
      // The last save under a name is what the store keeps.
      const found = uploads.saved.findLast((saved) => saved.name === name);
      return found ? { bytes: found.bytes, contentType: found.contentType } : null;
    },
  };
});
