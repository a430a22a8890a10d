import { describe, expect, it } from 'vitest';
import type { PartnerRepository } from '../../shared/app/ports.js';
import type { Partner } from '../../shared/domain/partner.js';
import { aPartner } from '../support/mothers/partner.js';
import { rejectionOf } from '../support/app-error.js';
import { allPages, freshPartnerId, type MakeSubject } from './support.js';

export interface PartnerRepositorySubject {
  partners: PartnerRepository;
}

const renamed =
  (suffix: string) =>
  (partner: Partner): Partner => ({ ...partner, name: `${partner.name}${suffix}` });

/** What the partner use cases rely on from the aggregate's store, for the fake and Cosmos alike. */
export function describePartnerRepositoryContract(
  label: string,
  makeSubject: MakeSubject<PartnerRepositorySubject>,
): void {
  describe(`PartnerRepository contract: ${label}`, () => {
    const created = async () => {
      const { partners } = await makeSubject();
      const partner = aPartner({ partnerId: freshPartnerId() });
      const stored = await partners.create(partner);
      return { partners, partner, stored };
    };

    it('answers null for a partner that does not exist', async () => {
      const { partners } = await makeSubject();
      expect(await partners.get(freshPartnerId())).toBeNull();
    });

    it('reads back what it created, at the version create answered', async () => {
      const { partners, partner, stored } = await created();
      expect(stored.value).toEqual(partner);
      expect(stored.etag).toEqual(expect.any(String));
      expect(await partners.get(partner.partnerId)).toEqual({ value: partner, etag: stored.etag });
    });

    it('refuses a second create of the same partner with already-exists, naming the partner', async () => {
      const { partners, partner } = await created();
      const error = await rejectionOf(partners.create({ ...partner, name: 'Other' }), 'already-exists');
      // The details become the problem+json extensions of the 409.
      expect(error.details).toEqual({ partnerId: partner.partnerId });
      expect((await partners.get(partner.partnerId))?.value.name).toBe(partner.name);
    });

    it('applies a change with a new ETag, and reads it back at that ETag', async () => {
      const { partners, partner, stored } = await created();
      const updated = await partners.update(partner.partnerId, renamed(' (renamed)'));
      expect(updated.value.name).toBe(`${partner.name} (renamed)`);
      expect(updated.etag).not.toBe(stored.etag);
      expect(await partners.get(partner.partnerId)).toEqual(updated);
    });

    it('honours If-Match: the current ETag and * pass, a stale one fails with precondition-failed', async () => {
      const { partners, partner, stored } = await created();
      const first = await partners.update(partner.partnerId, renamed('-1'), { ifMatch: stored.etag });
      await rejectionOf(
        partners.update(partner.partnerId, renamed('-stale'), { ifMatch: stored.etag }),
        'precondition-failed',
      );
      expect((await partners.get(partner.partnerId))?.value.name).toBe(`${partner.name}-1`);
      const second = await partners.update(partner.partnerId, renamed('-2'), { ifMatch: '*' });
      expect(second.value.name).toBe(`${partner.name}-1-2`);
      expect(second.etag).not.toBe(first.etag);
    });

    it('fails an update of a partner that does not exist with not-found', async () => {
      const { partners } = await makeSubject();
      await rejectionOf(partners.update(freshPartnerId(), renamed('x')), 'not-found');
    });

    it('writes nothing when the change returns the partner it was given', async () => {
      const { partners, partner, stored } = await created();
      const same = await partners.update(partner.partnerId, (current) => current);
      expect(same.etag).toBe(stored.etag);
      expect((await partners.get(partner.partnerId))?.etag).toBe(stored.etag);
    });

    it('writes nothing when the change throws, and passes the error on', async () => {
      const { partners, partner, stored } = await created();
      const refusal = new Error('domain refusal');
      await expect(
        partners.update(partner.partnerId, () => {
          throw refusal;
        }),
      ).rejects.toBe(refusal);
      expect((await partners.get(partner.partnerId))?.etag).toBe(stored.etag);
    });

    it('loses no change when updates race (a lost race re-reads and re-applies)', async () => {
      const { partners, partner } = await created();
      await Promise.all(Array.from({ length: 8 }, () => partners.update(partner.partnerId, renamed('+'))));
      expect((await partners.get(partner.partnerId))?.value.name).toBe(`${partner.name}${'+'.repeat(8)}`);
    });

    it('lists the id of every partner it holds', async () => {
      const { partners } = await makeSubject();
      const ids = [freshPartnerId(), freshPartnerId()];
      for (const partnerId of ids) await partners.create(aPartner({ partnerId }));
      const listed: string[] = [];
      for await (const partnerId of partners.listIds()) listed.push(partnerId);
      expect(listed).toEqual(expect.arrayContaining(ids));
      expect(new Set(listed).size).toBe(listed.length);
    });

    it('lists partners across partitions in id order, page by page, matching the id or the name in any case', async () => {
      const { partners } = await makeSubject();
      // A tag no other test uses: the Cosmos container is shared, so only this test's partners match it.
      const tag = freshPartnerId().slice(-12).toLowerCase();
      const ids = [`${tag}-c`, `${tag}-a`, `${tag}-b`].map((suffix) => `contract-${suffix}`);
      for (const partnerId of ids) await partners.create(aPartner({ partnerId, name: 'Contoso Ltd' }));
      await partners.create(
        aPartner({ partnerId: freshPartnerId(), name: `Named ${tag.toUpperCase()} Inc` }),
      );

      const byId = await allPages(2, (page) => partners.list({ text: `${tag}-` }, page));
      expect(byId.items.map((p) => p.partnerId)).toEqual([...ids].sort());
      expect(byId.pages).toBe(2);
      const byName = await partners.list({ text: `named ${tag}` }, { limit: 10 });
      expect(byName.items.map((p) => p.name)).toEqual([`Named ${tag.toUpperCase()} Inc`]);
      expect(byName.nextCursor).toBeNull();
      const everyone = await allPages(200, (page) => partners.list({}, page));
      const ours = everyone.items.map((p) => p.partnerId).filter((id) => ids.includes(id));
      expect(ours).toEqual([...ids].sort());
    });
  });
}
