import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InteractionModel, Provider } from 'oidc-provider';
import { readForm, redirect, sendHtml } from '../local-stack/http.js';
import { OPERATOR_AMR } from './accounts.js';
import { DEV_OPERATOR_PARAM, DEV_TENANT_PARAM } from './clients.js';
import type { IdpContext } from './context.js';
import { ENTER_EMAIL, isChecked, signInPage, tenantField, type SignInPageOptions } from './pages.js';
import type { Tenant } from './tenants.js';
import { normalizeEmail, subjectFor } from './users.js';

/** One sign-in attempt at a tenant's /interaction/<uid> page, as oidc-provider describes it. */
interface Attempt {
  readonly ctx: IdpContext;
  readonly tenant: Tenant;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly details: InteractionModel;
  /** The tenant's sign-in page, for this attempt. */
  page(fields: Pick<SignInPageOptions, 'email' | 'tenant' | 'operator'> & { error?: string }): string;
}

/** A tenant's interaction (sign-in and consent) pages: /<tenant>/v2.0/interaction/<uid>[/login]. */
export async function handleInteraction(
  ctx: IdpContext,
  tenant: Tenant,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  isLoginPost: boolean,
): Promise<void> {
  const { provider } = tenant;
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('this sign-in page belongs to another sign-in attempt');
  const attempt: Attempt = {
    ctx,
    tenant,
    req,
    res,
    details,
    page: (fields) =>
      signInPage({
        action: `${tenant.prefix}/interaction/${encodeURIComponent(uid)}/login`,
        client: String(details.params.client_id ?? ''),
        tenantNote: `You are signing in to tenant ${tenant.id}; another tenant id moves the sign-in there.`,
        ...fields,
      }),
  };
  if (details.prompt.name === 'login') {
    await (isLoginPost ? loginPosted(attempt) : loginPrompt(attempt));
    return;
  }
  if (details.prompt.name === 'consent') {
    await finishConsent(provider, req, res, details);
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { error: 'interaction_required', error_description: `unsupported prompt ${details.prompt.name}` },
    { mergeWithLastSubmission: false },
  );
}

/** The sign-in form posted: this tenant signs the user in, or the request moves to the tenant typed. */
async function loginPosted(attempt: Attempt): Promise<void> {
  const { req, res, tenant, details } = attempt;
  if (req.method !== 'POST') throw new Error('expected a form submission');
  const form = await readForm(req, 16 * 1024);
  const email = normalizeEmail(form.get('email'));
  const operator = isChecked(form.get('operator'));
  const chosen = tenantField(form);
  const error = !email ? ENTER_EMAIL : chosen.error;
  if (!email || error) {
    const fields = { email: form.get('email') ?? '', tenant: form.get('tenant') ?? '', operator };
    sendHtml(res, 400, attempt.page({ ...fields, ...(error ? { error } : {}) }));
    return;
  }
  if (chosen.tenantId && chosen.tenantId !== tenant.id) {
    // Another tenant: start the same authorization request over there, for this user.
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(details.params)) {
      if (typeof value === 'string') params.set(name, value);
    }
    params.set('login_hint', email);
    params.set(DEV_OPERATOR_PARAM, String(operator));
    params.set(DEV_TENANT_PARAM, chosen.tenantId);
    redirect(res, 303, `${attempt.ctx.issuerFor(chosen.tenantId)}/auth?${params.toString()}`);
    return;
  }
  await finishLogin(attempt, email, operator);
}

/** A login prompt: a usable login_hint signs in at once; otherwise the sign-in page. */
async function loginPrompt(attempt: Attempt): Promise<void> {
  const { details, tenant } = attempt;
  const operator = details.params[DEV_OPERATOR_PARAM] === 'true';
  const hint = details.params.login_hint;
  const email = normalizeEmail(hint);
  if (email) {
    await finishLogin(attempt, email, operator);
    return;
  }
  const page = attempt.page({
    email: typeof hint === 'string' ? hint : '',
    tenant: tenant.id,
    operator,
    ...(hint !== undefined ? { error: `login_hint "${String(hint)}" is not an e-mail address.` } : {}),
  });
  sendHtml(attempt.res, 200, page);
}

async function finishLogin(attempt: Attempt, email: string, operator: boolean): Promise<void> {
  const { tenant, req, res } = attempt;
  const accountId = subjectFor(tenant.id, email);
  tenant.accounts.set(accountId, email);
  attempt.ctx.log(
    `signed in ${email} to tenant ${tenant.id}${operator ? ' asking for the operator role' : ''}`,
  );
  await tenant.provider.interactionFinished(
    req,
    res,
    { login: { accountId, amr: operator ? ['dev', OPERATOR_AMR] : ['dev'], remember: true } },
    { mergeWithLastSubmission: false },
  );
}

/** Development only: every client gets whatever it asked for, without a consent screen. */
async function finishConsent(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionModel,
): Promise<void> {
  const accountId = details.session?.accountId;
  const clientId = String(details.params.client_id ?? '');
  if (!accountId) throw new Error('no signed-in user for this consent');
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
  if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}
