import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { partnersContainer } from '../../shared/root.js';
import { grantAndReadLink, submitProfile } from '../support/activation.js';
import { createPartner, testApp } from '../support/app.js';
import { TestBrowser, inputValue } from '../support/browser.js';

/** The other findings of the identity review, each over HTTP against the running app. */
const { stack, api, operator } = testApp();
const apiOrigin = new URL(stack.apiUrl).origin;

describe('Idempotency-Key', () => {
  it('covers the query string: the key of a dry run cannot replay it for the real job', async () => {
    const p = await createPartner();
    const upload = (query: string) =>
      api.request<{ jobId: string; dryRun: boolean; code?: string }>(
        'POST',
        `${p.base}/bulk-assignments${query}`,
        {
          as: p.admin,
          rawBody: `email,firstName,lastName\nada@${p.domain},Ada,Lovelace\n`,
          headers: { 'content-type': 'text/csv', 'idempotency-key': 'upload-1' },
        },
      );
    const dry = await upload('?dryRun=true');
    expect(dry.status).toBe(202);
    expect(dry.body.dryRun).toBe(true);
    const real = await upload('');
    expect(real.status).toBe(422);
    expect(real.body.code).toBe('idempotency-key-reused');
    expect(real.headers.get('idempotent-replayed')).toBeNull();
    // The same request again is still the dry run's replay.
    const again = await upload('?dryRun=true');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.jobId).toBe(dry.body.jobId);
  });

  it('is not recorded for a caller who may not act on the partner', async () => {
    const p = await createPartner();
    const stranger = `eve@${p.domain}`; // of the partner's own tenant, but no administrator
    const response = await api.request('POST', `${p.base}/people`, {
      as: stranger,
      body: { email: `x@${p.domain}`, firstName: 'X', lastName: 'Y' },
      headers: { 'idempotency-key': 'stranger-key' },
    });
    expect(response.status).toBe(404);
    const { iss, sub } = decodeJwt(await api.token(stranger));
    const documentId = `idem-${createHash('sha256').update(`${iss}\n${sub}\nstranger-key`).digest('hex').slice(0, 40)}`;
    const container = await partnersContainer();
    const { statusCode } = await container.item(documentId, p.body.partnerId).read();
    expect(statusCode).toBe(404);
    // The control: the administrator's keyed request is recorded under the same derivation.
    await api.request('POST', `${p.base}/people`, {
      as: p.admin,
      body: { email: `x@${p.domain}`, firstName: 'X', lastName: 'Y' },
      headers: { 'idempotency-key': 'admin-key' },
    });
    const admin = decodeJwt(await api.token(p.admin));
    const adminDocument = `idem-${createHash('sha256').update(`${admin.iss}\n${admin.sub}\nadmin-key`).digest('hex').slice(0, 40)}`;
    expect((await container.item(adminDocument, p.body.partnerId).read()).statusCode).toBe(200);
  });
});

describe('path ids that cannot be document ids', () => {
  const badIds = {
    slash: '%2F',
    backslash: '%5C',
    hash: '%23x',
    question: '%3Fx',
    space: 'a%20b',
    control: 'a%01b',
    unicode: '%E2%80%AE',
    long: 'a'.repeat(256),
  };

  it.each(Object.entries(badIds))('answer 404 not-found as problem+json (%s)', async (_what, id) => {
    const p = await createPartner();
    for (const path of [
      `${p.base}/people/${id}`,
      `${p.base}/assignments/${id}`,
      `${p.base}/assignments/${id}/resend`,
      `${p.base}/bulk-assignments/${id}`,
      `/partners/${id}`,
    ]) {
      const method = path.endsWith('/resend') ? 'POST' : 'GET';
      const response = await api.request<{ code: string }>(method, path, { as: p.admin });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.headers.get('content-type'), path).toContain('application/problem+json');
      expect(response.body.code, path).toBe('not-found');
    }
  });
});

describe('body limits', () => {
  it('hold for a chunked body with no Content-Length', async () => {
    const p = await createPartner();
    const token = await api.token(p.admin);
    const megabyte = new TextEncoder().encode(
      `{"email":"x@${p.domain}","firstName":"${'a'.repeat(1024 * 1024)}"`,
    );
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(megabyte);
        controller.enqueue(new TextEncoder().encode(',"lastName":"Y"}'));
        controller.close();
      },
    });
    const response = await fetch(`${stack.apiUrl}${p.base}/people`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    const problem = (await response.json()) as { code: string; limitBytes: number };
    expect(problem).toMatchObject({ code: 'payload-too-large', limitBytes: 1024 * 1024 });
  });
});

describe('health', () => {
  it('answers anyone a cached summary without latency or error text; an operator sees the details', async () => {
    const first = await api.request<Record<string, unknown>>('GET', '/health');
    const second = await api.request<Record<string, unknown>>('GET', '/health');
    expect(first.status).toBe(200);
    expect(first.body['checkedAt']).toBe(second.body['checkedAt']); // one check served both
    const dependencies = first.body['dependencies'] as Record<string, Record<string, unknown>>;
    for (const state of Object.values(dependencies)) {
      expect(Object.keys(state)).toEqual(['status']);
    }
    const detailed = await api.request<{ dependencies: Record<string, { latencyMs: number }> }>(
      'GET',
      '/health',
      { as: operator },
    );
    expect(detailed.status).toBe(200);
    expect(typeof detailed.body.dependencies['cosmos']!.latencyMs).toBe('number');
    // An administrator is not an operator: the summary only.
    const p = await createPartner();
    const admin = await api.request<{ dependencies: Record<string, object> }>('GET', '/health', {
      as: p.admin,
    });
    expect(Object.keys(admin.body.dependencies['cosmos']!)).toEqual(['status']);
  });

  it('refuses an invalid token rather than ignoring it', async () => {
    const response = await api.request('GET', '/health', {
      headers: { authorization: 'Bearer not.a.token' },
    });
    expect(response.status).toBe(401);
  });
});

describe('subscriber pages', () => {
  it('sign-out is a POST carrying the session’s CSRF token', async () => {
    const { p, person, link } = await grantAndReadLink();
    const browser = new TestBrowser(stack.caCertPath);
    const profile = await browser.navigate(link);
    const benefits = await submitProfile(browser, profile, person.email);
    expect(benefits.body).toContain('<form method="post" action="/api/signout">');
    const csrfToken = inputValue(benefits.body, 'csrfToken')!;

    const viaGet = await browser.fetch(`${apiOrigin}/api/signout`);
    expect(viaGet.status).toBe(404); // no GET route: the host answers 404, empty
    const forged = await browser.navigate(`${apiOrigin}/api/signout`, { method: 'POST', form: {} });
    expect(forged.status).toBe(403);
    expect((await browser.fetch(`${apiOrigin}/api/benefits`)).status).toBe(200); // still signed in

    const signedOut = await browser.navigate(`${apiOrigin}/api/signout`, {
      method: 'POST',
      form: { csrfToken },
    });
    expect(signedOut.status).toBe(200);
    expect(signedOut.body).toContain('Signed out');
    expect((await browser.fetch(`${apiOrigin}/api/benefits`)).status).toBe(401);
    expect(p.domain).toBeTruthy();
  });

  it('shows a sentence for the identity provider’s error code, never its description', async () => {
    const description = 'Your account is locked. Call +1 800 555 0100 to unlock it';
    const page = await new TestBrowser(stack.caCertPath).fetch(
      `${apiOrigin}/api/auth/callback?error=access_denied&error_description=${encodeURIComponent(description)}`,
    );
    expect(page.status).toBe(400);
    expect(page.body).toContain('The sign-in was cancelled or refused.');
    expect(page.body).not.toContain('800 555');
  });
});

describe('no raw invitation token at rest', () => {
  it('the token of an emailed link is in no stored document of the partner', async () => {
    const { partnerId, link } = await grantAndReadLink();
    const token = new URL(link).searchParams.get('token')!;
    expect(token.length).toBeGreaterThan(30);
    const container = await partnersContainer();
    const { resources } = await container.items
      .query({
        query: 'SELECT * FROM c WHERE c.partnerId = @p',
        parameters: [{ name: '@p', value: partnerId }],
      })
      .fetchAll();
    expect(resources.length).toBeGreaterThan(3);
    expect(JSON.stringify(resources)).not.toContain(token);
  });
});
