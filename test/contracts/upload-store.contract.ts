import { describe, expect, it } from 'vitest';
import type { UploadStore } from '../../shared/app/ports.js';
import { freshId, type MakeSubject } from './support.js';

export interface UploadStoreSubject {
  uploads: UploadStore;
  /** What the store keeps under a name (the port itself only writes). */
  read(name: string): Promise<{ bytes: Buffer; contentType: string } | null>;
}

/** What submitting a large bulk job relies on: the upload kept as it came, under the name given. */
export function describeUploadStoreContract(
  label: string,
  makeSubject: MakeSubject<UploadStoreSubject>,
): void {
  describe(`UploadStore contract: ${label}`, () => {
    it('keeps the bytes and content type under the name it answers', async () => {
      const { uploads, read } = await makeSubject();
      const name = `${freshId('partner')}/${freshId('job')}.csv`;
      const bytes = Buffer.from('email,firstName\nada@contoso.com,Ada\n', 'utf8');
      expect(await uploads.save(name, bytes, 'text/csv')).toBe(name);
      expect(await read(name)).toEqual({ bytes, contentType: 'text/csv' });
    });

    it('keeps bytes that are not text unchanged', async () => {
      const { uploads, read } = await makeSubject();
      const name = `${freshId('partner')}/${freshId('job')}.json`;
      const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x00, 0xff, 0x7b, 0x7d]);
      await uploads.save(name, bytes, 'application/json');
      expect((await read(name))?.bytes.equals(bytes)).toBe(true);
    });

    it('replaces what an earlier save kept under the same name (a retried submit)', async () => {
      const { uploads, read } = await makeSubject();
      const name = `${freshId('partner')}/${freshId('job')}.csv`;
      await uploads.save(name, Buffer.from('first'), 'text/csv');
      await uploads.save(name, Buffer.from('second'), 'text/csv');
      expect((await read(name))?.bytes.toString()).toBe('second');
      expect(await read(`${name}.missing`)).toBeNull();
    });
  });
}
