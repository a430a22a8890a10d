import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createPartner, testApp } from '../support/app.js';

const { api, operator } = testApp();

describe('GET /api/partners/{partnerId}/audit.csv', () => {
  it("gives the partner's administrator every event as CSV, newest first", async () => {
    const p = await createPartner();
    await api.request('PATCH', p.base, { as: operator, body: { name: 'Renamed' } });
    const person = await p.associate('ada');

    const csv = await api.request<string>('GET', `${p.base}/audit.csv`, { as: p.admin });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain(`${p.body.partnerId}-audit.csv`);
    expect(csv.text.split('\r\n')[0]).toBe('at,actor,action,targetType,targetId,correlationId,details');

    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    const listed = await api.request<{ items: { action: string; at: string }[] }>('GET', `${p.base}/audit`, {
      as: p.admin,
    });
    expect(rows.map((r) => r['action'])).toEqual(listed.body.items.map((e) => e.action));
    expect(rows.at(-1)).toMatchObject({ action: 'partner.created', actor: operator.email });
    expect(rows.map((r) => r['at'])).toEqual([...rows.map((r) => r['at']!)].sort().reverse());
    expect(rows.some((r) => r['targetId'] === person.personId)).toBe(true);
    const updated = rows.find((r) => r['action'] === 'partner.updated')!;
    expect(JSON.parse(updated['details']!)).toEqual({ changed: ['name'] });
    for (const row of rows) expect(() => JSON.parse(row['details']!)).not.toThrow();
    // The operator may read it too.
    expect((await api.request('GET', `${p.base}/audit.csv`, { as: operator })).status).toBe(200);
  });

  it("refuses another partner's administrator as not found, and a caller without a token", async () => {
    const mine = await createPartner();
    const theirs = await createPartner();
    const refused = await api.request<{ code: string }>('GET', `${theirs.base}/audit.csv`, {
      as: mine.admin,
    });
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('not-found');
    expect((await api.request('GET', `${mine.base}/audit.csv`)).status).toBe(401);
  });
});
