/** HTML pages of the local inbox. Every value that came from a sender is escaped. */
import escapeHtml from 'escape-html';

export interface StoredEmail {
  id: string;
  operationId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  html: string | null;
  plainText: string | null;
  attachments: { name: string; contentType: string }[];
  receivedAt: string;
}

const STYLE = `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
  th { background: #f4f4f4; }
  .muted { color: #777; }
  code { background: #f4f4f4; padding: 0 .2rem; }
`;

/** GET / — messages newest first (the caller passes them in that order). */
export function renderInbox(messages: StoredEmail[]): string {
  const rows = messages
    .map((m) => {
      const id = encodeURIComponent(m.id);
      const to = [...m.to, ...m.cc.map((a) => `cc ${a}`), ...m.bcc.map((a) => `bcc ${a}`)];
      return `<tr>
  <td class="muted">${escapeHtml(m.receivedAt)}</td>
  <td>${escapeHtml(m.from)}</td>
  <td>${to.map((address) => escapeHtml(address)).join('<br>')}</td>
  <td><a href="/messages/${id}/html">${escapeHtml(m.subject || '(no subject)')}</a></td>
  <td class="muted"><a href="/messages/${id}">json</a></td>
</tr>`;
    })
    .join('\n');
  const body =
    messages.length === 0
      ? '<p class="muted">No messages yet. Anything sent through the local ACS Email endpoint shows up here.</p>'
      : `<table>
<thead><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th><th></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<title>Local inbox (${messages.length})</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Local inbox <span class="muted">(${messages.length})</span></h1>
<p class="muted">Dev-only stand-in for Azure Communication Services Email. JSON: <code>GET /messages?to=</code>, clear: <code>DELETE /messages</code>. Refreshes every 5 s.</p>
${body}
</body>
</html>`;
}

/**
 * GET /messages/{id}/html — the email's own HTML (or its plain text in a <pre>). The server sends it
 * with a `Content-Security-Policy: sandbox ...` header, so the email's scripts never run, while links
 * (an activation link, say) still work.
 */
export function renderMessageBody(message: StoredEmail): string {
  if (message.html !== null) return message.html;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(message.subject)}</title></head>
<body><pre style="white-space: pre-wrap; font: 14px/1.4 monospace">${escapeHtml(message.plainText ?? '')}</pre></body></html>`;
}

/** Sandbox without allow-scripts / allow-same-origin: no script, an opaque origin; links and popups allowed. */
export const MESSAGE_BODY_CSP =
  "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";
