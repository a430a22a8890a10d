import type { HttpResponseInit } from '@azure/functions';
import escapeHtml from 'escape-html';
import type { SubscriptionSummary } from '../app/activation.js';
import { html } from './responses.js';

/** Server-rendered pages for subscribers: plain, accessible HTML; every value escaped. */
const STYLE = `
  body{font-family:"Segoe UI",system-ui,sans-serif;margin:0;background:#f5f5f5;color:#1b1b1b;line-height:1.5}
  main{max-width:36rem;margin:3rem auto;background:#fff;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 1px 4px #0002}
  h1{font-size:1.5rem;margin-top:0}
  label{display:block;font-weight:600;margin-top:1.25rem}
  input{display:block;width:100%;box-sizing:border-box;font:inherit;padding:.5rem;margin-top:.25rem;border:1px solid #767676;border-radius:4px}
  input[aria-invalid=true]{border-color:#a80000}
  .field-error{color:#a80000;margin:.25rem 0 0}
  .summary{border:2px solid #a80000;padding:.75rem 1rem;border-radius:4px}
  button,.button{display:inline-block;margin-top:1.5rem;font:inherit;font-weight:600;background:#0f6cbd;color:#fff;border:0;padding:.6rem 1.4rem;border-radius:4px;text-decoration:none;cursor:pointer}
  ul.subs{list-style:none;padding:0} ul.subs>li{border:1px solid #ddd;border-radius:6px;padding:1rem;margin:1rem 0}
  .muted{color:#555}
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Visual Studio subscriptions</title><style>${STYLE}</style></head>
<body><main>${body}</main></body>
</html>`;
}

export function messagePage(
  status: number,
  title: string,
  message: string,
  action?: { href: string; label: string },
  headers: Record<string, string> = {},
): HttpResponseInit {
  const link = action
    ? `<p><a class="button" href="${escapeHtml(action.href)}">${escapeHtml(action.label)}</a></p>`
    : '';
  return html(
    status,
    layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${link}`),
    headers,
  );
}

export interface ProfileForm {
  partnerName: string;
  benefitName: string;
  csrfToken: string;
  values: { firstName: string; lastName: string; contactEmail: string };
  errors: Partial<Record<'firstName' | 'lastName' | 'contactEmail', string>>;
}

function field(
  name: 'firstName' | 'lastName' | 'contactEmail',
  label: string,
  autocomplete: string,
  type: string,
  form: ProfileForm,
): string {
  const error = form.errors[name];
  const errorId = `${name}-error`;
  return `<label for="${name}">${escapeHtml(label)}</label>
<input id="${name}" name="${name}" type="${type}" autocomplete="${autocomplete}" required maxlength="${name === 'contactEmail' ? 254 : 100}"
 value="${escapeHtml(form.values[name])}"${error ? ` aria-invalid="true" aria-describedby="${errorId}"` : ''}>
${error ? `<p class="field-error" id="${errorId}">${escapeHtml(error)}</p>` : ''}`;
}

export function profilePage(status: number, form: ProfileForm): HttpResponseInit {
  const errorCount = Object.values(form.errors).filter(Boolean).length;
  const summary = errorCount
    ? `<div class="summary" role="alert"><p>Please correct ${errorCount === 1 ? 'the field' : `the ${errorCount} fields`} below.</p></div>`
    : '';
  const body = `<h1>Your profile</h1>
<p>${escapeHtml(form.partnerName)} has given you a <strong>${escapeHtml(form.benefitName)}</strong> subscription.
Check your details to finish activating it.</p>
${summary}
<form method="post" action="/api/profile" novalidate>
<input type="hidden" name="csrfToken" value="${escapeHtml(form.csrfToken)}">
${field('firstName', 'First Name', 'given-name', 'text', form)}
${field('lastName', 'Last Name', 'family-name', 'text', form)}
${field('contactEmail', 'Contact Email', 'email', 'email', form)}
<button type="submit">Activate my subscription</button>
</form>`;
  return html(status, layout('Your profile', body), { 'cache-control': 'no-store' });
}

export function benefitsPage(
  who: { name: string; email: string },
  subscriptions: SubscriptionSummary[],
  csrfToken: string,
): HttpResponseInit {
  const items = subscriptions
    .map(
      (s) => `<li><h2>${escapeHtml(s.level)}</h2>
<p>From <strong>${escapeHtml(s.partnerName)}</strong> · ${
        s.status === 'active' && s.since
          ? `active since <time datetime="${escapeHtml(s.since)}">${escapeHtml(s.since.slice(0, 10))}</time>`
          : 'invitation pending: finish it from your email'
      }</p>
<ul>${s.includes.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul></li>`,
    )
    .join('');
  const body = `<h1>Sign-in complete</h1>
<p>Signed in as ${escapeHtml(who.name)} (${escapeHtml(who.email)}).</p>
${subscriptions.length ? `<ul class="subs">${items}</ul>` : '<p class="muted">You have no Visual Studio subscriptions yet.</p>'}
<form method="post" action="/api/signout">
<input type="hidden" name="csrfToken" value="${escapeHtml(csrfToken)}">
<button type="submit">Sign out</button>
</form>`;
  return html(200, layout('Your subscriptions', body), { 'cache-control': 'no-store' });
}
