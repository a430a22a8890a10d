import { describe, expect, it } from 'vitest';
import { message, useEmailServer } from '../../support/acs-email.js';

const local = useEmailServer();
const { api, messages } = local;

describe('local ACS Email server: the inbox', () => {
  it('escapes HTML in the inbox page', async () => {
    const subject = '<script>alert("x")</script> & more';
    await (
      await local.client.beginSend(message({ content: { subject, plainText: 'plain <b>text</b> only' } }))
    ).pollUntilDone();
    const page = await api<string>('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).not.toContain('<script>');
    expect(page.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    const [stored] = await messages();
    expect(page.body).toContain(`href="/messages/${stored!.id}/html"`);
    // A plain-text-only email is shown escaped in a <pre>.
    const view = await api<string>(`/messages/${stored!.id}/html`);
    expect(view.body).toContain('plain &lt;b&gt;text&lt;/b&gt; only');
  });

  it('lists messages newest first and filters by ?to= case-insensitively', async () => {
    await (
      await local.client.beginSend(message({ recipients: { to: [{ address: 'alice@example.com' }] } }))
    ).pollUntilDone();
    await (
      await local.client.beginSend(
        message({
          content: { subject: 'for bob', plainText: 'bob' },
          recipients: { to: [{ address: 'Bob@Example.com' }] },
        }),
      )
    ).pollUntilDone();

    expect((await messages()).map((m) => m.to)).toEqual(['Bob@Example.com', 'alice@example.com']);
    expect((await messages('ALICE@example.com')).map((m) => m.to)).toEqual(['alice@example.com']);
    const bob = await messages('bob@example.com');
    expect(bob.map((m) => m.subject)).toEqual(['for bob']);
    expect(await messages('nobody@example.com')).toEqual([]);
  });
});
