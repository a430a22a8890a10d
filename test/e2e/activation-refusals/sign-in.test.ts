import * as Iron from 'iron-webcrypto';
import { describe, expect, it } from 'vitest';
import { grantAndReadLink } from '../../support/activation.js';
import { TestBrowser } from '../../support/browser.js';
import {
  stack,
  sessionSecret,
  stored,
  expectPage,
  expectUntouched,
  flipAt,
  tamperSeal,
  stopAtCallback,
} from '../../support/activation-refusals.js';

/** Sign-in responses that do not belong to the sign-in they claim to finish: nothing is bound. */

describe('sign-in responses that do not belong to the sign-in', () => {
  it('a callback with a changed state is refused, and binds nothing', async () => {
    const { p, partnerId, assignmentId, link } = await grantAndReadLink();
    const browser = new TestBrowser(stack.caCertPath);
    const callback = await stopAtCallback(browser, link);

    const tampered = new URL(callback);
    const state = tampered.searchParams.get('state')!;
    tampered.searchParams.set('state', flipAt(state, Math.floor(state.length / 2)));
    const page = await browser.fetch(tampered.toString());
    expectPage(page, 400, 'This sign-in response does not match a sign-in started here');
    expect(page.body).toContain('Sign-in did not complete');
    await expectUntouched(p, assignmentId);

    // The untouched response still completes: it was the state alone that was refused.
    const genuine = await browser.fetch(callback);
    expect(genuine.status).toBe(302);
    expect(genuine.headers['location']).toBe('/api/profile');
    expect((await stored(partnerId, assignmentId)).subscriber).not.toBeNull();
  });

  it('a callback with a tampered sign-in cookie is refused, and binds nothing', async () => {
    const { p, partnerId, assignmentId, link } = await grantAndReadLink();
    const browser = new TestBrowser(stack.caCertPath);
    const callback = await stopAtCallback(browser, link);
    const original = browser.cookie(callback, 'ps_signin')!;
    const sealed = decodeURIComponent(original);
    expect(sealed).toMatch(/^Fe26\.2\*/);

    browser.setCookie(callback, 'ps_signin', encodeURIComponent(tamperSeal(sealed)), '/api/auth');
    const page = await browser.fetch(callback);
    expectPage(page, 400, 'This sign-in response does not match a sign-in started here');
    expect(page.body).toContain('Sign-in did not complete');
    await expectUntouched(p, assignmentId);

    // With the cookie as it was sealed, the same response completes.
    browser.setCookie(callback, 'ps_signin', original, '/api/auth');
    const genuine = await browser.fetch(callback);
    expect(genuine.status).toBe(302);
    expect(genuine.headers['location']).toBe('/api/profile');
    expect((await stored(partnerId, assignmentId)).subscriber).not.toBeNull();
  });

  it('a callback without the sign-in cookie is refused, and binds nothing', async () => {
    const { p, assignmentId, link } = await grantAndReadLink();
    const callback = await stopAtCallback(new TestBrowser(stack.caCertPath), link);
    const page = await new TestBrowser(stack.caCertPath).fetch(callback);
    expectPage(page, 400, 'This sign-in response does not match a sign-in started here');
    expect(page.body).toContain('Sign-in did not complete');
    await expectUntouched(p, assignmentId);
  });

  it('an ID token whose nonce is not the one the sign-in started with is refused, and binds nothing', async () => {
    const { p, assignmentId, link } = await grantAndReadLink();
    const browser = new TestBrowser(stack.caCertPath);
    const callback = await stopAtCallback(browser, link);
    const sealed = decodeURIComponent(browser.cookie(callback, 'ps_signin')!);
    const flow = (await Iron.unseal(sealed, sessionSecret, Iron.defaults)) as Record<string, unknown>;
    expect(flow).toMatchObject({ intent: 'activate', nonce: expect.any(String) });
    const resealed = await Iron.seal({ ...flow, nonce: `${String(flow['nonce'])}x` }, sessionSecret, {
      ...Iron.defaults,
      ttl: 600_000,
    });
    browser.setCookie(callback, 'ps_signin', resealed, '/api/auth');

    const page = await browser.fetch(callback);
    expectPage(page, 400, 'Sign-in did not complete');
    // The resealed cookie was accepted: what was refused is the token's nonce, not the cookie.
    expect(page.body).not.toContain('does not match a sign-in started here');
    expect(page.body).toMatch(/The sign-in could not be completed|does not belong to this sign-in/);
    await expectUntouched(p, assignmentId);
  });
});
