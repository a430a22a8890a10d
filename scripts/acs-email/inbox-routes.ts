import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendHtml, sendJson } from '../local-stack/http.js';
import { HttpError } from './errors.js';
import { MESSAGE_BODY_CSP, renderInbox, renderMessageBody, type StoredEmail } from './inbox.js';
import type { EmailState, RouteResult } from './state.js';

const INBOX_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'";

/** JSON shape of GET /messages entries: `to` is the first recipient, `recipients` all of `to`. */
function messageView(m: StoredEmail) {
  return {
    id: m.id,
    operationId: m.operationId,
    from: m.from,
    to: m.to[0] ?? '',
    recipients: m.to,
    cc: m.cc,
    bcc: m.bcc,
    replyTo: m.replyTo,
    subject: m.subject,
    html: m.html,
    plainText: m.plainText,
    attachments: m.attachments,
    receivedAt: m.receivedAt,
  };
}

const newestFirst = (state: EmailState): StoredEmail[] => [...state.messages].reverse();

/** GET / (the page people read). */
export function handleInboxPage(state: EmailState, res: ServerResponse): RouteResult {
  sendHtml(res, 200, renderInbox(newestFirst(state)), { 'content-security-policy': INBOX_CSP });
  return undefined;
}

/** /messages: GET lists newest first (`?to=` filters, case-insensitively), DELETE empties the inbox. */
export function handleMessages(
  state: EmailState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): RouteResult {
  if (req.method === 'GET') {
    const to = url.searchParams.get('to')?.trim().toLowerCase();
    const list = newestFirst(state).filter(
      (m) => !to || [...m.to, ...m.cc, ...m.bcc].some((address) => address.toLowerCase() === to),
    );
    sendJson(res, 200, list.map(messageView));
    return undefined;
  }
  if (req.method === 'DELETE') {
    const count = state.messages.length;
    state.messages.length = 0;
    res.writeHead(204).end();
    return `cleared ${count} messages`;
  }
  throw new HttpError(405, 'MethodNotAllowed', 'Use GET or DELETE on /messages.');
}

/** GET /messages/{id} as JSON, or GET /messages/{id}/html: the email itself, sandboxed. */
export function handleMessage(
  state: EmailState,
  res: ServerResponse,
  id: string,
  asHtml: boolean,
): RouteResult {
  const message = state.messages.find((m) => m.id === id);
  if (!message) throw new HttpError(404, 'NotFound', `Message ${id} was not found.`);
  if (asHtml) sendHtml(res, 200, renderMessageBody(message), { 'content-security-policy': MESSAGE_BODY_CSP });
  else sendJson(res, 200, messageView(message));
  return undefined;
}
