import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  deterministicUuid,
  hashToken,
  hmacInvitationTokens,
  tokenMatches,
} from '../../../shared/app/tokens.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('hmacInvitationTokens', () => {
  const tokens = hmacInvitationTokens('a-test-invitation-secret-of-some-length-0123');
  const invitation = { partnerId: 'contoso', assignmentId: 'a-1', version: 1 };

  it('gives an HMAC-SHA256 as unpadded base64url (43 characters), the same each time for one invitation', () => {
    const token = tokens.tokenFor(invitation);
    expect(token).toHaveLength(43);
    expect(token).toMatch(BASE64URL);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(tokens.tokenFor({ ...invitation })).toBe(token);
  });

  it('differs per partner, assignment and version, so a resend (a new version) makes a new link', () => {
    const base = tokens.tokenFor(invitation);
    expect(tokens.tokenFor({ ...invitation, version: 2 })).not.toBe(base);
    expect(tokens.tokenFor({ ...invitation, assignmentId: 'a-2' })).not.toBe(base);
    expect(tokens.tokenFor({ ...invitation, partnerId: 'fabrikam' })).not.toBe(base);
    const many = Array.from({ length: 200 }, (_, version) => tokens.tokenFor({ ...invitation, version }));
    expect(new Set(many).size).toBe(200);
  });

  it('cannot be made without the secret: another secret gives another token', () => {
    const other = hmacInvitationTokens('another-test-invitation-secret-0123456789ab');
    expect(other.tokenFor(invitation)).not.toBe(tokens.tokenFor(invitation));
  });

  it('stores as the SHA-256 of the token, never the token itself', () => {
    const token = tokens.tokenFor(invitation);
    const hash = hashToken(token);
    expect(hash).not.toBe(token);
    expect(hash).toBe(createHash('sha256').update(token, 'utf8').digest('base64url'));
  });
});

describe('tokenMatches', () => {
  const tokens = hmacInvitationTokens('a-test-invitation-secret-of-some-length-0123');
  const token = tokens.tokenFor({ partnerId: 'contoso', assignmentId: 'a-1', version: 1 });
  const hash = hashToken(token);

  it('accepts the token the hash was made from', () => {
    expect(tokenMatches(hash, token)).toBe(true);
  });

  it('refuses another token', () => {
    expect(
      tokenMatches(hash, tokens.tokenFor({ partnerId: 'contoso', assignmentId: 'a-1', version: 2 })),
    ).toBe(false);
  });

  it('refuses the token with one character changed', () => {
    const changed = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(tokenMatches(hash, changed)).toBe(false);
  });

  it('refuses an empty token', () => {
    expect(tokenMatches(hash, '')).toBe(false);
  });

  it('refuses garbage without throwing', () => {
    expect(tokenMatches(hash, '%%% not a token \u0000 <script>')).toBe(false);
    expect(tokenMatches(hash, 'x'.repeat(10_000))).toBe(false);
  });

  it('refuses the hash itself presented as the token', () => {
    expect(tokenMatches(hash, hash)).toBe(false);
  });

  it('refuses anything against an empty or garbage stored hash without throwing', () => {
    expect(tokenMatches('', token)).toBe(false);
    expect(tokenMatches('', '')).toBe(false);
    expect(tokenMatches('!!garbage!!', token)).toBe(false);
  });
});

describe('deterministicUuid', () => {
  it('is an RFC 4122 UUID string of version 5 with the RFC variant bits', () => {
    for (const name of ['email:contoso:a-1:1', '', 'ü', 'x'.repeat(1000)]) {
      const uuid = deterministicUuid(name);
      expect(uuid).toMatch(UUID_V5);
      const bytes = Buffer.from(uuid.replaceAll('-', ''), 'hex');
      expect(bytes).toHaveLength(16);
      expect(bytes[6]! >> 4).toBe(5);
      expect(bytes[8]! >> 6).toBe(0b10);
    }
  });

  it('is the same for the same name', () => {
    expect(deterministicUuid('email:contoso:a-1:1')).toBe(deterministicUuid('email:contoso:a-1:1'));
  });

  it('differs for different names', () => {
    const names = Array.from({ length: 500 }, (_, i) => `email:contoso:a-1:${i}`);
    expect(new Set(names.map(deterministicUuid)).size).toBe(500);
    expect(deterministicUuid('a')).not.toBe(deterministicUuid('A'));
  });
});
