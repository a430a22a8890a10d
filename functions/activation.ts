import { app } from '@azure/functions';
import { z } from 'zod';
import {
  activateSubscription,
  checkInvitationLink,
  claimInvitation,
  profileFor,
  subscriptionsOf,
} from '../shared/app/activation.js';
import { AppError } from '../shared/domain/errors.js';
import { activationDeps, cookies, endpoint, signIn } from '../shared/root.js';
import { zodProblems } from '../shared/http/endpoint.js';
import { benefitsPage, messagePage, profilePage } from '../shared/http/pages.js';
import { ok } from '../shared/http/responses.js';
import {
  SESSION_COOKIE,
  SIGN_IN_COOKIE,
  formExpiredPage,
  newCsrfToken,
  redirect,
  renderErrorPage,
  sameSecret,
  signInAgain,
  signInFailedPage,
} from '../shared/http/subscriber-session.js';
import * as contract from '../shared/http/contract/activation.js';

const pageErrors = { renderError: renderErrorPage };

export const activateGet = endpoint(
  contract.activate,
  async ({ query }) => {
    const link = await checkInvitationLink(activationDeps(), {
      partnerId: query.partner,
      assignmentId: query.assignment,
      token: query.token,
    });
    const start = await signIn().start({ loginHint: link.loginHint });
    const cookie = await cookies().seal(SIGN_IN_COOKIE, {
      state: start.state,
      nonce: start.nonce,
      codeVerifier: start.codeVerifier,
      intent: 'activate',
      invitation: { partnerId: query.partner, assignmentId: query.assignment, tokenHash: link.tokenHash },
    });
    return redirect(start.url, 302, { cookies: [cookie] });
  },
  pageErrors,
);

export const authCallbackGet = endpoint(
  contract.authCallback,
  async ({ query, request, correlationId, log }) => {
    const flow = await cookies().read(SIGN_IN_COOKIE, request);
    const clearFlow = cookies().clear(SIGN_IN_COOKIE);
    if (query.error) {
      // The description is the identity provider's (or whoever crafted the link's) text: logged, never shown.
      log.warn('signin.refused-by-idp', { error: query.error, description: query.error_description });
      return signInFailedPage(query.error);
    }
    if (!flow || !query.code || !query.state || !sameSecret(query.state, flow.state)) {
      throw new AppError(
        'unauthenticated',
        'This sign-in response does not match a sign-in started here, or it took too long. Open your link again.',
      );
    }
    const identity = await signIn().complete({
      code: query.code,
      state: flow.state,
      nonce: flow.nonce,
      codeVerifier: flow.codeVerifier,
    });
    let pending: { partnerId: string; assignmentId: string } | undefined;
    if (flow.intent === 'activate' && flow.invitation) {
      await claimInvitation(activationDeps(), flow.invitation, identity, correlationId);
      pending = { partnerId: flow.invitation.partnerId, assignmentId: flow.invitation.assignmentId };
    }
    const session = await cookies().seal(SESSION_COOKIE, { identity, csrfToken: newCsrfToken(), pending });
    return redirect(pending ? '/api/profile' : '/api/benefits', 302, { cookies: [clearFlow, session] });
  },
  pageErrors,
);

export const signInGet = endpoint(
  contract.signIn,
  async ({ query }) => {
    const start = await signIn().start({ loginHint: query.login_hint });
    const cookie = await cookies().seal(SIGN_IN_COOKIE, {
      state: start.state,
      nonce: start.nonce,
      codeVerifier: start.codeVerifier,
      intent: 'signin',
    });
    return redirect(start.url, 302, { cookies: [cookie] });
  },
  pageErrors,
);

/** Sign-out is a form POST with the session's CSRF token, so no other site can sign a person out. */
export const signOutPost = endpoint(
  contract.signOut,
  async ({ request, body }) => {
    const session = await cookies().read(SESSION_COOKIE, request);
    if (session && !sameSecret(body.csrfToken ?? '', session.csrfToken))
      return formExpiredPage('/api/benefits');
    return {
      ...messagePage(200, 'Signed out', 'You are signed out of Visual Studio subscriptions.', {
        href: '/api/signin',
        label: 'Sign in again',
      }),
      cookies: [cookies().clear(SESSION_COOKIE)],
    };
  },
  pageErrors,
);

export const profileGetPage = endpoint(
  contract.profileGet,
  async ({ request }) => {
    const session = await cookies().read(SESSION_COOKIE, request);
    if (!session) return signInAgain();
    if (!session.pending) return redirect('/api/benefits', 303);
    const page = await profileFor(activationDeps(), session.pending, session.identity);
    if (page.assignment.status === 'active') return redirect('/api/benefits', 303);
    return profilePage(200, {
      partnerName: page.partnerName,
      benefitName: page.benefitName,
      csrfToken: session.csrfToken,
      values: page.prefill,
      errors: {},
    });
  },
  pageErrors,
);

const ProfileFields = z.object({
  firstName: z.string().trim().min(1, 'Enter your first name.').max(100, 'Use at most 100 characters.'),
  lastName: z.string().trim().min(1, 'Enter your last name.').max(100, 'Use at most 100 characters.'),
  contactEmail: z
    .string()
    .trim()
    .min(1, 'Enter the email address we can reach you at.')
    .max(254, 'Use at most 254 characters.')
    .pipe(z.email({ message: 'Enter an email address like name@example.com.' })),
});

export const profilePostPage = endpoint(
  contract.profilePost,
  async ({ request, body, correlationId }) => {
    const session = await cookies().read(SESSION_COOKIE, request);
    if (!session) return signInAgain();
    if (!sameSecret(body.csrfToken, session.csrfToken)) return formExpiredPage('/api/profile');
    if (!session.pending) return redirect('/api/benefits', 303);
    const parsed = ProfileFields.safeParse(body);
    if (!parsed.success) {
      const page = await profileFor(activationDeps(), session.pending, session.identity);
      const errors = Object.fromEntries(zodProblems(parsed.error).map((p) => [p.path, p.message]));
      return profilePage(400, {
        partnerName: page.partnerName,
        benefitName: page.benefitName,
        csrfToken: session.csrfToken,
        values: { firstName: body.firstName, lastName: body.lastName, contactEmail: body.contactEmail },
        errors,
      });
    }
    await activateSubscription(
      activationDeps(),
      session.pending,
      session.identity,
      parsed.data,
      correlationId,
    );
    const { pending: _done, ...rest } = session;
    return redirect('/api/benefits', 303, { cookies: [await cookies().seal(SESSION_COOKIE, rest)] });
  },
  pageErrors,
);

export const benefitsGet = endpoint(
  contract.benefits,
  async ({ request }) => {
    const session = await cookies().read(SESSION_COOKIE, request);
    if (!session) return signInAgain();
    const subscriptions = await subscriptionsOf(activationDeps(), session.identity);
    const { identity } = session;
    return benefitsPage(
      { name: identity.name ?? identity.email ?? 'you', email: identity.email ?? '' },
      subscriptions,
      session.csrfToken,
    );
  },
  pageErrors,
);

export const meSubscriptionsGet = endpoint(contract.meSubscriptions, async ({ principal }) => {
  const items = await subscriptionsOf(activationDeps(), principal);
  return ok({ items });
});

app.http(contract.activate.name, activateGet);
app.http(contract.authCallback.name, authCallbackGet);
app.http(contract.signIn.name, signInGet);
app.http(contract.signOut.name, signOutPost);
app.http(contract.profileGet.name, profileGetPage);
app.http(contract.profilePost.name, profilePostPage);
app.http(contract.benefits.name, benefitsGet);
app.http(contract.meSubscriptions.name, meSubscriptionsGet);
