import escape from 'escape-html';
import { normalizeTenantId } from './users.js';

/** A tenant id to show as an example on the sign-in page. */
const EXAMPLE_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export const ENTER_EMAIL = 'Enter an e-mail address such as ada.lovelace@contoso.com.';

/** Values on these pages come from requests and from oidc-provider (which may leave them out). */
const escapeHtml = (value: unknown) => escape(String(value ?? ''));

const PAGE_STYLE =
  'body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#222}' +
  'h1{font-size:1.3rem}label{display:block;margin:.8rem 0}' +
  'input[type=email],input[type=text]{width:100%;padding:.4rem;font-size:1rem;box-sizing:border-box}' +
  'button{padding:.5rem 1rem;font-size:1rem}.error{color:#b00020}.note{color:#666;font-size:.85rem}';

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head>
<body>
${body}
</body>
</html>
`;
}

export interface SignInPageOptions {
  /** Where the form posts. */
  action: string;
  /** Hidden form fields (the front door carries the authorization request along). */
  hidden?: Record<string, string>;
  client: string;
  email: string;
  tenant: string;
  operator: boolean;
  /** What an empty or another tenant field means on this page. */
  tenantNote: string;
  error?: string;
}

export function signInPage(options: SignInPageOptions): string {
  const hidden = Object.entries(options.hidden ?? {})
    .map(
      ([name, value]) => `  <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">\n`,
    )
    .join('');
  return page(
    'Sign in (local dev IdP)',
    `<h1>Sign in to ${escapeHtml(options.client)}</h1>
<p class="note">Local development identity provider: any e-mail address signs in, no password.</p>
${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
<form method="post" action="${escapeHtml(options.action)}" autocomplete="off">
${hidden}  <label>E-mail address
    <input type="email" name="email" required autofocus value="${escapeHtml(options.email)}">
  </label>
  <label>Tenant (GUID)
    <input type="text" name="tenant" value="${escapeHtml(options.tenant)}" placeholder="optional" spellcheck="false">
  </label>
  <p class="note">${escapeHtml(options.tenantNote)}</p>
  <label><input type="checkbox" name="operator" value="true"${options.operator ? ' checked' : ''}>
    sign in as platform operator (dev)</label>
  <button type="submit">Sign in</button>
</form>`,
  );
}

export function errorPage(message: string): string {
  return page(
    'Sign-in failed',
    `<h1>Sign-in failed</h1><p class="error">${escapeHtml(message)}</p>` +
      '<p>Start the sign-in again from the application.</p>',
  );
}

/** oidc-provider's error page: each field of its error output. */
export function providerErrorPage(out: Record<string, unknown>): string {
  return page(
    'Sign-in error',
    `<h1>Sign-in error</h1>${Object.entries(out)
      .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
      .join('')}`,
  );
}

export const logoutPage = (form: string) =>
  page(
    'Sign out (local dev IdP)',
    `<h1>Sign out?</h1>${form}` +
      '<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button> ' +
      '<button type="submit" form="op.logoutForm">Stay signed in</button>',
  );

export const signedOutPage = () => page('Signed out', '<h1>Signed out</h1><p>You can close this window.</p>');

/** The tenant field of a sign-in form: empty, a tenant id, or a mistake to explain. */
export function tenantField(form: URLSearchParams): { tenantId?: string; error?: string } {
  const typed = (form.get('tenant') ?? '').trim();
  if (!typed) return {};
  const tenantId = normalizeTenantId(typed);
  if (tenantId) return { tenantId };
  return {
    error: `"${typed}" is not a tenant id. A tenant id is a GUID such as ${EXAMPLE_TENANT_ID}; leave the field empty to sign in to the tenant that owns the e-mail's domain.`,
  };
}

export const isChecked = (value: string | null) => value === 'true' || value === 'on';
