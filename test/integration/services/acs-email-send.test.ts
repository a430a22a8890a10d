import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { message, useEmailServer } from '../../support/acs-email.js';

const local = useEmailServer();
const { api, messages, stats } = local;

describe('local ACS Email server with the real EmailClient: sending', () => {
  it('answers health', async () => {
    const health = await api('/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
  });

  it('accepts a send with an operation id, polls to Succeeded and shows the message', async () => {
    const operationId = randomUUID();
    const poller = await local.client.beginSend(
      message({
        recipients: {
          to: [{ address: 'alice@example.com' }, { address: 'al@example.com' }],
          cc: [{ address: 'carol@example.com' }],
        },
      }),
      { operationId },
    );
    const result = await poller.pollUntilDone();
    expect(result).toMatchObject({ id: operationId, status: 'Succeeded' });

    const [stored, ...rest] = await messages();
    expect(rest).toHaveLength(0);
    expect(stored).toMatchObject({
      operationId,
      from: 'DoNotReply@partner.example.com',
      to: 'alice@example.com',
      recipients: ['alice@example.com', 'al@example.com'],
      cc: ['carol@example.com'],
      subject: 'Activate your Visual Studio subscription',
      html: '<p>Hello</p><p><a href="http://localhost:7071/api/activate?token=abc">Activate</a></p>',
      plainText: 'Hello. Activate: http://localhost:7071/api/activate?token=abc',
    });
    expect(Date.parse(stored!.receivedAt)).not.toBeNaN();

    const body = await api<string>(`/messages/${stored!.id}/html`);
    expect(body.status).toBe(200);
    expect(body.headers.get('content-type')).toMatch(/^text\/html/);
    expect(body.headers.get('content-security-policy')).toMatch(/^sandbox\b/);
    expect(body.headers.get('content-security-policy')).not.toMatch(/allow-scripts|allow-same-origin/);
    expect(body.body).toContain('href="http://localhost:7071/api/activate?token=abc"');
  });

  it('generates an operation id when the client sends none', async () => {
    const result = await (await local.client.beginSend(message())).pollUntilDone();
    expect(result.status).toBe('Succeeded');
    expect(result.id).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await messages();
    expect(stored.map((m) => m.operationId)).toEqual([result.id]);
  });

  it('stores one message when the same operation id is sent twice', async () => {
    const operationId = randomUUID();
    const first = await (await local.client.beginSend(message(), { operationId })).pollUntilDone();
    const second = await (
      await local.client.beginSend(message({ content: { subject: 'changed', plainText: 'changed' } }), {
        operationId,
      })
    ).pollUntilDone();
    expect(first).toMatchObject({ id: operationId, status: 'Succeeded' });
    expect(second).toMatchObject({ id: operationId, status: 'Succeeded' });

    const stored = await messages();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.subject).toBe('Activate your Visual Studio subscription');
    const s = await stats();
    expect(s.byOperationId[operationId]).toBe(2);
    expect(s.duplicateSends).toBe(1);
    expect(s.acceptedMessages).toBe(1);
  });
});
