import { HttpError } from './errors.js';
import type { StoredEmail } from './inbox.js';

/** ACS allows at most 50 recipients (to + cc + bcc) per message. */
const MAX_RECIPIENTS = 50;
const EMAIL_ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$|^[^\s@<>(),;:"]+@localhost$/i;

export type ValidatedEmail = Omit<StoredEmail, 'id' | 'operationId' | 'receivedAt'>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const badRequest = (message: string, target?: string) => new HttpError(400, 'BadRequest', message, target);

function addressList(value: unknown, target: string, required: boolean): string[] {
  if (value === undefined || value === null) {
    if (required) throw badRequest(`${target} is required.`, target);
    return [];
  }
  if (!Array.isArray(value)) throw badRequest(`${target} must be an array.`, target);
  if (required && value.length === 0) {
    throw badRequest(`${target} must contain at least one recipient.`, target);
  }
  return value.map((entry, i) => {
    const address = isRecord(entry) ? entry.address : undefined;
    if (typeof address !== 'string' || address.trim() === '') {
      throw badRequest(`${target}[${i}].address is required.`, `${target}[${i}].address`);
    }
    if (!EMAIL_ADDRESS.test(address.trim())) {
      throw new HttpError(
        400,
        'InvalidEmailAddress',
        `${target}[${i}].address "${address}" is not a valid email address.`,
        `${target}[${i}].address`,
      );
    }
    return address.trim();
  });
}

function sender(senderAddress: unknown): string {
  if (typeof senderAddress !== 'string' || senderAddress.trim() === '') {
    throw badRequest('senderAddress is required.', 'senderAddress');
  }
  if (!EMAIL_ADDRESS.test(senderAddress.trim())) {
    throw new HttpError(
      400,
      'InvalidSenderAddress',
      `senderAddress "${senderAddress}" is not a valid email address.`,
      'senderAddress',
    );
  }
  return senderAddress.trim();
}

function recipientsOf(recipients: unknown): Pick<ValidatedEmail, 'to' | 'cc' | 'bcc'> {
  if (!isRecord(recipients)) throw badRequest('recipients is required.', 'recipients');
  const to = addressList(recipients.to, 'recipients.to', true);
  const cc = addressList(recipients.cc, 'recipients.cc', false);
  const bcc = addressList(recipients.bcc, 'recipients.bcc', false);
  if (to.length + cc.length + bcc.length > MAX_RECIPIENTS) {
    throw badRequest(
      `A message may have at most ${MAX_RECIPIENTS} recipients (to + cc + bcc).`,
      'recipients',
    );
  }
  return { to, cc, bcc };
}

function contentOf(content: unknown): Pick<ValidatedEmail, 'subject' | 'html' | 'plainText'> {
  if (!isRecord(content)) throw badRequest('content is required.', 'content');
  const { subject, html, plainText } = content;
  if (typeof subject !== 'string' || subject.trim() === '') {
    throw badRequest('content.subject is required.', 'content.subject');
  }
  for (const [name, value] of [
    ['html', html],
    ['plainText', plainText],
  ] as const) {
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw badRequest(`content.${name} must be a string.`, `content.${name}`);
    }
  }
  const htmlText = typeof html === 'string' && html !== '' ? html : null;
  const plain = typeof plainText === 'string' && plainText !== '' ? plainText : null;
  if (htmlText === null && plain === null) {
    throw badRequest('content.html or content.plainText is required.', 'content');
  }
  return { subject, html: htmlText, plainText: plain };
}

function attachmentsOf(attachments: unknown): ValidatedEmail['attachments'] {
  if (attachments === undefined || attachments === null) return [];
  if (!Array.isArray(attachments)) throw badRequest('attachments must be an array.', 'attachments');
  return attachments.map((a: unknown, i) => {
    if (
      !isRecord(a) ||
      typeof a.name !== 'string' ||
      typeof a.contentType !== 'string' ||
      typeof a.contentInBase64 !== 'string'
    ) {
      throw badRequest(`attachments[${i}] needs name, contentType and contentInBase64.`, `attachments[${i}]`);
    }
    return { name: a.name, contentType: a.contentType };
  });
}

/** Roughly the validation ACS does on a send body (field names as the SDK serializes them). */
export function validateMessage(body: unknown): ValidatedEmail {
  if (!isRecord(body)) throw badRequest('The request body must be a JSON object.');
  const from = sender(body.senderAddress);
  const recipients = recipientsOf(body.recipients);
  const content = contentOf(body.content);
  const attachments = attachmentsOf(body.attachments);
  return {
    from,
    ...recipients,
    replyTo: addressList(body.replyTo, 'replyTo', false),
    ...content,
    attachments,
  };
}
