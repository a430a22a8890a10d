import type { ErrorCode, Problem } from './api/client.js';
import { formatDate } from './dom.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const count = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

const BENEFITS: Record<string, string> = {
  'vs-enterprise': 'Visual Studio Enterprise',
  'vs-professional': 'Visual Studio Professional',
};
const SLOT_NAMES: Record<string, string> = { first: 'First', second: 'Second', third: 'Third' };
const slotName = (value: unknown) => SLOT_NAMES[text(value) ?? ''];
const benefitName = (p: Problem) =>
  BENEFITS[text(p['benefit']) ?? ''] ?? text(p['benefit']) ?? 'this benefit';

/**
 * Every stable error code as a plain sentence a Program Administrator can act on. A Record over the
 * generated code union: a new code in the contract does not build until it has its sentence here.
 */
const SENTENCES: Record<ErrorCode, (p: Problem) => string> = {
  'validation-failed': (p) =>
    p.errors?.length
      ? `Some fields need attention: ${p.errors.map((e) => `${e.path || 'input'}: ${e.message}`).join('; ')}.`
      : p.detail,
  unauthenticated: () => 'Your sign-in has expired. Sign in again to continue.',
  forbidden: () =>
    'Your account may not do this. Platform operators and Program Administrators have different rights.',
  'not-found': () => 'Not found: it may have been removed, or it belongs to a partner you do not administer.',
  'method-not-allowed': (p) => p.detail,
  'already-exists': (p) => `That already exists. ${p.detail}`,
  'person-in-use': (p) =>
    p['lastAdministrator']
      ? 'This person is the only Program Administrator. Make someone else an administrator first.'
      : `This person still holds something live. ${p.detail}`,
  'role-in-use': (p) => {
    const slot = slotName(p['technicalContact']);
    return `The ${slot ? `${slot} ` : ''}Technical Contact slot backs a live subscription, so it cannot be freed. Revoke the subscription first.`;
  },
  'slot-taken': (p) => {
    const slot = slotName(p['slot']);
    const holder = text(p['holderName']);
    return `The ${slot ? `${slot} ` : ''}Technical Contact slot is already held by ${holder ?? 'someone else'}. Free it first.`;
  },
  'already-assigned': (p) =>
    text(p['status'])
      ? `Only a pending invitation can be sent again; this subscription is ${text(p['status'])}.`
      : 'This person already holds that subscription.',
  'no-seats-available': (p) => {
    const seats = count(p['seats']);
    const inUse = count(p['inUse']) ?? seats;
    const frees = text(p['coolingSeatFreesAt']);
    return (
      `No ${benefitName(p)} seat is free: ${inUse ?? 'all'} of ${seats ?? 'the'} seats are in use. ` +
      (frees
        ? `A released seat comes back on ${formatDate(frees)}; or revoke a subscription to free one now.`
        : 'Revoke a subscription to free one, or ask for more seats.')
    );
  },
  'seat-in-cooldown': (p) =>
    `The free ${benefitName(p)} seats were released less than 90 days ago by other people; the first frees on ${formatDate(text(p['freesAt']))}.`,
  'precondition-failed': () =>
    'Someone changed this in the meantime. Reload to see the latest version, then try again.',
  'payload-too-large': (p) => `That is too large. ${p.detail}`,
  'unsupported-media-type': () => 'That file type is not accepted. Upload a CSV file.',
  'email-domain-not-verified': (p) => {
    const domains = Array.isArray(p['verifiedDomains']) ? (p['verifiedDomains'] as string[]).join(', ') : '';
    return `The email address must be in one of the partner's verified domains${domains ? ` (${domains})` : ''}.`;
  },
  'technical-contact-required': () =>
    'An Action Pack subscription goes only to a First, Second or Third Technical Contact. Give the person a slot first.',
  'privilege-not-in-program': (p) =>
    `This partner's program grants ${text(p['privilege']) ?? 'another privilege'}, not the one chosen.`,
  'entitlement-inactive': (p) => `The partner has no ${benefitName(p)} entitlement in force today.`,
  'idempotency-key-reused': () => 'This request was already sent with other content. Reload and try again.',
  'invitation-invalid': () => 'This invitation link is no longer valid.',
  'rate-limited': () => 'Too many requests just now. Wait a moment and try again.',
  'dependency-unavailable': () =>
    'The service cannot be reached right now. Nothing was changed; try again shortly.',
  internal: (p) =>
    `Something went wrong on our side. Nothing you typed is lost; try again.${p.traceId ? ` (Reference ${p.traceId})` : ''}`,
};

/** The sentence for a problem, from its stable code (never from its free-text detail alone). */
export function sentenceFor(problem: Problem): string {
  const sentence = SENTENCES[problem.code];
  return sentence ? sentence(problem) : problem.detail;
}
