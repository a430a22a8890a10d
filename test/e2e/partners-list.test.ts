import { describe, expect, it } from 'vitest';
import { aPartnerBody, adminOf, testApp, uniquePartnerId } from '../support/app.js';

const { api, operator } = testApp();

interface PartnerPage {
  items: { partnerId: string; name: string; usage: unknown[] }[];
  nextCursor: string | null;
}

/** Three partners whose ids share a prefix no other test uses, created in reverse order. */
async function threePartners() {
  const prefix = uniquePartnerId('list');
  const bodies = ['c', 'b', 'a'].map((suffix) => aPartnerBody({ partnerId: `${prefix}-${suffix}` }));
  for (const body of bodies) {
    expect((await api.request('POST', '/partners', { as: operator, body })).status).toBe(201);
  }
  return { prefix, bodies };
}

describe('GET /api/partners', () => {
  it('gives an operator every partner in id order, page by page, searchable by id or name', async () => {
    const { prefix } = await threePartners();
    const first = await api.request<PartnerPage>('GET', `/partners?q=${prefix}&limit=2`, { as: operator });
    expect(first.status).toBe(200);
    expect(first.body.items.map((p) => p.partnerId)).toEqual([`${prefix}-a`, `${prefix}-b`]);
    expect(first.body.items[0]!.usage).toEqual(expect.any(Array));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const cursor = encodeURIComponent(first.body.nextCursor!);
    const second = await api.request<PartnerPage>('GET', `/partners?q=${prefix}&limit=2&cursor=${cursor}`, {
      as: operator,
    });
    expect(second.body.items.map((p) => p.partnerId)).toEqual([`${prefix}-c`]);
    expect(second.body.nextCursor).toBeNull();

    // The name matches in any case (the bodies are named "Partner <id>").
    const byName = await api.request<PartnerPage>('GET', `/partners?q=PARTNER%20${prefix}-B`, {
      as: operator,
    });
    expect(byName.body.items.map((p) => p.partnerId)).toEqual([`${prefix}-b`]);
  });

  it('refuses a Program Administrator with forbidden: an administrator sees its own partner only', async () => {
    const { bodies } = await threePartners();
    const listed = await api.request<{ code: string }>('GET', '/partners', { as: adminOf(bodies[0]!) });
    expect(listed.status).toBe(403);
    expect(listed.body.code).toBe('forbidden');
  });

  it('refuses a caller without a token, and a query it does not know', async () => {
    expect((await api.request('GET', '/partners')).status).toBe(401);
    const unknown = await api.request<{ code: string }>('GET', '/partners?sort=name', { as: operator });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('validation-failed');
  });
});
