import { expect } from 'vitest';
import { assignmentRepository } from '../../shared/root.js';
import type { Assignment } from '../../shared/domain/assignment.js';
import type { createPartner } from './app.js';
import { testApp } from './app.js';
import type { TestBrowser } from './browser.js';
import { type Page } from './browser.js';
import { inbox } from './inbox.js';
import { DEV_TENANT_PARAM } from '../../scripts/idp/clients.js';

/**
 * What the activation refusal tests share: each refusal is a page a person can read (never JSON or a
 * stack trace), and it changes nothing: no identity bound, the invitation neither spent nor activated.
 */

export const { stack, api } = testApp();
export const mail = inbox(stack.emailUrl);
export const apiOrigin = new URL(stack.apiUrl).origin;
export const callbackUrl = `${apiOrigin}/api/auth/callback`;
export const sessionSecret = stack.appEnv['SESSION_SECRET']!;

export const toIdp = (location: string) => location.startsWith(stack.idpUrl);
export const toCallback = (location: string) => location.startsWith(callbackUrl);

/** The assignment document as stored, read in-process through the app's own adapter. */
export async function stored(partnerId: string, assignmentId: string): Promise<Assignment> {
  const found = await assignmentRepository().get(partnerId, assignmentId);
  if (!found) throw new Error(`assignment ${assignmentId} not found`);
  return found.value;
}

/** What a refusal must never touch (the delivery record is left out: the email sender updates it). */
export async function activationState(partnerId: string, assignmentId: string) {
  const a = await stored(partnerId, assignmentId);
  return {
    status: a.status,
    activatedAt: a.activatedAt,
    invitation: a.invitation,
    subscriber: a.subscriber,
  };
}

/** A page for a person: the status, an HTML page with a heading and the sentence, no JSON, no stack trace. */
export function expectPage(page: Page, status: number, sentence: string | RegExp): void {
  // Soft, so a wrong status still shows whether the rest of the refusal holds.
  expect.soft(page.status, `status of ${page.url}`).toBe(status);
  expect(String(page.headers['content-type'])).toMatch(/^text\/html/);
  expect(page.body).toMatch(/^<!doctype html>/i);
  expect(page.body).toMatch(/<h1>[^<]+<\/h1>/);
  if (typeof sentence === 'string') expect(page.body).toContain(sentence);
  else expect(page.body).toMatch(sentence);
  expect(page.body).not.toMatch(/"(code|traceId|status)"\s*:/); // no problem+json
  expect(page.body).not.toMatch(/\n\s+at \S+ \(|\bat (file|node):|Error: /); // no stack trace
  expect(page.body).not.toContain('Something went wrong');
}

/** Nothing spent and nobody bound: through the admin API, and in the stored document. */
export async function expectUntouched(
  p: Awaited<ReturnType<typeof createPartner>>,
  assignmentId: string,
  status: 'invited' | 'revoked' = 'invited',
): Promise<void> {
  const read = await p.assignment(assignmentId);
  expect(read.status).toBe(200);
  expect(read.body.status).toBe(status);
  expect(read.body.invitation.usedAt).toBeNull();
  const doc = await stored(p.body.partnerId, assignmentId);
  expect(doc.subscriber).toBeNull();
  expect(doc.activatedAt).toBeNull();
}

/** Claimed (bound) but not activated: the state after sign-in and before a valid profile. */
export async function expectClaimedNotActivated(
  p: Awaited<ReturnType<typeof createPartner>>,
  assignmentId: string,
): Promise<void> {
  const read = await p.assignment(assignmentId);
  expect(read.body.status).toBe('invited');
  expect(read.body.invitation.usedAt).toBeNull();
  const doc = await stored(p.body.partnerId, assignmentId);
  expect(doc.activatedAt).toBeNull();
  expect(doc.subscriber?.profile).toBeNull();
}

/** One character of `value` at `index` replaced by a different one of the same alphabet. */
export function flipAt(value: string, index: number): string {
  const c = value[index]!;
  const replacement = c === 'A' ? 'B' : 'A';
  return `${value.slice(0, index)}${replacement}${value.slice(index + 1)}`;
}

/** Flips a character in the middle of the encrypted part of an iron seal (so the integrity check fails). */
export function tamperSeal(sealed: string): string {
  const parts = sealed.split('*');
  const encrypted = parts[4]!;
  parts[4] = flipAt(encrypted, Math.floor(encrypted.length / 2));
  return parts.join('*');
}

/** Follows the link until the identity provider would return to the callback, without calling it. */
export async function stopAtCallback(browser: TestBrowser, link: string): Promise<string> {
  const page = await browser.navigate(link, { stopAt: toCallback });
  expect(page.url.startsWith(callbackUrl)).toBe(true);
  const url = new URL(page.url);
  expect(url.searchParams.get('code')).toBeTruthy();
  expect(url.searchParams.get('state')).toBeTruthy();
  return page.url;
}

/**
 * Follows the link to the identity provider's authorization URL and signs someone else in there: another
 * email, and optionally an account of another tenant (as an attacker with a tenant of their own would).
 */
export async function signInAs(
  browser: TestBrowser,
  link: string,
  email: string,
  options: { tenant?: string } = {},
): Promise<Page> {
  const first = await browser.navigate(link, { stopAt: toIdp });
  expect(first.status).toBe(302);
  const authorize = new URL(first.url);
  expect(authorize.searchParams.get('login_hint')).toBeTruthy();
  authorize.searchParams.set('login_hint', email);
  if (options.tenant) authorize.searchParams.set(DEV_TENANT_PARAM, options.tenant);
  return browser.navigate(authorize.toString());
}

export const expectProfilePage = (page: Page) => {
  expect(page.status).toBe(200);
  expect(page.url).toBe(`${apiOrigin}/api/profile`);
  expect(page.body).toContain('<h1>Your profile</h1>');
};
