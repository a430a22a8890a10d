import { randomBytes, randomUUID } from 'node:crypto';
import { EmailClient } from '@azure/communication-email';
import { describe, expect, it } from 'vitest';
import { signAcsRequest } from '../../../scripts/acs-email/hmac.js';
import { LOCAL_EMAIL_ACCESS_KEY } from '../../../scripts/acs-email/server.js';
import { clientOptions, message, useEmailServer } from '../../support/acs-email.js';

const local = useEmailServer();
const { signedFetch, messages, stats } = local;

describe('local ACS Email server: signatures and validation', () => {
  it('refuses a client with the wrong access key (401) and stores nothing', async () => {
    const wrongKey = randomBytes(32).toString('base64');
    const intruder = new EmailClient(`endpoint=${local.server.url}/;accesskey=${wrongKey}`, clientOptions);
    const error = await intruder.beginSend(message(), { operationId: randomUUID() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ statusCode: 401 });
    expect(error).toMatchObject({ code: 'Denied' });
    expect(await messages()).toEqual([]);
    const s = await stats();
    expect(s.unauthorizedRequests).toBe(1);
    expect(s.sendAttempts).toBe(0);
  });

  it('refuses a raw request whose body does not match its content hash or signature', async () => {
    const path = '/emails:send?api-version=2025-09-01';
    const original = JSON.stringify(message());
    const tampered = JSON.stringify(message({ recipients: { to: [{ address: 'mallory@example.com' }] } }));

    // Control: the crafted signing is right, so the refusals below are about tampering only.
    const ok = await signedFetch('POST', path, { body: original, headers: { 'operation-id': randomUUID() } });
    expect(ok.status).toBe(202);
    expect(ok.headers.get('operation-location')).toMatch(
      /\/emails\/operations\/[0-9a-f-]{36}\?api-version=2025-09-01$/,
    );

    // Body swapped after signing: x-ms-content-sha256 no longer matches.
    const swapped = await signedFetch('POST', path, { body: tampered, signBody: original });
    expect(swapped.status).toBe(401);
    expect(swapped.body).toMatchObject({ error: { code: 'Denied' } });
    expect(String((swapped.body.error as { message: string }).message)).toMatch(/x-ms-content-sha256/);

    // Content hash recomputed for the new body but the signature still signs the old hash.
    const auth = signAcsRequest({
      method: 'POST',
      url: `${local.server.url}${path}`,
      body: original,
      accessKey: LOCAL_EMAIL_ACCESS_KEY,
    });
    const rehashed = await signedFetch('POST', path, {
      body: tampered,
      headers: {
        ...auth,
        'x-ms-content-sha256': signAcsRequest({
          method: 'POST',
          url: `${local.server.url}${path}`,
          body: tampered,
          accessKey: LOCAL_EMAIL_ACCESS_KEY,
        })['x-ms-content-sha256']!,
      },
    });
    expect(rehashed.status).toBe(401);
    expect(String((rehashed.body.error as { message: string }).message)).toMatch(/signature/);

    const stored = await messages();
    expect(stored.map((m) => m.to)).toEqual(['alice@example.com']);
    expect((await stats()).unauthorizedRequests).toBe(2);
  });

  it('rejects invalid bodies with an ACS-style 400 and stores nothing', async () => {
    const path = '/emails:send?api-version=2025-09-01';
    const cases: [unknown, RegExp][] = [
      [{ ...message(), senderAddress: '' }, /senderAddress/],
      [{ ...message(), recipients: { to: [] } }, /recipients\.to/],
      [{ ...message(), recipients: { to: [{ displayName: 'x' }] } }, /address/],
      [{ ...message(), content: { html: '<p>x</p>' } }, /subject/],
      [{ ...message(), content: { subject: 'no body' } }, /html or content\.plainText/],
    ];
    for (const [body, pattern] of cases) {
      const response = await signedFetch('POST', path, { body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      const error = response.body.error as { code: string; message: string };
      expect(typeof error.code).toBe('string');
      expect(error.message).toMatch(pattern);
    }
    const missingVersion = await signedFetch('POST', '/emails:send', { body: JSON.stringify(message()) });
    expect(missingVersion.status).toBe(400);
    expect(missingVersion.body).toMatchObject({ error: { code: 'MissingApiVersionParameter' } });
    expect(await messages()).toEqual([]);
  });
});
