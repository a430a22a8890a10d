import { z } from 'zod';
import type { EndpointSpec } from '../endpoint.js';
import { IdSegmentSchema, PartnerIdSchema } from './common.js';

const html = { description: 'An HTML page', contentType: 'text/html', schema: z.string() };
const redirect = { description: 'A redirect' };

/** Email clients and identity providers add parameters of their own: extra ones are ignored here. */
export const ActivateQuery = z.object({
  partner: PartnerIdSchema,
  assignment: IdSegmentSchema,
  token: z.string().min(1).max(200),
});

export const CallbackQuery = z.object({
  code: z.string().min(1).max(4096).optional(),
  state: z.string().min(1).max(512).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});

/** Loose on purpose: the handler validates each field and shows its error next to it. */
export const ProfileForm = z.object({
  csrfToken: z.string().max(200).default(''),
  firstName: z.string().max(1000).default(''),
  lastName: z.string().max(1000).default(''),
  contactEmail: z.string().max(1000).default(''),
});

export const activate = {
  name: 'activate',
  method: 'GET',
  route: 'activate',
  summary: 'Checks an emailed invitation link and starts sign-in (302 to the identity provider)',
  tags: ['activation'],
  access: 'anonymous',
  query: ActivateQuery,
  responses: { 302: redirect, 410: html },
  errors: ['invitation-invalid'],
} as const satisfies EndpointSpec;

export const authCallback = {
  name: 'auth-callback',
  method: 'GET',
  route: 'auth/callback',
  summary: 'Completes sign-in (authorization code + PKCE), binds the identity, 302 to the profile page',
  tags: ['activation'],
  access: 'anonymous',
  query: CallbackQuery,
  responses: { 302: redirect, 400: html, 403: html, 410: html },
  errors: ['unauthenticated', 'forbidden', 'invitation-invalid'],
} as const satisfies EndpointSpec;

export const signIn = {
  name: 'signin',
  method: 'GET',
  route: 'signin',
  summary: 'A returning subscriber signs in (no invitation needed), then sees their subscriptions',
  tags: ['activation'],
  access: 'anonymous',
  query: z.object({ login_hint: z.string().trim().max(254).pipe(z.email()).optional() }),
  responses: { 302: redirect, 400: html },
} as const satisfies EndpointSpec;

export const signOut = {
  name: 'signout',
  method: 'POST',
  route: 'signout',
  summary: 'Ends the subscriber session (a form POST carrying the session CSRF token)',
  tags: ['activation'],
  access: 'anonymous',
  bodyFormat: 'form',
  maxBodyBytes: 4 * 1024,
  body: z.object({ csrfToken: z.string().max(200).optional() }),
  responses: { 200: html, 403: html },
} as const satisfies EndpointSpec;

export const profileGet = {
  name: 'profile-get',
  method: 'GET',
  route: 'profile',
  summary: 'The profile page: First Name, Last Name, Contact Email',
  tags: ['activation'],
  access: 'anonymous',
  responses: { 200: html, 401: html },
} as const satisfies EndpointSpec;

export const profilePost = {
  name: 'profile-post',
  method: 'POST',
  route: 'profile',
  summary: 'Submits the profile: the subscription becomes active, 303 to the benefits page',
  tags: ['activation'],
  access: 'anonymous',
  bodyFormat: 'form',
  body: ProfileForm,
  maxBodyBytes: 16 * 1024,
  responses: { 303: redirect, 400: html, 401: html, 403: html, 410: html },
  errors: ['validation-failed', 'forbidden', 'invitation-invalid'],
} as const satisfies EndpointSpec;

export const benefits = {
  name: 'benefits',
  method: 'GET',
  route: 'benefits',
  summary: 'Sign-in complete: the subscriptions and benefits this person has',
  tags: ['activation'],
  access: 'anonymous',
  responses: { 200: html, 401: html },
} as const satisfies EndpointSpec;

export const SubscriptionSummarySchema = z
  .object({
    partnerId: z.string(),
    partnerName: z.string(),
    assignmentId: z.string(),
    benefit: z.string(),
    level: z.string(),
    status: z.string(),
    since: z.string().nullable(),
    includes: z.array(z.string()),
  })
  .meta({ id: 'SubscriptionSummary' });

export const meSubscriptions = {
  name: 'me-subscriptions',
  method: 'GET',
  route: 'me/subscriptions',
  summary: "The signed-in subscriber's subscriptions, as JSON",
  tags: ['activation'],
  access: 'authenticated',
  responses: {
    200: { description: 'Subscriptions', schema: z.object({ items: z.array(SubscriptionSummarySchema) }) },
  },
} as const satisfies EndpointSpec;

export const activationEndpoints: EndpointSpec[] = [
  activate,
  authCallback,
  signIn,
  signOut,
  profileGet,
  profilePost,
  benefits,
  meSubscriptions,
];
