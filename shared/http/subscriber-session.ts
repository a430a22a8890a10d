import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { isAppError } from '../domain/errors.js';
import type { Logger } from '../log.js';
import { messagePage } from './pages.js';
import { STATUS_BY_CODE, errorToResponse } from './problem.js';
import type { CookieKind } from './sealed-cookies.js';

/** What the sign-in callback needs, carried by the browser for ten minutes. */
export const SIGN_IN_COOKIE = {
  name: 'ps_signin',
  path: '/api/auth',
  ttlSeconds: 600,
  schema: z.object({
    state: z.string(),
    nonce: z.string(),
    codeVerifier: z.string(),
    intent: z.enum(['activate', 'signin']),
    invitation: z
      .object({ partnerId: z.string(), assignmentId: z.string(), tokenHash: z.string() })
      .optional(),
  }),
} satisfies CookieKind<z.ZodType>;

/** The signed-in subscriber, for eight hours; `pending` is the invitation whose profile is still to come. */
export const SESSION_COOKIE = {
  name: 'ps_session',
  path: '/api',
  ttlSeconds: 8 * 3600,
  schema: z.object({
    identity: z.object({
      issuer: z.string(),
      subject: z.string(),
      tenantId: z.string(),
      objectId: z.string(),
      email: z.string().optional(),
      signInNames: z.array(z.string()).max(3),
      name: z.string().optional(),
      givenName: z.string().optional(),
      familyName: z.string().optional(),
    }),
    csrfToken: z.string(),
    pending: z.object({ partnerId: z.string(), assignmentId: z.string() }).optional(),
  }),
} satisfies CookieKind<z.ZodType>;

export type SubscriberSession = z.output<typeof SESSION_COOKIE.schema>;

export const newCsrfToken = () => randomBytes(24).toString('base64url');

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export const redirect = (
  location: string,
  status = 302,
  extra: Partial<HttpResponseInit> = {},
): HttpResponseInit => ({
  status,
  headers: { location, 'cache-control': 'no-store' },
  ...extra,
});

export const signInAgain = () =>
  messagePage(
    401,
    'Please sign in',
    'Your sign-in has ended or was not found. Open the link in your invitation email again, or sign in.',
    {
      href: '/api/signin',
      label: 'Sign in',
    },
  );

/** A form whose CSRF token does not match the session's: expired, or posted from another site. */
export const formExpiredPage = (href: string) =>
  messagePage(
    403,
    'Please try again',
    'This form has expired or did not come from this site. Reload the page and submit it again.',
    { href, label: 'Reload the page' },
  );

const IDP_ERRORS: Record<string, string> = {
  access_denied: 'The sign-in was cancelled or refused.',
  consent_required: 'Your organization has not allowed this application yet; ask your IT administrator.',
  interaction_required: 'The sign-in needs you to sign in again.',
  login_required: 'The sign-in needs you to sign in again.',
};

/**
 * The identity provider refused the sign-in. Only its error code picks the sentence: its free-text
 * description can be written by whoever crafted the link, so it is logged, not shown.
 */
export const signInFailedPage = (error: string) =>
  messagePage(
    400,
    'Sign-in did not complete',
    `${IDP_ERRORS[error] ?? 'The identity provider did not complete the sign-in.'} Open your link again to start over.`,
  );

const TITLES: Partial<Record<string, string>> = {
  'invitation-invalid': 'This link cannot be used',
  forbidden: 'Use your work account',
  unauthenticated: 'Sign-in did not complete',
  'validation-failed': 'Something is missing',
};

/** Subscriber pages show errors as pages a person can act on, never as JSON or a stack trace. */
export function renderErrorPage(
  error: unknown,
  correlationId: string,
  log: Logger,
  instance?: string,
): HttpResponseInit {
  if (!isAppError(error) || error.code === 'internal' || error.code === 'dependency-unavailable') {
    const problem = errorToResponse(error, correlationId, log, instance); // logs it once
    return messagePage(
      problem.status ?? 500,
      'Something went wrong',
      `Please try again in a moment. If it keeps happening, quote this reference: ${correlationId}.`,
    );
  }
  log.info('page.refused', { errorCode: error.code, reason: error.details['reason'] });
  const action = error.details['reason'] === 'used' ? { href: '/api/signin', label: 'Sign in' } : undefined;
  // A failed sign-in on a page is a request to start again from, not a bearer-token challenge (401).
  const status = error.code === 'unauthenticated' ? 400 : STATUS_BY_CODE[error.code];
  const message =
    error.code === 'validation-failed' && error.message.startsWith('The request query')
      ? 'This link is incomplete. Copy the whole link from your email, or open the email again and select the link.'
      : error.message;
  return messagePage(status, TITLES[error.code] ?? 'This did not work', message, action);
}
