import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Invitation links carry a token derived from the invitation itself: an HMAC-SHA256 of
 * `partnerId:assignmentId:version` under a secret from configuration. Nothing secret is ever stored or
 * queued: the assignment keeps only the SHA-256 hash of its current token (to check a link in constant
 * time), and the email dispatcher recomputes the token when it renders the email. A resend bumps the
 * version, so the previous link stops matching.
 */
export interface InvitationTokens {
  tokenFor(invitation: InvitationTokenInput): string;
}

export interface InvitationTokenInput {
  partnerId: string;
  assignmentId: string;
  version: number;
}

export function hmacInvitationTokens(secret: string): InvitationTokens {
  return {
    tokenFor: ({ partnerId, assignmentId, version }) =>
      createHmac('sha256', secret).update(`${partnerId}:${assignmentId}:${version}`).digest('base64url'),
  };
}

export const hashToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('base64url');

/** Compares in constant time, so the time taken says nothing about how much of a guess was right. */
export function tokenMatches(storedHash: string, token: string): boolean {
  const expected = Buffer.from(storedHash, 'base64url');
  const actual = Buffer.from(hashToken(token), 'base64url');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A UUID derived from a name, so the same email always gets the same Communication Services operation id. */
export function deterministicUuid(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5 (name-based, SHA)
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
