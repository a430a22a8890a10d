/** The emails this service sends: HTML and plain text, every value from a user escaped. */
import escapeHtml from 'escape-html';

export interface RenderedEmail {
  subject: string;
  html: string;
  plainText: string;
}

/** Subjects are one line: a name with a line break must not start a new header or paragraph. */
const oneLine = (value: string) => value.replace(/[\r\n\t]+/g, ' ').trim();

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:Segoe UI,Arial,sans-serif;line-height:1.5;color:#1b1b1b">${body}</body></html>`;
}

export function renderInvitation(input: {
  partnerName: string;
  benefitName: string;
  firstName: string;
  activationUrl: string;
  expiresAt: string;
}): RenderedEmail {
  const partner = oneLine(input.partnerName);
  const subject = `${partner} has given you a ${input.benefitName} subscription`;
  const expires = input.expiresAt.slice(0, 10);
  const html = page(
    subject,
    `<p>Hello ${escapeHtml(input.firstName)},</p>
<p>${escapeHtml(partner)} has assigned you a <strong>${escapeHtml(input.benefitName)}</strong> subscription.</p>
<p><a href="${escapeHtml(input.activationUrl)}">Activate your subscription</a></p>
<p>Sign in with your work account at ${escapeHtml(partner)}. This link works once and expires on ${escapeHtml(expires)}.</p>
<p>If the button does not work, copy this address into your browser:<br>${escapeHtml(input.activationUrl)}</p>`,
  );
  const plainText = [
    `Hello ${input.firstName},`,
    '',
    `${partner} has assigned you a ${input.benefitName} subscription.`,
    '',
    `Activate it here: ${input.activationUrl}`,
    '',
    `Sign in with your work account at ${partner}. This link works once and expires on ${expires}.`,
  ].join('\n');
  return { subject, html, plainText };
}

export function renderRevocation(input: {
  partnerName: string;
  benefitName: string;
  firstName: string;
}): RenderedEmail {
  const partner = oneLine(input.partnerName);
  const subject = `Your ${input.benefitName} subscription from ${partner} has ended`;
  const html = page(
    subject,
    `<p>Hello ${escapeHtml(input.firstName)},</p>
<p>${escapeHtml(partner)} has ended your <strong>${escapeHtml(input.benefitName)}</strong> subscription. Any pending invitation link no longer works.</p>
<p>If you think this is a mistake, contact your Program Administrator at ${escapeHtml(partner)}.</p>`,
  );
  const plainText = [
    `Hello ${input.firstName},`,
    '',
    `${partner} has ended your ${input.benefitName} subscription. Any pending invitation link no longer works.`,
    '',
    `If you think this is a mistake, contact your Program Administrator at ${partner}.`,
  ].join('\n');
  return { subject, html, plainText };
}
