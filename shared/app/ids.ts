import { createHash, randomUUID } from 'node:crypto';

/**
 * A person's id is derived from the partner and the lower-cased email, so two racing associations of
 * one email collide on the same document id and the store keeps exactly one.
 */
export function personIdFor(partnerId: string, email: string): string {
  const digest = createHash('sha256').update(`${partnerId}\n${email.trim().toLowerCase()}`).digest('hex');
  return `p-${digest.slice(0, 24)}`;
}

export const newId = (): string => randomUUID();

/** A strong ETag for a representation assembled from several stored versions. */
export function compositeEtag(...parts: unknown[]): string {
  return `"${createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 27)}"`;
}
